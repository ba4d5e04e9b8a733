"""Question types: how each parses its block, checks a translation, reads a
submitted form and grades an answer.

A type is one small class registered in ``QUESTION_TYPES``; the web layer
renders it with the template named after the type. Adding a type touches this
module and one template.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping

from .model import Choice, Question
from .problems import Report
from .yamltext import YMap, YSeq

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class AnswerError(ValueError):
    """A submitted answer that cannot be read (e.g. a non-number); ``code``
    names the problem for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class BlockContext:
    report: Report
    path: Any
    is_source: bool

    def error(self, line: int | None, message: str) -> None:
        self.report.error(self.path, line, message)


def key_line(data, key: str) -> int:
    """The line a key of a YAML block stands on (the block's line if absent)."""
    return data.key_lines.get(key, data.line) if isinstance(data, YMap) else 0


def id_parity_problems(singular: str, plural: str, source_ids: list[str], translated_ids: list[str]) -> list[str]:
    """What a translation's list of ids (options, items, criteria) gets
    wrong against the source's: missing, extra, or in another order."""
    listed = ", ".join(source_ids) or f"no {plural}"
    problems = [f'{singular} "{i}" is missing; the source has {listed}' for i in source_ids if i not in translated_ids]
    problems += [f'{singular} "{i}" is not in the source; the source has {listed}' for i in translated_ids if i not in source_ids]
    if set(source_ids) == set(translated_ids) and source_ids != translated_ids:
        problems.append(f"{plural} are in another order than in the source; the source has {listed}")
    return problems


