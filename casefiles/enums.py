"""Every enumeration of the field, with stable string values and translated labels in one place."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translated label."""

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        """The options of a select field (value, label), labels translated at render time."""
        return [SelectChoice(member.value, LABELS[member]) for member in cls]  # type: ignore[misc]

    @classmethod
    def coerce(cls, value: object) -> LabelledEnum | None:
        """The member for a value, or None."""
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            return None


class PersonCategory(LabelledEnum):
    STUDENT = "student"
    MEDICAL_TRAINEE = "medical_trainee"
    PHYSICIAN = "physician"
    NURSE = "nurse"
    TEACHER = "teacher"
    SCHOOL_PRINCIPAL = "school_principal"
    PROFESSOR = "professor"
    LAWYER = "lawyer"
    JOURNALIST = "journalist"
    ARTIST = "artist"
    ELECTED_OFFICIAL = "elected_official"
    PUBLIC_SERVANT = "public_servant"
    ACTIVIST = "activist"
    HUMAN_RIGHTS_DEFENDER = "human_rights_defender"
    OTHER = "other"


class NameConsent(LabelledEnum):
    """What the person agreed may be shown publicly."""

    FULL_NAME = "full_name"
    INITIALS = "initials"
    PSEUDONYM = "pseudonym"
    NONE = "none"


class InstitutionKind(LabelledEnum):
    UNIVERSITY = "university"
    SCHOOL_BOARD = "school_board"
    HEALTH_AUTHORITY = "health_authority"
    REGULATOR = "regulator"
    EMPLOYER = "employer"
    LEGISLATURE = "legislature"
    POLITICAL_PARTY = "political_party"
    POLICE = "police"
    GOVERNMENT = "government"
    OTHER = "other"


class SanctionType(LabelledEnum):
    INVESTIGATION = "investigation"
    REPRIMAND = "reprimand"
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    EXPULSION = "expulsion"
    CENSURE = "censure"
    REMOVAL = "removal"
    FINE = "fine"
    ARREST = "arrest"
    LICENCE_REVOKED = "licence_revoked"
    HIRING_RESCINDED = "hiring_rescinded"
    HARASSMENT = "harassment"
    DETENTION = "detention"
    DEPORTATION = "deportation"
    RESIDENCY_REVOKED = "residency_revoked"
    TRAVEL_BAN = "travel_ban"
    TRAINING_PENALTY = "training_penalty"
    BLACKLISTING = "blacklisting"
    PROFESSIONAL_COMPLAINT = "professional_complaint"
    OTHER = "other"


class SanctionOutcome(LabelledEnum):
    """What became of one sanction."""

    PENDING = "pending"
    UPHELD = "upheld"
    REDUCED = "reduced"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"


class HarmType(LabelledEnum):
    """Harm from outside the institution, recorded beside the sanctions."""

    HARASSMENT = "harassment"
    DOXXING = "doxxing"
    THREATS = "threats"
    SMEAR_CAMPAIGN = "smear_campaign"
    OTHER = "other"


class ProceedingKind(LabelledEnum):
    LAWSUIT = "lawsuit"
    JUDICIAL_REVIEW = "judicial_review"
    HUMAN_RIGHTS_COMPLAINT = "human_rights_complaint"
    GRIEVANCE = "grievance"
    CRIMINAL_CHARGES = "criminal_charges"
    REGULATORY_HEARING = "regulatory_hearing"
    APPEAL = "appeal"
    OTHER = "other"


class ProceedingStatus(LabelledEnum):
    FILED = "filed"
    ONGOING = "ongoing"
    DECIDED = "decided"
    UNDER_APPEAL = "under_appeal"
    SETTLED = "settled"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"


class CaseStatus(LabelledEnum):
    INTAKE = "intake"
    ACTIVE = "active"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DECLINED = "declined"


class Outcome(LabelledEnum):
    VICTORY = "victory"
    POSITIVE = "positive"
    ONGOING = "ongoing"
    SETBACK = "setback"
    WITHDRAWN = "withdrawn"


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class EventKind(LabelledEnum):
    SANCTION = "sanction"
    APPEAL = "appeal"
    HEARING = "hearing"
    DECISION = "decision"
    REINSTATEMENT = "reinstatement"
    LAWSUIT = "lawsuit"
    MEDIA = "media"
    STATEMENT = "statement"
    OTHER = "other"


