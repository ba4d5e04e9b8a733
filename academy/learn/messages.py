"""Translated messages for the learning errors a learner can run into."""

from flask_babel import lazy_gettext as _l

LEARNING_MESSAGES = {
    "not-enrolled": _l("Enrol in this course first; then your answers and progress are saved."),
    "graded-lesson": _l("This lesson is complete when you pass its questions."),
    "not-graded": _l("This lesson has no questions to answer."),
    "bad-attempt-id": _l("This form could not be matched to this lesson. Open the lesson again and answer once more."),
    "no-attempts-left": _l("You have used every attempt for this lesson."),
    "unknown-question": _l("The form had answers for questions this lesson does not have. Open the lesson again and answer once more."),
    "invalid-answers": _l("Some answers need your attention; nothing was saved yet."),
}

ANSWER_MESSAGES = {
    "unanswered": _l("Please answer this question."),
    "unknown-option": _l("That choice is not one of the options. Please choose again."),
    "too-many-values": _l("Please give one answer only."),
    "not-a-number": _l("Please enter a number, such as 12 or 12.5."),
    "too-long": _l("This answer is too long."),
    "bad-position": _l("Please choose a position for every item."),
    "same-position-twice": _l("Each position can be used once only."),
    "order-incomplete": _l("Please choose a position for every item."),
}
