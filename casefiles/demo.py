"""flask demo load: clearly fictional, bilingual demo data covering every status, outcome and category."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from casefiles.auth import services as accounts
from casefiles.auth.models import User
from casefiles.authz import Role
from casefiles.cases import services
from casefiles.cases.models import Case
from casefiles.dates import PartialDate
from casefiles.enums import (
    CaseStatus,
    EventKind,
    InstitutionKind,
    NameConsent,
    Outcome,
    PersonCategory,
    SanctionType,
)
from casefiles.extensions import db

demo_cli = AppGroup("demo", help="Fictional demonstration data.")

FIRST = [
    "Alex",
    "Camille",
    "Jordan",
    "Dominique",
    "Sacha",
    "Morgan",
    "Noor",
    "Élise",
    "Kai",
    "Aurèle",
    "Maëlle",
    "Rowan",
    "Inès",
    "Tobias",
    "Yara",
]
LAST = [
    "Exemple",
    "Fictif",
    "Demo-Tremblay",
    "Placeholder",
    "Imaginaire",
    "Specimen",
    "Testaud",
    "Sample",
    "Prototype",
    "Lorem",
    "Ipsum",
    "Maquette",
    "Essai",
    "Modèle",
    "Brouillon",
]
INSTITUTIONS = [
    ("Université Fictive de Montréal", InstitutionKind.UNIVERSITY, "Québec"),
    ("Example District School Board", InstitutionKind.SCHOOL_BOARD, "Ontario"),
    ("Demo Valley Health Authority", InstitutionKind.HEALTH_AUTHORITY, "British Columbia"),
    ("Ordre imaginaire des infirmières", InstitutionKind.REGULATOR, "Québec"),
    ("Sample Legislative Assembly", InstitutionKind.LEGISLATURE, "Alberta"),
    ("Fictional City Police Service", InstitutionKind.POLICE, "Manitoba"),
    ("Placeholder College of Physicians", InstitutionKind.REGULATOR, "Nova Scotia"),
    ("Ministère de la Démonstration", InstitutionKind.GOVERNMENT, "Québec"),
]
SUMMARIES = [
    (
        "A fictional {cat} was {sanction} after posting about campus free expression on a demo social network.",
        "Une personne fictive a fait l’objet d’une sanction après une publication sur un réseau social "
        "de démonstration.",
    ),
    (
        "In this invented case, a {cat} criticised a public policy in a letter to a sample newspaper.",
        "Dans ce cas inventé, une personne a critiqué une politique publique dans une lettre à un journal fictif.",
    ),
    (
        "Demo data: a {cat} wore a symbol of protest during a fictional assembly sitting.",
        "Données de démonstration : port d’un symbole de protestation lors d’une séance fictive.",
    ),
]


def _date(days_ago: int) -> date:
    return date.today() - timedelta(days=days_ago)


def load_demo(count: int = 24) -> int:
    """Create demo cases (and three demo team accounts without usable passwords if none exist)."""
    team = []
    for email, role, name in [
        ("demo.staff@example.org", Role.STAFF, "Sam Démo (staff)"),
        ("demo.volunteer@example.org", Role.VOLUNTEER, "Lee Example (bénévole)"),
        ("demo.volunteer2@example.org", Role.VOLUNTEER, "Ana Fictive (volunteer)"),
    ]:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                actor=None, email=email, password=secrets.token_urlsafe(24), role=role, name=name
            )
        team.append(user)
    categories = list(PersonCategory)
    statuses = list(CaseStatus)
    outcomes = list(Outcome)
    sanctions = list(SanctionType)
    created = 0
    for i in range(count):
        category = categories[i % len(categories)]
        status = statuses[i % len(statuses)]
        outcome = outcomes[(i // len(statuses) + i) % len(outcomes)]
        inst_name, inst_kind, region = INSTITUTIONS[i % len(INSTITUTIONS)]
        sanction_type = sanctions[i % len(sanctions)]
        english, french = SUMMARIES[i % len(SUMMARIES)]
        person_name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        summary = english.format(cat=category.value.replace("_", " "), sanction=sanction_type.value)
        if i % 2:
            summary = french
        case = services.create_case(
            actor=None,
            values={
                "title": f"[DEMO] {category.label} — {sanction_type.label} ({inst_name})",
                "status": status.value,
                "outcome": outcome.value,
                "priority": ["low", "normal", "high", "urgent"][i % 4],
                "speech_text": "Fictional post used for demonstration only."
                if i % 2 == 0
                else "Publication fictive, à des fins de démonstration seulement.",
                "speech_platform": ["Demo social network", "Sample newspaper", "Fictional assembly", "Example blog"][
                    i % 4
                ],
                "speech_date": PartialDate.parse(
                    _date(400 - i * 9).strftime("%Y-%m") if i % 3 else _date(400 - i * 9).isoformat()
                ),
                "public_summary": summary,
                "private_notes": "Demo private note — never published. / Note privée de démonstration.",
                "institution": {"name": inst_name, "kind": inst_kind.value, "region": region, "country": "Canada"},
                "tags": ["demo", ["campus", "health", "schools", "legislature"][i % 4]],
                "assignee_ids": [team[1 + i % 2].id],
            },
            person={
                "legal_name": person_name,
                "name_consent": list(NameConsent)[i % len(NameConsent)].value,
                "pseudonym": f"Personne {i + 1}" if i % len(NameConsent) == 2 else "",
                "pronouns": ["she/her", "he/him", "they/them", "elle", "il", "iel"][i % 6],
                "category": category.value,
                "contact_email": f"person{i + 1}@example.org",
            },
            sanction={
                "type": sanction_type.value,
                "date": PartialDate.parse(_date(300 - i * 10).isoformat()),
                "duration": ["two weeks", "indefinite", "one semester", ""][i % 4],
                "appeal_deadline": date.today() + timedelta(days=(i % 20) - 4) if i % 3 == 0 else None,
            },
        )
        if i % 6 == 0:
            services.add_person(
                case,
                actor=None,
                values={
                    "legal_name": f"{FIRST[(i + 3) % len(FIRST)]} {LAST[(i + 5) % len(LAST)]}",
                    "category": PersonCategory.ACTIVIST.value,
                    "name_consent": NameConsent.INITIALS.value,
                },
            )
        for j, kind in enumerate(
            [EventKind.SANCTION, EventKind.APPEAL, EventKind.MEDIA, EventKind.HEARING][: 2 + i % 3]
        ):
            services.add_event(
                case,
                actor=None,
                values={
                    "kind": kind.value,
                    "date": PartialDate.parse(_date(280 - i * 10 - j * 20).isoformat()),
                    "title": [
                        "Sanction announced",
                        "Appel déposé",
                        "Media coverage in a sample paper",
                        "Audience fictive",
                    ][j],
                    "description": "Demonstration event." if j % 2 == 0 else "Événement de démonstration.",
                    "is_public": j % 2 == 0,
                },
            )
        services.add_task(
            case,
            actor=None,
            values={
                "title": "Call the person back (demo)" if i % 2 else "Rappeler la personne (démo)",
                "due_date": date.today() + timedelta(days=(i % 18) - 3),
                "owner_id": team[1 + i % 2].id,
            },
        )
        if i >= count - 2:
            services.archive_case(case, actor=None)
        created += 1
    return created


# -- the showcase: what the public side, campaigns, letters and documents look like ------------------------------

SHOWCASE_REF = "DEMO-SHOWCASE-1"  # the active campaign's reference marks a loaded showcase

ORGANIZATIONS = [
    ("Association fictive des libertés civiles", "ngo", "Montréal", "Québec"),
    ("Example Nurses' Union", "union", "Toronto", "Ontario"),
    ("Clinique juridique imaginaire", "legal_clinic", "Québec", "Québec"),
    ("Sample Student Association", "student_association", "Winnipeg", "Manitoba"),
    ("Demo Press Freedom Network", "media", "Vancouver", "British Columbia"),
]

# Every public text below names only people whose consent allows it (Amélie Exemple: full name). The others are
# described without their legal names, which the publication check refuses in a public text.
PUBLISHED = [
    {
        "case": {
            "title": "Nurse suspended for a post about hospital wait times",
            "title_fr": "Infirmière suspendue pour une publication sur l’attente à l’urgence",
            "public_summary": "Amélie Exemple, a nurse, described long emergency-room waits on a demo social "
            "network. The fictional order of nurses suspended her for two months for “harming the profession’s "
            "reputation”. Her appeal is pending. *All names and institutions in this case are invented.*",
            "public_summary_fr": "Amélie Exemple, infirmière, a décrit l’attente à l’urgence sur un réseau social "
            "de démonstration. L’ordre fictif l’a suspendue deux mois pour « atteinte à l’image de la "
            "profession ». Son appel est en cours. *Noms et institutions inventés.*",
            "featured": True,
            "status": CaseStatus.ACTIVE.value,
            "outcome": Outcome.ONGOING.value,
            "priority": "high",
            "speech_text": "Fictional post: eleven hours of waiting tonight; we need more staff.",
            "speech_platform": "Demo social network",
            "institution": {
                "name": "Ordre imaginaire des infirmières",
                "kind": InstitutionKind.REGULATOR.value,
                "region": "Québec",
                "country": "Canada",
            },
            "tags": ["demo", "health"],
        },
        "person": {
            "legal_name": "Amélie Exemple",
            "name_consent": NameConsent.FULL_NAME.value,
            "category": PersonCategory.NURSE.value,
            "pronouns": "elle",
            "contact_email": "amelie.exemple@example.org",
        },
        "sanction": {"type": SanctionType.SUSPENSION.value, "days_ago": 120, "duration": "two months"},
        "events": [
            (EventKind.SANCTION, 120, "Suspended for two months", "Suspension de deux mois annoncée.", True),
            (EventKind.APPEAL, 95, "Appeal filed", "Appel déposé auprès du comité fictif.", True),
            (EventKind.MEDIA, 80, "Coverage in a sample newspaper", "Demonstration event.", True),
            (EventKind.STATEMENT, 60, "Call with the union (private)", "Private demo note.", False),
        ],
    },
    {
        "case": {
            "title": "Professor disciplined over a lecture on academic freedom",
            "title_fr": "Professeur sanctionné pour un cours sur la liberté universitaire",
            "public_summary": "A professor at Université Fictive de Montréal quoted a controversial essay in a "
            "lecture. After complaints, the university issued a written reprimand; it was withdrawn on appeal. "
            "The professor agreed to be named by initials only.",
            "public_summary_fr": "Un professeur de l’Université Fictive de Montréal a cité un essai controversé "
            "en classe. Après des plaintes, l’université lui a adressé une réprimande écrite, retirée en appel. "
            "Le professeur a accepté d’être nommé par ses initiales seulement.",
            "featured": True,
            "status": CaseStatus.RESOLVED.value,
            "outcome": Outcome.VICTORY.value,
            "speech_text": "Fictional lecture quoting a demo essay.",
            "speech_platform": "Lecture hall",
            "institution": {
                "name": "Université Fictive de Montréal",
                "kind": InstitutionKind.UNIVERSITY.value,
                "region": "Québec",
                "country": "Canada",
            },
            "tags": ["demo", "campus"],
        },
        "person": {
            "legal_name": "Bastien Fictif",
            "name_consent": NameConsent.INITIALS.value,
            "category": PersonCategory.PROFESSOR.value,
            "pronouns": "il",
            "contact_email": "b.fictif@example.org",
        },
        "sanction": {"type": SanctionType.REPRIMAND.value, "days_ago": 300, "duration": ""},
        "events": [
            (EventKind.SANCTION, 300, "Written reprimand", "Réprimande écrite versée au dossier.", True),
            (EventKind.HEARING, 240, "Grievance hearing", "Demonstration event.", True),
            (EventKind.DECISION, 200, "Reprimand withdrawn", "Réprimande retirée en appel.", True),
        ],
    },
    {
        "case": {
            "title": "Student barred from campus after a rally speech",
            "title_fr": "Étudiante interdite de campus après un discours lors d’un rassemblement",
            "public_summary": "A student, who asked to be called “Étudiante C.”, spoke at a peaceful rally on a "
            "fictional campus. The college barred her from campus for a semester. The case is being appealed.",
            "public_summary_fr": "Une étudiante, qui a demandé à être appelée « Étudiante C. », a pris la parole "
            "lors d’un rassemblement pacifique sur un campus fictif. Le collège lui a interdit le campus pour une "
            "session. La décision est portée en appel.",
            "status": CaseStatus.ACTIVE.value,
            "outcome": Outcome.ONGOING.value,
            "speech_text": "Fictional rally speech.",
            "speech_platform": "Campus rally",
            "institution": {
                "name": "Collège Exemple du Nord",
                "kind": InstitutionKind.UNIVERSITY.value,
                "region": "Québec",
                "country": "Canada",
            },
            "tags": ["demo", "campus"],
        },
        "person": {
            "legal_name": "Chloé Imaginaire",
            "name_consent": NameConsent.PSEUDONYM.value,
            "pseudonym": "Étudiante C.",
            "category": PersonCategory.STUDENT.value,
            "pronouns": "elle",
            "contact_email": "chloe.imaginaire@example.org",
        },
        "sanction": {"type": SanctionType.SUSPENSION.value, "days_ago": 60, "duration": "one semester"},
        "events": [
            (EventKind.SANCTION, 60, "Barred from campus for a semester", "Interdiction de campus.", True),
            (EventKind.APPEAL, 40, "Appel déposé", "Événement de démonstration.", True),
        ],
    },
    {
        "case": {
            "title": "Teacher reprimanded for a letter to the editor",
            "title_fr": "Enseignant réprimandé pour une lettre ouverte",
            "public_summary": "A secondary-school teacher criticised a school board policy in a letter to a "
            "sample newspaper and was reprimanded. The teacher asked not to be named.",
            "public_summary_fr": "Un enseignant du secondaire a critiqué une politique de son centre de services "
            "scolaire dans une lettre à un journal fictif et a reçu une réprimande. Il a demandé à ne pas être "
            "nommé.",
            "status": CaseStatus.CLOSED.value,
            "outcome": Outcome.SETBACK.value,
            "speech_text": "Fictional letter to the editor.",
            "speech_platform": "Sample newspaper",
            "institution": {
                "name": "Example District School Board",
                "kind": InstitutionKind.SCHOOL_BOARD.value,
                "region": "Ontario",
                "country": "Canada",
            },
            "tags": ["demo", "schools"],
        },
        "person": {
            "legal_name": "Denis Specimen",
            "name_consent": NameConsent.NONE.value,
            "category": PersonCategory.TEACHER.value,
            "pronouns": "he/him",
            "contact_email": "denis.specimen@example.org",
        },
        "sanction": {"type": SanctionType.REPRIMAND.value, "days_ago": 500, "duration": ""},
        "events": [
            (EventKind.SANCTION, 500, "Written reprimand", "Demonstration event.", True),
            (EventKind.DECISION, 420, "Grievance dismissed", "Grief rejeté.", True),
        ],
    },
]

# Unpublished cases of the showcase: a draft waiting for the review, and a case whose person refuses any mention.
UNPUBLISHED = [
    {
        "case": {
            "title": "Physician under investigation for a podcast interview (draft)",
            "title_fr": "Médecin visé par une enquête après une entrevue balado (brouillon)",
            "public_summary": "Draft: a physician is under investigation after a fictional podcast interview.",
            "status": CaseStatus.INTAKE.value,
            "speech_platform": "Demo podcast",
            "institution": {
                "name": "Placeholder College of Physicians",
                "kind": InstitutionKind.REGULATOR.value,
                "region": "Nova Scotia",
                "country": "Canada",
            },
            "tags": ["demo", "health"],
        },
        "person": {
            "legal_name": "Élodie Maquette",
            "name_consent": NameConsent.INITIALS.value,
            "category": PersonCategory.PHYSICIAN.value,
            "contact_email": "e.maquette@example.org",
        },
        "sanction": {"type": SanctionType.INVESTIGATION.value, "days_ago": 20, "duration": ""},
        "events": [(EventKind.SANCTION, 20, "Investigation opened", "Demonstration event.", False)],
    },
    {
        "case": {
            "title": "Public servant dismissed over a union newsletter (not for publication)",
            "status": CaseStatus.ACTIVE.value,
            "private_notes": "The person does not consent to any publication. Demo private note.",
            "speech_platform": "Union newsletter",
            "institution": {
                "name": "Ministère de la Démonstration",
                "kind": InstitutionKind.GOVERNMENT.value,
                "region": "Québec",
                "country": "Canada",
            },
            "tags": ["demo"],
        },
        "person": {
            "legal_name": "Farid Brouillon",
            "name_consent": NameConsent.NONE.value,
            "category": PersonCategory.PUBLIC_SERVANT.value,
            "contact_email": "f.brouillon@example.org",
        },
        "sanction": {"type": SanctionType.TERMINATION.value, "days_ago": 45, "duration": ""},
        "events": [(EventKind.SANCTION, 45, "Dismissal letter received", "Demonstration event.", False)],
    },
]


def showcase_loaded() -> bool:
    """True when the showcase is in the database already (a second load adds nothing)."""
    from casefiles.campaigns.models import Campaign

    return db.session.scalar(select(Campaign.id).where(Campaign.external_ref == SHOWCASE_REF)) is not None


def demo_pdf() -> bytes:
    """A small one-page PDF, written here (no file shipped with the demo, no PDF library needed)."""
    lines = [
        "Ordre imaginaire des infirmieres - DEMONSTRATION DOCUMENT (fictional)",
        "Decision of the fictional disciplinary committee:",
        "Amelie Exemple is suspended for two months.",
        "Decision fictive du comite de discipline : suspension de deux mois.",
    ]
    text = "BT /F1 12 Tf 72 740 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_NOTES = (
    "DEMONSTRATION FILE — fictional interview notes.\n"
    "Notes d’entrevue fictives, à des fins de démonstration seulement.\n\n"
    "- The professor received the written reprimand by email.\n"
    "- Le grief a été déposé dans les délais.\n"
)


def _showcase_case(spec: dict, actor: Any) -> Case:
    sanction = spec["sanction"]
    case = services.create_case(
        actor=actor,
        values=spec["case"],
        person=spec["person"],
        sanction={
            "type": sanction["type"],
            "date": PartialDate.parse(_date(sanction["days_ago"]).isoformat()),
            "duration": sanction["duration"],
        },
    )
    for kind, days_ago, title, description, is_public in spec["events"]:
        services.add_event(
            case,
            actor=actor,
            values={
                "kind": kind.value,
                "date": PartialDate.parse(_date(days_ago).isoformat()),
                "title": title,
                "description": description,
                "is_public": is_public,
            },
        )
    return case


def load_showcase() -> dict[str, int]:
    """Published and unpublished cases, campaigns with supporter counts, organizations, a signed letter and
    documents, all through the services (so every rule, check and audit entry applies as in real use)."""
    from io import BytesIO

    from casefiles.campaigns import services as campaigns
    from casefiles.campaigns.models import CampaignKind, CampaignStatus, Channel
    from casefiles.demo_records import add_real_case_records
    from casefiles.documents import services as documents
    from casefiles.documents.models import DocumentKind
    from casefiles.letters import services as letters
    from casefiles.organizations import services as organizations
    from casefiles.public.services import ReviewChecklist, publish_case

    staff = accounts.find_user_by_email("demo.staff@example.org")
    if staff is None:
        staff = accounts.create_user(
            actor=None,
            email="demo.staff@example.org",
            password=secrets.token_urlsafe(24),
            role=Role.STAFF,
            name="Sam Démo (staff)",
        )
    made = {"published": 0, "campaigns": 0, "organizations": 0, "letters": 0, "documents": 0}

    orgs = []
    for name, kind, city, province in ORGANIZATIONS:
        org = organizations.find_organization(name)
        if org is None:
            org = organizations.create_organization(
                actor=staff,
                values={
                    "name": name,
                    "kind": kind,
                    "city": city,
                    "province": province,
                    "website": "https://example.org/",
                },
            )
            made["organizations"] += 1
        orgs.append(org)

    published = [_showcase_case(spec, staff) for spec in PUBLISHED]
    for spec in UNPUBLISHED:
        _showcase_case(spec, staff)

    nurse, professor, student, _teacher = published
    add_real_case_records(nurse, professor, student, actor=staff)
    organizations.set_case_partners(nurse, [orgs[0], orgs[1]], actor=staff)
    organizations.set_case_partners(professor, [orgs[0], orgs[2]], actor=staff)

    pdf = documents.upload_documents(
        nurse,
        actor=staff,
        files=[("demo-decision-letter.pdf", BytesIO(demo_pdf()))],
        values={
            "title": "Decision of the disciplinary committee (demo)",
            "kind": DocumentKind.DECISION_LETTER.value,
            "date": PartialDate.parse(_date(120).isoformat()),
            "description": "A generated demonstration PDF.",
        },
    )[0]
    documents.set_visibility(pdf, actor=staff, public=True)
    documents.upload_documents(
        professor,
        actor=staff,
        files=[("demo-interview-notes.txt", BytesIO(DEMO_NOTES.encode("utf-8")))],
        values={
            "title": "Interview notes (demo, private)",
            "kind": DocumentKind.CORRESPONDENCE.value,
            "description": "Private notes: never shown publicly.",
        },
    )
    made["documents"] = 2

    checklist = ReviewChecklist(consent_recorded=True, no_private_data=True)
    for case in published:
        publish_case(case, actor=staff, checklist=checklist)
        made["published"] += 1

    active = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate the nurse who spoke up",
            "title_fr": "Réintégrez l’infirmière qui a pris la parole",
            "kind": CampaignKind.PETITION.value,
            "status": CampaignStatus.IN_PROGRESS.value,
            "description_en": "A fictional petition asking the order of nurses to lift a suspension for a post "
            "about wait times.",
            "description_fr": "Une pétition fictive demandant à l’ordre de lever une suspension imposée pour une "
            "publication sur l’attente à l’urgence.",
            "call_to_action_en": "Sign the demo petition and share it.",
            "call_to_action_fr": "Signez la pétition de démonstration et partagez-la.",
            "targets": ["Ordre imaginaire des infirmières", "Ministère de la Démonstration"],
            "asks": ["Lift the suspension", "Adopt a free-expression policy"],
            "start_date": PartialDate.parse(_date(110).isoformat()),
            "goal": 5000,
            "external_url": "https://example.org/petition/demo",
            "external_ref": SHOWCASE_REF,
        },
    )
    completed = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Open letter for academic freedom",
            "title_fr": "Lettre ouverte pour la liberté universitaire",
            "kind": CampaignKind.SIGN_ON_LETTER.value,
            "status": CampaignStatus.COMPLETED.value,
            "outcome": Outcome.VICTORY.value,
            "description_en": "Organizations asked a fictional university to withdraw a reprimand. It did.",
            "description_fr": "Des organismes ont demandé à une université fictive de retirer une réprimande. "
            "Elle l’a fait.",
            "call_to_action_en": "Thank you to everyone who signed.",
            "call_to_action_fr": "Merci à tous les signataires.",
            "targets": ["Rector of Université Fictive de Montréal"],
            "asks": ["Withdraw the reprimand"],
            "start_date": PartialDate.parse(_date(280).isoformat()),
            "end_date": PartialDate.parse(_date(200).isoformat()),
            "goal": 50,
            "external_ref": "DEMO-SHOWCASE-2",
        },
    )
    campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Defence fund for a student (planned)",
            "title_fr": "Fonds de défense pour une étudiante (prévu)",
            "kind": CampaignKind.DEFENCE_FUND.value,
            "status": CampaignStatus.PLANNED.value,
            "external_ref": "DEMO-SHOWCASE-3",
        },
    )
    made["campaigns"] = 3
    campaigns.link_case(active, nurse, actor=staff)
    campaigns.link_case(active, student, actor=staff)
    campaigns.link_case(completed, professor, actor=staff)
    campaigns.set_campaign_partners(active, [orgs[0], orgs[1], orgs[4]], actor=staff)
    campaigns.set_campaign_partners(completed, [orgs[0], orgs[2], orgs[3]], actor=staff)
    # Supporter counts over time: two sources for the petition, so the totals add up.
    for days_ago, online, paper in [(105, 120, 0), (90, 640, 35), (70, 1480, 120), (45, 2310, 260), (10, 3175, 410)]:
        campaigns.add_snapshot(
            active,
            actor=staff,
            values={
                "date": _date(days_ago),
                "count": online,
                "source": "Demo petition site",
                "channel": Channel.ONLINE.value,
            },
        )
        if paper:
            campaigns.add_snapshot(
                active,
                actor=staff,
                values={
                    "date": _date(days_ago),
                    "count": paper,
                    "source": "Paper petition",
                    "channel": Channel.PAPER.value,
                },
            )
    for days_ago, count in [(270, 8), (240, 27), (210, 41)]:
        campaigns.add_snapshot(
            completed, actor=staff, values={"date": _date(days_ago), "count": count, "source": "Signatories"}
        )

    letter = letters.create_letter(
        actor=staff,
        values={
            "title": "Open letter: academic freedom at Université Fictive",
            "addressee": "Rector of Université Fictive de Montréal",
            "letter_date": _date(250),
            "campaign_id": completed.id,
            "body_en": "We, the undersigned fictional organizations, ask the university to withdraw the reprimand "
            "and to affirm academic freedom.",
            "body_fr": "Nous, organismes fictifs soussignés, demandons à l’université de retirer la réprimande et "
            "d’affirmer la liberté universitaire.",
        },
    )
    signed = letters.add_signatories(
        letter,
        "\n".join(
            [
                orgs[0].name,
                orgs[2].name,
                orgs[3].name,
                "Syndicat fictif des chargés de cours",
                "Example Faculty Association",
            ]
        ),
        actor=staff,
        kind="other",
    )
    made["organizations"] += signed["created"]
    made["letters"] = 1
    return made


@demo_cli.command("load")
@click.option("--count", default=24, show_default=True, help="How many demo cases.")
@click.option("--force", is_flag=True, help="Load even if the database already has cases.")
@click.option(
    "--showcase/--no-showcase",
    default=True,
    show_default=True,
    help="Also the published cases, campaigns, organizations, letter and documents (loaded once).",
)
def load_command(count: int, force: bool, showcase: bool) -> None:
    """Fill an empty database with fictional demo data (a second load adds nothing)."""
    existing = db.session.scalar(select(func.count(Case.id))) or 0
    if existing and not force:
        click.echo(f"The database already holds {existing} cases; no working cases loaded (use --force to add more).")
    else:
        created = load_demo(count)
        db.session.commit()
        click.echo(f"Loaded {created} fictional demo cases.")
    if not showcase:
        return
    if showcase_loaded():
        click.echo("The demo showcase is already loaded; nothing loaded.")
        return
    click.echo("Loading the demo showcase: published cases, campaigns, organizations, a letter and documents…")
    made = load_showcase()
    db.session.commit()
    click.echo(
        f"Loaded the demo showcase: {made['published']} published cases, {made['campaigns']} campaigns, "
        f"{made['organizations']} organizations, {made['letters']} sign-on letter, {made['documents']} documents."
    )


@demo_cli.command("admin")
@click.option("--email", default="admin@example.org", show_default=True)
def admin_command(email: str) -> None:
    """Create (or reset) a demo administrator and print its one-time password."""
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        accounts.create_user(actor=None, email=email, password=password, role=Role.ADMIN, name="Demo Admin")
    else:
        accounts.set_password(user, actor=None, password=password)
    db.session.commit()
    click.echo(f"Sign in at /login as {email} with password: {password}")
