"""CSV builders for the import tests."""

from __future__ import annotations

import csv
import io

CASE_HEADER = [
    "external_ref",
    "person",
    "category",
    "institution",
    "region",
    "country",
    "speech",
    "sanction type",
    "sanction date",
    "status",
    "outcome",
    "public summary",
    "private notes",
    "published",
]


def case_row(ref: str, **overrides: str) -> dict[str, str]:
    row = {
        "external_ref": ref,
        "person": f"Personne {ref}",
        "category": "student",
        "institution": "Université Fictive",
        "region": "Québec",
        "country": "Canada",
        "speech": "Une publication sur les réseaux « sociaux »",
        "sanction type": "suspension",
        "sanction date": "2023-11",
        "status": "active",
        "outcome": "ongoing",
        "public summary": "Résumé public.",
        "private notes": "Note privée.",
        "published": "no",
    }
    row.update(overrides)
    return row


def cases_csv(rows: list[dict[str, str]], header: list[str] | None = None, bom: bool = False) -> bytes:
    header = header or CASE_HEADER
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
