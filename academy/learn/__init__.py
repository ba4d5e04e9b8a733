"""Self-paced learning: enrolment, quizzes graded on the server, progress."""
