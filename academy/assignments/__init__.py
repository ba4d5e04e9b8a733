"""Assignments on the web: answering, files, the tutors' review queues."""
