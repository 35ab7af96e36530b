"""Every model, imported in one place so that the metadata is complete."""

from community.accounts.models import ExpertiseTag, User, member_expertise
from community.audit.models import AuditEvent
from community.directory.models import Organisation, System
from community.outbox.models import OutboxMessage

__all__ = [
    "AuditEvent",
    "ExpertiseTag",
    "Organisation",
    "OutboxMessage",
    "System",
    "User",
    "member_expertise",
]
