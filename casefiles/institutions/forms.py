"""Institution form, derived from the institution's declaration."""

from __future__ import annotations

from casefiles.institutions.records import INSTITUTION
from casefiles.records.forms import record_form

InstitutionForm = record_form(INSTITUTION)
