"""Cohort tables (to be written)."""
