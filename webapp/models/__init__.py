"""All models, imported here so Alembic and the app see one metadata."""
from webapp.models.api_keys import ApiKey, ApiKeyScope, IdempotentRequest
from webapp.models.alerts import AlertFeedback, SavedSearch, SentAlert
from webapp.models.applications import Application, ApplicationEvent
from webapp.models.base import Base, utcnow
from webapp.models.bulletins import Bulletin, BulletinSubscription
from webapp.models.campaigns import Campaign, TrackedLink, campaign_vacancies
from webapp.models.content import Follow, NewsArticle
from webapp.models.correspondence import (
    ApplicationMessage,
    Interview,
    InterviewFormat,
    MailFrequency,
    MessageSide,
    MessageTemplate,
    Notification,
)
from webapp.models.equality import EqualityAnswers
from webapp.models.exports import JobExport
from webapp.models.featured import FeaturedSlot
from webapp.models.feedback import Feedback
from webapp.models.funnel import (
    FunnelDaily,
    FunnelRollupMark,
    FunnelVisitorDay,
    FunnelVisitorSpan,
    FunnelVisitorSpanCount,
)
from webapp.models.mail import BouncedAddress, MailStatus, OutgoingMail
from webapp.models.matching import Embedding, Invitation, ProfileEmbedding, VacancyEmbedding
from webapp.models.organisations import Organisation
from webapp.models.records import AuditLog, FunnelEvent, OutboxMessage
from webapp.models.safer_recruitment import ApplicationDraft, RecruitmentSettings, Referee, ReferenceStage
from webapp.models.saved_jobs import SavedJob
from webapp.models.users import CandidateProfile, User
from webapp.models.vacancies import Vacancy
from webapp.models.webhooks import (
    DeliveryStatus,
    IndexingNotice,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from webapp.models.workforce import (
    AgencyConversion,
    AgencyPlacement,
    GlidepathTarget,
    RegionWorkforceSettings,
    WorkforceLeaver,
    WorkforceLeaverReason,
    WorkforceSnapshot,
)

__all__ = [
    "AgencyConversion",
    "AgencyPlacement",
    "GlidepathTarget",
    "RegionWorkforceSettings",
    "WorkforceLeaver",
    "WorkforceLeaverReason",
    "WorkforceSnapshot",
    "AlertFeedback",
    "ApiKey",
    "ApiKeyScope",
    "IdempotentRequest",
    "Application",
    "ApplicationDraft",
    "ApplicationEvent",
    "ApplicationMessage",
    "AuditLog",
    "Base",
    "BouncedAddress",
    "Bulletin",
    "BulletinSubscription",
    "Campaign",
    "CandidateProfile",
    "Embedding",
    "EqualityAnswers",
    "FeaturedSlot",
    "Feedback",
    "Follow",
    "FunnelDaily",
    "FunnelEvent",
    "FunnelRollupMark",
    "FunnelVisitorDay",
    "FunnelVisitorSpan",
    "FunnelVisitorSpanCount",
    "Interview",
    "InterviewFormat",
    "Invitation",
    "JobExport",
    "MailFrequency",
    "MailStatus",
    "MessageSide",
    "MessageTemplate",
    "NewsArticle",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "OutgoingMail",
    "ProfileEmbedding",
    "RecruitmentSettings",
    "Referee",
    "ReferenceStage",
    "SavedJob",
    "SavedSearch",
    "SentAlert",
    "TrackedLink",
    "User",
    "Vacancy",
    "VacancyEmbedding",
    "DeliveryStatus",
    "IndexingNotice",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookEventType",
    "campaign_vacancies",
    "utcnow",
]
