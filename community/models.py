"""Every model, imported in one place so that the metadata is complete."""

from community.accounts.models import ExpertiseTag, User, member_expertise
from community.audit.models import AuditEvent
from community.communities.models import Community, Invitation, JoinRequest, Membership
from community.directory.models import Organisation, System
from community.discussions.models import Flag, HelpfulReaction, Post, PostRevision, Thread
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
from community.notifications.models import Notification, ThreadWatch
from community.outbox.models import OutboxMessage
from community.search.models import SearchDocument

__all__ = [
    "Adaptation",
    "AuditEvent",
    "Community",
    "Flag",
    "HelpfulReaction",
    "Invitation",
    "JoinRequest",
    "Membership",
    "Method",
    "MethodAuthor",
    "MethodImpact",
    "MethodRevision",
    "MethodSetting",
    "MethodUse",
    "Notification",
    "Post",
    "PostRevision",
    "SearchDocument",
    "Thread",
    "ThreadWatch",
    "ExpertiseTag",
    "Organisation",
    "OutboxMessage",
    "System",
    "User",
    "member_expertise",
    "method_tags",
]
