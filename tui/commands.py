"""Ctrl+P: every lesson under its bilingual title, so "卷积" and "conv" both find it."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.i18n import lesson_title, t
from tui.lessons import LESSONS


class LessonCommands(Provider):
    async def discover(self) -> Hits:
        for lesson in LESSONS:
            yield DiscoveryHit(
                lesson_title(lesson),
                partial(self.app.open_lesson, lesson),
                help=t(f"lesson.{lesson}.summary"),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for lesson in LESSONS:
            title = f"{lesson_title(lesson)} ({lesson})"
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.open_lesson, lesson),
                    help=t(f"lesson.{lesson}.summary"),
                )
