"""In the app: a lesson file's narration under the work, Ctrl+S saving the setup, F2 saving the screen as SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import drive, lesson, status, text
from textual.binding import Binding
from textual.widgets import Input, Static

from engine.train.config import TrainConfig
from engine.train.setup import TrainSetup
from tui.keys import key_label
from tui.lesson_file import read_lesson_file
from tui.lessons import LESSONS, REGISTRY, lesson_flags
from tui.saving import HANDOUTS_VARIABLE
from tui.screens.files import FILE_BINDINGS

ROOT = Path(__file__).resolve().parent.parent
CONV_EXAMPLE = ROOT / "assets/examples/conv-padding.toml"


def narration(app) -> str:
    line = lesson(app).query_one("#narration", Static)
    return str(line.render()) if line.display else ""


def test_narration_follows_the_steps_of_the_files_setup_and_ctrl_s_f2_save_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv(HANDOUTS_VARIABLE, str(tmp_path))
    source = read_lesson_file(CONV_EXAMPLE)
    (tmp_path / "conv-step-6.svg").write_text("a teacher's slide", encoding="utf-8")

    async def body(app, pilot):
        assert narration(app).startswith("Padding 1 puts a ring of zeros")
        await pilot.press("right")
        assert narration(app) == "" and "step 2/16" in status(app)
        await pilot.press(*["right"] * 4)
        assert narration(app).startswith("The first window wholly inside")
        await pilot.press("P")  # padding 2: the file's words no longer fit what is shown
        assert "P=2" in status(app) and narration(app) == ""
        await pilot.press("p")  # back to the file's setup, at the same cell: its words again
        assert "P=1" in status(app) and narration(app).startswith("The first window")

        await pilot.press("ctrl+s")
        saved = tmp_path / "conv.toml"
        assert str(saved) in text(app, "#message") and "tensortour open conv.toml" in text(app, "#message")
        await pilot.press("ctrl+s")
        assert (tmp_path / "conv-2.toml").exists() and "conv-2.toml" in text(app, "#message")
        step = status(app).split("step ")[1].split("/")[0]
        await pilot.press("f2")
        svg = tmp_path / f"conv-step-{step}-2.svg"
        assert step == "6" and str(svg) in text(app, "#message")
        assert svg.read_text(encoding="utf-8").startswith("<svg") and "P=1" in svg.read_text(encoding="utf-8")
        await pilot.press("ctrl+e")
        assert (tmp_path / "conv-step-6-3.svg").exists()

    drive(body, lesson="conv", setup=source.setup, source=source)
    assert (tmp_path / "conv-step-6.svg").read_text(encoding="utf-8") == "a teacher's slide"
    again = read_lesson_file(tmp_path / "conv.toml")
    flags_of = lesson_flags("conv").flags_of
    assert flags_of(again.setup) == flags_of(source.setup)
    assert (again.narration, again.questions) == (source.narration, source.questions)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "conv-2.toml",
        "conv-step-6-2.svg",
        "conv-step-6-3.svg",
        "conv-step-6.svg",
        "conv.toml",
    ]


def test_in_chinese_a_narration_and_a_failed_save_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv(HANDOUTS_VARIABLE, str(tmp_path / "not-there"))
    source = read_lesson_file(ROOT / "assets/examples/pool-max.toml")

    async def body(app, pilot):
        assert narration(app) == "空白边缘上的窗口：max(0, 0, 0, 0) = 0。"
        await pilot.press("ctrl+s")
        message = lesson(app).query_one("#message", Static)
        assert "没有保存" in str(message.render()) and "not-there" in str(message.render())
        assert message.has_class("error")

    drive(body, lang="zh", lesson="pool", setup=source.setup, source=source)
    assert not (tmp_path / "not-there").exists()


def test_the_training_form_saves_what_it_says_and_refuses_what_it_cannot_run(tmp_path, monkeypatch):
    monkeypatch.setenv(HANDOUTS_VARIABLE, str(tmp_path))

    async def body(app, pilot):
        screen = app.screen
        screen.query_one("#field-epochs", Input).value = "7"
        await pilot.press("ctrl+s")
        assert str(tmp_path / "train.toml") in str(screen.query_one("#message", Static).render())
        screen.query_one("#field-epochs", Input).value = "seven"
        await pilot.press("ctrl+s")
        assert str(screen.query_one("#form-error", Static).render()).strip()
        await pilot.press("f2")
        assert (tmp_path / "train.svg").exists()

    drive(body, lesson="train")
    assert read_lesson_file(tmp_path / "train.toml").setup == TrainSetup(TrainConfig(epochs=7))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.svg", "train.toml"]


@pytest.mark.parametrize("entry", REGISTRY, ids=LESSONS)
def test_the_file_keys_clash_with_no_lessons_key(entry):
    """Ctrl+S, F2 and Ctrl+E are bound once in every lesson (the shell's or the training screen's), and help names them."""
    screen = entry.screen()
    keys = [
        key.strip()
        for cls in screen.__mro__
        for binding in cls.__dict__.get("BINDINGS", [])
        for key in (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
    ]
    assert all(keys.count(key) == 1 for key in ("ctrl+s", "f2", "ctrl+e")), entry.id
    labels = [key_label(binding) for binding in FILE_BINDINGS]
    assert labels == ["Ctrl+S", "F2 / Ctrl+E"]
