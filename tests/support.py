"""Constants and helpers shared by test modules (import them from here: `from support import PASSWORD`).

Test folders each have their own conftest, so `from support import ...` would pick whichever was loaded first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple 42"


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing tool skips the test; in CI nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)
