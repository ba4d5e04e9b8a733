"""The course pipeline: reads ``courses/`` into frozen dataclasses.

Pure Python, no Flask: an author's own CI can run it without the web app.
"""

from .loader import DEFAULT_LANGUAGES, CourseResult, course_folders, find_courses, load_course, load_library, read_course
from .model import (
    Assignment,
    AssignmentPart,
    Choice,
    Course,
    Criterion,
    HtmlPart,
    LearningPath,
    Lesson,
    LessonText,
    Library,
    Module,
    Question,
    QuestionPart,
)
from .problems import Problem, Report
from .questions import QUESTION_TYPES, AnswerError, normalise_text
from .reading import LessonView, content_language, lesson_view, title_in

__all__ = [
    "DEFAULT_LANGUAGES", "CourseResult", "course_folders", "find_courses", "load_course", "load_library", "read_course",
    "Choice", "Course", "HtmlPart", "Lesson", "LessonText", "Library", "Module", "Question", "QuestionPart", "Problem", "Report",
    "QUESTION_TYPES", "AnswerError", "normalise_text", "LessonView", "content_language", "lesson_view", "title_in",
    "Assignment", "AssignmentPart", "Criterion", "LearningPath",
]
