"""Shapes as a student types them (`3,1`, `(3, 1)`, `3x1`, `()`, `(5,)`), parsed by hand, never eval-ed.

Also how shapes are written back: the Python way `(3, 1)` for the lesson, and
the two framework ways, `(3,1)` in NumPy's messages and `[3, 1]` in torch's.
"""

from __future__ import annotations

import math
import re

from engine.errors import SpecError

MAX_DIMS = 32  # np.broadcast_shapes: "this function only supports up to 32 dimensions"
MAX_ELEMENTS = 2**63 - 1  # NumPy's largest array size (intp); anything larger cannot exist as an array

Shape = tuple[int, ...]

_BRACKETS = {"(": ")", "[": "]"}
_SEPARATOR = re.compile(r"\s*[,x×X]\s*|\s+")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_MAX_DIGITS = 19  # more digits than 2**63 − 1 has: too big, and int() of thousands of digits is refused


def parse_shape(text: str, name: str) -> Shape:
    """`"(3, 1)"` → (3, 1); `"()"` → (); raises SpecError naming operand `name` and what is wrong."""
    body = text.strip()
    if not body:
        raise SpecError("broadcast_empty_shape", name=name)
    if body[0] in _BRACKETS:
        if body[-1] != _BRACKETS[body[0]] or len(body) < 2:
            raise SpecError("broadcast_unbalanced", name=name, text=text.strip())
        body = body[1:-1].strip()
        if not body:
            return ()
    if body.endswith(","):
        body = body[:-1].rstrip()
    tokens = _SEPARATOR.split(body)
    if len(tokens) > MAX_DIMS:
        raise SpecError("broadcast_too_many_dims", name=name, got=len(tokens), limit=MAX_DIMS)
    sizes = tuple(_parse_size(token, name, text.strip()) for token in tokens)
    negative = [size for size in sizes if size < 0]
    if negative:
        raise SpecError(
            "broadcast_negative_size",
            torch_message=f"Trying to create tensor with negative dimension {negative[0]}: {torch_shape(sizes)}",
            name=name,
            size=negative[0],
        )
    check_elements(sizes, name)
    return sizes


def _parse_size(token: str, name: str, text: str) -> int:
    if _INTEGER.fullmatch(token):
        digits = token.lstrip("+-").lstrip("0")
        if len(digits) > _MAX_DIGITS and token.startswith("-"):
            raise SpecError("broadcast_negative_size", name=name, size=token)
        if len(digits) > _MAX_DIGITS:
            raise SpecError("broadcast_too_many_elements", name=name, shape=text)
        return int(token)
    if _NUMBER.fullmatch(token):
        raise SpecError("broadcast_not_an_integer", name=name, token=token, text=text)
    if not token:
        raise SpecError("broadcast_missing_size", name=name, text=text)
    raise SpecError("broadcast_bad_token", name=name, token=token, text=text)


def check_elements(shape: Shape, name: str) -> None:
    """A shape NumPy could not hold (more than 2**63 − 1 elements, or an axis that long) is refused."""
    if any(size > MAX_ELEMENTS for size in shape) or math.prod(shape) > MAX_ELEMENTS:
        raise SpecError("broadcast_too_many_elements", name=name, shape=python_shape(shape))


def python_shape(shape: Shape) -> str:
    """How Python prints a shape tuple: `(3, 1)`, `(5,)`, `()`."""
    return str(tuple(shape))


def numpy_shape(shape: Shape) -> str:
    """How NumPy's broadcast error writes a shape: `(3,1)`, `(5,)`, `()`."""
    return "(" + ",".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def torch_shape(shape: Shape) -> str:
    """How torch's messages write a shape: `[3, 1]`."""
    return "[" + ", ".join(str(size) for size in shape) + "]"
