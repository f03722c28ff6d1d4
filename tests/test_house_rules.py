"""The house rule from DESIGN.md: engine computes and never imports the UI; lessons don't pull torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_FILES = sorted((ROOT / "engine").rglob("*.py"))
FORBIDDEN = {"textual", "rich", "tui"}


def imported_top_levels(source: str) -> set[str]:
    """Top-level package of every `import x.y` and `from x.y import z` anywhere in the module."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_checker_sees_imports_of_every_form():
    source = "import rich.text\nfrom textual.app import App\ndef f():\n    import tui.cli as c\nfrom . import x\n"
    assert imported_top_levels(source) == {"rich", "textual", "tui"}


def test_engine_files_exist():
    names = {path.name for path in ENGINE_FILES}
    assert {"conv.py", "matrix.py", "presets.py", "errors.py", "numbers.py"} <= names


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_never_imports_the_ui(path):
    assert imported_top_levels(path.read_text(encoding="utf-8")) & FORBIDDEN == set()


def test_lesson_modules_load_without_ui_or_torch():
    code = (
        "import engine.conv, engine.presets, engine.matrix; import sys; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual','rich','tui','torch'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
