"""The tensor lesson's typed settings (a shape, a view's sizes, a transpose's two dims, a seed) as numbers.

Text that is not one of these is malformed and refused with a SpecError that
points at the token (`tensortour` exits 2). Well-formed sizes that torch would
refuse (a view of the wrong size, two −1s, a −2) are not refused here: they
are what the lesson shows. Only the screen's bounds are: at most MAX_DIMS
dimensions and MAX_ELEMENTS elements, so every cell stays readable.
"""

from __future__ import annotations

import math
import re

from engine.errors import SpecError

MAX_DIMS = 4
MAX_ELEMENTS = 64
MAX_VIEW_SIZE = 4096  # a view's sizes are only ever compared with MAX_ELEMENTS; this keeps their product in int64
MAX_SEED = 2**32 - 1  # torch's CPU generator keeps the low 32 bits of a seed

_OPEN_CLOSE = {"(": ")", "[": "]"}
_SEPARATOR = re.compile(r"\s*,\s*|\s+")
_TERM = re.compile(r"[+-]?\d+(?:\*\d+)*")
_INTEGER = re.compile(r"[+-]?\d+")


def _tokens(text: str, what: str) -> list[str]:
    """The comma- or space-separated tokens of `text`, brackets allowed around it; `2 * 3` is one token, `2*3`."""
    body = text.strip()
    if body and body[0] in _OPEN_CLOSE:
        if len(body) < 2 or body[-1] != _OPEN_CLOSE[body[0]]:
            raise SpecError("tensor_unbalanced", what=what, text=body)
        body = body[1:-1].strip()
    body = re.sub(r"\s*\*\s*", "*", body)
    if body.endswith(","):
        body = body[:-1].rstrip()
    if not body:
        raise SpecError("tensor_empty", what=what)
    tokens = _SEPARATOR.split(body)
    if "" in tokens:
        raise SpecError("tensor_missing_size", what=what, text=text.strip())
    if len(tokens) > MAX_DIMS:
        raise SpecError("tensor_too_many_dims", what=what, got=len(tokens), limit=MAX_DIMS)
    return tokens


def parse_shape(text: str) -> tuple[int, ...]:
    """`"2,3,4"`, `"2 3 4"` or `"(2, 3, 4)"` → (2, 3, 4); sizes from 1, at most MAX_DIMS and MAX_ELEMENTS."""
    sizes = []
    for token in _tokens(text, "tensor_shape"):
        if not _INTEGER.fullmatch(token) or len(token.lstrip("+-")) > 6:
            raise SpecError("tensor_bad_size", what="tensor_shape", token=token)
        sizes.append(int(token))
    return check_shape(tuple(sizes))


def check_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The screen's bounds on a tensor to make: 1 to MAX_DIMS dimensions, sizes from 1, MAX_ELEMENTS in all."""
    if not 1 <= len(shape) <= MAX_DIMS:
        raise SpecError("tensor_too_many_dims", what="tensor_shape", got=len(shape), limit=MAX_DIMS)
    small = [size for size in shape if size < 1]
    if small:
        raise SpecError("tensor_size_too_small", value=small[0])
    if math.prod(shape) > MAX_ELEMENTS:
        raise SpecError(
            "tensor_too_many_elements",
            shape=str(shape),
            count=math.prod(shape),
            limit=MAX_ELEMENTS,
        )
    return shape


def parse_view(text: str) -> tuple[str, ...]:
    """A view's sizes as the student writes them: `"-1, 6"` → ("-1", "6"); products such as the course's
    `16*5*5` are kept as written (canonical spacing) so the code line shows them."""
    terms = []
    for token in _tokens(text, "tensor_view"):
        if not _TERM.fullmatch(token):
            raise SpecError("tensor_bad_size", what="tensor_view", token=token)
        terms.append("*".join(str(int(factor)) for factor in token.split("*")))
    return check_view(tuple(terms))


def term_value(term: str) -> int:
    """`"16*5*5"` → 400, `"-1"` → −1: a product of integers, the sign on the first."""
    return math.prod(int(factor) for factor in term.split("*"))


def check_view(terms: tuple[str, ...]) -> tuple[str, ...]:
    if not 1 <= len(terms) <= MAX_DIMS:
        raise SpecError("tensor_too_many_dims", what="tensor_view", got=len(terms), limit=MAX_DIMS)
    for term in terms:
        if not _TERM.fullmatch(term) or any(len(factor.lstrip("+-")) > 6 for factor in term.split("*")):
            raise SpecError("tensor_bad_size", what="tensor_view", token=term)
        if abs(term_value(term)) > MAX_VIEW_SIZE:
            raise SpecError("tensor_view_size_range", token=term, limit=MAX_VIEW_SIZE)
    return terms


def parse_transpose(text: str) -> tuple[int, int] | None:
    """`"0,1"` → (0, 1): the two dims `x.transpose` swaps; empty or `none` → None (no transpose)."""
    if not text.strip() or text.strip().lower() == "none":
        return None
    tokens = _tokens(text, "tensor_transpose")
    if len(tokens) != 2:
        raise SpecError("tensor_transpose_two", text=text.strip())
    dims = []
    for token in tokens:
        if not _INTEGER.fullmatch(token) or len(token.lstrip("+-")) > 3:
            raise SpecError("tensor_bad_size", what="tensor_transpose", token=token)
        dims.append(int(token))
    return dims[0], dims[1]


def parse_seed(text: str) -> int:
    token = text.strip()
    if not re.fullmatch(r"\+?\d+", token) or len(token) > 10:
        raise SpecError("tensor_seed_range", token=token, limit=MAX_SEED)
    return check_seed(int(token))


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise SpecError("tensor_seed_range", token=str(seed), limit=MAX_SEED)
    return seed
