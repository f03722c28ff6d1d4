"""The child process that runs a student's network file: `python -m engine.module_file_child`.

It runs the student's Python code, so it runs only for a file the student
named (tensortour module --file), and never in the app's own process: torch
loads here, a forward() that never ends is stopped here (an alarm after the
request's timeout, and the app kills the process if even that fails), and
whatever the student's code prints goes to stderr, away from the replies.

Protocol, JSON lines: the child says {"ready": true} once torch is imported,
then answers each request (FileSpec.request()) with one reply: the file's
lines, the rows of its forward() (engine/module_file_record.py), its
named_parameters(), and where it stopped if it did not finish.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import tokenize
import traceback
import types
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn.modules.module import register_module_module_registration_hook
from torch.utils.flop_counter import FlopCounterMode

from engine.module_file import call_arguments
from engine.module_file_record import MetaStays, Recorder, shapes, student_place

SHOWN_ROWS = 2000
CPU_RERUN_LIMIT = 50_000_000  # numbers: a failed layer is run again on the CPU for torch's wording up to this size


class TimeUp(BaseException):
    """Raised by the alarm in the student's code; a BaseException, so that `except Exception:` there cannot keep it."""


class Stop(Exception):
    """The load stopped for a reason the reply gives: `failure` is its JSON."""

    def __init__(self, failure: dict) -> None:
        super().__init__(failure["kind"])
        self.failure = failure


def _alarm(signum, frame) -> None:
    raise TimeUp


@contextmanager
def time_limit(seconds: float):
    """An alarm after `seconds` where the platform has one; the app's own timeout stands behind it."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def where(error: BaseException, filename: str) -> dict:
    """The innermost line of the student's file in the traceback: the one to go and look at."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    if not frames:
        return {"line": None, "code": ""}
    return {"line": frames[-1].lineno, "code": (frames[-1].line or "").strip()}


def failed(kind: str, error: BaseException, filename: str, **more) -> Stop:
    return Stop(
        {"kind": kind, "error_type": type(error).__name__, "message": str(error), **where(error, filename), **more}
    )


INSTALLED = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(__file__))})
_student_modules: set[str] = set()  # what the student's files imported, by name: nothing else is ever forgotten


def _forget_student_modules(folder: str) -> None:
    """Modules an earlier load imported from the student's folder: imported afresh, so that their edits count too."""
    for name in list(_student_modules):
        origin = getattr(sys.modules.get(name), "__file__", None) or ""
        if origin.startswith(folder + os.sep) or not origin:
            sys.modules.pop(name, None)
            _student_modules.discard(name)


def _remember_student_modules(before: set[str], folder: str) -> None:
    """The modules the load added that live in the student's folder (not torch's, not Python's, not ours)."""
    for name in set(sys.modules) - before:
        origin = getattr(sys.modules[name], "__file__", None) or ""
        if origin.startswith(folder + os.sep) and not origin.startswith(INSTALLED):
            _student_modules.add(name)


def load_module(path: str) -> tuple[types.ModuleType, list[str]]:
    """The file run as `import my_net` would run it (so `if __name__ == "__main__":` stays out), and its lines."""
    folder = os.path.dirname(path)
    _forget_student_modules(folder)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        with tokenize.open(path) as handle:
            source = handle.read()
    except (OSError, SyntaxError) as error:
        raise Stop({"kind": "unreadable", "error_type": type(error).__name__, "message": str(error)}) from None
    lines = source.splitlines()
    try:
        code = compile(source, path, "exec")
    except SyntaxError as error:
        raise Stop(
            {
                "kind": "syntax",
                "error_type": type(error).__name__,
                "message": error.msg,
                "line": error.lineno,
                "column": error.offset,
                "code": (error.text or "").strip(),
            }
        ) from None
    name = os.path.splitext(os.path.basename(path))[0]
    if name in sys.modules and name not in _student_modules:  # a file called json.py must not replace Python's json
        name = f"_student_{name}"
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module  # dataclasses and pickle look a class's module up by name
    _student_modules.add(name)
    before = set(sys.modules)
    try:
        exec(code, module.__dict__)  # the student's own file, named by the student: as `import my_net` would run it
    except TimeUp:
        raise
    except BaseException as error:
        raise failed("load", error, path) from None
    finally:
        _remember_student_modules(before, folder)
    return module, lines


def module_classes(module: types.ModuleType) -> list[str]:
    """The nn.Module classes the file itself defines, in the order it defines them."""
    return [
        name
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, nn.Module) and value.__module__ == module.__name__
    ]


def find_target(module: types.ModuleType, class_name: str) -> tuple[str, object]:
    classes = module_classes(module)
    if not class_name:
        if len(classes) != 1:
            raise Stop({"kind": "which_class", "names": classes})
        class_name = classes[0]
    target: object = module
    for part in class_name.split("."):
        if not hasattr(target, part):
            raise Stop({"kind": "missing_class", "name": class_name, "names": classes})
        target = getattr(target, part)
    if isinstance(target, type) and not issubclass(target, nn.Module):
        raise Stop({"kind": "not_module", "name": class_name, "what": "class", "names": classes})
    if not callable(target) and not isinstance(target, nn.Module):
        raise Stop({"kind": "not_module", "name": class_name, "what": type(target).__name__, "names": classes})
    return class_name, target