def _text(data: YMap, key: str, ctx: BlockContext, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            ctx.error(data.line, f'"{key}" is required')
        return ""
    if not isinstance(value, str):
        ctx.error(key_line(data, key), f'"{key}" must be text')
        return ""
    return value.strip()


def _bool(data: YMap, key: str, ctx: BlockContext) -> bool | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    ctx.error(key_line(data, key), f'"{key}" must be true or false, not {value!r}')
    return None


def _number(data: YMap, key: str, ctx: BlockContext) -> float | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(value) if isinstance(value, str) else None
    except ValueError:
        number = None
    if number is None or not math.isfinite(number):
        ctx.error(key_line(data, key), f'"{key}" must be a number, not {value!r}')
        return None
    return number


def normalise_text(value: str) -> str:
    """How text answers are compared: NFC, case-insensitive, inner spaces
    collapsed. Tone marks stay significant ("ca" is not "cá")."""
    value = unicodedata.normalize("NFC", value)
    return " ".join(value.casefold().split())


def parse_number(raw: str) -> float:
    """Read a learner's number: accepts a comma or the Arabic decimal separator,
    and any script's digits (Python's float reads Arabic-Indic digits)."""
    cleaned = raw.strip().replace("\u066b", ".").replace("\u066c", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(unicodedata.normalize("NFKC", cleaned))
    except ValueError:
        raise AnswerError("not-a-number") from None
    if not math.isfinite(number):
        raise AnswerError("not-a-number")
    return number


class QuestionType:
    name = ""
    keys: frozenset[str] = frozenset()
    choice_key = ""  # "options" or "items" where the type has choices
    choice_keys: frozenset[str] = frozenset()

    # -- parsing -----------------------------------------------------------
    def parse(self, data: YMap, ctx: BlockContext) -> Question:
        question = Question(
            id=data.get("id", ""),
            type=self.name,
            prompt=_text(data, "question", ctx, required=True),
            line=data.line,
            explanation=_text(data, "explanation", ctx),
        )
        return self.parse_keys(data, question, ctx)

    def parse_keys(self, data: YMap, question: Question, ctx: BlockContext) -> Question:
        return question

    def parse_choices(self, data: YMap, ctx: BlockContext) -> tuple[Choice, ...]:
        raw = data.get(self.choice_key)
        singular = self.choice_key[:-1]
        if not isinstance(raw, YSeq) or len(raw) < 2:
            ctx.error(key_line(data, self.choice_key), f'"{self.choice_key}" must list at least two {self.choice_key}')
            return ()
        choices, seen = [], set()
        for item, line in zip(raw, raw.item_lines):
            if not isinstance(item, YMap):
                ctx.error(line, f"each {singular} needs an id and a text")
                continue
            for key in item:
                if key not in self.choice_keys:
                    ctx.error(item.key_lines[key], f'unknown key "{key}" in {singular}; expected {", ".join(sorted(self.choice_keys))}')
            choice_id = item.get("id")
            if not isinstance(choice_id, str) or not ID_RE.match(choice_id):
                ctx.error(line, f'{singular} id {choice_id!r} must look like "some-id" (a-z, 0-9 and hyphens)')
                continue
            if choice_id in seen:
                ctx.error(line, f'{singular} "{choice_id}" appears twice')
                continue
            seen.add(choice_id)
            correct = _bool(item, "correct", ctx) if "correct" in self.choice_keys else None
            choices.append(
                Choice(
                    id=choice_id,
                    text=_text(item, "text", ctx, required=True),
                    feedback=_text(item, "feedback", ctx),
                    correct=bool(correct),
                )
            )
        return tuple(choices)

    # -- translations -------------------------------------------------------
    def merge(self, source: Question, translated: Question, data: YMap, ctx: BlockContext) -> Question:
        """The translated question, carrying the source's answer keys; reports
        every way the translation's structure or keys differ from the source."""
        if self.choice_key:
            self._check_choice_parity(source, translated, data, ctx)
            self._check_stated_keys(source, data, ctx)
            by_id = {c.id: c for c in translated.choices}
            choices = []
            for src in source.choices:
                tr = by_id.get(src.id)
                choices.append(src if tr is None else replace(src, text=tr.text, feedback=tr.feedback))
            translated = replace(translated, choices=tuple(choices))
        return self.merge_keys(source, translated, data, ctx)

    def _check_stated_keys(self, source: Question, data: YMap, ctx: BlockContext) -> None:
        """A translation may leave out ``correct``; where it states it, it must agree."""
        raw = data.get(self.choice_key)
        for item in raw if isinstance(raw, YSeq) else ():
            if not isinstance(item, YMap) or "correct" not in item:
                continue
            src = source.choice(item.get("id", ""))
            stated = str(item["correct"]).lower()
            if src is not None and stated != str(src.correct).lower():
                ctx.error(item.key_lines["correct"], f'{self.choice_key[:-1]} "{src.id}" is correct: {stated} here but {str(src.correct).lower()} in the source')

    def merge_keys(self, source: Question, translated: Question, data: YMap, ctx: BlockContext) -> Question:
        return replace(translated, answer=source.answer, tolerance=source.tolerance)

    def _check_choice_parity(self, source: Question, translated: Question, data: YMap, ctx: BlockContext) -> None:
        line = key_line(data, self.choice_key)
        for message in id_parity_problems(self.choice_key[:-1], self.choice_key,
                                          [c.id for c in source.choices], [c.id for c in translated.choices]):
            ctx.error(line, message)

    # -- answers --------------------------------------------------------------
    def read_answer(self, question: Question, form: Mapping[str, list[str]]) -> Any:
        """The answer from a submitted form as JSON-able data, or None if the
        learner left the question blank. Raises AnswerError for input that
        cannot be an answer (an unknown option, a non-number)."""
        raise NotImplementedError

    def is_correct(self, question: Question, answer: Any) -> bool:
        raise NotImplementedError

    def correct_answer(self, question: Question) -> Any:
        """The key, as an answer would look (for result pages only)."""
        raise NotImplementedError


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def _one_value(form: Mapping[str, list[str]], name: str) -> str | None:
    values = [v for v in form.get(name, []) if v.strip()]
    if not values:
        return None
    if len(values) > 1:
        raise AnswerError("too-many-values")
    return values[0]


class SingleChoice(QuestionType):
    name = "single"
    keys = frozenset({"id", "type", "question", "explanation", "options"})
    choice_key = "options"
    choice_keys = frozenset({"id", "text", "correct", "feedback"})

    def parse_keys(self, data, question, ctx):
        mark = len(ctx.report.problems)
        question = replace(question, choices=self.parse_choices(data, ctx))
        if ctx.is_source and question.choices and not ctx.report.errors_since(mark):
            self.check_key(question, data, ctx)
        return question

    def check_key(self, question, data, ctx):
        correct = [c for c in question.choices if c.correct]
        if len(correct) != 1:
            ctx.error(key_line(data, "options"), f"a single-choice question needs exactly one option with correct: true; found {len(correct)}")

    def read_answer(self, question, form):
        value = _one_value(form, field_name(question))
        if value is None:
            return None
        if question.choice(value) is None:
            raise AnswerError("unknown-option")
        return value

    def is_correct(self, question, answer):
        choice = question.choice(answer) if answer is not None else None
        return bool(choice and choice.correct)

    def correct_answer(self, question):
        return next(c.id for c in question.choices if c.correct)


class MultipleChoice(SingleChoice):
    name = "multiple"

    def check_key(self, question, data, ctx):
        if not any(c.correct for c in question.choices):
            ctx.error(key_line(data, "options"), "a multiple-choice question needs at least one option with correct: true")

    def read_answer(self, question, form):
        values = [v for v in form.get(field_name(question), []) if v.strip()]
        if not values:
            return None
        if any(question.choice(v) is None for v in values):
            raise AnswerError("unknown-option")
        # Keep the order of the options, drop repeats.
        return [c.id for c in question.choices if c.id in values]

    def is_correct(self, question, answer):
        if not answer:
            return False
        return set(answer) == {c.id for c in question.choices if c.correct}

    def correct_answer(self, question):
        return [c.id for c in question.choices if c.correct]


class TrueFalse(QuestionType):
    name = "truefalse"
    keys = frozenset({"id", "type", "question", "explanation", "answer"})

    def parse_keys(self, data, question, ctx):
        answer = _bool(data, "answer", ctx)
        if ctx.is_source and answer is None and data.get("answer") in (None, ""):
            ctx.error(data.line, 'a true/false question needs "answer: true" or "answer: false"')
        return replace(question, answer=answer)

    def merge_keys(self, source, translated, data, ctx):
        if translated.answer is not None and translated.answer != source.answer:
            ctx.error(key_line(data, "answer"), f"answer is {str(translated.answer).lower()} here but {str(source.answer).lower()} in the source")
        return replace(translated, answer=source.answer)

    def read_answer(self, question, form):
        value = _one_value(form, field_name(question))
        if value is None:
            return None
        if value not in ("true", "false"):
            raise AnswerError("unknown-option")
        return value == "true"

    def is_correct(self, question, answer):
        return answer is not None and answer == question.answer

    def correct_answer(self, question):
        return question.answer


class TextAnswer(QuestionType):
    name = "text"
    keys = frozenset({"id", "type", "question", "explanation", "accept"})

    def parse_keys(self, data, question, ctx):
        raw = data.get("accept")
        if isinstance(raw, str) and raw.strip():
            raw = [raw]
        if not isinstance(raw, list) or not raw or not all(isinstance(a, str) and a.strip() for a in raw):
            ctx.error(key_line(data, "accept"), '"accept" must list at least one accepted answer, in this language')
            return question
        return replace(question, accept=tuple(a.strip() for a in raw))

    def merge_keys(self, source, translated, data, ctx):
        return translated  # every language keeps its own accept list

    def read_answer(self, question, form):
        value = _one_value(form, field_name(question))
        if value is None:
            return None
        if len(value) > 500:
            raise AnswerError("too-long")
        return unicodedata.normalize("NFC", value.strip())

    def is_correct(self, question, answer):
        if not answer:
            return False
        return normalise_text(answer) in {normalise_text(a) for a in question.accept}

    def correct_answer(self, question):
        return question.accept[0] if question.accept else ""


class NumberAnswer(QuestionType):
    name = "number"
    keys = frozenset({"id", "type", "question", "explanation", "answer", "tolerance"})

    def parse_keys(self, data, question, ctx):
        answer = _number(data, "answer", ctx)
        tolerance = _number(data, "tolerance", ctx)
        if ctx.is_source and answer is None and data.get("answer") in (None, ""):
            ctx.error(data.line, 'a number question needs "answer"')
        if tolerance is not None and tolerance < 0:
            ctx.error(key_line(data, "tolerance"), '"tolerance" must not be negative')
            tolerance = None
        return replace(question, answer=answer, tolerance=tolerance if tolerance is not None else 0.0)

    def merge_keys(self, source, translated, data, ctx):
        if "answer" in data and translated.answer is not None and translated.answer != source.answer:
            ctx.error(key_line(data, "answer"), f"answer is {data['answer']} here but {source.answer:g} in the source")
        if "tolerance" in data and translated.tolerance != source.tolerance:
            ctx.error(key_line(data, "tolerance"), f"tolerance is {data['tolerance']} here but {source.tolerance:g} in the source")
        return replace(translated, answer=source.answer, tolerance=source.tolerance)

    def read_answer(self, question, form):
        value = _one_value(form, field_name(question))
        if value is None:
            return None
        return parse_number(value)

    def is_correct(self, question, answer):
        if answer is None or question.answer is None:
            return False
        # A small epsilon so that 0.1 + 0.2 style input is not marked wrong.
        return abs(float(answer) - float(question.answer)) <= question.tolerance + 1e-9

    def correct_answer(self, question):
        return question.answer


class OrderItems(QuestionType):
    name = "order"
    keys = frozenset({"id", "type", "question", "explanation", "items"})
    choice_key = "items"
    choice_keys = frozenset({"id", "text"})

    def parse_keys(self, data, question, ctx):
        return replace(question, choices=self.parse_choices(data, ctx))

    def position_field(self, question: Question, item: Choice) -> str:
        return f"q-{question.id}-{item.id}"

    def read_answer(self, question, form):
        positions = {}
        for item in question.choices:
            raw = _one_value(form, self.position_field(question, item))
            if raw is None:
                return None if not positions else self._incomplete()
            try:
                position = int(raw)
            except ValueError:
                raise AnswerError("bad-position") from None
            if not 1 <= position <= len(question.choices):
                raise AnswerError("bad-position")
            positions[item.id] = position
        if len(set(positions.values())) != len(positions):
            raise AnswerError("same-position-twice")
        return sorted(positions, key=positions.get)

    def _incomplete(self):
        raise AnswerError("order-incomplete")

    def is_correct(self, question, answer):
        return bool(answer) and list(answer) == [c.id for c in question.choices]

    def correct_answer(self, question):
        return [c.id for c in question.choices]


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), TextAnswer(), NumberAnswer(), OrderItems())
}


