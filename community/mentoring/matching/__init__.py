"""Suggesting mentors for a request: who may be suggested, the terms of a match
score, the ranking, and the suggestions kept for a request's page."""
