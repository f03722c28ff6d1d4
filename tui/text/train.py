"""The training lesson's words: `--plain` (settings, data and the model's layers, without training), and what both
the headless run and the screen say of a run: the tutorial's closing accuracy lines, the device, an epoch's numbers,
a failure and where the checkpoint on disk stands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.i18n import display_name, error_text, lesson_title, t
from tui.text import ljust, rjust
from tui.text.own_data import data_notes

if TYPE_CHECKING:
    from engine.train.events import AccuracyEvent, EpochEvent, FailedEvent, HintEvent, StartedEvent
    from engine.train.setup import TrainSetup


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
    """The run's settings, the data and the model's layers (the summary shown before training), without training;
    and a server's limits, so a teacher can check a limits file with `tensortour train --plain`."""
    from engine.train.loop import Trainer
    from tui.text.limits import limits_words

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
            *data_notes(data),
            t(
                "train.plain_device",
                device=device_words(started),
                steps=started.steps_per_epoch,
            ),
            *([limits] if (limits := limits_words(started.limits)) else []),
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


def device_words(started: StartedEvent) -> str:
    """The GPU's own name (and "bf16 autocast" under --amp), or "CPU · 2 threads" in the student's language."""
    threads = started.threads
    if started.device == "cpu" and threads is not None:
        name = t("train.cpu_thread" if threads == 1 else "train.cpu_threads", threads=threads)
    else:
        name = started.device_name or started.device
    return f"{name} · {t('limits.amp')}" if started.amp else name


def failure_words(event: FailedEvent) -> str:
    """A failed run in the student's words, then where its checkpoint on disk stands (when the run had a folder)."""
    return " ".join(part for part in (error_text(event.error()), kept_words(event.params)) if part)


def kept_words(params: Mapping[str, object]) -> str:
    """'The checkpoint saved at the end of epoch 3 is kept …' from the kept_epoch / kept_step a failure carries."""
    if "kept_epoch" not in params:
        return ""
    epoch, step, out = params["kept_epoch"], params.get("kept_step"), params.get("out", "")
    if not isinstance(epoch, int):
        return t("train.kept_none")
    if isinstance(step, int) and step:
        return t("train.kept_in_epoch", epoch=epoch + 1, step=step, out=out)
    return t("train.kept_after_epoch", epoch=epoch, out=out)


def epoch_numbers(event: EpochEvent) -> dict[str, object]:
    """An epoch event's numbers as the app and the headless lines write them."""
    return {
        "epoch": event.epoch,
        "train_loss": f"{event.train_loss:.4g}",
        "test_loss": f"{event.test_loss:.4g}",
        "train_acc": f"{event.train_acc:.1%}",
        "test_acc": f"{event.test_acc:.1%}",
        "rate": f"{event.samples_per_s:,.0f}",
        "elapsed": f"{event.elapsed_s:.1f}",
    }
