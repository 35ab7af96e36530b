"""What happens in discussions that other features react to.

Discussions send these and know nothing of who listens: notifications tell
watchers, moderators and authors (`community.notifications.listeners`), connected
when the app is made. Each is sent inside the service's transaction, before it
commits, so what a listener writes is committed (or rolled back) with it.
Receivers take the sender first and the rest by name, as blinker calls them.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the new Post; thread, author, mentions (usernames), reply_to (a Post or None)
post_added = _signals.signal("post-added")
# sender: the new Thread; author
thread_started = _signals.signal("thread-started")
# sender: the Post marked as the thread's key learning; thread, actor
key_learning_marked = _signals.signal("key-learning-marked")
# sender: the flagged Post; thread, flagger, reason_label, moderator_ids, quote_text
post_flagged = _signals.signal("post-flagged")
# sender: the Post its author is warned about; thread, facilitator, message
author_warned = _signals.signal("author-warned")
