"""Tutor-led cohorts: guided classes run by local trainers."""
