"""Mentoring matched to capability gaps: offers, self-assessments, requests, asks, mentorships."""
