"""Every action the audit log records, in words a facilitator or administrator reads.

`record` refuses an action missing here, so a new action cannot reach the log
as a bare code (a page once showed `flags.hide`). Rows written before an
action was renamed still show their code.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # accounts
    "account.registered": "Registered",
    "account.email_confirmed": "Confirmed their email address",
    "account.email_change_requested": "Asked to change their email address",
    "account.email_changed": "Changed their email address",
    "account.password_changed": "Changed their password",
    "account.password_reset_requested": "Asked to reset their password",
    "account.password_reset": "Reset their password",
    "account.signed_in": "Signed in",
    "account.sign_in_failed": "Failed to sign in",
    "account.role_changed": "Changed a member's role",
    "account.data_exported": "Downloaded their data",
    "account.deleted": "Deleted an account",
    # the platform
    "markdown.rerender": "Rendered stored text again with the current Markdown renderer",
    # reference data
    "directory.system_created": "Added an integrated care system",
    "directory.organisation_created": "Added an organisation",
    "directory.system_updated": "Changed an integrated care system",
    "directory.organisation_updated": "Changed an organisation",
    "expertise.synonyms_changed": "Changed the other names of an area of expertise",
    # communities
    "community.proposed": "Proposed a community",
    "community.approved": "Approved a community",
    "community.declined": "Declined a community",
    "community.updated": "Changed the community's details",
    "community.joined": "Joined",
    "community.left": "Left",
    "community.join_requested": "Asked to join",
    "community.request_approved": "Approved a request to join",
    "community.request_declined": "Declined a request to join",
    "community.invited": "Invited someone",
    "community.invitation_accepted": "Accepted an invitation",
    "community.member_removed": "Removed a member",
    "community.facilitator_appointed": "Made a member a facilitator",
    "community.facilitator_removed": "Stopped a member being a facilitator",
    # threads and posts
    "thread.pin": "Pinned a thread",
    "thread.unpin": "Unpinned a thread",
    "thread.lock": "Locked a thread",
    "thread.unlock": "Unlocked a thread",
    "thread.resolve": "Marked a thread as resolved",
    "thread.reopen": "Reopened a thread",
    "thread.moved": "Moved a thread",
    "thread.key_learning_marked": "Marked a key learning",
    "thread.key_learning_cleared": "Cleared a key learning",
    "post.deleted": "Deleted their post",
    "post.version_redacted": "Redacted an earlier version of a post",
    "post.purged": "Purged a post",
    "post.flagged": "Flagged a post",
    # files
    "file.attached": "Attached a file",
    "file.removed": "Removed a file",
    "post.hidden": "Hid a post",
    "post.unhidden": "Showed a hidden post again",
    "post.hidden_by_flags": "A post was hidden by members' flags",
    "flags.keep": "Reviewed flags: kept the post",
    "flags.hide": "Reviewed flags: hid the post",
    "flags.warn": "Reviewed flags: hid the post and warned its author",
    # methods
    "method.published": "Published a method",
    "method.unpublished": "Unpublished a method",
    "method.deleted": "Deleted a method",
    # projects and measures
    "project.started": "Started a project",
    "project.updated": "Changed a project's details",
    "project.status_changed": "Changed a project's status",
    "project.progress_set": "Set a project's progress score",
    "project.team_added": "Added someone to a project team",
    "project.team_removed": "Removed someone from a project team",
    "project.method_linked": "Linked a method to a project",
    "project.method_unlinked": "Unlinked a method from a project",
    "project.cycle_recorded": "Recorded a PDSA cycle",
    "project.cycle_decided": "Decided a PDSA cycle's next step",
    "project.cycle_deleted": "Deleted a PDSA cycle",
    "project.update_deleted": "Deleted a project update",
    "project.archived": "Archived a project",
    "project.restored": "Restored an archived project",
    "project.deleted": "Deleted a project",
    "measure.created": "Added a measure",
    "measure.updated": "Changed a measure",
    "measure.data_imported": "Imported a measure's data",
    "measure.deleted": "Deleted a measure",
    "measure.point_added": "Added a data point",
    "measure.point_changed": "Corrected a data point",
    "measure.point_removed": "Removed a data point",
    "measure.rebaselined": "Recalculated a measure's limits from a point",
    "measure.rebaseline_removed": "Removed a recalculation of limits",
    # mentoring
    "mentoring.offer_created": "Offered mentoring",
    "mentoring.offer_updated": "Changed a mentoring offer",
    "mentoring.offer_paused": "Paused a mentoring offer",
    "mentoring.offer_resumed": "Resumed a mentoring offer",
    "mentoring.capability_assessed": "Assessed an organisation's capability",
    "mentoring.request_created": "Asked for mentoring",
    "mentoring.request_withdrawn": "Withdrew a mentoring request",
    "mentoring.mentor_asked": "Asked a mentor",
    "mentoring.ask_accepted": "Accepted a mentoring ask",
    "mentoring.ask_declined": "Declined a mentoring ask",
    "mentoring.ask_withdrawn": "Withdrew a mentoring ask",
    "mentoring.ask_expired": "A mentoring ask expired",
    "mentoring.mentorship_started": "Started a mentorship",
    "mentoring.goal_added": "Added a mentorship goal",
    "mentoring.goal_updated": "Updated a mentorship goal",
    "mentoring.session_logged": "Logged a mentoring session",
    "mentoring.mentorship_closed": "Closed a mentorship",
    "mentoring.feedback_given": "Gave feedback on a mentorship",
}


def action_words(action: str) -> str:
    """The action in words (its code for a row whose action has since been renamed)."""
    return ACTIONS.get(action, action)
