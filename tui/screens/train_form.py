"""The training lesson's form: dataset, model and hyperparameters in two columns of one-line fields.

Typed text becomes a TrainConfig through engine's own parsers, so the form
refuses exactly what the command line refuses; a refusal names the field, keeps
everything typed and focuses the field to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from engine.errors import SpecError
from engine.train.config import (
    ACTIVATIONS,
    DATASETS,
    DEVICES,
    LOSSES,
    MODELS,
    OPTIMIZERS,
    OWN_PATH,
    TrainConfig,
    parse_hidden,
    parse_number,
    parse_whole,
)
from engine.train.presets import pair_defaults
from tui.i18n import error_text, t

PAIR_FIELDS = ("lr", "epochs")  # what a (model, dataset) pair sets (engine/train/presets.py pair_defaults)


class FormSelect(Select):
    """A choice field where Enter starts the run, as in the text fields; Space or ↑/↓ open the menu."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,space,up", "show_overlay", "Show menu", show=False),
        Binding("enter", "submit", show=False),
    ]

    class Submitted(Message):
        """Enter on a closed choice field: the screen starts the run, as for Input.Submitted."""

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


@dataclass(frozen=True)
class FormField:
    """One setting: `key` is TrainConfig's field name; choices make it a Select, else an Input."""

    key: str
    choices: tuple[str, ...] = ()


COLUMNS: tuple[tuple[FormField, ...], ...] = (
    (
        FormField("dataset", DATASETS),
        FormField("noise"),
        FormField("data_dir"),
        FormField("model", MODELS),
        FormField("hidden"),
        FormField("activation", ACTIVATIONS),
        FormField("device", DEVICES),
        FormField("threads"),
    ),
    (
        FormField("optimizer", OPTIMIZERS),
        FormField("lr"),
        FormField("momentum"),
        FormField("batch_size"),
        FormField("epochs"),
        FormField("loss", LOSSES),
        FormField("weight_decay"),
        FormField("seed"),
    ),
)
FIELDS = tuple(field for column in COLUMNS for field in column)
NUMBERS = ("lr", "momentum", "weight_decay", "noise")
INTEGERS = ("batch_size", "epochs", "seed", "threads")
FIELD_OF_ERROR = {
    "train_hidden": "hidden",
    "train_needs_images": "model",
    "limits_threads": "threads",
    "limits_device": "device",
}
PATH_ROW = "data_dir"  # the one row that names where the data is: --data-dir, or --data-file / --image-folder
PATH_ERRORS = ("data_not_a_file", "data_unreadable", "data_dir_not_folder")


def path_setting(dataset: str) -> str:
    """The setting the path row edits for `dataset`: its CSV file, its image folder, or the data folder."""
    return OWN_PATH.get(dataset, "data_dir")


def form_texts(config: TrainConfig) -> dict[str, str]:
    """What each field shows for `config`: numbers as typed on a command line (0.01, 16,16)."""
    texts = {}
    for field in FIELDS:
        value = getattr(config, path_setting(config.dataset) if field.key == PATH_ROW else field.key)
        texts[field.key] = (
            ",".join(map(str, value))
            if field.key == "hidden"
            else value
            if isinstance(value, str)
            else f"{value:g}"
            if isinstance(value, float)
            else str(value)
        )
    return texts


def pair_texts(model: str, dataset: str) -> dict[str, str]:
    """The lr and epochs fields as the pair's defaults fill them."""
    plain = TrainConfig()
    values = {key: getattr(plain, key) for key in PAIR_FIELDS} | pair_defaults(model, dataset)
    return {key: f"{value:g}" if isinstance(value, float) else str(value) for key, value in values.items()}


def config_from_texts(texts: Mapping[str, str], base: TrainConfig) -> TrainConfig:
    """The TrainConfig the form describes (other settings kept from `base`); raises SpecError naming the field."""
    changes: dict[str, object] = {}
    for key, text in texts.items():
        text = text.strip()
        if key in NUMBERS:
            changes[key] = parse_number(text, key)
        elif key in INTEGERS:
            changes[key] = parse_whole(text, key)
        elif key == "hidden":
            changes[key] = parse_hidden(text)
        elif key == PATH_ROW:
            changes[path_setting(texts.get("dataset", base.dataset))] = text
        else:
            changes[key] = text
    return base.with_changes(**changes)


def error_field(error: SpecError) -> str | None:
    """The form field a refusal is about, to focus it."""
    what = error.params.get("what")
    if error.code.startswith("own_") or error.code in PATH_ERRORS:
        return PATH_ROW
    return FIELD_OF_ERROR.get(error.code) or (
        what if isinstance(what, str) and what in {f.key for f in FIELDS} else None
    )


