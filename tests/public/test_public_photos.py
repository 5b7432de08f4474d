"""The photo of a case: uploaded by staff with the documents' image checks, shown publicly only while the person it
shows consents to be named in full, and only as a copy without metadata (no EXIF, no GPS, no camera)."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)
from support import FIXTURES

from casefiles.extensions import db

GPS_PHOTO = FIXTURES / "uploads" / "good" / "photo-with-gps.jpg"


def _upload(client: Any, case: Any, path: Any = GPS_PHOTO, name: str = "portrait.jpg", **fields: Any) -> Any:
    data = {
        "person_id": str(case.people[0].id),
        "alt": "Amira Haddad outside the hospital",
        "alt_fr": "Amira Haddad devant l’hôpital",
        **fields,
    }
    if path is not None:
        data["photo"] = (io.BytesIO(path.read_bytes()), name)
    return client.post(f"/staff/cases/{case.id}/photo", data=data, content_type="multipart/form-data")


def test_a_consented_photo_is_shown_without_any_metadata(client: Any, login: Any, make_published: Any) -> None:
    from PIL import Image

    case = make_published()  # the person consents to be named in full
    login("staff")
    assert b"TestCam" in GPS_PHOTO.read_bytes()  # the original carries camera, date and GPS
    saved = _upload(client, case)
    assert saved.status_code == 302
    assert client.get(f"/staff/cases/{case.id}/photo").status_code == 200
    login.logout()
    html = client.get(f"/fr/cases/{case.public_slug}").get_data(as_text=True)
    assert f'<img src="/fr/cases/{case.public_slug}/photo" alt="Amira Haddad devant l’hôpital"' in html
    answer = client.get(f"/en/cases/{case.public_slug}/photo")
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(answer.data))
    assert image.size == (320, 240)
    assert not dict(image.getexif()) and not image.getexif().get_ifd(0x8825) and "exif" not in image.info
    assert b"TestCam" not in answer.data and b"2023:11:14" not in answer.data
    again = client.get(f"/en/cases/{case.public_slug}/photo", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_no_photo_without_consent_to_the_full_name_and_none_once_it_is_withdrawn(
    client: Any, login: Any, make_published: Any, staff: Any
) -> None:
    from casefiles.people import services as people_services

    case = make_published(person={"legal_name": "Noor Q", "name_consent": "initials", "category": "nurse"})
    login("staff")
    assert _upload(client, case).status_code == 302
    page = client.get(f"/staff/cases/{case.id}/photo").get_data(as_text=True)
    assert "Not shown on the public page" in page
    login.logout()
    assert "/photo" not in client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert client.get(f"/en/cases/{case.public_slug}/photo").status_code == 404
    person = case.people[0]
    people_services.update_person(person, actor=staff, values={"name_consent": "full_name"})
    db.session.commit()
    assert client.get(f"/en/cases/{case.public_slug}/photo").status_code == 200
    assert f"/en/cases/{case.public_slug}/photo" in client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    people_services.update_person(person, actor=staff, values={"name_consent": "pseudonym", "pseudonym": "N."})
    db.session.commit()
    assert client.get(f"/en/cases/{case.public_slug}/photo").status_code == 404  # at the very next request


def test_bad_files_and_missing_descriptions_are_refused_and_change_nothing(
    client: Any, login: Any, make_published: Any
) -> None:
    from casefiles.public.photos import photo_of

    case = make_published()
    login("staff")
    for path, name in (
        (FIXTURES / "uploads" / "bad" / "elf-renamed.jpg", "x.jpg"),
        (FIXTURES / "uploads" / "bad" / "html-renamed.pdf", "page.jpg"),
        (FIXTURES / "uploads" / "bad" / "script.svg", "drawing.png"),
    ):
        refused = _upload(client, case, path, name)
        assert refused.status_code == 200 and 'class="error-summary"' in refused.get_data(as_text=True), name
    no_alt = _upload(client, case, alt="", alt_fr="")
    assert "Describe the photo for people who cannot see it." in no_alt.get_data(as_text=True)
    assert photo_of(case.id) is None
    client.set_cookie("lang", "fr")
    french = _upload(client, case, FIXTURES / "uploads" / "bad" / "script.svg", "drawing.png").get_data(as_text=True)
    assert '<html lang="fr">' in french and 'class="error-summary"' in french


def test_only_staff_choose_the_photo_and_unpublishing_hides_it(
    client: Any, login: Any, make_published: Any, make_user: Any, staff: Any
) -> None:
    from casefiles.public.services import unpublish_case

    case = make_published()
    volunteer = make_user("volunteer")
    case.assignees.append(volunteer)
    db.session.commit()
    login.as_user(volunteer)
    assert client.get(f"/staff/cases/{case.id}/photo").status_code == 403
    assert _upload(client, case).status_code == 403
    login.logout()
    login("staff")
    assert _upload(client, case).status_code == 302
    login.logout()
    assert client.get(f"/en/cases/{case.public_slug}/photo").status_code == 200
    unpublish_case(case, actor=staff)
    db.session.commit()
    assert client.get(f"/en/cases/{case.public_slug}/photo").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "fr"])
def test_photo_pages_pass_axe_and_fit_320px(
    browser: Any, live_server: str, make_published: Any, make_user: Any, language: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from support import ARTIFACTS, PASSWORD

    from casefiles.public.photos import set_photo

    staff_user = make_user("staff")
    case = make_published(title="Nurse suspended for a post", title_fr="Infirmière suspendue pour une publication")
    with GPS_PHOTO.open("rb") as stream:
        set_photo(
            case,
            actor=staff_user,
            stream=stream,
            person_id=case.people[0].id,
            alt="Amira Haddad outside the hospital",
            alt_fr="Amira Haddad devant l’hôpital",
        )
    db.session.commit()
    axe = Axe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 320):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page = context.new_page()
        try:
            page.goto("/login")
            page.fill("#email", staff_user.email)
            page.fill("#password", PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_url(re.compile(r"/staff/"))
            for name, url in (
                ("public-case-photo", f"/{language}/cases/{case.public_slug}"),
                ("staff-photo", f"/staff/cases/{case.id}/photo"),
            ):
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == language
                assert page.locator("img").first.evaluate("img => img.complete && img.naturalWidth > 0")
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                assert widths[0] <= widths[1], f"{name} scrolls sideways at {width} px: {widths}"
                if width == 1280:
                    options = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
                    violations = axe.run(page, options=options).response["violations"]
                    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
                page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
        finally:
            context.close()
