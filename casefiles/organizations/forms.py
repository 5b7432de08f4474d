"""The organization form, derived from the organization's declaration."""

from __future__ import annotations

from casefiles.organizations.records import ORGANIZATION
from casefiles.records.forms import record_form

OrganizationForm = record_form(ORGANIZATION)