class DatePrecision(LabelledEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


LABELS: dict[enum.Enum, object] = {
    PersonCategory.STUDENT: _l("Student"),
    PersonCategory.MEDICAL_TRAINEE: _l("Medical trainee"),
    PersonCategory.PHYSICIAN: _l("Physician"),
    PersonCategory.NURSE: _l("Nurse"),
    PersonCategory.TEACHER: _l("Teacher"),
    PersonCategory.SCHOOL_PRINCIPAL: _l("School principal"),
    PersonCategory.PROFESSOR: _l("Professor"),
    PersonCategory.LAWYER: _l("Lawyer"),
    PersonCategory.JOURNALIST: _l("Journalist"),
    PersonCategory.ARTIST: _l("Artist"),
    PersonCategory.ELECTED_OFFICIAL: _l("Elected official"),
    PersonCategory.PUBLIC_SERVANT: _l("Public servant"),
    PersonCategory.ACTIVIST: _l("Activist"),
    PersonCategory.HUMAN_RIGHTS_DEFENDER: _l("Human-rights defender"),
    PersonCategory.OTHER: _l("Other"),
    NameConsent.FULL_NAME: _l("Full name"),
    NameConsent.INITIALS: _l("Initials only"),
    NameConsent.PSEUDONYM: _l("Pseudonym"),
    NameConsent.NONE: _l("Not shown at all"),
    InstitutionKind.UNIVERSITY: _l("University or college"),
    InstitutionKind.SCHOOL_BOARD: _l("School board"),
    InstitutionKind.HEALTH_AUTHORITY: _l("Hospital or health authority"),
    InstitutionKind.REGULATOR: _l("Professional regulator"),
    InstitutionKind.EMPLOYER: _l("Employer"),
    InstitutionKind.LEGISLATURE: _l("Legislature"),
    InstitutionKind.POLITICAL_PARTY: _l("Political party"),
    InstitutionKind.POLICE: _l("Police"),
    InstitutionKind.GOVERNMENT: _l("Government"),
    InstitutionKind.OTHER: _l("Other"),
    SanctionType.INVESTIGATION: _l("Investigation"),
    SanctionType.REPRIMAND: _l("Reprimand"),
    SanctionType.SUSPENSION: _l("Suspension"),
    SanctionType.TERMINATION: _l("Termination"),
    SanctionType.EXPULSION: _l("Expulsion"),
    SanctionType.CENSURE: _l("Censure"),
    SanctionType.REMOVAL: _l("Removal from caucus or role"),
    SanctionType.FINE: _l("Fine"),
    SanctionType.ARREST: _l("Arrest and charges"),
    SanctionType.LICENCE_REVOKED: _l("Licence or residency revoked"),
    SanctionType.HIRING_RESCINDED: _l("Hiring rescinded"),
    SanctionType.HARASSMENT: _l("Harassment and doxxing"),
    SanctionType.DETENTION: _l("Detention (including administrative detention)"),
    SanctionType.DEPORTATION: _l("Deportation"),
    SanctionType.RESIDENCY_REVOKED: _l("Residency revoked"),
    SanctionType.TRAVEL_BAN: _l("Travel ban"),
    SanctionType.TRAINING_PENALTY: _l("Penalty in training or residency matching"),
    SanctionType.BLACKLISTING: _l("Blacklisting or deplatforming"),
    SanctionType.PROFESSIONAL_COMPLAINT: _l("Professional complaint"),
    SanctionType.OTHER: _l("Other"),
    # Translators: what became of a sanction (« en attente »)
    SanctionOutcome.PENDING: _l("Pending"),
    SanctionOutcome.UPHELD: _l("Upheld"),
    SanctionOutcome.REDUCED: _l("Reduced"),
    SanctionOutcome.OVERTURNED: _l("Overturned"),
    SanctionOutcome.WITHDRAWN: _l("Withdrawn"),
    HarmType.HARASSMENT: _l("Harassment"),
    HarmType.DOXXING: _l("Doxxing"),
    HarmType.THREATS: _l("Threats"),
    HarmType.SMEAR_CAMPAIGN: _l("Smear campaign"),
    HarmType.OTHER: _l("Other"),
    ProceedingKind.LAWSUIT: _l("Lawsuit"),
    ProceedingKind.JUDICIAL_REVIEW: _l("Judicial review"),
    ProceedingKind.HUMAN_RIGHTS_COMPLAINT: _l("Human-rights complaint"),
    ProceedingKind.GRIEVANCE: _l("Grievance or arbitration"),
    ProceedingKind.CRIMINAL_CHARGES: _l("Criminal charges"),
    ProceedingKind.REGULATORY_HEARING: _l("Regulatory hearing"),
    ProceedingKind.APPEAL: _l("Appeal"),
    ProceedingKind.OTHER: _l("Other"),
    ProceedingStatus.FILED: _l("Filed"),
    ProceedingStatus.ONGOING: _l("Ongoing"),
    ProceedingStatus.DECIDED: _l("Decided"),
    ProceedingStatus.UNDER_APPEAL: _l("Under appeal"),
    ProceedingStatus.SETTLED: _l("Settled"),
    ProceedingStatus.DISMISSED: _l("Dismissed"),
    ProceedingStatus.WITHDRAWN: _l("Withdrawn"),
    CaseStatus.INTAKE: _l("Intake"),
    CaseStatus.ACTIVE: _l("Active"),
    CaseStatus.RESOLVED: _l("Resolved"),
    CaseStatus.CLOSED: _l("Closed"),
    CaseStatus.DECLINED: _l("Declined"),
    Outcome.VICTORY: _l("Victory"),
    # Translators: an outcome announced by advocacy groups, « mouvement positif »
    Outcome.POSITIVE: _l("Positive movement"),
    Outcome.ONGOING: _l("Ongoing"),
    Outcome.SETBACK: _l("Setback"),
    Outcome.WITHDRAWN: _l("Withdrawn"),
    Priority.LOW: _l("Low"),
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.URGENT: _l("Urgent"),
    EventKind.SANCTION: _l("Sanction"),
    EventKind.APPEAL: _l("Appeal"),
    EventKind.HEARING: _l("Hearing"),
    EventKind.DECISION: _l("Decision"),
    EventKind.REINSTATEMENT: _l("Reinstatement"),
    EventKind.LAWSUIT: _l("Lawsuit"),
    EventKind.MEDIA: _l("Media coverage"),
    EventKind.STATEMENT: _l("Public statement"),
    EventKind.OTHER: _l("Other"),
    DatePrecision.DAY: _l("Exact day"),
    DatePrecision.MONTH: _l("Month only"),
    DatePrecision.YEAR: _l("Year only"),
}
