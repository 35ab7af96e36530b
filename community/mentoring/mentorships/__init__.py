"""A running mentorship: its goals and their progress, the session log, closing
and feedback, and their pages."""
