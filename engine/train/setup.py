"""What the training lesson opens with, as the command line or a lesson file describes it (like engine/pool_setup.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.train.config import TrainConfig


@dataclass(frozen=True)
class TrainSetup:
    """What the lesson opens with: the form's values, whether to start at once, where checkpoints go,
    and the run to continue (`resume`, with the settings a resume may change)."""

    config: TrainConfig = field(default_factory=TrainConfig)
    start: bool = False
    out: str | None = None
    resume: str | None = None
    changes: dict = field(default_factory=dict)
