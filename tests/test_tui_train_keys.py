"""The training screen's keys follow the run: Space is Pause or Resume, Stop goes once the run has ended, and Esc
or e during a run first say that it goes on (a second press acts). Drawn from recorded events, no child.
The form's lr and epochs follow the model and dataset chosen, unless the student typed their own."""

from __future__ import annotations

from test_tui_train import TOY_EVENTS, XOR, feed, run, screen, text
from textual.widgets import Input, Select

from engine.train.config import TrainConfig
from engine.train.events import event_from_json
from tui.i18n import t
from tui.screens.train_form import TrainForm, pair_texts
from tui.widgets.keybar import KeyBar


def test_the_key_bar_follows_the_run_and_e_asks_before_ending_it():
    async def body(app, pilot):
        feed(app, XOR, TOY_EVENTS)
        await pilot.pause(0.1)
        train, bar = screen(app), screen(app).query_one(KeyBar)
        assert t("keys.train_pause") in bar.descriptions() and t("keys.train_resume") not in bar.descriptions()
        feed_more(app, {"event": "paused", "global_step": 18})
        await pilot.pause(0.1)
        assert t("keys.train_resume") in bar.descriptions() and t("keys.train_pause") not in bar.descriptions()
        await pilot.press("e")
        assert text(app, "#message") == t("train_ui.asks_form") and train.state == "paused"
        await pilot.press("escape")
        assert text(app, "#message") == t("train_ui.asks_back") and app.screen is train
        feed_more(app, HINT)  # a run not learning says so after every epoch: the question stays
        await pilot.pause(0.1)
        assert text(app, "#message") == t("train_ui.asks_back") and train.hint is not None
        feed_more(app, {"event": "stopped", "epoch": 1, "step": 5})
        await pilot.pause(0.1)
        ended = {t("keys.train_stop"), t("keys.train_resume"), t("keys.train_pause"), t("keys.train_step")}
        assert not ended & set(bar.descriptions()) and t("keys.train_form") in bar.descriptions()
        await pilot.press("e")
        assert train.query_one(TrainForm).display and train.state == "form"

    run(body)


HINT = {"event": "hint", "epoch": 2, "code": "at_chance",
        "values": {"epochs": 3, "acc": "9.8", "classes": 10, "chance": "10.0", "cause": "lr_high", "lr": "0.01",
                   "optimizer": "Adam", "model": "mlp", "try": "0.001"}}  # fmt: skip


def feed_more(app, event: dict) -> None:
    screen(app).apply_event(event_from_json(event))


def test_choosing_a_model_and_dataset_on_the_form_brings_their_lr_and_epochs_unless_typed():
    async def body(app, pilot):
        train = screen(app)
        lr, epochs = train.query_one("#field-lr", Input), train.query_one("#field-epochs", Input)
        train.query_one("#field-dataset", Select).value = "shapes"
        await pilot.pause(0.05)
        assert (lr.value, epochs.value) == tuple(pair_texts("mlp", "shapes").values())
        train.query_one("#field-model", Select).value = "simplecnn"
        await pilot.pause(0.05)
        assert (lr.value, epochs.value) == ("0.001", "5")
        lr.value = "0.0005"
        train.query_one("#field-model", Select).value = "lenet5"
        await pilot.pause(0.05)
        assert (lr.value, epochs.value) == ("0.0005", "8")

    run(body, TrainConfig(threads=1))
