"""The startup rule: the UI process never imports torch (seconds of start-up), and the CLI
sets Textual's environment before Textual is imported.

Each check runs in a fresh interpreter, so nothing this pytest process has already
imported can hide an import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from subprocess_support import last_json, python

from tui.lessons import LESSONS
from tui.lessons import lesson as registered

ROOT = Path(__file__).resolve().parent.parent

RUN_APPS = """
import asyncio, json, sys
from tui.app import TensorTourApp

async def visit(lesson, seen):
    app = TensorTourApp(lang="en", lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first_frame = "torch" in sys.modules
        screen = type(app.screen).__name__
        await pilot.pause(0.3)  # the torch check (a child process) has been asked by now
        seen[str(lesson)] = [screen, first_frame, "torch" in sys.modules]

seen = {{}}
for lesson in {lessons!r}:
    asyncio.run(visit(lesson, seen))
print(json.dumps(seen))
"""


def test_the_app_never_imports_torch():
    """Home and every lesson, one after another in one process (torch, once imported, would stay in
    sys.modules): not at the first frame, nor 0.3 s later, when its torch check has been sent to the child."""
    seen = last_json(RUN_APPS.format(lessons=[None, *LESSONS]))
    expected = {"None": ["HomeScreen", False, False]}
    expected |= {lesson: [registered(lesson).screen_class, False, False] for lesson in LESSONS}
    assert seen == expected


def test_importing_the_cli_does_not_import_textual():
    """`tensortour --fps 5 conv` must set TEXTUAL_FPS before textual.constants reads it."""
    loaded = python("import sys, tui.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'torch'}))")
    assert loaded.strip() == "[]"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_numpy_starts_no_blas_threads_in_the_ui_and_children_keep_the_environment():
    """Idle OpenBLAS threads spin on a 2-core machine while the first frame is drawn."""
    code = (
        "import os; from tui.blas import single_threaded_blas\n"
        "with single_threaded_blas(): import numpy\n"
        "numpy.ones((64, 64)) @ numpy.ones((64, 64))\n"
        "print(len(os.listdir('/proc/self/task')), 'OPENBLAS_NUM_THREADS' in os.environ)"
    )
    assert python(code, drop="OPENBLAS_NUM_THREADS").split() == ["1", "False"]
