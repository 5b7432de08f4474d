"""Every model, imported in one place so the metadata is complete."""
# ruff: noqa: I001 - the record declarations come last: they read the mapped models

from casefiles.audit.models import AuditEntry
from casefiles.auth.models import User
from casefiles.auth.models import AccountLink, RecoveryCode, Setting, UserSession  # noqa: F401
from casefiles.briefs.models import DossierJob  # noqa: F401
from casefiles.cases.models import (
    Case,
    Event,
    Sanction,
    Tag,
    Task,
    case_assignments,
    case_tags,
)
from casefiles.institutions.models import Institution
from casefiles.cases.preferences import DashboardPreference, SavedFilter  # noqa: F401
from casefiles.people.models import Person
from casefiles.letters.models import Letter, LetterSignatory  # noqa: F401 (also loads campaigns, organizations)
from casefiles.public.models import CaseCorrection  # noqa: F401
from casefiles.documents.models import Document, DocumentVersion  # noqa: F401
from casefiles.evidence.models import Evidence  # noqa: F401
from casefiles.records.models import PendingRevision  # noqa: F401
from casefiles.mail.models import OutboxMessage  # noqa: F401
from casefiles.petitions.models import PetitionSignature  # noqa: F401
from casefiles.intake.models import Submission, SubmissionFile  # noqa: F401
from casefiles.followers.models import Follow  # noqa: F401
from casefiles.letters.models import LetterEntry  # noqa: F401
from casefiles.reminders.models import ReminderPreference  # noqa: F401
from casefiles.fulltext.models import SearchEntry  # noqa: F401
import casefiles.declarations  # noqa: F401,E402 (every record type declared, with its model)

__all__ = [
    "AuditEntry",
    "Case",
    "Event",
    "Institution",
    "Person",
    "Sanction",
    "Tag",
    "Task",
    "User",
    "case_assignments",
    "case_tags",
]
