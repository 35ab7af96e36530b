"""What every feature builds on and that knows nothing of the web: the database and
its engine behaviour, the extension objects, model column helpers, the errors
services raise, slugs, UK dates and times, and the one Markdown renderer."""
