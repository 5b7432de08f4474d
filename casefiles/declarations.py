"""Every record type's declaration, imported in one place so the registry is complete."""
# ruff: noqa: I001 - declared in dependency order: institutions and people before the cases that use them

from casefiles.institutions.records import INSTITUTION  # noqa: F401
from casefiles.people.records import PERSON  # noqa: F401
from casefiles.cases.records import CASE, EVENT, SANCTION, TASK  # noqa: F401
from casefiles.cases.legal_records import HARM, PROCEEDING  # noqa: F401
from casefiles.organizations.records import ORGANIZATION  # noqa: F401
from casefiles.campaigns.records import CAMPAIGN, SNAPSHOT  # noqa: F401
from casefiles.letters.records import LETTER, SIGNATORY  # noqa: F401
from casefiles.documents.records import DOCUMENT  # noqa: F401
from casefiles.evidence.records import EVIDENCE  # noqa: F401
