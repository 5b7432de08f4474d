"""Every record type's declaration, imported in one place so the registry is complete."""

from casefiles.institutions.records import INSTITUTION  # noqa: F401
from casefiles.people.records import PERSON  # noqa: F401
from casefiles.cases.records import CASE, EVENT, SANCTION, TASK  # noqa: F401
