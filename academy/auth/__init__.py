"""Accounts without email: sign in, register, first-run setup, own data."""
