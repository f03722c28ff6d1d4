"""What the tensor lesson's student sets: the topic, x's shape, the view, a transpose, rand's seed; and the examples.

Apart from engine.tensor, which builds the steps from it, so that the modules
building each topic's steps can name the spec without importing their caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from engine.errors import SpecError
from engine.tensor_layout import Layout, Refused
from engine.tensor_parse import check_seed, check_shape, check_view, term_value

TOPICS = ("create", "view", "reshape", "inplace", "numpy")


@dataclass(frozen=True)
class TensorSpec:
    """The topic, the shape of x, the sizes of the view (as written), the transpose applied to x, the seed of rand."""

    topic: str = "create"
    shape: tuple[int, ...] = (2, 3, 4)
    view: tuple[str, ...] = ("-1", "6")
    transpose: tuple[int, int] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.topic not in TOPICS:
            raise SpecError("tensor_unknown_topic", topic=self.topic, choices=", ".join(TOPICS))
        check_shape(self.shape)
        check_view(self.view)
        check_seed(self.seed)
        if self.transpose is not None:
            try:
                Layout.contiguous(self.shape).transpose(*self.transpose)
            except Refused as refused:
                raise SpecError(
                    "tensor_transpose_range",
                    torch_message=refused.error.message,
                    ndim=len(self.shape),
                ) from None

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def view_sizes(self) -> tuple[int, ...]:
        return tuple(term_value(term) for term in self.view)

    @property
    def source(self) -> Layout:
        """x: torch.arange(numel).view(shape), then transposed if the spec says so."""
        layout = Layout.contiguous(self.shape)
        return layout if self.transpose is None else layout.transpose(*self.transpose)

    def with_topic(self, topic: str) -> TensorSpec:
        return replace(self, topic=topic)

    def with_transpose_toggled(self) -> TensorSpec:
        """Off → x.transpose(0, 1) → off: the quickest way to a tensor that is not contiguous."""
        return replace(self, transpose=None if self.transpose is not None else (0, 1))

    def with_next_view(self) -> TensorSpec:
        """The next of a few views for this many elements (view_choices), from the current one."""
        choices = view_choices(self.numel)
        following = choices[(choices.index(self.view) + 1) % len(choices)] if self.view in choices else choices[0]
        return replace(self, view=following)

    def with_next_preset(self, step: int = 1) -> TensorSpec:
        """The next (or previous) of PRESETS; from a setup that is none of them, the first (or last)."""
        if self in PRESETS:
            return PRESETS[(PRESETS.index(self) + step) % len(PRESETS)]
        return PRESETS[0 if step > 0 else -1]


def view_choices(numel: int) -> tuple[tuple[str, ...], ...]:
    """Flatten (-1), then (-1, d) for each divisor d between, then one size torch refuses (the first non-divisor)."""
    divisors = [d for d in range(2, numel) if numel % d == 0]
    choices = [("-1",)] + [("-1", str(d)) for d in divisors]
    refused = next(k for k in range(2, numel + 2) if numel % k)
    return tuple(choices + [(str(refused), "-1")])


PRESETS: tuple[TensorSpec, ...] = (
    TensorSpec(),
    TensorSpec("view", (2, 3, 4), ("-1", "6")),
    TensorSpec("view", (4, 4), ("-1", "8")),  # the course's x.view(-1, 8)
    TensorSpec("view", (4, 2, 2, 2), ("-1", "2*2*2")),  # the course's x.view(-1, 16*5*5), scaled down
    TensorSpec("view", (2, 3, 4), ("5", "-1")),  # torch refuses: 24 is not a multiple of 5
    TensorSpec("view", (2, 3, 4), ("-1", "6"), (0, 1)),  # torch refuses: not contiguous
    TensorSpec("view", (2, 3, 4), ("3", "2", "2", "2"), (0, 1)),  # not contiguous, and yet a view
    TensorSpec("reshape", (3, 4), ("12",), (0, 1)),
    TensorSpec("inplace", (2, 3, 4), ("-1", "6")),
    TensorSpec("numpy", (5,)),
)
