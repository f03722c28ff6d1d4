"""The training lesson's words: `--plain` (settings, data and the model's layers, without training) and the
tutorial's closing accuracy lines that both the headless run and the screen print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.i18n import display_name, lesson_title, t
from tui.text import ljust, rjust

if TYPE_CHECKING:
    from engine.train.events import AccuracyEvent, HintEvent
    from tui.flags.train import TrainSetup


def accuracy_lines(event: AccuracyEvent) -> list[str]:
    """The tutorial's last output: 'Accuracy of the network on the 10000 test images: 54 %', then one line a class."""
    lines = [t("train.accuracy_total", images=event.images, percent=event.percent)]
    for row in event.classes:
        if row.percent is None:
            lines.append(t("train.accuracy_class_none", name=row.name))
        else:
            lines.append(t("train.accuracy_class", name=row.name, percent=row.percent))
    return lines


def plain(setup: TrainSetup) -> str:
    """The run's settings, the data and the model's layers (the summary shown before training), without training."""
    from engine.train.loop import Trainer
    from tui.headless import device_words

    started = Trainer(setup.config, emit=lambda event: None, views=False).started_event()
    config, data = setup.config, started.dataset
    rows = [(t("model.layer"), t("model.kind"), t("model.output"), t("model.parameters"))]
    rows += [(row.layer, row.kind, "×".join(map(str, row.output)), f"{row.parameters:,}") for row in started.summary]
    rows.append((t("model.total"), "", "", f"{started.parameters:,}"))
    widths = [max(cell_len(row[i]) for row in rows) for i in range(4)]
    table = [
        f"  {ljust(a, widths[0])}  {ljust(b, widths[1])}  {ljust(c, widths[2])}  {rjust(d, widths[3])}".rstrip()
        for a, b, c, d in rows
    ]
    settings = ", ".join(f"{key}={value}" for key, value in config.to_json().items())
    return "\n".join(
        [
            lesson_title("train"),
            t(
                "train.plain_data",
                dataset=data.name,
                train=data.train,
                test=data.test,
                shape="×".join(map(str, data.input_shape)),
                classes=", ".join(display_name(name) for name in data.classes),
                source=data.source,
            ),
            t(
                "train.plain_device",
                device=device_words(started),
                steps=started.steps_per_epoch,
            ),
            t("train.plain_settings", settings=settings),
            "",
            *table,
        ]
    )


def hint_text(event: HintEvent, evidence: bool = True) -> str:
    """The likely cause with a setting to try, then (with `evidence`) what the run shows, in the student's language."""
    values = event.values
    cause = t(f"train_hint.cause_{values['cause']}", **values)
    return f"{cause} {t(f'train_hint.{event.code}', **values)}" if evidence else cause
