"""What a lesson tells the app when the student answers a question, so the course can keep the score."""

from __future__ import annotations

from textual.message import Message


class QuizAnswered(Message):
    """Posted by a lesson screen; bubbles to the app. `correct` is None when the student skipped it."""

    def __init__(self, lesson: str, question_id: str, correct: bool | None) -> None:
        super().__init__()
        self.lesson, self.question_id, self.correct = lesson, question_id, correct
