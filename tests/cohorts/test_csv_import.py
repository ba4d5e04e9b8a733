"""Creating a class from a CSV file: names in any script survive, every
problem is reported with its line, and a bad file creates nothing."""

import io
import sqlite3

import pytest
from helpers import statements_sent
from sqlalchemy import func, select

from academy.auth import services as accounts
from academy.auth.models import User
from academy.cohorts import csv_import
from academy.cohorts.models import CohortMember
from academy.extensions import db
from academy.learn.models import Enrollment

GOOD = (
    "display_name,username,language\n"
    "Nguyễn Thị Mai,mai,vi\n"
    "王芳,wangfang,zh\n"
    "فاطمة الزهراء,fatima,ar\n"
    "Trần Văn Đức,,\n"
)


@pytest.fixture
def signed_in_tutor(client, login, tutor):
    login(client, tutor)
    return tutor


def upload(client, cohort, content, encoding="utf-8"):
    data = content if isinstance(content, bytes) else content.encode(encoding)
    return client.post(f"/cohorts/{cohort.id}/import", data={"file": (io.BytesIO(data), "class.csv")},
                       content_type="multipart/form-data")


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def named(username):
    return db.session.scalar(select(User).filter_by(username=username))


def test_a_good_file_creates_the_accounts_with_their_names_intact(client, signed_in_tutor, cohort):
    response = upload(client, cohort, GOOD)
    assert response.status_code == 200
    assert named("mai").display_name == "Nguyễn Thị Mai"
    assert named("wangfang").display_name == "王芳" and named("wangfang").language == "zh"
    assert named("fatima").display_name == "فاطمة الزهراء" and named("fatima").language == "ar"


def test_the_credentials_sheet_shows_every_name_and_a_first_password(client, signed_in_tutor, cohort):
    page = upload(client, cohort, GOOD).get_data(as_text=True)
    for name in ("Nguyễn Thị Mai", "王芳", "فاطمة الزهراء", "Trần Văn Đức"):
        assert name in page
    assert page.count('class="password"') == 4


def test_imported_learners_must_choose_a_password_and_are_in_the_cohort_and_course(client, signed_in_tutor, cohort):
    upload(client, cohort, GOOD)
    user = named("mai")
    assert user.must_change_password
    assert db.session.scalar(select(CohortMember).filter_by(user_id=user.id)).cohort_id == cohort.id
    assert db.session.scalar(select(Enrollment).filter_by(user_id=user.id, course_id=cohort.course_id))


def test_a_missing_language_is_the_cohorts(client, signed_in_tutor, cohort):
    upload(client, cohort, GOOD)
    assert cohort.language == "vi"
    assert db.session.scalar(select(User).filter_by(display_name="Trần Văn Đức")).language == "vi"


def test_a_username_is_made_from_a_latin_name_without_tone_marks(client, signed_in_tutor, cohort):
    upload(client, cohort, GOOD)
    assert named("tran.van.duc").display_name == "Trần Văn Đức"


def test_a_name_in_another_script_gets_a_readable_random_username(cohort):
    learners = csv_import.read_class_list("display_name\n王芳\nفاطمة\n".encode(), "en")
    for learner in learners:
        assert learner.username.startswith("learner-") and len(learner.username) == 13
        assert not set(learner.username[8:]) & set("0o1il")


def test_a_made_up_username_avoids_one_already_taken(make_user, cohort):
    make_user("nguyen.thi.mai")
    learners = csv_import.read_class_list("display_name\nNguyễn Thị Mai\nNguyen Thi Mai\n".encode(), "vi")
    assert [l.username for l in learners] == ["nguyen.thi.mai2", "nguyen.thi.mai3"]


def test_a_byte_order_mark_and_windows_line_ends_are_fine(client, signed_in_tutor, cohort):
    response = upload(client, cohort, GOOD.replace("\n", "\r\n").encode("utf-8-sig"))
    assert response.status_code == 200
    assert named("mai") is not None


def test_semicolons_from_a_european_spreadsheet_are_fine(cohort):
    learners = csv_import.read_class_list("display_name;username\nNguyễn Thị Mai;mai\n".encode(), "vi")
    assert [(l.display_name, l.username) for l in learners] == [("Nguyễn Thị Mai", "mai")]


