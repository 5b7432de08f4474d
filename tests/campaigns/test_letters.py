"""Sign-on letters: a 400-line pasted signatory list is previewed, matched and de-duplicated before saving."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.extensions import db
from casefiles.letters import services
from casefiles.letters.models import Letter, LetterSignatory
from casefiles.organizations import services as org_services
from casefiles.organizations.models import Organization, loose_key, organization_key

EXISTING = [
    "Association des étudiants musulmans de l’UdeM",
    "Syndicat des travailleuses et travailleurs – CHUM",
    "L'Église unie Saint-Pierre",
    "Centre culturel islamique de Québec",
]


def _paste() -> tuple[str, dict[str, int]]:
    """400 lines: new names, existing ones spelled differently, repeats and near-repeats, blanks."""
    lines: list[str] = []
    for n in range(360):
        lines.append(f"Comité de soutien n° {n} – Québec’s “voices”")
    lines += [
        "association des ÉTUDIANTS musulmans de l'UdeM",  # existing: case and apostrophe style differ
        "Syndicat des travailleuses et travailleurs - CHUM",  # existing: hyphen for the en dash
        "  L’Église   unie Saint-Pierre  ",  # existing: spacing and curly apostrophe
        "Comité de soutien n° 7 – Québec’s “voices”",  # repeats line 8 exactly
        "COMITÉ DE SOUTIEN N° 8 - QUÉBEC'S “VOICES”",  # repeats line 9 (case, dash and apostrophe)
        "Association des etudiants musulmans de l UdeM",  # looks like line 361 (accents, punctuation): a repeat
        "Centre culturel islamique de Quebec.",  # likely duplicate of an existing one (accent, full stop)
        "",
        "   ",
    ]
    while len(lines) < 400:
        lines.append(f"• Mosquée {len(lines)} — Laval")
    return "\n".join(lines), {"total": len(lines)}


def test_400_line_paste_is_previewed_then_saved_exactly_as_previewed(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    for name in EXISTING:
        org_services.create_organization(actor=staff, values={"name": name})
    letter = services.create_letter(actor=staff, values={"title": "Open letter", "addressee": "Minister of Justice"})
    db.session.commit()
    text, _ = _paste()
    assert len(text.splitlines()) == 400

    preview = services.preview_signatories(letter, text)
    by_name = {line.name: line for line in preview}
    status = services.LineStatus
    assert by_name["association des ÉTUDIANTS musulmans de l'UdeM"].status is status.EXISTING
    assert by_name["association des ÉTUDIANTS musulmans de l'UdeM"].organization.name == EXISTING[0]
    assert by_name["Syndicat des travailleuses et travailleurs - CHUM"].status is status.EXISTING
    assert by_name["L’Église unie Saint-Pierre"].status is status.EXISTING
    repeated = [line for line in preview if line.status is status.REPEATED]
    assert {line.same_as_line for line in repeated} == {8, 9, 361}
    likely = by_name["Centre culturel islamique de Quebec."]
    assert likely.status is status.LIKELY_DUPLICATE and likely.organization.name == EXISTING[3]
    assert by_name["Mosquée 399 — Laval"].status is status.NEW  # the bullet is dropped
    counts = services.preview_counts(preview)
    assert counts["repeated"] == 3 and counts["existing"] == 3 and counts["likely"] == 1
    assert db.session.scalar(select(func.count(Organization.id))) == 4  # the preview saved nothing
    assert db.session.scalar(select(func.count(LetterSignatory.id))) == 0

    result = services.add_signatories(letter, text, actor=staff)
    db.session.commit()
    new_names = counts["new"]
    assert result == {"added": counts["will_sign"], "created": new_names}
    letter = db.session.get(Letter, letter.id)
    signed = [s.organization.name for s in letter.signatories]
    assert len(signed) == len(set(signed)) == counts["will_sign"]
    # the likely duplicate signed as the existing organization; nobody signs twice
    assert EXISTING[3] in signed and signed.count(EXISTING[0]) == 1
    # names are stored exactly as written (curly apostrophes, accents, en dashes, guillemets)
    assert "Comité de soutien n° 0 – Québec’s “voices”" in signed
    keys = db.session.scalars(select(Organization.name_key)).all()
    assert len(keys) == len(set(keys))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "letter.sign")).one()
    assert entry.changes["signatories"] == [0, counts["will_sign"]]
    assert entry.changes["organizations_created"] == [None, new_names]

    # Pasting the same list again adds nobody.
    again = services.preview_signatories(letter, text)
    assert services.preview_counts(again)["will_sign"] == 0
    assert services.add_signatories(letter, text, actor=staff) == {"added": 0, "created": 0}


def test_a_likely_duplicate_can_be_kept_as_a_separate_organization(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    org_services.create_organization(actor=staff, values={"name": "Le Collectif Nord"})
    letter = services.create_letter(actor=staff, values={"title": "Letter"})
    preview = services.preview_signatories(letter, "Collectif-Nord")
    assert preview[0].status is services.LineStatus.LIKELY_DUPLICATE
    services.add_signatories(letter, "Collectif-Nord", actor=staff, separate={1})
    assert [s.organization.name for s in letter.signatories] == ["Collectif-Nord"]


def test_keys() -> None:
    assert organization_key("L’Église  unie – Nord") == organization_key("l'église unie-nord")
    assert organization_key("ＡＢＣ") == "abc"  # NFKC
    assert loose_key("Association des étudiants") == loose_key("association des etudiants")
    assert loose_key("The Union") == loose_key("Union")


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def test_paste_preview_confirm_csv_and_print_in_the_browser_flow(app: Any, client: Any, login: Any) -> None:
    staff = login("staff")
    org_services.create_organization(actor=staff, values={"name": EXISTING[0]})
    db.session.commit()
    response = client.post(
        "/staff/letters/new", data={"title": "Lettre ouverte", "addressee": "Ministre", "body_fr": "Nous demandons…"}
    )
    assert response.status_code == 302
    letter = db.session.scalars(select(Letter)).one()
    paste = "association des étudiants musulmans de l'UdeM\nMosquée de l’Est\nMosquée de l'Est\n"
    response = client.post(f"/staff/letters/{letter.id}/signatories/preview", data={"names": paste, "kind": "mosque"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Repeats line 2" in html and "New organization" in html
    assert db.session.scalar(select(func.count(LetterSignatory.id))) == 0
    response = client.post(f"/staff/letters/{letter.id}/signatories", data={"names": paste, "kind": "mosque"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.organization.name for s in db.session.get(Letter, letter.id).signatories] == [
        EXISTING[0],
        "Mosquée de l’Est",
    ]
    assert (
        db.session.scalars(select(Organization).where(Organization.name == "Mosquée de l’Est")).one().kind == "mosque"
    )

    exported = client.post(f"/staff/letters/{letter.id}/signatories.csv", data={"confirm": "1"})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert [r["organization"] for r in rows] == [EXISTING[0], "Mosquée de l’Est"]

    printed = client.get(f"/staff/letters/{letter.id}/print?lang=fr").get_data(as_text=True)
    assert "Nous demandons…" in printed and "Mosquée de l’Est" in printed
    assert 'style="' not in printed and "<script" not in printed


def test_volunteers_cannot_reach_letters(app: Any, client: Any, login: Any) -> None:
    login("volunteer")
    assert client.get("/staff/letters/").status_code == 403
    assert client.post("/staff/letters/new", data={"title": "x"}).status_code == 403
