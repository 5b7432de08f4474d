"""The showcase's real-case records: a second sanctioning body with outcomes, a harm, a legal proceeding with its
hearings and events, and a group — entered through the services like everything else in the demo."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casefiles.cases import services
from casefiles.dates import PartialDate


def _day(days_ago: int) -> date:
    return date.today() - timedelta(days=days_ago)


def add_real_case_records(nurse: Any, professor: Any, student: Any, *, actor: Any) -> None:
    """Records that only real cases have: several bodies, harms from outside, proceedings, groups."""
    services.update_sanction(
        nurse.sanctions[0],
        actor=actor,
        values={
            "outcome": "pending",
            "public_description": "Suspended from her clinical placement while the college reviews her posts.",
            "public_description_fr": "Suspendue de son stage clinique pendant que l’ordre examine ses publications.",
            "is_public": True,
        },
    )
    services.update_case(
        nurse,
        actor=actor,
        changes={
            "speech_public": "She described a six-hour wait in the emergency room on a social network. "
            "*Demonstration record.*",
            "speech_public_fr": "Elle a décrit une attente de six heures à l’urgence sur un réseau social. "
            "*Enregistrement de démonstration.*",
        },
    )
    services.add_sanction(
        nurse,
        actor=actor,
        values={
            "type": "investigation",
            "institution": {"name": "Hôpital Exemple de Laval", "kind": "health_authority", "region": "Québec"},
            "date": PartialDate.parse(_day(110).isoformat()),
            "outcome": "withdrawn",
            "outcome_date": PartialDate.parse(_day(70).isoformat()),
        },
    )
    services.add_harm(
        nurse,
        actor=actor,
        values={
            "type": "doxxing",
            "source": "Anonymous accounts on a demo social network",
            "start_date": PartialDate.parse(_day(118).isoformat()[:7]),
            "description": "Her workplace schedule was posted with calls to confront her. *Demonstration record.*",
            "description_fr": "Son horaire de travail a été publié avec des appels à l’affronter. "
            "*Enregistrement de démonstration.*",
            "notes": "Police report number kept in the private file (demo).",
            "is_public": True,
        },
    )
    services.update_sanction(
        professor.sanctions[0],
        actor=actor,
        values={"outcome": "overturned", "outcome_date": PartialDate.parse(_day(200).isoformat())},
    )
    grievance = services.add_proceeding(
        professor,
        actor=actor,
        values={
            "kind": "grievance",
            "brought_by": "The faculty union (demo)",
            "court": "Tribunal d’arbitrage fictif",
            "file_number": "ARB-DEMO-17",
            "parties": "Syndicat fictif c. Université Fictive de Montréal",
            "counsel": "Cabinet Exemple (demo)",
            "status": "decided",
            "filed_date": PartialDate.parse(_day(280).isoformat()),
            "decision": "The arbitrator ordered the reprimand withdrawn from the file.",
            "decision_fr": "L’arbitre a ordonné le retrait de la réprimande du dossier.",
            "decision_date": PartialDate.parse(_day(200).isoformat()),
            "is_public": True,
        },
    )
    for days_ago, title in ((240, "Arbitration hearing, day 1"), (235, "Arbitration hearing, day 2")):
        services.add_task(
            professor,
            actor=actor,
            values={"title": title, "due_date": _day(days_ago), "done": True, "proceeding_id": grievance.id},
        )
    services.add_event(
        professor,
        actor=actor,
        values={
            "kind": "decision",
            "date": PartialDate.parse(_day(200).isoformat()),
            "title": "Arbitration award",
            "title_fr": "Sentence arbitrale",
            "is_public": True,
            "proceeding_id": grievance.id,
        },
    )
    services.update_case(
        student,
        actor=actor,
        changes={
            "group_name": "Students who spoke at the rally",
            "group_name_fr": "Étudiantes et étudiants qui ont pris la parole au rassemblement",
            "headcount": 3,
        },
    )
