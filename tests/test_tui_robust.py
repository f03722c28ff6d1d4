"""The app under hostile input (issue 15: 9 in the dialog, 19 on screen, the 100k-character paste in the form).

A refusal keeps what was typed and the last good state; what the terminal is sent
holds no control character, whatever a field was given.
"""

from __future__ import annotations

from pilot_support import drive, lesson, text
from rich.segment import Segment
from spec_errors import spec_error
from textual.color import Color
from textual.geometry import Region
from textual.widgets import Input, Static

from engine.loss import LossSpec, parse_y
from engine.train.config import TrainConfig, parse_number
from engine.train.setup import TrainSetup
from tui.app import DropControlCharacters
from tui.i18n import QUOTE_LIMIT, error_text, t
from tui.screens.loss import LossScreen
from tui.screens.text_dialog import TextDialog
from tui.screens.train import TrainScreen
from tui.screens.train_form import TrainForm

OVERFLOWING_Y = "1e200 0 0 0 0 0 0 0 0 0"
TITLE_AND_RED = "\x1b]0;pwned\x07\x1b[31m"


def test_a_y_whose_square_overflows_is_refused_in_the_dialog_and_the_lesson_is_kept():
    async def body(app, pilot):
        before = (text(app, "#status"), text(app, "#equation"), lesson(app).setup)
        await pilot.press("e")
        app.screen.query_one("#edit-y", Input).value = OVERFLOWING_Y
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        assert str(dialog.query_one("#edit-error", Static).render()) == error_text(
            spec_error(lambda: LossSpec(parse_y(OVERFLOWING_Y)))
        )
        assert dialog.query_one("#edit-y", Input).value == OVERFLOWING_Y
        await pilot.press("escape")
        assert isinstance(app.screen, LossScreen)
        assert (text(app, "#status"), text(app, "#equation"), lesson(app).setup) == before

    drive(body, lesson="loss")


def test_a_100k_paste_is_refused_in_a_few_lines_and_a_field_draws_no_control_character():
    pasted = "0.01 " + "x" * 99_995

    async def body(app, pilot):
        train = next(s for s in app.screen_stack if isinstance(s, TrainScreen))
        form = train.query_one(TrainForm)
        field = train.query_one("#field-lr", Input)
        field.value = pasted
        field.focus()
        await pilot.press("enter")
        shown = form.error_shown()
        assert shown == f"{t('train_ui.form_refused')}: {error_text(spec_error(lambda: parse_number(pasted, 'lr')))}"
        assert len(shown) < 260 and t("error.cut", n=f"{len(pasted) - QUOTE_LIMIT:,}") in shown
        assert field.value == pasted and train.process is None

        data_dir = train.query_one("#field-data_dir", Input)
        assert data_dir.value == f"/tmp/{TITLE_AND_RED}RED"  # kept as given: it is what the run would use
        drawn = "".join(
            segment.text for strip in data_dir.render_lines(Region(0, 0, *data_dir.size)) for segment in strip
        )
        assert "/tmp/]0;pwned[31mRED" in drawn and "\x1b" not in drawn and "\x07" not in drawn

    config = TrainConfig(dataset="xor", data_dir=f"/tmp/{TITLE_AND_RED}RED")
    drive(body, lesson="train", setup=TrainSetup(config))


def test_the_filter_drops_control_characters_and_keeps_everything_else():
    drop = DropControlCharacters()
    plain = [Segment("a × b", None)]
    assert drop.apply(plain, Color(0, 0, 0)) is plain  # nothing to drop: the same list, no copy
    dropped = drop.apply(
        [Segment(f"x{TITLE_AND_RED}y", None), Segment("\x1b", None), Segment("z", None)], Color(0, 0, 0)
    )
    assert [segment.text for segment in dropped] == ["x]0;pwned[31my", "z"]


def test_an_app_that_ends_on_an_error_exits_1_not_0(monkeypatch, capsys):
    """`e`, `1`, Enter in autograd once crashed the whole app, and `tensortour` still exited 0."""
    from textual.app import App

    from tui import cli
    from tui.app import TensorTourApp

    def crash(self) -> None:
        raise RuntimeError("a bug in a lesson")

    monkeypatch.setattr(cli, "app_problem", lambda: None)  # pytest's streams are no terminal
    monkeypatch.setattr(TensorTourApp, "on_mount", crash)
    monkeypatch.setattr(TensorTourApp, "run", lambda self, mouse: App.run(self, headless=True, mouse=mouse))
    assert cli.main(["conv"]) == 1
    assert "a bug in a lesson" in capsys.readouterr().err