class TrainForm(Widget):
    """The fields, the refusal line and Start; the screen reads `texts()` when Start or Enter is pressed."""

    DEFAULT_CSS = """
    TrainForm { height: 1fr; padding: 0 1; }
    TrainForm #form-title { text-style: bold; height: 1; }
    TrainForm #form-hint { color: $text-muted; height: auto; margin-bottom: 1; }
    TrainForm #form-columns { height: auto; }
    TrainForm .form-column { width: 1fr; height: auto; padding-right: 2; }
    TrainForm .form-row { height: 1; }
    TrainForm .form-row Label { width: 14; color: $text-muted; }
    TrainForm .form-row Input, TrainForm .form-row Select { width: 1fr; }
    TrainForm .form-row Input.-invalid-field { text-style: bold reverse; }
    /* the field the keys go to, plainly: reverse, which NO_COLOR keeps too */
    TrainForm .form-row Input:focus, TrainForm .form-row FormSelect:focus > SelectCurrent { text-style: reverse; }
    TrainForm #form-error { color: $error; text-style: bold; height: auto; margin-top: 1; }
    TrainForm #form-buttons { height: 1; margin-top: 1; }
    """

    def __init__(self, config: TrainConfig, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._config = config
        self._pair = (config.model, config.dataset)
        self._paths = _paths(config)

    def compose(self) -> ComposeResult:
        texts = form_texts(self._config)
        yield Static(t("train_ui.form_title"), id="form-title", markup=False)
        yield Static(t("train_ui.form_hint"), id="form-hint", markup=False)
        with Horizontal(id="form-columns"):
            for column in COLUMNS:
                with Vertical(classes="form-column"):
                    for field in column:
                        with Horizontal(classes="form-row"):
                            yield Label(_label(field.key, self._config.dataset), markup=False, id=f"label-{field.key}")
                            if field.choices:
                                yield FormSelect(
                                    [(c, c) for c in field.choices],
                                    value=texts[field.key],
                                    allow_blank=False,
                                    compact=True,
                                    id=f"field-{field.key}",
                                )
                            else:
                                yield Input(
                                    texts[field.key],
                                    compact=True,
                                    id=f"field-{field.key}",
                                )
        yield Static(id="form-error", markup=False)
        with Horizontal(id="form-buttons"):
            yield Button(t("train_ui.start"), variant="primary", compact=True, id="start")

    def texts(self) -> dict[str, str]:
        values = {}
        for field in FIELDS:
            widget = self.query_one(f"#field-{field.key}")
            values[field.key] = str(widget.value)
        return values

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another model or dataset brings its own lr and epochs, where the fields still hold the old pair's."""
        values = self.texts()
        pair = (values["model"], values["dataset"])
        if pair == self._pair:
            return
        self._follow_dataset(self._pair[1], pair[1], values[PATH_ROW])
        old, new = pair_texts(*self._pair), pair_texts(*pair)
        self._pair = pair
        for key in PAIR_FIELDS:
            if values[key].strip() == old[key] and old[key] != new[key]:
                self.query_one(f"#field-{key}", Input).value = new[key]

    def _follow_dataset(self, old: str, new: str, typed: str) -> None:
        """The path row edits the new dataset's own setting: what was typed for the old one is kept for it."""
        if path_setting(old) == path_setting(new):
            return
        self._paths[path_setting(old)] = typed
        self.query_one(f"#field-{PATH_ROW}", Input).value = self._paths[path_setting(new)]
        self.query_one(f"#label-{PATH_ROW}", Label).update(_label(PATH_ROW, new))

    def fill(self, config: TrainConfig) -> None:
        self._pair = (config.model, config.dataset)
        self._paths = _paths(config)
        self.query_one(f"#label-{PATH_ROW}", Label).update(_label(PATH_ROW, config.dataset))
        for key, text in form_texts(config).items():
            widget = self.query_one(f"#field-{key}")
            widget.value = text
        self.show_error(None)

    def show_error(self, error: SpecError | None) -> None:
        """Say why the form was refused (or clear it) and put the cursor in the field to fix."""
        self.query_one("#form-error", Static).update(
            f"{t('train_ui.form_refused')}: {error_text(error)}" if error else ""
        )
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")
        key = error_field(error) if error else None
        if key:
            widget = self.query_one(f"#field-{key}")
            widget.add_class("-invalid-field")
            widget.focus()

    def error_shown(self) -> str:
        return str(self.query_one("#form-error", Static).render())

    def focus_start(self) -> None:
        """Enter starts straight away; Tab and Shift+Tab walk the fields."""
        self.query_one("#start").focus()


def _paths(config: TrainConfig) -> dict[str, str]:
    return {name: getattr(config, name) for name in ("data_dir", *OWN_PATH.values())}


def _label(key: str, dataset: str) -> str:
    """A field's name; the path row is named for what it holds with this dataset (data dir, CSV file, image folder)."""
    return t(f"train_ui.field_{path_setting(dataset) if key == PATH_ROW else key}")
