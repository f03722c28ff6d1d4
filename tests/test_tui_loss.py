"""The loss lesson driven through the real app with Pilot; assertions on what is on screen.

Expected texts come from engine (checked against torch in test_loss_engine.py)
and the catalogue, so rewording a sentence does not break these tests.
"""

from __future__ import annotations

from pilot_support import CJK, drive, grid, status, text, verification_line
from textual.widgets import Input, Static

from engine.errors import SpecError
from engine.loss import CLASSES, LossSpec, loss_trace, parse_y
from engine.numbers import fmt
from tui.i18n import error_text, t
from tui.screens.loss import LossScreen
from tui.screens.text_dialog import TextDialog
from tui.widgets.keybar import KeyBar
from tui.widgets.loss_plot import LossPlot

TRACE = loss_trace(LossSpec())


def run(body, spec: LossSpec | None = None, **options) -> None:
    drive(body, lesson="loss", setup=spec or LossSpec(), **options)


def plot(app) -> LossPlot:
    return next(s for s in app.screen_stack if isinstance(s, LossScreen)).query_one("#plot", LossPlot)


def test_step_keys_walk_the_terms_with_running_sums():
    async def body(app, pilot):
        table = grid(app, "#terms")
        assert [table.cell_text(0, 3, col) for col in range(4)] == [
            "0.6",
            "1",
            "0.08",
            "0.5108",
        ]
        assert "step 1/36" in status(app) and "term k=0" in status(app)
        await pilot.press("right", "right")
        term = TRACE.terms[2]
        assert term.mse_text in text(app, "#equation") and term.ce_text in text(app, "#equation")
        assert fmt(term.mse_so_far) in text(app, "#sums") and fmt(term.ce_so_far) in text(app, "#sums")
        assert {cell for cell, mark in table.marks.items() if mark == "current"} == {(0, 3, col) for col in range(4)}
        assert "argmax y = 2" in text(app, "#notes")

    run(body)


def test_the_totals_step_shows_torchs_losses_and_the_factor():
    async def body(app, pilot):
        for _ in range(CLASSES):
            await pilot.press("right")
        assert "totals" in status(app)
        assert text(app, "#equation") == t("loss.totals", mse="0.0975", ce="0.5108")
        sums = text(app, "#sums")
        assert "torch.nn.MSELoss()" in sums and "0.0195" in sums and "(factor 5)" in sums
        assert "torch.nn.CrossEntropyLoss takes logits" in sums and "1e-6" in sums

    run(body)


def test_a_jumps_to_the_accuracy_curve_and_the_cursor_reads_both_slopes():
    async def body(app, pilot):
        await pilot.press("a")
        assert plot(app).display and not grid(app, "#terms").display
        point = TRACE.curve.stops[0]
        assert text(app, "#equation").startswith(f"w = {fmt(point.w)}: accuracy {point.correct}/8, slope 0")
        assert plot(app).cursor_column == 0
        await pilot.press("right", "right", "right", "right")
        point = TRACE.curve.stops[4]
        assert f"w = {fmt(point.w)}" in text(app, "#equation") and fmt(point.loss_slope) in text(app, "#equation")
        assert plot(app).cursor_column > 0 and t("loss.to_curve") in text(app, "#message")
        await pilot.press("a")
        assert "step 1/36" in status(app) and grid(app, "#terms").display and not plot(app).display

    run(body)


def test_the_plot_draws_both_curves_in_braille_with_a_reversed_cursor():
    async def body(app, pilot):
        await pilot.press("end")
        widget = plot(app)
        lines = [widget.render_line(y).text for y in range(widget.size.height)]
        assert lines[0].strip() == t("loss.plot_accuracy") and any(t("loss.plot_ce") in line for line in lines)
        assert sum(any("\u2800" < ch <= "\u28ff" for ch in line) for line in lines) >= 6
        assert lines[-1].strip().startswith("w = -3") and lines[-1].rstrip().endswith("3")
        cursor = widget.render_line(1)
        assert any(segment.style and segment.style.reverse for segment in cursor)

    run(body)


def test_c_moves_the_class_and_both_losses_follow():
    async def body(app, pilot):
        await pilot.press("c")
        trace = loss_trace(LossSpec(target=3))
        assert "class 3" in status(app) and t("loss.class_changed", c=3) in text(app, "#message")
        assert grid(app, "#terms").cell_text(0, 4, 1) == "1" and grid(app, "#terms").cell_text(0, 4, 3) == fmt(
            trace.terms[3].cross
        )
        await pilot.press("C", "C", "C", "C")
        assert f"class {CLASSES - 1}" in status(app)

    run(body)


async def edit(pilot, y: str, target: str) -> None:
    """Press e, put the texts in the two fields (as a paste would), press Enter."""
    await pilot.press("e")
    for selector, typed in (("#edit-y", y), ("#edit-class", target)):
        pilot.app.screen.query_one(selector, Input).value = typed
    await pilot.press("enter")


def test_edit_applies_a_valid_y_and_says_when_it_does_not_sum_to_1():
    async def body(app, pilot):
        await edit(pilot, "1 0 0 0 0 0 0 0 0 1", "9")
        assert isinstance(app.screen, LossScreen)
        trace = loss_trace(LossSpec((1, 0, 0, 0, 0, 0, 0, 0, 0, 1), 9))
        assert (
            "class 9" in status(app)
            and "Σy = 2, not 1" in text(app, "#notes")
            and "Σy = 2, not 1" in text(app, "#message")
        )
        assert grid(app, "#terms").cell_text(0, 10, 3) == fmt(trace.terms[9].cross)

    run(body)


def test_edit_keeps_bad_text_in_the_dialog_and_the_lesson_unchanged():
    bad = [
        ("0.5 0.5", "2", SpecError("loss_length", got=2, expected=CLASSES)),
        ("-1 0 0 0 0 0 0 0 0 0", "0", SpecError("loss_negative", index=0, value="-1")),
        ("0.1 x", "0", None),
        (
            "0.1 0.05 0.6 0 0.05 0.1 0 0.1 0 0",
            "12",
            SpecError("loss_class_range", value=12, high=CLASSES - 1),
        ),
    ]

    async def body(app, pilot):
        before = (status(app), text(app, "#equation"))
        for y, target, error in bad:
            await edit(pilot, y, target)
            dialog = app.screen
            assert isinstance(dialog, TextDialog)
            if error is None:
                try:
                    parse_y(y)
                except SpecError as raised:
                    error = raised
            assert str(dialog.query_one("#edit-error", Static).render()) == error_text(error)
            assert (
                dialog.query_one("#edit-y", Input).value == y and dialog.query_one("#edit-class", Input).value == target
            )
            await pilot.press("escape")
            assert (status(app), text(app, "#equation")) == before

    run(body)


def test_in_chinese_the_status_notes_keys_and_a_refusal_are_chinese():
    async def body(app, pilot):
        assert CJK.search(status(app)) and CJK.search(text(app, "#notes"))
        assert t("keys.loss_curve", "zh") in app.screen.query_one(KeyBar).descriptions()
        await edit(pilot, "0.5 0.5", "2")
        shown = str(app.screen.query_one("#edit-error", Static).render())
        assert shown == error_text(SpecError("loss_length", got=2, expected=CLASSES)) and CJK.search(shown)

    run(body, lang="zh")


def test_verification_line_names_torchs_losses():
    """The child process itself is tested in test_loss_engine.py (engine.verify.serve); here its verdict is shown."""

    async def body(app, pilot):
        line = await verification_line(app, pilot)
        assert line == t("step.verify_ok", function=t("loss.verify_function"), delta="0")

    run(body)
