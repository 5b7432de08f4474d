"""The legal brief's view of a case's harms, legal proceedings (with hearings and their events), each sanction's
body and outcome, and the group: plain values for the confidential brief."""

from __future__ import annotations

from typing import Any

from casefiles.briefs.texts import display_date, local_markdown, local_text


def legal_records(case: Any, language: str = "en") -> dict[str, Any]:
    """Everything the brief shows of the records beside the sanctions (private notes and counsel included)."""
    return {
        "sanction_outcomes": [
            {
                "type": s.type_enum.label,
                "institution": local_text(
                    language, s.imposed_by_name, s.institution.name_fr if s.institution is not None else ""
                ),
                "outcome": s.outcome_enum.label,
                "when": display_date(s.outcome_when) if s.outcome_when else "",
            }
            for s in case.sanctions
        ],
        "harms": [
            {
                "type": h.type_enum.label,
                "source": h.source,
                "started": display_date(h.started) if h.started else "",
                "ended": display_date(h.ended) if h.ended else "",
                "description": local_markdown(language, h.description, h.description_fr),
                "notes": h.notes,
                "public": h.is_public,
            }
            for h in case.harms
        ],
        "proceedings": [
            {
                "label": p.label,
                "kind": p.kind_enum.label,
                "status": p.status_enum.label,
                "brought_by": p.brought_by,
                "court": p.court,
                "file_number": p.file_number,
                "parties": p.parties,
                "counsel": p.counsel,
                "amount_claimed": p.amount_claimed,
                "filed": display_date(p.filed) if p.filed else "",
                "decision": local_markdown(language, p.decision, p.decision_fr),
                "decided": display_date(p.decided) if p.decided else "",
                "notes": p.notes,
                "hearings": [{"due": display_date(t.due_date), "title": t.title, "done": t.done} for t in p.hearings],
                "events": [
                    {"when": display_date(e.when), "title": local_text(language, e.title, e.title_fr)}
                    for e in case.events
                    if e.proceeding_id == p.id
                ],
            }
            for p in case.proceedings
        ],
        "group": {"name": local_text(language, case.group_name, case.group_name_fr), "headcount": case.headcount}
        if (case.group_name or case.headcount)
        else None,
        "outcome_date": display_date(case.outcome_when) if case.outcome_when else "",
    }
