"""What the student chose in the RNN lesson (sequence, hidden size, weight seed) and the RnnSpec it makes.

The weights are not typed: they are drawn from a seed in torch's own init range
U(−1/√H, 1/√H) and rounded to one decimal, so every product on screen is short
enough to follow by hand. A setup whose spec raises SpecError is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.errors import SpecError
from engine.rnn import RnnSpec, check_sizes
from engine.train.config import TrainConfig

CUSTOM = "custom"
MAX_SEED = 9999
LM_HIDDEN = 128
LM_LR = 0.002
LM_EPOCHS = 300
LM_SECONDS = 30.0
SEQUENCES: dict[str, tuple[tuple[float, ...], ...]] = {
    "mix": ((1, 0), (0, 1), (1, 1), (-1, 0.5)),
    "pulse": ((1, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
    "wave": ((0,), (0.5,), (0.9,), (1,), (0.9,), (0.5,)),
}


def sequence_preset(name: str) -> np.ndarray:
    if name not in SEQUENCES:
        raise SpecError(
            "unknown_preset",
            what="rnn_sequence",
            name=name,
            choices=", ".join(SEQUENCES),
        )
    return np.array(SEQUENCES[name], dtype=np.float64)


def seeded_weights(seed: int, input_size: int, hidden_size: int) -> tuple[np.ndarray, ...]:
    """W_ih (H×I), W_hh (H×H), b_ih, b_hh (H), in the order and range torch.nn.RNN initialises them, to 1 decimal."""
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(hidden_size)
    shapes = (
        (hidden_size, input_size),
        (hidden_size, hidden_size),
        (hidden_size,),
        (hidden_size,),
    )
    return tuple(np.round(rng.uniform(-bound, bound, shape), 1) + 0.0 for shape in shapes)


def parse_count(text: str, what: str) -> int:
    """A typed whole number (hidden size, seed); anything else names the field."""
    try:
        return int(text.strip())
    except ValueError:
        raise SpecError("not_an_integer", what=what, token=text) from None


@dataclass(frozen=True, eq=False)
class RnnSetup:
    """A sequence (T×I), the hidden size H and the seed the weights are drawn from."""

    sequence_name: str = "mix"
    sequence: np.ndarray | None = None
    hidden_size: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.sequence is None:
            object.__setattr__(self, "sequence", sequence_preset(self.sequence_name))
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, (int, np.integer))
            or not 0 <= self.seed <= MAX_SEED
        ):
            raise SpecError("rnn_seed_range", value=self.seed, high=MAX_SEED)
        check_sizes(
            self.sequence.shape[0],
            self.sequence.shape[1] if self.sequence.ndim == 2 else 0,
            self.hidden_size,
        )

    def spec(self) -> RnnSpec:
        w_ih, w_hh, b_ih, b_hh = seeded_weights(self.seed, self.sequence.shape[1], self.hidden_size)
        return RnnSpec(self.sequence, w_ih, w_hh, b_ih, b_hh)

    def with_hidden_step(self, delta: int) -> RnnSetup:
        return replace(self, hidden_size=self.hidden_size + delta)

    def with_next_seed(self) -> RnnSetup:
        return replace(self, seed=(self.seed + 1) % (MAX_SEED + 1))

    def with_next_sequence(self) -> RnnSetup:
        names = list(SEQUENCES)
        following = (
            names[0] if self.sequence_name not in names else names[(names.index(self.sequence_name) + 1) % len(names)]
        )
        return replace(self, sequence_name=following, sequence=sequence_preset(following))

    def with_sequence(self, matrix: np.ndarray) -> RnnSetup:
        """A typed sequence; the same numbers as before keep the preset's name."""
        same = matrix.shape == self.sequence.shape and np.array_equal(matrix, self.sequence)
        return replace(self, sequence_name=self.sequence_name if same else CUSTOM, sequence=matrix)


def language_model_config() -> TrainConfig:
    """The character-level run of the lesson's second page: small enough to learn visibly within LM_SECONDS on a CPU.

    Made on demand, not at import: the text set and the charrnn model are the
    training engine's, validated by TrainConfig like any other run.
    """
    return TrainConfig(
        dataset="text",
        model="charrnn",
        hidden=(LM_HIDDEN,),
        optimizer="adam",
        lr=LM_LR,
        batch_size=32,
        epochs=LM_EPOCHS,
        device="cpu",
    )
