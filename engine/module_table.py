"""A network's forward() as a table: each call with its output shape, parameters and source line.

This is plain data that does not care who filled it. engine fills it from the
layer arithmetic (engine/module_net.py, engine/module_simple.py); a loader can
fill the same rows from forward hooks on the meta device (name, type,
arguments, output shape, parameters, line) and leave the arithmetic empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.arch import Shape, shape_text


@dataclass(frozen=True)
class ModuleRow:
    """One call in forward(): which module or function, built how, what comes out, where in the source.

    `name` is the module's attribute (conv1) or the function (relu); `kind` its
    torch type (Conv2d, relu, view); `arguments` what it was built or called
    with; `params` what the module owns (a function owns nothing); `line` the
    1-based source line of the call and `span` the call's columns in it.
    The arithmetic lines are empty where a table comes from hooks.
    """

    name: str
    kind: str
    arguments: str
    in_shape: Shape
    out_shape: Shape
    params: int = 0
    line: int | None = None
    span: tuple[int, int] | None = None
    defined_at: int | None = None
    shape_line: str = ""
    params_line: str = ""

    @property
    def out_text(self) -> str:
        return shape_text(self.out_shape)

    @property
    def in_text(self) -> str:
        return shape_text(self.in_shape)


@dataclass(frozen=True)
class NamedParameter:
    """One entry of named_parameters(): torch's name and shape; `book_*` the book's NumPy name and shape, if any.

    `book_transposed`: the book's array is the transpose of torch's (an Affine
    weight, in×out, against nn.Linear's out×in), whatever the sizes.
    """

    name: str
    shape: Shape
    owner: str
    book_name: str = ""
    book_shape: Shape = ()
    book_transposed: bool = False

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class ModuleTable:
    """A network's forward() as rows, its parameters in registration order, and its source (may be empty)."""

    title: str
    input_shape: Shape
    rows: tuple[ModuleRow, ...]
    parameters: tuple[NamedParameter, ...]
    source: tuple[str, ...] = ()

    @property
    def total_params(self) -> int:
        return sum(parameter.numel for parameter in self.parameters)

    def owned_by(self, name: str) -> tuple[NamedParameter, ...]:
        return tuple(parameter for parameter in self.parameters if parameter.owner == name)

    def first_use(self, index: int) -> bool:
        """Whether row `index` is the first call of its module: a module called again brings no new parameters."""
        name = self.rows[index].name
        return all(row.name != name for row in self.rows[:index])

    def owner_row(self, parameter: NamedParameter) -> ModuleRow:
        """The first call of the module that owns `parameter`."""
        return next(row for row in self.rows if row.name == parameter.owner)
