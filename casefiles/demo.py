"""flask demo load: clearly fictional, bilingual demo data covering every status, outcome and category."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

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
        "Un·e {cat} fictif·ve a fait l’objet d’une sanction après une publication sur un réseau social de démonstration.",
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


@demo_cli.command("load")
@click.option("--count", default=24, show_default=True, help="How many demo cases.")
@click.option("--force", is_flag=True, help="Load even if the database already has cases.")
def load_command(count: int, force: bool) -> None:
    """Fill an empty database with fictional demo data."""
    existing = db.session.scalar(select(func.count(Case.id))) or 0
    if existing and not force:
        click.echo(f"The database already holds {existing} cases; nothing loaded (use --force to add more).")
        return
    created = load_demo(count)
    db.session.commit()
    click.echo(f"Loaded {created} fictional demo cases.")


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
