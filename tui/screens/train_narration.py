"""A lesson file's narration on the training screen: for train, a `[[narration]]`'s `step` is an epoch.

The words for step N show when epoch N starts (the run's StartedEvent starts
epoch 1, or the epoch after the checkpoint's when resumed; each EpochEvent
ends one and starts the next) and stay until the next epoch with words of its
own replaces them. They show only while the run's settings are the file's: a
run the student changed on the form may not fit them.

TrainScreen mixes this in before LiveView, so `apply_event` sees every event first.
"""

from __future__ import annotations

from engine.train.events import EpochEvent, StartedEvent, TrainEvent
from tui.i18n import t
from tui.widgets.text import Line


class TrainNarration:
    """Shows `source.narration_at(epoch)` in the screen's #narration line as epochs start."""

    def apply_event(self, event: TrainEvent) -> None:
        super().apply_event(event)  # type: ignore[misc]
        if isinstance(event, StartedEvent):
            self.narrate_epoch(event.epoch + 1)
            self._say_unused(event.epochs)
        elif isinstance(event, EpochEvent) and event.epoch < self.config.epochs:  # type: ignore[attr-defined]
            self.narrate_epoch(event.epoch + 1)

    def narrate_epoch(self, epoch: int) -> None:
        """The file's words for `epoch`, if it has some and the run is the file's; otherwise what was shown stays."""
        source = self.source  # type: ignore[attr-defined]
        if source is None or source.setup.config != self.config:  # type: ignore[attr-defined]
            return
        words = source.narration_at(epoch)
        if words:
            line = self.query_one("#narration", Line)  # type: ignore[attr-defined]
            line.display = True
            line.show(words)

    def _say_unused(self, epochs: int) -> None:
        """Words for an epoch the run never reaches are said once, as lesson screens say it of a step."""
        source = self.source  # type: ignore[attr-defined]
        if source is None or source.setup.config != self.config:  # type: ignore[attr-defined]
            return
        beyond = [note.step for note in source.narration if note.step > epochs]
        if beyond:
            self.say(t("train_narration.unused", step=beyond[0], total=epochs))  # type: ignore[attr-defined]

    def hide_narration(self) -> None:
        self.query_one("#narration", Line).display = False  # type: ignore[attr-defined]
