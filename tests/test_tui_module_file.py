"""The student's own network on screen: loaded after the first frame, followed while the file is edited (--watch),
the last good table kept beside the reason a save does not run, keys that change the input and load again.

Pilot tests load in this process (the child's own code, engine.module_file_child.answer) so they take milliseconds;
one test runs the real app with the real child process in a fresh interpreter: torch stays out of the app, a
forward() that never ends is stopped with a message, and the screen keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from fit_support import unseen
from module_zoo import LOOPS_FOREVER, SYNTAX_ERROR, VIEW, WRONG_IN_FEATURES
from pilot_support import FakeVerifier, status, text
from subprocess_support import last_json
from textual.widgets import Input

from engine.module import ModuleSetup
from engine.module_file import FileSpec
from engine.module_file_child import answer, warm_up
from engine.module_file_result import OwnNet, load_from_json
from engine.module_file_run import file_gone
from tui.app import TensorTourApp
from tui.screens.module import ModuleScreen
from tui.screens.text_dialog import TextDialog
from tui.widgets.arch_table import ArchTable

ROOT = Path(__file__).resolve().parent.parent


class InProcessLoader:
    """The child's answer computed here (its alarm needs the main thread, where Pilot runs the app)."""

    def __init__(self) -> None:
        warm_up()
        self.loads = 0

    async def load(self, spec: FileSpec):
        self.loads += 1
        return file_gone(spec) or load_from_json(spec, json.loads(json.dumps(answer(spec.request()))))

    async def close(self) -> None:
        pass


def run(body, spec: FileSpec, watch: bool = False, lang: str = "en") -> None:
    async def main():
        app = TensorTourApp(lang=lang, lesson="module", setup=ModuleSetup(model="file", own=OwnNet(spec, watch=watch)))
        app.verifier, app.module_loader = FakeVerifier(), InProcessLoader()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(main())


def screen(app) -> ModuleScreen:
    return next(s for s in app.screen_stack if isinstance(s, ModuleScreen))


def rows(app) -> list[list[str]]:
    table = screen(app).query_one("#table", ArchTable)
    return [table.row_text(row).split() for row in range(len(table._rows))]


