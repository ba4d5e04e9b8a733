"""Helpers the tests share (plain functions, not fixtures)."""

from __future__ import annotations

import re

def lesson_url(course, lesson) -> str:
    return f"/courses/{course.id}/{lesson.module_id}/{lesson.id}"


def attempt_token(page_html: str) -> str:
    match = re.search(r'name="attempt" value="([^"]+)"', page_html)
    assert match, "no attempt id in the lesson form"
    return match.group(1)


def answers_for(text, correct: bool = True) -> dict:
    """A form answering every question of a lesson, from the lesson's own
    answer keys (right), or with a wrong answer for each (wrong)."""
    form: dict = {}
    for q in text.questions:
        name = f"q-{q.id}"
        if q.type == "single":
            choice = next(c for c in q.choices if c.correct is correct)
            form[name] = choice.id
        elif q.type == "multiple":
            ids = [c.id for c in q.choices if c.correct]
            form[name] = ids if correct else [c.id for c in q.choices if not c.correct][:1] or ids[:-1]
        elif q.type == "truefalse":
            form[name] = str(q.answer if correct else not q.answer).lower()
        elif q.type == "text":
            form[name] = q.accept[0] if correct else "certainly not this"
        elif q.type == "number":
            form[name] = repr(q.answer if correct else q.answer + q.tolerance + 1000)
        elif q.type == "order":
            ids = [c.id for c in q.choices]
            if not correct:
                ids = ids[::-1]
            for position, item_id in enumerate(ids, start=1):
                form[f"{name}-{item_id}"] = str(position)
    return form
