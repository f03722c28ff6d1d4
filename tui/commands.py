"""Ctrl+P: every lesson under its bilingual title, so "卷积" and "conv" both find it; the course and the runs page."""

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
        yield DiscoveryHit(t("runs.command"), self._open_runs, help=t("runs.help"))
        yield DiscoveryHit(t("course.title"), self.app.open_course, help=t("course.summary"))

    def _open_runs(self) -> None:
        """The runs page for ./runs, where a run goes unless --out says otherwise."""
        self.app.open_runs("runs")

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
        title = f"{t('runs.command', 'en')} {t('runs.command', 'zh')} (runs)"
        score = matcher.match(title)
        if score > 0:
            yield Hit(score, matcher.highlight(title), self._open_runs, help=t("runs.help"))
        title = f"{t('course.title', 'en')} {t('course.title', 'zh')} (course)"
        score = matcher.match(title)
        if score > 0:
            yield Hit(score, matcher.highlight(title), self.app.open_course, help=t("course.summary"))
