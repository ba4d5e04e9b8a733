"""Lesson feedback on the web: the learner's rating and comment, and the
page and CSV where admins read a course's feedback lesson by lesson."""
