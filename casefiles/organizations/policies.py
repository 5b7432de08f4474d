"""Who may see and edit organizations: the same people who run campaigns."""

from __future__ import annotations

from casefiles.campaigns.policies import can_edit, can_view

__all__ = ["can_edit", "can_view"]