def test_a_utf16_file_from_excel_unicode_text_is_fine(cohort):
    learners = csv_import.read_class_list("display_name\tlanguage\n王芳\tzh\n".encode("utf-16"), "vi")
    assert [(l.display_name, l.language) for l in learners] == [("王芳", "zh")]


def test_a_missing_name_column_is_reported_on_line_1(client, signed_in_tutor, cohort):
    before = user_count()
    response = upload(client, cohort, "name,username\nMai,mai\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 1: the column “display_name” is missing." in page
    assert "Line 1: there is no column called “name”." in page
    assert user_count() == before


def test_a_bad_language_is_reported_with_its_line(client, signed_in_tutor, cohort):
    response = upload(client, cohort, "display_name,language\nMai,vi\nFang,klingon\n")
    assert "Line 3: “klingon” is not a language of this server." in response.get_data(as_text=True)


def test_a_username_twice_in_the_file_is_reported_with_both_lines(client, signed_in_tutor, cohort):
    response = upload(client, cohort, "display_name,username\nMai,mai\nHoa,hoa\nMai B,MAI\n")
    assert "Line 4: the username “mai” is also on line 2." in response.get_data(as_text=True)


def test_a_username_already_taken_is_reported_with_its_line(client, signed_in_tutor, cohort, make_user):
    make_user("hoa")
    response = upload(client, cohort, "display_name,username\nMai,mai\nHoa,hoa\n")
    assert "Line 3: the username “hoa” is already taken by another account." in response.get_data(as_text=True)


def test_a_line_in_another_encoding_is_reported_by_number(client, signed_in_tutor, cohort):
    content = "display_name\nMai\n".encode() + "José Müller\n".encode("cp1252") + "Hoa\n".encode()
    response = upload(client, cohort, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 3 is not in UTF-8." in page
    assert "Line 2 " not in page


def test_every_problem_is_listed_at_once(client, signed_in_tutor, cohort):
    response = upload(client, cohort, "display_name,username,language\n,a b,vi\nMai,mai,xx\n")
    page = response.get_data(as_text=True)
    assert "Line 2: the name (display_name) is missing." in page
    assert "Line 2: the username “a b” is not valid." in page
    assert "Line 3: “xx” is not a language of this server." in page


def test_a_file_with_one_bad_line_creates_nobody(client, signed_in_tutor, cohort):
    before = user_count()
    response = upload(client, cohort, GOOD + "Lê Văn Nam,,de\n")
    assert response.status_code == 422
    assert user_count() == before
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0


def test_a_clash_found_while_creating_rolls_back_everyone(cohort, course, make_user):
    learners = csv_import.give_first_passwords(csv_import.read_class_list(GOOD.encode(), "vi"))
    make_user("fatima")  # taken after the check, before the accounts are made
    before = user_count()
    with pytest.raises(csv_import.ClassListError) as error:
        csv_import.import_class(cohort, course, learners)
    assert error.value.problems[0].line == 4
    assert user_count() == before


def test_an_empty_file_is_reported(client, signed_in_tutor, cohort):
    assert "The file is empty." in upload(client, cohort, "").get_data(as_text=True)


def test_a_header_without_learners_is_reported(client, signed_in_tutor, cohort):
    assert "The file has no learners" in upload(client, cohort, "display_name\n").get_data(as_text=True)


def test_each_credentials_slip_speaks_its_learners_language(client, signed_in_tutor, cohort):
    page = upload(client, cohort, GOOD).get_data(as_text=True)
    fatima_slip = page.split("فاطمة الزهراء", 1)[1].split("</li>", 1)[0]
    fang_slip = page.split("王芳", 1)[1].split("</li>", 1)[0]
    assert "كلمة المرور" in fatima_slip  # "password", in Arabic
    assert "密码" in fang_slip
    assert 'lang="ar" dir="rtl"' in page.split("فاطمة الزهراء", 1)[0].rsplit("<li", 1)[1]


def test_the_passwords_are_hashed_while_the_database_still_takes_other_writes(app, client, signed_in_tutor, cohort,
                                                                               monkeypatch):
    """Hashing 300 first passwords takes about 30 s: learners answering a
    quiz meanwhile must not wait for the import's write lock."""
    database = app.config["DATA_DIR"] / "academy.sqlite3"
    hashed_under_lock = []
    real_hash = accounts.generate_password_hash

    def hash_and_check_the_lock(password, method):
        other_writer = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other_writer.execute("BEGIN IMMEDIATE")
            other_writer.execute("ROLLBACK")
        except sqlite3.OperationalError:
            hashed_under_lock.append(password)
        finally:
            other_writer.close()
        return real_hash(password, method=method)

    monkeypatch.setattr(accounts, "generate_password_hash", hash_and_check_the_lock)
    assert upload(client, cohort, GOOD).status_code == 200
    assert db.session.scalar(select(func.count(CohortMember.id))) == 4
    assert hashed_under_lock == []


def test_names_from_the_file_lose_control_characters_and_direction_overrides(client, signed_in_tutor, cohort):
    upload(client, cohort, "display_name,username\n\"\u202eLê\u2066 Thị\u2069\u200f Hoa\x07\",hoa\n")
    assert named("hoa").display_name == "Lê Thị Hoa"


def test_a_name_of_invisible_characters_only_is_reported_as_missing(cohort):
    with pytest.raises(csv_import.ClassListError) as error:
        csv_import.read_class_list("display_name\n\u202e\u2066\u200f\nMai\n".encode(), "vi")
    assert [(p.line, p.code) for p in error.value.problems] == [(2, "no-name")]


def class_of(size: int) -> str:
    return "display_name\n" + "".join(f"Nguyễn Thị Học Viên {n:03d}\n" for n in range(1, size + 1))


def test_a_class_of_three_hundred_is_checked_and_written_in_a_handful_of_statements(cohort, course):
    """The write lock is held while the accounts are written: a few
    statements for the whole class, not a few per learner."""
    learners = []
    reading = statements_sent(lambda: learners.extend(csv_import.read_class_list(class_of(300).encode(), "vi")))
    learners = csv_import.give_first_passwords(learners)
    writing = statements_sent(lambda: csv_import.import_class(cohort, course, learners))
    assert len(reading) <= 2 and len(writing) <= 10
    assert user_count() == 300 + 1  # and the tutor
    assert db.session.scalar(select(func.count(CohortMember.id))) == 300
    assert db.session.scalar(select(func.count(Enrollment.id))) == 300
    assert named("nguyen.thi.hoc.vien.001").must_change_password


def test_the_organisations_of_an_imported_class_are_written_in_a_few_statements_too(cohort, course):
    from academy.programmes import services as programmes
    from academy.programmes.models import LearnerProfile

    factory, office = programmes.create_organisation("Xưởng May 3", "VN"), programmes.create_organisation("Văn phòng", "VN")
    learners = csv_import.give_first_passwords(csv_import.read_class_list(class_of(300).encode(), "vi"))
    created = csv_import.import_class(cohort, course, learners)
    programmes.update_profile(created[0][0], {"gender": "woman"})  # one learner has a profile already
    chosen = {user.id: (office.id if n % 10 == 0 else factory.id) for n, (user, _password) in enumerate(created)}
    assert len(statements_sent(lambda: programmes.set_organisations(chosen))) <= 6
    db.session.expire_all()
    rows = {row.user_id: row for row in db.session.scalars(select(LearnerProfile))}
    assert {user_id: rows[user_id].organisation_id for user_id in chosen} == chosen
    assert rows[created[0][0].id].gender == "woman"


def test_imports_hash_their_first_passwords_one_at_a_time_leaving_room_for_sign_ins(monkeypatch):
    import threading

    running, most = [0], [0]
    guard, meeting = threading.Lock(), threading.Barrier(2)
    real_hash = accounts.generate_password_hash

    def counting_hash(password, method):
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            try:
                meeting.wait(timeout=0.5)  # two hashes running at once would meet here
            except threading.BrokenBarrierError:
                pass
            return real_hash(password, method=method)
        finally:
            with guard:
                running[0] -= 1

    monkeypatch.setattr(accounts, "generate_password_hash", counting_hash)
    learners = [csv_import.NewLearner(n, f"Learner {n}", f"learner{n}", "vi", False) for n in range(12)]
    imports = [threading.Thread(target=csv_import.give_first_passwords, args=(learners,)) for _ in range(2)]
    for thread in imports:
        thread.start()
    for thread in imports:
        thread.join()
    assert most[0] == 1
