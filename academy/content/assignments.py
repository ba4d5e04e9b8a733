"""Assignments: a ```assignment block in a lesson, answered in the learner's
own words (with photos or a PDF if they like) and reviewed by a tutor
against its criteria, or by nobody (``review: none``).

Like a question type, this module parses its block, checks a translation
against the source and carries the source's settings into the translation.
The loader calls :class:`AssignmentReader` for each block of a lesson.

````
```assignment
id: report-a-concern
prompt: Describe, in your own words, how to report a concern in your factory.
criteria:
  - id: channels
    text: Names at least two ways to report a concern
  - id: next-steps
    text: Says what happens after a report
review: tutor
```
````
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .markdown import QuizBlock
from .model import Assignment, Criterion, LessonText
from .problems import Report
from .questions import ID_RE, id_parity_problems, key_line
from .yamltext import YamlProblem, YMap, YSeq, parse_yaml

ASSIGNMENT_KEYS = frozenset({"id", "prompt", "criteria", "review"})
CRITERION_KEYS = frozenset({"id", "text"})
REVIEWS = ("tutor", "none")
MAX_CRITERIA = 12


class AssignmentReader:
    """Reads the assignment blocks of one lesson file, in order.

    ``source`` is the source-language text of the lesson when this file is a
    translation (then ids, criteria and ``review`` must agree with it), or
    None for the source itself. ``seen`` holds the ids already used in the
    lesson (its questions' too): an assignment cannot share one.
    ``written`` is shared by the readers of one course: for each source file,
    the ids its blocks name and whether every block's id could be read (a
    translation is not blamed for an id the source got wrong)."""

    def __init__(self, report: Report, path: Path, source: LessonText | None, seen: set[str],
                 written: dict[Path, tuple[list[str], bool]]):
        self.report = report
        self.path = path
        self.source = source
        self.seen = seen
        self.shared = written
        self.written: list[tuple[str, int]] = []  # (id, line) of every block whose id could be read
        self.blocks = 0

    def error(self, line: int | None, message: str) -> None:
        self.report.error(self.path, line, message)

    def read(self, block: QuizBlock) -> Assignment | None:
        self.blocks += 1
        return self._read(block)

    def _read(self, block: QuizBlock) -> Assignment | None:
        try:
            data = parse_yaml(block.text, block.first_line)
        except YamlProblem as exc:
            self.error(exc.line, exc.message)
            return None
        if not isinstance(data, YMap):
            self.error(block.fence_line, "an assignment block must be a YAML mapping with id, prompt and review")
            return None
        mark = len(self.report.problems)
        for key in data:
            if key not in ASSIGNMENT_KEYS:
                self.error(data.key_lines[key], f'unknown key "{key}" in an assignment; expected {", ".join(sorted(ASSIGNMENT_KEYS))}')
        assignment_id = data.get("id")
        if not isinstance(assignment_id, str) or not assignment_id:
            self.error(data.line, 'the assignment needs an "id"')
            assignment_id = ""
        elif not ID_RE.match(assignment_id):
            self.error(key_line(data, "id"), f'assignment id "{assignment_id}" must look like "some-id" (a-z, 0-9 and hyphens)')
        else:
            self.written.append((assignment_id, data.line))
            if assignment_id in self.seen:
                self.error(key_line(data, "id"), f'id "{assignment_id}" is used twice in this lesson')
        prompt = data.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            self.error(data.line if prompt is None else key_line(data, "prompt"), '"prompt" is required and must be text')
            prompt = ""
        criteria = self._criteria(data)
        review = self._review(data)
        if self.report.errors_since(mark):
            return None
        self.seen.add(assignment_id)
        assignment = Assignment(assignment_id, prompt.strip(), data.line, criteria, review or "tutor")
        if self.source is None:
            return assignment
        original = self.source.assignment(assignment_id)
        if original is None:
            return None  # reported by finish(), or the source's own error is
        return self._merge(original, assignment, data)

    def _criteria(self, data: YMap) -> tuple[Criterion, ...]:
        raw = data.get("criteria")
        if raw is None or raw == "":
            return ()
        if not isinstance(raw, YSeq):
            self.error(key_line(data, "criteria"), '"criteria" must be a list of criteria, each with an id and a text')
            return ()
        if len(raw) > MAX_CRITERIA:
            self.error(key_line(data, "criteria"), f"an assignment can have at most {MAX_CRITERIA} criteria")
        criteria, seen = [], set()
        for item, line in zip(raw, raw.item_lines):
            if not isinstance(item, YMap):
                self.error(line, "each criterion needs an id and a text")
                continue
            for key in item:
                if key not in CRITERION_KEYS:
                    self.error(item.key_lines[key], f'unknown key "{key}" in a criterion; expected id, text')
            criterion_id, text = item.get("id"), item.get("text")
            if not isinstance(criterion_id, str) or not ID_RE.match(criterion_id):
                self.error(line, f'criterion id {criterion_id!r} must look like "some-id" (a-z, 0-9 and hyphens)')
                continue
            if criterion_id in seen:
                self.error(line, f'criterion "{criterion_id}" appears twice')
                continue
            if not isinstance(text, str) or not text.strip():
                self.error(line, f'criterion "{criterion_id}" needs a "text"')
                continue
            seen.add(criterion_id)
            criteria.append(Criterion(criterion_id, text.strip()))
        return tuple(criteria)

    def _review(self, data: YMap) -> str | None:
        review = data.get("review")
        if review is None or review == "":
            if self.source is None:
                self.error(data.line, 'the assignment needs "review: tutor" (a tutor reviews each answer) or "review: none"')
            return None
        if review not in REVIEWS:
            self.error(key_line(data, "review"), f'"review" must be tutor or none, not {review!r}')
            return None
        return review

    def _merge(self, source: Assignment, translated: Assignment, data: YMap) -> Assignment:
        """The translation's words with the source's ids and settings."""
        if "review" in data and data.get("review") != source.review:
            self.error(key_line(data, "review"), f'review is {data.get("review")} here but {source.review} in the source')
        line = key_line(data, "criteria")
        for message in id_parity_problems("criterion", "criteria", [c.id for c in source.criteria],
                                          [c.id for c in translated.criteria]):
            self.error(line, message)
        texts = {c.id: c.text for c in translated.criteria}
        criteria = tuple(replace(c, text=texts.get(c.id, c.text)) for c in source.criteria)
        return replace(translated, criteria=criteria, review=source.review)

    def finish(self, blocks: list[QuizBlock]) -> None:
        """For a translation: the same assignments as the source, in its order."""
        if self.source is None:
            ids = list(dict.fromkeys(assignment_id for assignment_id, _ in self.written))
            self.shared[self.path] = (ids, len(self.written) == self.blocks)
            return
        source_ids, source_complete = self.shared.get(self.source.path, ([a.id for a in self.source.assignments], True))
        ids = list(dict.fromkeys(assignment_id for assignment_id, _ in self.written))
        listed = ", ".join(source_ids) or "no assignments"
        line = blocks[0].fence_line if blocks else None
        for assignment_id in source_ids:
            if assignment_id not in ids:
                self.error(line, f'assignment "{assignment_id}" is missing; the source has {listed}')
        if not source_complete:
            return
        for assignment_id, assignment_line in self.written:
            if assignment_id not in source_ids:
                self.error(assignment_line, f'assignment "{assignment_id}" is not in the source; the source has {listed}')
        if set(ids) == set(source_ids) and ids != source_ids:
            self.error(line, f"assignments are in another order than in the source; the source has {listed}")
