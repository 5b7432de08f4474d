"""What an import will do (preview) or did: per row created / updated / refused, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale

from casefiles.enums import LABELS

CREATE, UPDATE, REFUSE = "create", "update", "refuse"


@dataclass
class RowResult:
    row: int
    reference: str
    action: str = CREATE
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, REFUSE: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.action == REFUSE for r in self.rows)

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [m for r in self.rows for m in r.messages]


class ImportRefused(Exception):
    """The import was refused as a whole (nothing was written); the report says why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("; ".join(report.errors[:5]))
        self.report = report


def enum_lookup(enum_class: Any) -> dict[str, Any]:
    """Every way a spreadsheet may spell a member: its value, and its label in English and in French."""
    lookup: dict[str, Any] = {}
    for member in enum_class:
        lookup[member.value.casefold()] = member
        lookup[member.value.replace("_", " ").casefold()] = member
        for locale in ("en", "fr"):
            try:
                with force_locale(locale):
                    lookup.setdefault(str(LABELS[member]).casefold(), member)
            except RuntimeError:  # outside an application context: values only
                pass
    return lookup


TRUE_WORDS = {"yes", "y", "true", "1", "oui", "o", "vrai", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "non", "faux", ""}


def parse_bool(text: str) -> bool | None:
    word = (text or "").strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
