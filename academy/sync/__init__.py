"""Many boxes, one picture: each box writes signed bundles of what it
recorded (events) and of its organisations, cohorts and learners (state);
a hub (the same Academy with ``ACADEMY_ROLE=hub``) verifies and applies them
idempotently, answers with a signed acknowledgement, reports over every box
and verifies every box's certificates. See docs/sync.md.

It reads every domain below it and the programmes' report, so it is the
last layer before the web."""
