"""Running the box: people, passwords and settings."""
