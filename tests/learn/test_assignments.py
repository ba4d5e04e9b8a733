"""A learner answers an assignment: a draft, photos or a PDF, handing it in;
what is stored, who may see the files, and what a bad file gets."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import answers_for, attempt_token, lesson_url
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from academy.extensions import db
from academy.learn import services as learning
from academy.learn.models import Submission, SubmissionFile
from academy.learn.uploads import submissions_dir

COURSE = "preventing-sexual-harassment"
UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
JPEG = (UPLOADS / "notice-board.jpg").read_bytes()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def ash(library):
    return library.get(COURSE)


@pytest.fixture
def lesson(ash):
    return ash.lesson("speaking-up", "grievance-channel")


@pytest.fixture
def learner(make_user, ash):
    user = make_user("hoa", display_name="Nguyễn Thị Hoa", language="vi")
    learning.enroll(user, ash)
    db.session.commit()
    return user


def answer_url(lesson) -> str:
    return f"/courses/{COURSE}/{lesson.module_id}/{lesson.id}/assignments/report-a-concern"


def send(client, lesson, text="", action="save", file=None, **extra):
    data = {"text": text, "action": action, **extra}
    if file is not None:
        data["file"] = file
    return client.post(answer_url(lesson), data=data, content_type="multipart/form-data")


def photo(data=JPEG, name="IMG_2041 my factory.jpg"):
    from io import BytesIO

    return (BytesIO(data), name)


def submission_of(user) -> Submission | None:
    return db.session.scalar(select(Submission).filter_by(user_id=user.id))


def stored_files(app) -> list[str]:
    folder = submissions_dir(app.config["DATA_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def pass_the_quiz(client, ash, lesson):
    page = client.get(lesson_url(ash, lesson)).get_data(as_text=True)
    form = {**answers_for(lesson.source), "attempt": attempt_token(page)}
    return client.post(f"{lesson_url(ash, lesson)}/answers", data=form)


def test_the_lesson_shows_the_assignment_in_the_learners_language_with_its_form(client, login, learner, ash, lesson):
    login(client, learner)
    client.get("/lang/vi")
    page = client.get(lesson_url(ash, lesson)).get_data(as_text=True)
    assert "Hãy mô tả bằng lời của chính bạn cách báo cáo một vấn đề ở nhà máy của bạn." in page
    assert 'id="answer-report-a-concern"' in page and 'enctype="multipart/form-data"' in page
    assert 'form="answer-report-a-concern"' in page  # the fields reach their form from inside the quiz form


def test_the_answer_form_stands_outside_the_quiz_form(client, login, learner, ash, lesson):
    login(client, learner)
    page = client.get(lesson_url(ash, lesson)).get_data(as_text=True)
    quiz_form = re.search(r'<form[^>]*class="quiz-form".*?</form>', page, re.DOTALL).group(0)
    assert "<form" not in quiz_form[5:]


def test_a_saved_draft_is_kept_and_completes_nothing(client, login, learner, lesson):
    login(client, learner)
    response = send(client, lesson, "Tôi báo cho công đoàn.")
    assert response.status_code == 303
    submission = submission_of(learner)
    assert (submission.status, submission.text, submission.round) == ("draft", "Tôi báo cho công đoàn.", 0)


def test_a_handed_in_answer_waits_for_a_review_and_the_lesson_is_not_complete(client, login, learner, ash, lesson):
    login(client, learner)
    pass_the_quiz(client, ash, lesson)
    send(client, lesson, "Tôi báo cho công đoàn và gọi đường dây nóng.", action="submit")
    submission = submission_of(learner)
    assert (submission.status, submission.review, submission.round) == ("submitted", "tutor", 1)
    state = learning.lesson_state(learner, ash, lesson)
    assert state.status == learning.IN_PROGRESS and not state.progress.is_complete


def test_passing_the_quiz_alone_does_not_complete_a_lesson_with_an_assignment(client, login, learner, ash, lesson):
    login(client, learner)
    pass_the_quiz(client, ash, lesson)
    assert learning.lesson_state(learner, ash, lesson).progress.completed_dt is None


def test_a_lesson_with_an_assignment_and_no_questions_cannot_be_marked_done(learner, ash, lesson):
    without_questions = replace(lesson, texts={lang: replace(text, questions=()) for lang, text in lesson.texts.items()})
    with pytest.raises(learning.LearningError) as caught:
        learning.mark_done(learner, ash, without_questions)
    assert caught.value.code == "assignment-lesson"


def test_an_empty_answer_cannot_be_handed_in(client, login, learner, lesson):
    login(client, learner)
    client.get("/lang/vi")
    response = send(client, lesson, "   ", action="submit")
    assert response.status_code == 422
    assert "Hãy viết câu trả lời" in response.get_data(as_text=True)
    assert submission_of(learner) is None


def test_a_photo_is_stored_under_a_random_name_and_served_to_the_learner_with_safe_headers(app, client, login, learner, lesson):
    login(client, learner)
    send(client, lesson, "Ảnh bảng tin.", file=photo())
    (record,) = submission_of(learner).files
    assert stored_files(app) == [record.stored_name]
    assert "IMG_2041" not in record.stored_name and record.kind == "jpeg"
    response = client.get(f"/answers/files/{record.id}")
    assert response.status_code == 200 and response.data == JPEG
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"] == f"inline; filename=answer-{record.id}.jpg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "IMG_2041" not in client.get(answer_url(lesson)).get_data(as_text=True)


def test_a_pdf_is_served_as_a_download(client, login, learner, lesson):
    login(client, learner)
    send(client, lesson, "", file=photo(b"%PDF-1.4\n%%EOF\n", "policy.pdf"))
    (record,) = submission_of(learner).files
    response = client.get(f"/answers/files/{record.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=answer-{record.id}.pdf"


def test_another_learner_cannot_open_the_file(client, login, learner, make_user, lesson):
    login(client, learner)
    send(client, lesson, "", file=photo())
    (record,) = submission_of(learner).files
    client.post("/logout")
    login(client, make_user("nam"))
    assert client.get(f"/answers/files/{record.id}").status_code == 404


def test_an_svg_named_like_a_photo_is_refused_in_the_learners_language_and_nothing_is_stored(app, client, login, learner, lesson):
    login(client, learner)
    client.get("/lang/vi")
    response = send(client, lesson, "Câu trả lời của tôi", file=photo(SVG, "photo.jpg"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hãy đính kèm ảnh (JPEG hoặc PNG) hoặc tệp PDF." in page
    assert "Câu trả lời của tôi" in page  # what the learner typed comes back
    assert stored_files(app) == [] and submission_of(learner) is None


def test_a_jpeg_with_a_script_inside_is_refused_in_arabic(app, client, login, learner, lesson):
    login(client, learner)
    client.get("/lang/ar")
    response = send(client, lesson, "", file=photo(JPEG[:100] + b"<script>alert(1)</script>" + JPEG[100:]))
    assert response.status_code == 422
    assert "تحتوي هذه الصورة على شيفرة لصفحة ويب" in response.get_data(as_text=True)
    assert stored_files(app) == []
    assert db.session.scalar(select(func.count(SubmissionFile.id))) == 0


def test_a_file_over_the_limit_is_refused_with_the_limit_in_chinese(app, client, login, learner, lesson):
    login(client, learner)
    client.get("/lang/zh")
    big = JPEG + b"\0" * (app.config["UPLOAD_MAX_BYTES"] + 10 - len(JPEG))
    response = send(client, lesson, "", file=photo(big))
    assert response.status_code == 422
    assert "文件太大" in response.get_data(as_text=True) and "5 MB" in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_a_request_larger_than_any_answer_is_refused_before_it_is_read(client, login, learner, lesson, app):
    login(client, learner)
    huge = b"\xff\xd8\xff" + b"\0" * (app.config["UPLOAD_MAX_BYTES"] + 400 * 1024)
    assert send(client, lesson, "", file=photo(huge)).status_code == 413


def test_a_large_photo_is_only_accepted_by_the_answer_view(client, login, learner):
    login(client, learner)
    body = {"display_name": "x" * (3 * 1024 * 1024)}
    assert client.post("/account", data=body).status_code == 413


@pytest.fixture
def failing(app):
    """Make the database refuse a step at one moment ("before_flush" or
    "before_commit") once a SubmissionFile is in it, as a full disk would."""
    listeners = []

    def fail_at(moment: str):
        def refuse(session, *args):
            pending = list(session.new) + list(session.identity_map.values())
            if any(isinstance(obj, SubmissionFile) for obj in pending):
                raise RuntimeError("the disk is full")

        event.listen(Session, moment, refuse)
        listeners.append((moment, refuse))

    yield fail_at
    for moment, refuse in listeners:
        event.remove(Session, moment, refuse)


def test_when_the_row_cannot_be_written_the_stored_file_is_removed(app, client, login, learner, lesson, failing):
    login(client, learner)
    failing("before_flush")
    with pytest.raises(RuntimeError):
        send(client, lesson, "", file=photo())
    assert stored_files(app) == []


def test_when_the_commit_fails_the_stored_file_is_removed_too(app, client, login, learner, lesson, failing):
    login(client, learner)
    failing("before_commit")
    with pytest.raises(RuntimeError):
        send(client, lesson, "", file=photo())
    assert stored_files(app) == []


def test_the_learners_own_data_export_holds_their_answers_and_files(client, login, learner, lesson):
    login(client, learner)
    send(client, lesson, "Tôi báo cho công đoàn.", action="submit", file=photo())
    data = client.get("/account/export.json").get_json()
    (answer,) = data["assignments"]
    assert (answer["answer"], answer["status"], answer["files"][0]["kind"]) == ("Tôi báo cho công đoàn.", "submitted", "jpeg")


def test_an_attached_files_size_is_written_in_the_learners_language(client, login, learner, ash, lesson):
    login(client, learner)
    client.get("/lang/ar")
    send(client, lesson, "صورة لوحة الإعلانات", file=photo())
    page = client.get(lesson_url(ash, lesson)).get_data(as_text=True)
    size = re.search(r'<span class="meta">([^<]*)</span>', page).group(1)
    assert size.endswith("ك.ب") and "KB" not in size  # "KB 7" in an Arabic line read backwards
