"""The module lesson's setup and trace: a network's forward() call by call, or its parameters one by one.

Two networks: the course's CIFAR-10 `Net` (engine/module_net.py) and the
book's SimpleConvNet (engine/module_simple.py), each as a ModuleTable
(engine/module_table.py). The lesson steps through the table in one of two
views, and shows what `.grad` holds at each point of the zero_grad story.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import accumulate

from engine.arch import Shape
from engine.errors import SpecError
from engine.module_file_result import OwnNet
from engine.module_net import MAX_BATCH, net_table
from engine.module_simple import SimpleConvSpec, simple_table
from engine.module_table import ModuleRow, ModuleTable, NamedParameter

MODELS = ("net", "simple")  # the lesson's own networks; "file" is the student's (tensortour module --file)
VIEWS = ("layers", "params")
GRAD_PHASES = ("fresh", "backward", "zero_grad", "zeros")
GRAD_CODE = {
    "fresh": "net = {title}()",
    "backward": "loss.backward()",
    "zero_grad": "net.zero_grad()",
    "zeros": "loss.backward(); net.zero_grad(set_to_none=False)",
}  # the code that leads to each phase, run in this order (engine/module_torch.py's grad_story runs it)


def grad_code(phase: str, title: str) -> str:
    """The code that leads from the phase before to `phase`, for the network called `title`."""
    return GRAD_CODE[phase].format(title=title)


@dataclass(frozen=True)
class ModuleSetup:
    """What the student chose: the network, the view, the point of the zero_grad story, and each network's settings.

    Net's batch and SimpleConvNet's hyper-parameters are both held, so that
    switching to one network and back keeps what the student set in the other;
    `own` is the student's own network where one was named (the model "file").
    """

    model: str = "net"
    view: str = "layers"
    grad: str = "fresh"
    batch: int = 4
    simple: SimpleConvSpec = field(default_factory=SimpleConvSpec)
    own: OwnNet | None = None

    def __post_init__(self) -> None:
        for name, value, choices in (
            ("model", self.model, self.models),
            ("view", self.view, VIEWS),
            ("grad", self.grad, GRAD_PHASES),
        ):
            if value not in choices:
                raise SpecError("module_unknown_choice", what=name, value=value, choices=", ".join(choices))
        if isinstance(self.batch, bool) or not isinstance(self.batch, int):
            raise SpecError("not_an_integer", what="module_batch", token=str(self.batch))
        if self.batch < 1:
            raise SpecError("module_at_least", what="module_batch", low=1, value=self.batch)
        if self.batch > MAX_BATCH:
            raise SpecError("too_big", what="module_batch", high=MAX_BATCH, value=self.batch)

    @property
    def models(self) -> tuple[str, ...]:
        """The networks m cycles through: the student's own comes first where there is one."""
        return MODELS if self.own is None else ("file", *MODELS)

    def table(self) -> ModuleTable:
        if self.model == "file" and self.own is not None:
            return self.own.table
        return net_table(self.batch) if self.model == "net" else simple_table(self.simple)

    def cycled(self, name: str, choices: tuple[str, ...]) -> ModuleSetup:
        """The next value of field `name` in `choices`, wrapping."""
        current = getattr(self, name)
        return replace(self, **{name: choices[(choices.index(current) + 1) % len(choices)]})


@dataclass(frozen=True)
class ModuleTrace:
    """The table and the steps of one view: calls of forward() (layers) or entries of named_parameters() (params)."""

    setup: ModuleSetup
    table: ModuleTable
    params_so_far: tuple[int, ...]
    macs_so_far: tuple[int, ...] = ()

    @property
    def steps(self) -> tuple[ModuleRow, ...] | tuple[NamedParameter, ...]:
        return self.table.rows if self.setup.view == "layers" else self.table.parameters

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> ModuleRow | NamedParameter:
        return self.steps[min(max(index, 0), self.step_count - 1)]

    def row_at(self, index: int) -> ModuleRow:
        """The call of forward() that step `index` is about (in the parameters view: the first call of its owner)."""
        step = self.step(index)
        return step if isinstance(step, ModuleRow) else self.table.owner_row(step)

    def _row_index(self, index: int) -> int:
        """The row of forward() that step `index` is about (a parameter: its owner's first call)."""
        if self.setup.view == "layers":  # the step is the row (two calls may look alike: a loop in forward())
            return min(max(index, 0), self.step_count - 1)
        step = self.step(index)
        return self.table.rows.index(step if isinstance(step, ModuleRow) else self.table.owner_row(step))

    def position(self, index: int) -> tuple[str, int, int]:
        """The layer a step is about, as (name, which use of it, its row): survives a change of view or of settings."""
        row = self._row_index(index)
        name = self.table.rows[row].name
        return name, sum(other.name == name for other in self.table.rows[:row]), row

    def index_at(self, position: tuple[str, int, int]) -> int | None:
        """The same call; in the parameters view the layer's first tensor, or for a layer without any the next one's."""
        name, use, row = position
        if self.setup.view == "layers":
            found = [index for index, step in enumerate(self.table.rows) if step.name == name]
            return found[min(use, len(found) - 1)] if found else None
        owners = [self.table.rows.index(self.table.owner_row(parameter)) for parameter in self.table.parameters]
        later = [index for index, owner in enumerate(owners) if owner >= row]
        return later[0] if later else self.step_count - 1


def grad_state(phase: str, parameter: NamedParameter) -> tuple[str, Shape]:
    """What `parameter.grad` is after the phase's code: ("none", ()), ("tensor", shape) or ("zeros", shape)."""
    if phase in ("fresh", "zero_grad"):
        return "none", ()
    return ("tensor" if phase == "backward" else "zeros"), parameter.shape


def module_trace(setup: ModuleSetup) -> ModuleTrace:
    """The setup's table; raises SpecError where the network could not be built or run."""
    table = setup.table()
    if setup.model == "file":  # the child counted each parameter once, at the first row that used it
        rows = table.rows
        return ModuleTrace(
            setup, table, tuple(accumulate(row.params for row in rows)), tuple(accumulate(row.macs for row in rows))
        )
    if setup.view == "layers":
        counts = [row.params if table.first_use(index) else 0 for index, row in enumerate(table.rows)]
    else:
        counts = [parameter.numel for parameter in table.parameters]
    return ModuleTrace(setup, table, tuple(accumulate(counts)))
