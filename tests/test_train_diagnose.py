"""The plateau / collapse hint: engine/train/diagnose.py on made-up metric histories, on a run forced to fail
(shapes, simplecnn, Adam lr 0.01), in the catalogues' words, in headless output and on the app's screen."""

from __future__ import annotations

import io
import math

import pytest
from rich.console import Console
from test_tui_train import DIGITS, IMAGE_EVENTS, epoch, feed, run, screen, text

from engine.train.config import TrainConfig
from engine.train.diagnose import diagnose
from engine.train.events import HintEvent, event_from_json
from engine.train.loop import Trainer
from tui.headless_output import Listener
from tui.i18n import t
from tui.text.train import hint_text

TEN = tuple(f"c{i}" for i in range(10))
SHAPES_CNN = TrainConfig(dataset="shapes", model="simplecnn", lr=0.01, epochs=1, threads=1)


def row(train_loss: float = 1.0, test_loss: float = 1.0, test_acc: float = 0.5, lr: float = 0.01) -> dict:
    return {"train_loss": train_loss, "test_loss": test_loss, "test_acc": test_acc, "lr": lr}


def spread(total: int = 100) -> list[int]:
    return [total // 10] * 10


def test_every_prediction_one_class_at_ln_classes_names_the_class_and_the_lr_to_try():
    hint = diagnose([row(2.31, math.log(10), 0.1)], [0, 0, 100] + [0] * 7, TEN, SHAPES_CNN)
    assert hint.code == "one_class_ln_all"
    assert (
        hint.values.items()
        >= {"count": 100, "total": 100, "name": "c2", "ln": "2.303", "cause": "lr_high", "try": "0.001"}.items()
    )


def test_most_predictions_one_class_says_how_many_and_not_every():
    hint = diagnose([row(1.5, 1.9, 0.2)], [95, 5] + [0] * 8, TEN, TrainConfig(dataset="digits"))
    assert hint.code == "one_class" and (hint.values["count"], hint.values["total"]) == (95, 100)
    assert hint.values["cause"] == "lr_default" and hint.values["try"] == "0.001"
    assert t("train_hint.one_class", **hint.values).startswith("95 of 100")


def test_a_loss_growing_three_epochs_in_a_row_is_named_with_its_numbers():
    history = [row(train_loss=loss, test_acc=0.6, lr=0.1) for loss in (0.5, 0.6, 0.8, 1.1)]
    hint = diagnose(history, spread(), TEN, TrainConfig(dataset="digits", lr=0.1))
    assert hint.code == "loss_rising" and (hint.values["first"], hint.values["last"]) == ("0.500", "1.100")
    assert hint.values["cause"] == "lr_high" and hint.values["try"] == "0.01"
    assert diagnose(history[1:], spread(), TEN, TrainConfig(dataset="digits")) is None  # two rises only


def test_accuracy_at_chance_for_three_epochs_and_a_low_lr_suggests_the_default():
    history = [row(test_acc=acc, lr=1e-5) for acc in (0.10, 0.11, 0.105)]
    hint = diagnose(history, spread(), TEN, TrainConfig(dataset="digits", lr=1e-5))
    assert hint.code == "at_chance" and hint.values.items() >= {"epochs": 3, "acc": "10.5", "chance": "10.0"}.items()
    assert (hint.values["cause"], hint.values["try"]) == ("lr_low", "0.01")
    assert diagnose(history[:2], spread(), TEN, TrainConfig(dataset="digits")) is None


def test_a_converged_loss_flickering_up_gets_no_hint_but_one_giving_back_its_gain_does():
    """Seen at 99.5 % test accuracy on spiral: 0.012 → 0.020 over three epochs had said "train longer, or try 0.001"."""
    converged = [row(train_loss=loss, test_acc=0.995) for loss in (0.6, 0.05, 0.011, 0.012, 0.014, 0.020)]
    assert diagnose(converged, spread(), TEN, TrainConfig(dataset="digits")) is None
    relapsing = [row(train_loss=loss, test_acc=0.8) for loss in (0.7, 0.1, 0.15, 0.2, 0.3)]
    assert diagnose(relapsing, spread(), TEN, TrainConfig(dataset="digits")).code == "loss_rising"


@pytest.mark.parametrize("accs", [(0.5, 0.7, 0.9), (0.1, 0.1, 0.5)])
def test_a_run_that_learns_gets_no_hint(accs):
    history = [row(train_loss=2 - acc, test_acc=acc) for acc in accs]
    assert diagnose(history, spread(), TEN, TrainConfig(dataset="digits")) is None


def test_the_lr_in_effect_is_quoted_not_the_one_started_with():
    hint = diagnose([row(lr=0.04)], [10] + [0] * 9, TEN, TrainConfig(dataset="digits"))
    assert hint.values["lr"] == "0.04" and hint.values["try"] == "0.01"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_hint_and_cause_reads_in_both_languages_with_its_numbers(lang):
    values = {"count": 7, "total": 9, "name": "ring", "loss": "2.303", "classes": 10, "ln": "2.303", "epochs": 3,
              "first": "0.5", "last": "0.9", "acc": "9.9", "chance": "10.0", "lr": "0.01", "optimizer": "Adam",
              "model": "simplecnn", "try": "0.001"}  # fmt: skip
    codes = ("one_class", "one_class_ln", "one_class_all", "one_class_ln_all", "loss_rising", "at_chance")
    for code in codes:
        for cause in ("lr_high", "lr_low", "lr_default"):
            words = hint_text(HintEvent(1, code, values | {"cause": cause}))
            assert "{" not in words and "train_hint" not in words and "0.001" in words
    assert "0.01" in t("train_hint.cause_lr_high", lang, **values)


def test_a_forced_bad_setting_gets_the_collapse_hint_quoting_its_own_numbers():
    events = []
    trainer = Trainer(SHAPES_CNN, emit=events.append, views=False)
    while not trainer.finished:
        trainer.train_batch()
    hints = [event for event in events if isinstance(event, HintEvent)]
    assert len(hints) == 1 and hints[0].code.startswith("one_class")
    assert hints[0].values["loss"] == f"{trainer.history[-1]['test_loss']:.3f}"
    assert (hints[0].values["lr"], hints[0].values["try"]) == ("0.01", "0.001")
    assert event_from_json(hints[0].to_json()) == hints[0]
    words = hint_text(hints[0])
    assert words.startswith("lr 0.01 is likely too high for Adam on simplecnn — try 0.001.")


def test_headless_prints_the_hint_after_the_epoch_line():
    console = Console(file=io.StringIO(), width=300)
    hint = HintEvent(1, "one_class_ln_all", {"total": 40, "name": "ring", "loss": "2.303", "classes": 10, "ln": "2.303",
                                             "cause": "lr_high", "lr": "0.01", "optimizer": "Adam", "model": "simplecnn",
                                             "try": "0.001"})  # fmt: skip
    Listener(console, console, progress=None).emit(hint)
    assert console.file.getvalue().strip() == t("train_hint.headless", text=hint_text(hint))
    assert "All 40 test predictions are 'ring'" in console.file.getvalue()


def test_the_app_shows_the_hint_on_the_message_line():
    hint = {"event": "hint", "epoch": 2, "code": "at_chance",
            "values": {"epochs": 3, "acc": "9.8", "classes": 10, "chance": "10.0", "cause": "lr_high", "lr": "0.01",
                       "optimizer": "Adam", "model": "mlp", "try": "0.001"}}  # fmt: skip

    async def body(app, pilot):
        feed(app, DIGITS, IMAGE_EVENTS + [epoch(2, 2.3, 2.3, 0.098), hint])
        await pilot.pause(0.1)
        assert "9.8%" in text(app, "#message") and "try 0.001" in text(app, "#message")
        screen(app).apply_event(event_from_json({"event": "done", "epoch": 2, "test_acc": 0.098}))
        await pilot.pause(0.1)
        message = text(app, "#message")
        assert message.startswith(t("train_ui.done", epoch=2, acc="9.8%")) and message.endswith("try 0.001.")

    run(body, DIGITS)