def build(target: object, name: str, args_text: str, path: str) -> tuple[nn.Module, dict[int, int]]:
    """The network on the meta device (sizes, no numbers), and the line of the file that built each module."""
    if isinstance(target, nn.Module):
        if args_text.strip():
            raise Stop({"kind": "instance_args", "name": name})
        return target.to("meta"), {}
    args, kwargs = call_arguments(args_text)
    defined: dict[int, int] = {}

    def registered(parent: nn.Module, attribute: str, child: nn.Module | None) -> None:
        line, _ = student_place(path)
        if child is not None and line is not None:
            defined.setdefault(id(child), line)

    handle = register_module_module_registration_hook(registered)
    try:
        with torch.device("meta"), MetaStays():
            model = target(*args, **kwargs)
    except TimeUp:
        raise
    except BaseException as error:
        raise failed("constructor", error, path, name=name) from None
    finally:
        handle.remove()
    if not isinstance(model, nn.Module):
        raise Stop({"kind": "not_module", "name": name, "what": type(model).__name__, "names": [], "returned": True})
    return model, defined


def cpu_message(row: dict, model: nn.Module) -> str:
    """torch's words on the CPU for the call that failed on meta (whose wording is terser): the layer alone, run
    again on zeros of the shapes that arrived."""
    module = dict(model.named_modules()).get(row["name"])
    if row["function"] or module is None or sum(map(math.prod, row["inputs"])) > CPU_RERUN_LIMIT:
        return ""
    if sum(parameter.numel() for parameter in module.parameters()) > CPU_RERUN_LIMIT:
        return ""
    import copy

    try:
        layer = copy.deepcopy(module).to_empty(device="cpu")
        with torch.no_grad():
            layer(*(torch.zeros(shape) for shape in row["inputs"]))
    except Exception as error:  # the message is what is wanted
        return str(error)
    return ""


def run(model: nn.Module, x_shape: list[int], path: str, defined: dict[int, int], dtype: str = "float") -> dict:
    """forward() on an empty meta tensor, every call recorded; raises Stop with the rows so far when it fails."""
    counter = FlopCounterMode(display=False)
    recorder = Recorder(model, path, counter, defined)
    x = torch.empty(x_shape, dtype=torch.long if dtype == "long" else torch.float32, device="meta")
    try:
        with torch.no_grad(), torch.device("meta"), counter, recorder.hooked(), recorder:
            output = model(x)
    except TimeUp as error:
        raise Stop({"kind": "timeout", "phase": "forward", **where(error, path), **_table(recorder, model)}) from None
    except BaseException as error:
        stopped = recorder.stopped_in()
        extra = {"place": stopped, "cpu_message": cpu_message(stopped, model) if stopped else ""}
        raise failed("forward", error, path, **extra, **_table(recorder, model)) from None
    return {"outputs": shapes(output), **_table(recorder, model)}


def _table(recorder: Recorder, model: nn.Module) -> dict:
    owners = {id(parameter): name for name, module in model.named_modules() for parameter in module.parameters(False)}
    parameters = [[name, list(parameter.shape), owners[id(parameter)]] for name, parameter in model.named_parameters()]
    rows = recorder.rows
    unused = [
        [name, parameter.numel()] for name, parameter in model.named_parameters() if id(parameter) not in recorder.seen
    ]
    return {
        "rows": rows[:SHOWN_ROWS],
        "unused": unused,
        "truncated": recorder.truncated + max(len(rows) - SHOWN_ROWS, 0),
        "shown_params": sum(row["params"] for row in rows),
        "shown_macs": sum(row["macs"] for row in rows),
        "parameters": parameters,
    }


def answer(request: dict) -> dict:
    """One request: the file's lines and its table, or where and why it stopped."""
    path = request["path"]
    reply: dict = {"id": request.get("id"), "source": []}
    try:
        with time_limit(request["timeout"]):
            phase = "load"
            try:
                module, reply["source"] = load_module(path)
                phase = "constructor"
                name, target = find_target(module, request["class"])
                reply["title"] = name
                model, defined = build(target, name, request["args"], path)
                phase = "forward"
                reply.update(run(model, request["input"], path, defined, request.get("dtype", "float")))
            except TimeUp as error:
                raise Stop({"kind": "timeout", "phase": phase, **where(error, path)}) from None
    except Stop as stop:
        reply["failure"] = stop.failure
        for key in ("rows", "unused", "parameters", "truncated", "shown_params", "shown_macs"):
            if key in stop.failure:
                reply[key] = stop.failure.pop(key)
    return reply


def warm_up() -> None:
    """One small network through the whole recording before any timeout starts: the first run imports what
    FlopCounterMode and the meta device need (a second or more), which is no time of the student's code."""
    with torch.device("meta"):
        model = nn.Sequential(nn.Conv2d(1, 1, 1), nn.Flatten(), nn.Linear(1, 1))
    run(model, [1, 1, 1, 1], "", {})


def serve() -> None:
    """Requests and replies keep stdin and stdout to themselves: the student's prints (fd 1) go to stderr, and an
    input() in their code reads an empty stdin (EOFError at once) instead of the next request."""
    requests = os.fdopen(os.dup(0), encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    with open(os.devnull) as empty:
        os.dup2(empty.fileno(), 0)
    torch.set_num_threads(1)
    warm_up()
    sys.dont_write_bytecode = True  # no __pycache__ left in the student's folder by loads they did not run themselves
    replies.write(json.dumps({"ready": True}) + "\n")
    replies.flush()
    for line in requests:
        replies.write(json.dumps(answer(json.loads(line))) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve()