async def until(pilot, condition, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


def save(path: Path, source: str) -> None:
    """Write as an editor saves, and move the modification time on (a file system may count whole seconds)."""
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(source)
    os.utime(path, ns=(stamp + 2_000_000_000, stamp + 2_000_000_000))


def test_watch_follows_the_file_and_keeps_the_last_good_table_while_it_is_broken(tmp_path):
    path = tmp_path / "watched_net.py"
    save(path, VIEW)

    async def body(app, pilot):
        await until(pilot, lambda: len(rows(app)) == 13)
        assert rows(app)[1] == ["▶", "conv1", "Conv2d", "1×6×28×28", "456", "353K"]
        assert "call 1/12 · Σ params 456 / 62,006 · Σ MACs 353K / 652K" in status(app)
        assert text(app, "#own-state") == "watching watched_net.py"
        await pilot.press(*["right"] * 6)
        assert rows(app)[7][:3] == ["▶", "x.view", "1×400"] and "line 19: x = x.view(-1, 16 * 5 * 5)" in text(
            app, "#detail"
        )
        save(path, WRONG_IN_FEATURES)
        await until(pilot, lambda: "✗" in text(app, "#failure"))
        failure = text(app, "#failure")
        assert "forward() stopped in fc1 (Linear), which received 1×576" in failure
        assert "use nn.Linear(576, 120) or change the conv/pool before it" in failure
        assert "the table is from the last version of the file that ran" in text(app, "#own-state")
        assert rows(app)[7][:3] == ["▶", "x.view", "1×400"]  # the last good table, the same call marked
        save(path, WRONG_IN_FEATURES.replace("nn.Linear(16 * 5 * 5, 120)", "nn.Linear(576, 120)"))
        await until(pilot, lambda: not screen(app).query_one("#failure").display)
        assert rows(app)[7][:3] == ["▶", "torch.flatten", "1×576"]  # the same step, in the new table
        assert "saved and loaded again · calls 12 · parameters 81,590" in text(app, "#message")
        save(path, SYNTAX_ERROR)
        await until(pilot, lambda: "Python cannot read this line" in text(app, "#failure"))
        assert "watched_net.py, line 6" in text(app, "#failure") and len(rows(app)) == 13

    run(body, FileSpec(str(path), "Net", (3, 32, 32)), watch=True)


def test_keys_change_the_input_and_load_again_and_m_visits_the_courses_networks(tmp_path):
    path = tmp_path / "keyed_net.py"
    save(path, VIEW)

    async def body(app, pilot):
        await until(pilot, lambda: len(rows(app)) == 13)
        await pilot.press("B")
        await until(pilot, lambda: rows(app)[1][3] == "2×6×28×28")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        dialog.query_one("#edit-args", Input).value = "__import__('os')"
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a literal" in str(dialog.query_one("#edit-error").render())
        dialog.query_one("#edit-args", Input).value = ""
        dialog.query_one("#edit-input", Input).value = "1,32,32"
        await pilot.press("enter")
        await until(pilot, lambda: "this Conv2d expects in_channels = 3" in text(app, "#failure"))
        assert "dimension 1 of 2×1×32×32 (the channels) is 1: use nn.Conv2d(1, 6, kernel_size=(5, 5)" in text(
            app, "#failure"
        )
        await pilot.press("m")
        assert "call 1/12 · line 16" in status(app) and not screen(app).query_one("#failure").display
        await pilot.press("m", "m")
        assert "→ your network from keyed_net.py: 62,006 parameters" in text(app, "#message")
        assert screen(app).query_one("#failure").display
        await pilot.press("v", "g", "k")  # about the lesson's own networks: not keys of yours
        assert screen(app).setup.view == "layers" and "→ your network" in text(app, "#message")
        assert " v " not in str(app.screen.query_one("KeyBar").render())

    run(body, FileSpec(str(path), "Net", (3, 32, 32)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_table_and_a_failure_beside_it_fit_every_size(tmp_path, lang):
    """The most crowded state: a good table, then a save that stops with a long reason above it."""
    path = tmp_path / f"fitted_{lang}.py"
    save(path, VIEW)

    async def body(app, pilot):
        await until(pilot, lambda: len(rows(app)) == 13)
        await pilot.press("end")
        save(path, WRONG_IN_FEATURES)
        await until(pilot, lambda: "✗" in text(app, "#failure"))
        problems = []
        for size in ((80, 24), (100, 30), (60, 18), (200, 50)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            problems += [f"{size}: {problem}" for problem in unseen(app.screen)]
            table = screen(app).query_one("#table", ArchTable)
            assert table.current in table.visible_rows(), size
        await pilot.resize_terminal(60, 18)
        await pilot.press("e")  # the dialog's three fields and its buttons, at the smallest size
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        problems += [f"dialog: {problem}" for problem in unseen(app.screen)]
        assert problems == []

    run(body, FileSpec(str(path), "Net", (3, 32, 32)), watch=True, lang=lang)


APP_WITH_THE_REAL_CHILD = """
import asyncio, json, sys, time
from engine.module import ModuleSetup
from engine.module_file import FileSpec
from engine.module_file_result import OwnNet
from tui.app import TensorTourApp

async def main():
    spec = FileSpec(sys.argv[1], "Net", (3,), timeout=0.5)
    app = TensorTourApp(lang="en", lesson="module", setup=ModuleSetup(model="file", own=OwnNet(spec)))
    seen, longest = {}, 0.0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen["first frame"] = "torch" in sys.modules
        failure = app.screen.query_one("#failure")
        for _ in range(1200):
            if "✗" in str(failure.render()):
                break
            start = time.monotonic()
            await pilot.press("right")
            longest = max(longest, time.monotonic() - start)
        seen["failure"] = str(failure.render())
        seen["torch"] = "torch" in sys.modules
        seen["longest key"] = longest
        process = app.module_loader._process
        seen["child alive"] = process is not None and process.returncode is None
    seen["child ended with the app"] = process.returncode is not None
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_the_real_child_stops_a_forward_that_never_ends_while_the_app_keeps_answering(tmp_path):
    path = tmp_path / "endless_net.py"
    save(path, LOOPS_FOREVER)
    seen = last_json(APP_WITH_THE_REAL_CHILD, str(path))
    assert seen["first frame"] is False and seen["torch"] is False
    assert "endless_net.py, line 1" in seen["failure"]  # 13 or 14: where the alarm found it
    assert "forward() did not finish within 0.5 s, and was stopped here" in seen["failure"]
    assert seen["longest key"] < 1.0 and seen["child alive"] is True  # the alarm stopped the code, not a kill
    assert seen["child ended with the app"] is True
