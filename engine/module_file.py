"""Your own network: which file, which class, what goes in, checked before any of the student's code runs.

`tensortour module --file my_net.py:Net --input 3,32,32` names a file the
student wrote. Nothing here runs it: the file is read, built and run in a
child process (engine/module_file_child.py) only because the student named
it. The constructor's arguments are typed as Python (`10, widths=(16, 32)`)
and read with Python's parser, each one a literal (`ast.literal_eval`):
nothing typed is ever evaluated.
"""

from __future__ import annotations

import ast
import math
import os
from dataclasses import dataclass, field

from engine.arch import Shape
from engine.errors import SpecError
from engine.matmul_shapes import check_shape, parse_shape
from engine.module_parse import column, parse_call

MAX_BATCH = 1024
DEFAULT_TIMEOUT = 10.0  # seconds for loading, building and running the student's code: on meta it takes milliseconds
MAX_TIMEOUT = 600.0
MAX_INPUT_DIMS = 6
DTYPES = ("float", "long")  # what x holds: float32 numbers, or int64 indices for an nn.Embedding


def call_arguments(text: str) -> tuple[tuple, dict]:
    """`10, widths=(16, 32)` → ((10,), {"widths": (16, 32)}): each argument a literal, never evaluated."""
    if not text.strip():
        return (), {}
    call = parse_call(text)
    values = []
    for node in call.args:
        if isinstance(node, ast.Starred):
            raise SpecError("module_file_starred", column=column(node))
        values.append(_literal(node))
    keywords: dict = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise SpecError("module_file_starred", column=column(keyword))
        if keyword.arg in keywords:
            raise SpecError("module_repeated", name=keyword.arg, column=column(keyword))
        keywords[keyword.arg] = _literal(keyword.value)
    return tuple(values), keywords


def _literal(node: ast.AST) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise SpecError("module_file_not_literal", text=ast.unparse(node)[:40], column=column(node)) from None


@dataclass(frozen=True)
class FileSpec:
    """A student's network: `path` (absolute), `class_name` ("" = the one nn.Module class the file defines), the shape
    of one input (a batch of `batch` goes in front), the constructor's arguments as typed, how long it may run, and
    whether x holds float32 numbers or int64 indices (`dtype`)."""

    path: str
    class_name: str = ""
    input_shape: Shape = (3, 32, 32)
    batch: int = 1
    args: str = ""
    timeout: float = DEFAULT_TIMEOUT
    dtype: str = "float"
    arguments: tuple[tuple, dict] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.class_name and not all(part.isidentifier() for part in self.class_name.split(".")):
            raise SpecError("module_file_class_name", name=self.class_name)
        check_shape(self.input_shape, "module_file_input")
        if not 1 <= len(self.input_shape) <= MAX_INPUT_DIMS or 0 in self.input_shape:
            raise SpecError("module_file_input", shape=",".join(map(str, self.input_shape)), limit=MAX_INPUT_DIMS)
        if isinstance(self.batch, bool) or not isinstance(self.batch, int):
            raise SpecError("not_an_integer", what="module_batch", token=str(self.batch))
        if not 1 <= self.batch <= MAX_BATCH:
            key = "module_at_least" if self.batch < 1 else "too_big"
            raise SpecError(key, what="module_batch", low=1, high=MAX_BATCH, value=self.batch)
        if not (isinstance(self.timeout, int | float) and 0 < self.timeout <= MAX_TIMEOUT) or math.isnan(self.timeout):
            raise SpecError("module_file_timeout", value=self.timeout, high=int(MAX_TIMEOUT))
        if self.dtype not in DTYPES:
            raise SpecError("module_unknown_choice", what="dtype", value=self.dtype, choices=", ".join(DTYPES))
        object.__setattr__(self, "arguments", call_arguments(self.args))

    @property
    def name(self) -> str:
        """The file's name, as the student calls it."""
        return os.path.basename(self.path)

    @property
    def x_shape(self) -> Shape:
        """What forward() receives: the batch in front of one input's shape."""
        return (self.batch, *self.input_shape)

    def request(self) -> dict:
        """What the child process needs (engine/module_file_child.py), as JSON."""
        return {
            "path": self.path,
            "class": self.class_name,
            "input": list(self.x_shape),
            "args": self.args,
            "timeout": self.timeout,
            "dtype": self.dtype,
        }


def parse_target(text: str) -> tuple[str, str]:
    """`my_net.py:Net` → (absolute path, "Net"); `my_net.py` → (path, ""). The file must exist."""
    path, _, name = text.rpartition(":")
    if not path or not all(part.isidentifier() for part in name.split(".")):
        path, name = text, ""  # no class named: `C:\\nets\\my_net.py`, or a path holding a colon
    if not os.path.isfile(path):
        raise SpecError("module_file_missing", path=path)
    return os.path.abspath(path), name


def parse_input(text: str) -> Shape:
    """`3,32,32` (or 3x32x32, (3, 32, 32)): one input's shape, the batch left out."""
    return parse_shape(text, "module_file_input")
