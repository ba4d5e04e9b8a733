"""Programmes: the enterprises (organisations) a box serves, the optional
profile fields learners give for reporting, and the impact report a funder
asks for each quarter (counts by organisation, country, course, modality,
gender and job role, with small cells suppressed).

It reads what learning, cohorts and certificates recorded, so it sits above
them (docs/architecture.md); they refer to an organisation only by its id."""
