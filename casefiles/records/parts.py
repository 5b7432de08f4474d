"""A part of a case file (a person, a sanction, an event, a deadline): how it is added, edited and removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    """How one kind of case part is edited."""

    model: type
    form: type
    add: Any
    update: Any
    remove: Any
    title_new: Any
    title_edit: Any
    anchor: str