def parse_question(data, line: int, ctx: BlockContext, seen_ids: set[str]) -> Question | None:
    """Parse one ```quiz block's YAML data (already read with line numbers)."""
    if not isinstance(data, YMap):
        ctx.error(line, "a quiz block must be a YAML mapping with id, type and question")
        return None
    mark = len(ctx.report.problems)
    question_id = data.get("id")
    if not isinstance(question_id, str) or not question_id:
        ctx.error(data.line, 'the question needs an "id"')
    elif not ID_RE.match(question_id):
        ctx.error(key_line(data, "id"), f'question id "{question_id}" must look like "some-id" (a-z, 0-9 and hyphens)')
    elif question_id in seen_ids:
        ctx.error(key_line(data, "id"), f'question id "{question_id}" is used twice in this lesson')
    qtype_name = data.get("type")
    qtype = QUESTION_TYPES.get(qtype_name) if isinstance(qtype_name, str) else None
    if qtype is None and qtype_name in (None, ""):
        ctx.error(data.line, f'the question needs a "type", one of {", ".join(QUESTION_TYPES)}')
        return None
    if qtype is None:
        ctx.error(key_line(data, "type"), f'unknown question type {qtype_name!r}; expected one of {", ".join(QUESTION_TYPES)}')
        return None
    for key in data:
        if key not in qtype.keys:
            ctx.error(data.key_lines[key], f'unknown key "{key}" in a {qtype.name} question; expected {", ".join(sorted(qtype.keys))}')
    question = qtype.parse(data, ctx)
    if ctx.report.errors_since(mark):
        return None
    seen_ids.add(question.id)
    return question
