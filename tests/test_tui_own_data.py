"""The training form with the student's own data: the path row follows the dataset menu (CSV file, image
folder, data dir), keeps what was typed for each, and refuses a bad file on the form, naming it."""

from __future__ import annotations

from own_data_support import separable_csv
from pilot_support import drive
from spec_errors import spec_error
from test_tui_train import feed
from textual.widgets import Input, Label, Select

from engine.train.config import TrainConfig
from engine.train.own_check import check_own_data
from engine.train.setup import TrainSetup
from tui.i18n import error_text, t
from tui.screens.train import TrainScreen
from tui.screens.train_form import TrainForm


def test_the_path_row_follows_the_dataset_and_a_bad_csv_is_refused_on_the_form(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n")
    good = separable_csv(tmp_path / "good.csv", rows=8)

    async def body(app, pilot):
        train = next(s for s in app.screen_stack if isinstance(s, TrainScreen))
        form = train.query_one(TrainForm)
        dataset, path = train.query_one("#field-dataset", Select), train.query_one("#field-data_dir", Input)
        label = train.query_one("#label-data_dir", Label)
        assert str(label.render()) == t("train_ui.field_data_dir") and path.value == "data"
        dataset.value = "csv"
        await pilot.pause()
        assert str(label.render()) == t("train_ui.field_data_file") and path.value == ""
        path.value = str(bad)
        path.focus()
        await pilot.press("enter")
        refusal = error_text(spec_error(lambda: check_own_data(TrainConfig(dataset="csv", data_file=str(bad)))))
        assert form.error_shown() == f"{t('train_ui.form_refused')}: {refusal}" and str(bad) in refusal
        assert train.focused is path and path.value == str(bad) and train.state == "form" and train.process is None
        dataset.value = "image-folder"
        await pilot.pause()
        assert str(label.render()) == t("train_ui.field_image_folder") and path.value == ""
        dataset.value = "xor"
        await pilot.pause()
        assert str(label.render()) == t("train_ui.field_data_dir") and path.value == "data"
        dataset.value = "csv"
        await pilot.pause()
        assert path.value == str(bad)  # what was typed for the CSV is kept for it
        path.value = str(good)
        config = train.setup_to_save().config
        assert (config.dataset, config.data_file, config.data_dir) == ("csv", str(good), "data")
        # a damaged image is found only when the run loads its images: said on the run, then again on the form
        folder = TrainConfig(dataset="image-folder", image_folder=str(tmp_path), hidden=(8,))
        failed = {"event": "failed", "code": "own_bad_image", "params": {"path": "pets/dog/1.png", "reason": "cut"}}
        feed(app, folder, [failed | {"torch_message": None}])
        await pilot.pause()
        assert train.state == "failed" and "pets/dog/1.png" in str(train.query_one("#message").render())
        await pilot.press("e")
        assert train.state == "form" and "pets/dog/1.png" in form.error_shown() and train.focused is path
        assert str(label.render()) == t("train_ui.field_image_folder") and path.value == str(tmp_path)

    drive(body, lesson="train", setup=TrainSetup(TrainConfig(dataset="xor", hidden=(8,), threads=1)))
