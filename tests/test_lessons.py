"""What every lesson in the registry must do, tested once over the registry rather than copied per lesson."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from pilot_support import drive
from subprocess_support import last_json
from textual.screen import Screen

from tui.i18n import lesson_title
from tui.keys import help_bindings
from tui.lessons import LESSONS, REGISTRY
from tui.screens.help import HelpScreen
from tui.screens.too_small import MIN_WIDTH
from tui.widgets.keybar import KeyBar

ROOT = Path(__file__).resolve().parent.parent

PLAIN_EVERY_LESSON = """
import contextlib, io, json, sys
from tui.cli import main
from tui.lessons import REGISTRY
seen = {}
for entry in REGISTRY:
    if entry.checker:
        __import__(entry.checker)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = main([entry.id, "--plain"] + (["--dataset", "xor", "--epochs", "1"] if entry.id == "train" else []))
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "torch"})
    seen[entry.id] = [code, loaded, len(out.getvalue().splitlines())]
print(json.dumps(seen))
"""


@pytest.mark.parametrize("entry", REGISTRY, ids=LESSONS)
def test_every_part_a_lesson_declares_exists(entry):
    screen = entry.screen()
    assert issubclass(screen, Screen) and screen.LESSON == entry.id
    assert all(callable(getattr(entry.flags, name)) for name in ("add_arguments", "setup_from"))
    assert callable(entry.text.plain)
    if entry.checker:
        checker = import_module(entry.checker)
        assert all(callable(getattr(checker, name)) for name in ("spec_to_json", "spec_from_json", "torch_max_delta"))
    assert lesson_title(entry.id).strip()


def test_plain_loads_neither_textual_nor_torch_for_any_lesson():
    """One interpreter prints every lesson's walk-through; only the training lesson's model summary needs torch."""
    seen = last_json(PLAIN_EVERY_LESSON)
    for lesson, (code, loaded, lines) in seen.items():
        assert code == 0 and lines > 3, lesson
        assert loaded == ([] if lesson not in {"train"} else loaded) and "textual" not in loaded, (lesson, loaded)


@pytest.mark.parametrize("lesson", LESSONS)
def test_help_lists_every_key_and_the_key_bar_keeps_q_and_help(lesson):
    async def body(app, pilot):
        screen = app.screen
        declared = [binding.description for binding in help_bindings(screen, app)]
        for width in (80, MIN_WIDTH):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            shown = str(screen.query_one(KeyBar).render()).rstrip()
            assert " q " in shown and " ? " in shown and "…" not in shown and len(shown) <= width, shown
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = str(app.screen.query_one(".help-keys").render())
        assert all(description in listed for description in declared), set(declared) - set(listed.split())

    drive(body, lesson=lesson)


STEP_LESSONS = [entry.id for entry in REGISTRY if entry.id != "train"]


@pytest.mark.parametrize("lesson", STEP_LESSONS)
def test_the_shells_lines_show_whatever_is_written_to_them(lesson):
    """The check and message lines take no room while empty; once a lesson writes one, it is on screen."""

    async def body(app, pilot):
        await pilot.pause(0.2)
        for selector in ("#status", "#verify", "#message"):
            line = app.screen.query_one(selector)
            written = str(line.render()).strip()
            assert bool(written) == (line.display and line.region.height > 0), (
                selector,
                written,
            )
        assert str(app.screen.query_one("#status").render()).strip()

    drive(body, lesson=lesson)


def test_help_names_every_lesson_in_both_languages():
    run = subprocess.run(
        [sys.executable, "-m", "tui", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0 and all(lesson_title(entry.id) in run.stdout for entry in REGISTRY)


def test_home_key_bar_keeps_q_and_help():
    async def body(app, pilot):
        shown = str(app.screen.query_one(KeyBar).render())
        assert " q " in shown and " ? " in shown

    drive(body, lesson=None)
