"""Imports every feature's models, so the mappers and Alembic see the whole schema."""

from peerreview.accounts.models import (  # noqa: F401
    Invitation,
    LoginAttempt,
    Membership,
    NetworkRoleGrant,
    RecoveryCode,
    User,
)
from peerreview.agenda.models import (  # noqa: F401
    ActionLine,
    ActionLineSource,
    Agenda,
    AgendaPoint,
    Part,
    PartStatusChange,
    ProgressUpdate,
    ReportingPeriod,
)
from peerreview.agenda.report_models import FollowUp, ShareLink  # noqa: F401
from peerreview.audit.models import AuditEvent  # noqa: F401
from peerreview.db import Base  # noqa: F401
from peerreview.indicators.models import (  # noqa: F401
    Area,
    Duiding,
    Indicator,
    IndicatorImport,
    IndicatorValue,
    ReferenceGroup,
)
from peerreview.jobs import JobOutbox  # noqa: F401
from peerreview.mail.models import OutgoingMail  # noqa: F401
from peerreview.network.lens_models import PassageCode  # noqa: F401
from peerreview.network.models import (  # noqa: F401
    NetworkCell,
    NetworkIndexVersion,
    NetworkPassage,
    NetworkPassageTheme,
)
from peerreview.network.threads_models import (  # noqa: F401
    NetworkReport,
    Thread,
    ThreadEvidence,
    ThreadResponse,
    ThreadVersion,
)
from peerreview.portret.models import Portret, PortretVersion  # noqa: F401
from peerreview.reflectie.models import Comment, GuestLink  # noqa: F401
from peerreview.reflectiesessie.models import (  # noqa: F401
    ImprovementPoint,
    ReflectieSessie,
    SessieAttendee,
    SessieLesson,
)
from peerreview.review.models import (  # noqa: F401
    Annotation,
    AnnotationReply,
    ReviewAssignment,
    ThemeSummary,
    VisitQuestion,
)
from peerreview.rounds.models import ReminderSent, Round, RoundDeadline, Visitatie  # noqa: F401
from peerreview.selfeval.models import (  # noqa: F401
    Answer,
    AnswerRevision,
    Casus,
    ChecklistItem,
    Document,
    PrivacyClearance,
    SectionAssignment,
    SectionNote,
    Submission,
)
from peerreview.tenants.models import Gemeente, Jeugdregio  # noqa: F401
from peerreview.visit.models import (  # noqa: F401
    Conversation,
    ConversationRespondent,
    Quote,
    Respondent,
    RespondentProposal,
)
