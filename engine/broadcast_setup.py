"""What the student chose in the broadcasting lesson: an example, or shapes typed as text, and the operation.

Keys make a new BroadcastSetup; `.spec()` validates it, so the screen keeps the
last valid one when a change is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.broadcast import NAMES, OPS, BroadcastSpec
from engine.broadcast_shape import Shape, parse_shape
from engine.errors import SpecError

CUSTOM = "custom"


@dataclass(frozen=True)
class Example:
    name: str
    shapes: tuple[Shape, ...]
    op: str = "add"


EXAMPLES = {
    example.name: example
    for example in (
        Example("column-plus-row", ((3, 1), (4,))),
        Example("matrix-plus-vector", ((2, 2), (2,))),
        Example("three-shapes", ((2, 1, 1), (3, 1), (4,))),
        Example("image-minus-mean", ((3, 32, 32), (3, 1, 1)), "subtract"),
        Example("outer-product", ((8, 1, 6, 1), (7, 1, 5)), "multiply"),
        Example("mismatch", ((3, 4), (5,))),
    )
}
DEFAULT = "column-plus-row"


@dataclass(frozen=True)
class BroadcastSetup:
    """The shapes and operation on screen, and the example they came from (or CUSTOM)."""

    example: str = DEFAULT
    shapes: tuple[Shape, ...] = ()
    op: str = ""

    def __post_init__(self) -> None:
        if self.example != CUSTOM and self.example not in EXAMPLES:
            raise SpecError(
                "unknown_preset",
                what="broadcast_example",
                name=self.example,
                choices=", ".join(EXAMPLES),
            )
        if self.example != CUSTOM:
            chosen = EXAMPLES[self.example]
            object.__setattr__(self, "shapes", self.shapes or chosen.shapes)
            object.__setattr__(self, "op", self.op or chosen.op)
        object.__setattr__(self, "op", self.op or "add")

    def spec(self) -> BroadcastSpec:
        return BroadcastSpec(self.shapes, self.op)

    def with_next_example(self) -> BroadcastSetup:
        names = list(EXAMPLES)
        following = names[0] if self.example == CUSTOM else names[(names.index(self.example) + 1) % len(names)]
        return BroadcastSetup(following)

    def with_next_op(self) -> BroadcastSetup:
        ops = list(OPS)
        return named_setup(self.shapes, ops[(ops.index(self.op) + 1) % len(ops)])

    def with_shapes(self, shapes: tuple[Shape, ...]) -> BroadcastSetup:
        return named_setup(shapes, self.op)


def named_setup(shapes: tuple[Shape, ...], op: str) -> BroadcastSetup:
    """Shapes and an operation under the name of the example they are (`3,4 5` is "a mismatch"), else CUSTOM."""
    name = next((e.name for e in EXAMPLES.values() if (e.shapes, e.op) == (shapes, op)), CUSTOM)
    return BroadcastSetup(name, shapes, op)


def parse_shapes(texts: list[str] | tuple[str, ...]) -> tuple[Shape, ...]:
    """The shapes typed for a, b and (optionally) c; blank texts after the second are left out."""
    while len(texts) > 2 and not texts[-1].strip():
        texts = texts[:-1]
    if not 2 <= len(texts) <= 3:
        raise SpecError("broadcast_shape_count", got=len(texts))
    return tuple(parse_shape(text, name) for text, name in zip(texts, NAMES))
