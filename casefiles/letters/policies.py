"""Who may see and edit sign-on letters: the same people who run campaigns."""

from __future__ import annotations

from casefiles.campaigns.policies import can_delete, can_edit, can_view

__all__ = ["can_delete", "can_edit", "can_view"]
