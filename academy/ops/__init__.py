"""Keeping the box running: backups and restores, the server lock, request
and application logs, and the health check."""
