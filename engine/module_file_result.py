"""What the child process found in a student's file, as plain data: a ModuleTable and, where it stopped, why.

The rows are engine/module_table.py's, filled from forward hooks instead of
arithmetic, with what hooks know beyond it: multiply-adds, every tensor that
went in and came out, which forward() made a function call, and the sizes a
module was built with (what engine/module_file_hint.py's advice is made of).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.arch import Shape, shape_text
from engine.module_file import FileSpec
from engine.module_table import ModuleRow, ModuleTable, NamedParameter

Facts = tuple[tuple[str, object], ...]


def _shapes_text(shapes: tuple[Shape, ...]) -> str:
    """`1×6×28×28`, several joined by commas; a number alone (a 0-d tensor, such as a loss) as (), as torch.Size([])."""
    return ", ".join(shape_text(shape) or "()" for shape in shapes) or "–"


@dataclass(frozen=True)
class OwnRow(ModuleRow):
    """A module call or a function call of the student's forward(); `within` is the module whose forward() made a
    function call ("" for the network's own); `param_shapes` the parameters this row counts first, by their names."""

    macs: int = 0
    inputs: tuple[Shape, ...] = ()
    outputs: tuple[Shape, ...] = ()
    function: bool = False
    within: str = ""
    facts: Facts = ()
    param_shapes: tuple[tuple[str, Shape], ...] = ()

    @property
    def out_text(self) -> str:
        """Every tensor it returned: an RNN gives its output and its last hidden state."""
        return _shapes_text(self.outputs)

    @property
    def in_text(self) -> str:
        return _shapes_text(self.inputs)

    def fact(self, name: str) -> object:
        return dict(self.facts).get(name)


@dataclass(frozen=True)
class Failure:
    """Why a load stopped. `kind`: missing_file, unreadable, syntax, load, which_class, missing_class, not_module,
    instance_args, constructor, forward, timeout or died; `message` is Python's or torch's own words, `line` and
    `code` the place in the student's file, `place` the call forward() was in, with the shapes that arrived."""

    kind: str
    message: str = ""
    error_type: str = ""
    line: int | None = None
    column: int | None = None
    code: str = ""
    phase: str = ""
    name: str = ""
    names: tuple[str, ...] = ()
    what: str = ""
    returned: bool = False
    place: OwnRow | None = None
    cpu_message: str = ""

    @property
    def torch_words(self) -> str:
        """torch's message as a CPU run would print it, where the layer was run again there."""
        return self.cpu_message or self.message


@dataclass(frozen=True)
class OwnLoad:
    """One load of the file: its lines, the table (partial where forward() stopped), the failure if any."""

    spec: FileSpec
    source: tuple[str, ...]
    table: ModuleTable
    total_macs: int = 0
    counted_params: int = 0
    outputs: tuple[Shape, ...] = ()
    unused: tuple[tuple[str, int], ...] = ()
    truncated: int = 0
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def _shape(sizes: list[int]) -> Shape:
    return tuple(int(size) for size in sizes)


def _columns(line: str, span: list[int] | None) -> tuple[int, int] | None:
    """Python gives a call's columns in UTF-8 bytes; the screen counts characters."""
    if span is None:
        return None
    encoded = line.encode()
    start, end = (len(encoded[:offset].decode(errors="ignore")) for offset in span)
    return (start, end) if start < end else None


def row_from_json(data: dict, source: tuple[str, ...]) -> OwnRow:
    line = data.get("line")
    text = source[line - 1] if line and line <= len(source) else ""
    inputs = tuple(_shape(shape) for shape in data.get("inputs", []))
    outputs = tuple(_shape(shape) for shape in data.get("outputs", []))
    return OwnRow(
        name=data["name"],
        kind=data["kind"],
        arguments=data.get("arguments", ""),
        in_shape=inputs[0] if inputs else (),
        out_shape=outputs[0] if outputs else (),
        params=int(data.get("params", 0)),
        line=line,
        span=_columns(text, data.get("span")),
        defined_at=data.get("defined_at"),
        macs=int(data.get("macs", 0)),
        inputs=inputs,
        outputs=outputs,
        function=bool(data.get("function")),
        within=data.get("within", ""),
        facts=tuple((key, tuple(value) if isinstance(value, list) else value) for key, value in data["facts"].items()),
        param_shapes=tuple((name, _shape(shape)) for name, shape in data.get("param_shapes", [])),
    )


def failure_from_json(data: dict, source: tuple[str, ...]) -> Failure:
    place = data.get("place")
    return Failure(
        kind=data["kind"],
        message=data.get("message", ""),
        error_type=data.get("error_type", ""),
        line=data.get("line"),
        column=data.get("column"),
        code=data.get("code", ""),
        phase=data.get("phase", ""),
        name=data.get("name", ""),
        names=tuple(data.get("names", ())),
        what=data.get("what", ""),
        returned=bool(data.get("returned")),
        place=row_from_json(place, source) if place else None,
        cpu_message=data.get("cpu_message", ""),
    )


def load_from_json(spec: FileSpec, reply: dict) -> OwnLoad:
    """The child's reply (engine/module_file_child.py) as an OwnLoad."""
    source = tuple(reply.get("source", ()))
    rows = tuple(row_from_json(row, source) for row in reply.get("rows", ()))
    parameters = tuple(NamedParameter(name, _shape(shape), owner) for name, shape, owner in reply.get("parameters", ()))
    title = reply.get("title") or spec.class_name or spec.name
    failure = failure_from_json(reply["failure"], source) if reply.get("failure") else None
    return OwnLoad(
        spec=spec,
        source=source,
        table=ModuleTable(title, spec.x_shape, rows, parameters, source),
        total_macs=int(reply.get("shown_macs", 0)),
        counted_params=int(reply.get("shown_params", 0)),
        outputs=tuple(_shape(shape) for shape in reply.get("outputs", ())),
        unused=tuple((name, int(count)) for name, count in reply.get("unused", ())) if failure is None else (),
        truncated=int(reply.get("truncated", 0)),
        failure=failure,
    )


def failed_load(spec: FileSpec, failure: Failure, source: tuple[str, ...] = ()) -> OwnLoad:
    """A load that never reached the child's answer: the file is gone, the process died or did not stop."""
    return OwnLoad(
        spec, source, ModuleTable(spec.class_name or spec.name, spec.x_shape, (), (), source), failure=failure
    )


@dataclass(frozen=True)
class OwnNet:
    """The student's network as the lesson holds it: the spec, the load whose table is shown, and the newest load.

    The table shown is the newest load that ran; while the file is broken it
    stays, and `latest` (the broken load) says why beside it. Before any load
    has run through, the newest one's partial table is the best there is.
    """

    spec: FileSpec
    shown: OwnLoad | None = None
    latest: OwnLoad | None = None
    watch: bool = False  # load again whenever the file is saved

    def after(self, load: OwnLoad) -> OwnNet:
        keep = self.shown is not None and self.shown.ok and not load.ok
        return OwnNet(load.spec, self.shown if keep else load, load, self.watch)

    @property
    def table(self) -> ModuleTable:
        if self.shown is not None:
            return self.shown.table
        return ModuleTable(self.spec.class_name or self.spec.name, self.spec.x_shape, (), ())

    @property
    def failure(self) -> Failure | None:
        return self.latest.failure if self.latest is not None else None

    @property
    def stale(self) -> bool:
        """The table is from an earlier load than the newest (which failed)."""
        return self.shown is not self.latest
