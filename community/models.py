"""Every model, imported in one place so that the metadata is complete."""

from community.accounts.models import ExpertiseTag, SingleSignOnIdentity, User, member_expertise
from community.audit.models import AuditEvent
from community.caching.versions import ContentVersion
from community.communities.models import Community, Invitation, JoinRequest, Membership
from community.directory.models import EmailDomain, Organisation, System
from community.discussions.models import Flag, HelpfulReaction, Post, PostRevision, Thread
from community.files.models import MethodRevisionFile, StoredFile
from community.mentoring.matching.evidence import MentorEvidence
from community.mentoring.models import (
    CapabilityAssessment,
    CapabilityScore,
    MentoringAsk,
    MentoringRequest,
    MentoringRequestComponent,
    MentoringSession,
    MentorOffer,
    MentorOfferComponent,
    Mentorship,
    MentorshipFeedback,
    MentorshipGoal,
)
from community.methods.models import (
    Adaptation,
    Method,
    MethodAuthor,
    MethodImpact,
    MethodRevision,
    MethodSetting,
    MethodUse,
    method_tags,
)
from community.notifications.models import Notification, PendingDelivery, ThreadWatch
from community.outbox.models import OutboxMessage
from community.projects.models import (
    DataPoint,
    Measure,
    PDSACycle,
    ProcessChange,
    ProgressScore,
    Project,
    ProjectMethod,
    ProjectUpdate,
    TeamMember,
    pdsa_cycle_measures,
)
from community.search.models import SearchDocument

__all__ = [
    "StoredFile",
    "MethodRevisionFile",
    "Adaptation",
    "AuditEvent",
    "CapabilityAssessment",
    "CapabilityScore",
    "MentoringAsk",
    "MentoringRequest",
    "MentoringRequestComponent",
    "MentoringSession",
    "MentorEvidence",
    "MentorOffer",
    "MentorOfferComponent",
    "Mentorship",
    "MentorshipFeedback",
    "MentorshipGoal",
    "Community",
    "ContentVersion",
    "DataPoint",
    "Flag",
    "HelpfulReaction",
    "Invitation",
    "JoinRequest",
    "Measure",
    "Membership",
    "Method",
    "MethodAuthor",
    "MethodImpact",
    "MethodRevision",
    "MethodSetting",
    "MethodUse",
    "Notification",
    "PDSACycle",
    "PendingDelivery",
    "Post",
    "PostRevision",
    "SearchDocument",
    "ProcessChange",
    "ProgressScore",
    "Project",
    "ProjectMethod",
    "ProjectUpdate",
    "TeamMember",
    "Thread",
    "ThreadWatch",
    "ExpertiseTag",
    "EmailDomain",
    "SingleSignOnIdentity",
    "Organisation",
    "OutboxMessage",
    "System",
    "User",
    "member_expertise",
    "method_tags",
    "pdsa_cycle_measures",
]
