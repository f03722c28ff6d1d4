"""The module lesson checked against torch (run by engine.verify and the tests, never in the app).

For the course's Net: the calls its real forward() makes (torch's function,
output shape, source line), named_parameters() and each module's count, and
what .grad holds through the zero_grad story. For SimpleConvNet: the output
of each layer of its torch equivalent, its parameters, and the same story.
The app imports this module only for spec_to_json, so torch is imported inside
torch_max_delta.
"""

from __future__ import annotations

import math

from engine.module import GRAD_PHASES, ModuleSetup, grad_state
from engine.module_simple import SimpleConvSpec
from engine.module_table import ModuleTable

INF = float("inf")
TORCH_FUNCTIONS = {"Conv2d": "conv2d", "relu": "relu", "MaxPool2d": "max_pool2d", "view": "view", "Linear": "linear"}
CPU_STORY_LIMIT = 4_000_000  # parameters: a larger SimpleConvNet runs its zero_grad story on the meta device


def spec_to_json(setup: ModuleSetup) -> dict:
    simple = setup.simple
    return {
        "model": setup.model,
        "view": setup.view,
        "grad": setup.grad,
        "batch": setup.batch,
        "simple": {
            "input_dim": list(simple.input_dim),
            "filter_num": simple.filter_num,
            "filter_size": simple.filter_size,
            "pad": simple.pad,
            "stride": simple.stride,
            "hidden_size": simple.hidden_size,
            "output_size": simple.output_size,
            "weight_init_std": simple.weight_init_std,
        },
    }


def spec_from_json(data: dict) -> ModuleSetup:
    simple = dict(data["simple"])
    simple["input_dim"] = tuple(int(size) for size in simple["input_dim"])
    return ModuleSetup(
        model=str(data["model"]),
        view=str(data["view"]),
        grad=str(data["grad"]),
        batch=int(data["batch"]),
        simple=SimpleConvSpec(**simple),
    )


def _shape_deltas(engine: tuple[int, ...], torch_shape: tuple[int, ...]) -> list[float]:
    if len(engine) != len(torch_shape):
        return [INF]
    return [float(abs(a - b)) for a, b in zip(engine, torch_shape)]


def _parameter_deltas(table: ModuleTable, model, story: dict) -> list[float]:
    """named_parameters(), each module's count, the total, and .grad after every phase of the zero_grad story."""
    from engine.module_torch import named_shapes

    if named_shapes(model) != [(parameter.name, parameter.shape) for parameter in table.parameters]:
        return [INF]
    deltas = [float(abs(table.total_params - sum(p.numel() for p in model.parameters())))]
    seen: set[str] = set()
    for row in table.rows:
        if row.name in seen or not hasattr(model, row.name):
            continue
        seen.add(row.name)
        deltas.append(float(abs(row.params - sum(p.numel() for p in getattr(model, row.name).parameters()))))
    for phase in GRAD_PHASES:
        if story[phase] != [grad_state(phase, parameter) for parameter in table.parameters]:
            return [INF]
    return deltas


def _net_deltas(setup: ModuleSetup, table: ModuleTable) -> list[float]:
    from engine.module_net import IMAGE
    from engine.module_torch import course_net_class, grad_story, net_calls

    calls = net_calls(setup.batch)
    expected = [(TORCH_FUNCTIONS[row.kind], row.line) for row in table.rows]
    if [(call.function, call.line) for call in calls] != expected:
        return [INF]
    deltas = [delta for row, call in zip(table.rows, calls) for delta in _shape_deltas(row.out_shape, call.shape)]
    model = course_net_class()()
    return deltas + _parameter_deltas(table, model, grad_story(model, IMAGE, "cpu"))


def _simple_deltas(setup: ModuleSetup, table: ModuleTable) -> list[float]:
    from engine.module_torch import grad_story, module_outputs, simple_net

    spec = setup.simple
    outputs = module_outputs(simple_net(spec), spec.input_dim)
    if [name for name, _ in outputs] != [row.name for row in table.rows]:
        return [INF]
    deltas = [delta for row, (_, shape) in zip(table.rows, outputs) for delta in _shape_deltas(row.out_shape, shape)]
    device = "cpu" if table.total_params <= CPU_STORY_LIMIT else "meta"
    model = simple_net(spec, device)
    return deltas + _parameter_deltas(table, model, grad_story(model, spec.input_dim, device))


def torch_max_delta(setup: ModuleSetup) -> float:
    """max |engine − torch| over every shape and count; inf where a structure, a line or a .grad state differs."""
    table = setup.table()
    try:
        deltas = _net_deltas(setup, table) if setup.model == "net" else _simple_deltas(setup, table)
    except RuntimeError:  # the engine accepted what torch refuses
        return INF
    return max(deltas) if all(math.isfinite(delta) for delta in deltas) else INF
