"""Whatever an author writes, the pipeline answers with problems, never with a
crash: one broken file must not take the server down."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.content import QUESTION_TYPES, AnswerError, Choice, Question, load_library, normalise_text
from academy.content.questions import parse_number

FUZZ = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real course files, so that the generated text often gets past the
# first check and reaches the deeper ones.
PIECES = st.sampled_from([
    "---", "\n", "\n", "\n", "title: Fuzz", "minutes: 3", "pass_percent: 50", "source_hash: abc",
    "```quiz", "```", "~~~", "id: q", "id: Q_1", "type: single", "type: multiple", "type: truefalse",
    "type: text", "type: number", "type: order", "question: Why?", "options:", "items:", "  - id: a",
    "  - id: b", "    text: A", "    text: No", "    correct: true", "    correct: yes", "answer: true",
    "answer: 1,5", "answer: 2", "tolerance: -1", "accept: [x, 1.5]", "explanation: [", "  ", "\t", ": ",
    "- ", "&a [*a]", "*a", "<<: {}", "'", '"', "[", "{", "::: tip Title", "::: note", ":::",
    "| a | b |\n| --- | --- |\n| 1 | 2 |", "![x](../media/pic.svg)", "![x](http://h/x.png)", "![x](/abs.png)",
    "[l](../01-module/01-lesson.en.md)", "[l](missing.md)", "[l](https://example.org)", "[l](../../../x)",
    "<script>", "<iframe>", "<b>", "%00", "\x00", "\ufeff", "\r", "\u2028", "\x85", "é", "ệ", "投诉。", "مرحبا", "٣",
])
AUTHOR_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join),
)
LESSON_REL = "01-module/01-lesson.en.md"
COURSE_YML = "format: 1\nsource_language: en\nlanguages: [en]\n"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A one-language course whose lesson file each example overwrites."""
    courses = tmp_path_factory.mktemp("fuzz") / "courses"
    course = courses / "fuzz-course"
    (course / "01-module").mkdir(parents=True)
    (course / "media").mkdir()
    (course / "media" / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (course / "course.yml").write_text(COURSE_YML)
    (course / "course.en.md").write_text("---\ntitle: Fuzz\nsummary: Fuzzed.\n---\n")
    (course / "01-module" / "module.en.md").write_text("---\ntitle: Module\n---\n")
    yield courses
    shutil.rmtree(courses, ignore_errors=True)


def check_file(courses, rel: str, data: bytes):
    path = courses / "fuzz-course" / rel
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        library = load_library(courses, root=courses)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
    return library


def assert_reported_not_raised(library, rel: str, data: bytes) -> None:
    served, refused = "fuzz-course" in library.courses, "fuzz-course" in library.refused
    assert served != refused
    assert refused == any(p.level == "error" for p in library.problems)
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    for problem in library.problems:
        assert str(problem).startswith(problem.path)
        if problem.path == f"fuzz-course/{rel}" and problem.line is not None:
            assert 1 <= problem.line <= text.count("\n") + 1, str(problem)


@FUZZ
@given(body=AUTHOR_TEXT)
def test_any_lesson_file_is_read_or_refused_with_problems(scratch, body):
    data = body.encode("utf-8")
    library = check_file(scratch, LESSON_REL, data)
    assert_reported_not_raised(library, LESSON_REL, data)


@FUZZ
@given(front_matter=AUTHOR_TEXT)
def test_any_front_matter_is_read_or_refused_with_problems(scratch, front_matter):
    data = f"---\n{front_matter}\n---\nBody.\n".encode("utf-8")
    library = check_file(scratch, LESSON_REL, data)
    assert_reported_not_raised(library, LESSON_REL, data)


@FUZZ
@given(quiz=AUTHOR_TEXT)
def test_any_quiz_block_is_read_or_refused_with_problems(scratch, quiz):
    data = f"---\ntitle: Fuzz\n---\nText.\n\n```quiz\n{quiz.replace('```', '')}\n```\n".encode("utf-8")
    library = check_file(scratch, LESSON_REL, data)
    assert_reported_not_raised(library, LESSON_REL, data)


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_in_a_lesson_file_are_read_or_refused_with_problems(scratch, data):
    library = check_file(scratch, LESSON_REL, data)
    assert_reported_not_raised(library, LESSON_REL, data)


@FUZZ
@given(text=AUTHOR_TEXT)
def test_any_course_yml_is_read_or_refused_with_problems(scratch, text):
    (scratch / "fuzz-course" / LESSON_REL).write_text("---\ntitle: Fine\n---\n")
    data = text.encode("utf-8")
    library = check_file(scratch, "course.yml", data)
    assert_reported_not_raised(library, "course.yml", data)


@FUZZ
@given(typed=st.text(max_size=40))
def test_reading_any_typed_number_gives_a_number_or_an_answer_error(typed):
    try:
        assert isinstance(parse_number(typed), float)
    except AnswerError as exc:
        assert exc.code == "not-a-number"


@FUZZ
@given(typed=st.text(max_size=40))
def test_normalising_text_twice_changes_nothing(typed):
    assert normalise_text(normalise_text(typed)) == normalise_text(typed)


@FUZZ
@given(
    question_type=st.sampled_from(sorted(QUESTION_TYPES)),
    form=st.dictionaries(
        st.sampled_from(["q-x", "q-x-a", "q-x-b", "q-y"]),
        st.lists(st.one_of(st.sampled_from(["a", "b", "1", "2", "true", ""]), st.text(max_size=10)), max_size=3),
    ),
)
def test_any_submitted_form_is_graded_or_refused_with_an_answer_error(question_type, form):
    question = Question(
        id="x", type=question_type, prompt="?", line=1, choices=(Choice("a", "A", correct=True), Choice("b", "B")),
        answer=True if question_type == "truefalse" else 1.0, accept=("a",),
    )
    qtype = QUESTION_TYPES[question_type]
    try:
        answer = qtype.read_answer(question, form)
    except AnswerError:
        return
    assert qtype.is_correct(question, answer) in (True, False)
