"""An administrator's limits on every run: CPU threads, the devices allowed, a share of GPU memory.

A teacher with a class on one server writes them once, system-wide, in a TOML file
(`/etc/tensortour/limits.toml`, or the file `TENSORTOUR_LIMITS` names):

    max_threads = 4                 # torch threads a run may use
    devices = ["cuda:0", "cpu"]     # the devices a run may use; `auto` tries them in this order
    gpu_memory_fraction = 0.25      # torch.cuda.set_per_process_memory_fraction on CUDA

or in environment variables (TENSORTOUR_MAX_THREADS=4, TENSORTOUR_DEVICE=cuda:0,cpu,
TENSORTOUR_GPU_MEMORY_FRACTION=0.25), for a container or a login profile. Where both set
a limit, the tighter one holds (fewer threads, the devices both allow, the smaller share):
a variable can narrow the file's limits but never widen them. Every limit remembers where
it came from, so a refusal and the run's header can name the file or the variable.

A file that cannot be read as limits (bad TOML, an unknown key, a value out of range)
refuses every run with a message naming the file and the line: ignoring it would let
thirty students take the whole machine while the teacher believes it is shared, and a
refusal is noticed at once. A missing file means no limits from a file.

These limits keep a cooperative class within its share; they are not a security
boundary (a student can run other programs). CUDA_VISIBLE_DEVICES and cgroups enforce.
No torch here: the app and the headless CLI read the limits before training starts.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.errors import SpecError

DEFAULT_FILE = "/etc/tensortour/limits.toml"
FILE_VARIABLE = "TENSORTOUR_LIMITS"
THREADS_VARIABLE = "TENSORTOUR_MAX_THREADS"
DEVICE_VARIABLE = "TENSORTOUR_DEVICE"
MEMORY_VARIABLE = "TENSORTOUR_GPU_MEMORY_FRACTION"
KEYS = ("max_threads", "devices", "gpu_memory_fraction")
MAX_THREADS = 4096
DEVICE_NAME = re.compile(r"^(cpu|mps|cuda(:\d{1,3})?)$")


@dataclass(frozen=True)
class Limit:
    """One limit's value and where it came from: a file's path or a variable's name."""

    value: object
    source: str


@dataclass(frozen=True)
class AdminLimits:
    """The limits in effect; None where nobody set one."""

    max_threads: Limit | None = None
    devices: Limit | None = None  # value: tuple of device names ("cpu", "cuda", "cuda:1", "mps")
    gpu_memory_fraction: Limit | None = None

    @property
    def any(self) -> bool:
        return any(getattr(self, key) is not None for key in KEYS)

    def to_json(self) -> dict:
        """{key: {"value": …, "source": …}} for the limits set; the started event carries it to the header."""
        shown = {}
        for key in KEYS:
            limit = getattr(self, key)
            if limit is not None:
                value = list(limit.value) if key == "devices" else limit.value
                shown[key] = {"value": value, "source": limit.source}
        return shown

    def threads_for(self, asked: int, automatic: int) -> int:
        """The thread count a run uses: what it asked for (0: `automatic`), never above the limit."""
        count = asked or automatic
        return min(count, self.max_threads.value) if self.max_threads else count

    def check(self, threads: int, device: str) -> None:
        """Refuse a run that asks for more than the limits allow, naming the limit and where it was set."""
        if self.max_threads and threads > self.max_threads.value:
            raise SpecError(
                "limits_threads", asked=threads, limit=self.max_threads.value, source=self.max_threads.source
            )
        if self.devices and device != "auto" and not any(_family(name) == device for name in self.devices.value):
            raise SpecError(
                "limits_device", asked=device, allowed=", ".join(self.devices.value), source=self.devices.source
            )


def load_limits(environ: Mapping[str, str] | None = None) -> AdminLimits:
    """The limits of the file and the variables together (the tighter wins); SpecError for a malformed one."""
    environ = os.environ if environ is None else environ
    path = Path(environ.get(FILE_VARIABLE) or DEFAULT_FILE)
    from_file = read_limits_file(path)
    from_env = limits_from_environment(environ)
    return AdminLimits(
        max_threads=_tighter(from_file.max_threads, from_env.max_threads, min),
        devices=_both_allow(from_file.devices, from_env.devices),
        gpu_memory_fraction=_tighter(from_file.gpu_memory_fraction, from_env.gpu_memory_fraction, min),
    )


def read_limits_file(path: Path) -> AdminLimits:
    """The limits a TOML file sets; none when it does not exist; SpecError naming the file and line otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return AdminLimits()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise SpecError("limits_file_unreadable", path=str(path), reason=reason) from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_in_message(str(error))
        reason = getattr(error, "msg", None) or str(error).split(" (at ")[0]
        raise SpecError("limits_file_bad", path=str(path), line=line, reason=reason) from None
    source = str(path)
    found = {}
    for key, value in table.items():
        where = {"path": source, "line": _line_of(text, key), "key": key}
        if key not in KEYS:
            raise SpecError("limits_file_key", known=", ".join(KEYS), **where)
        try:
            found[key] = Limit(_parse(key, value), source)
        except ValueError:
            raise SpecError("limits_file_value", value=_shown(value), what=f"limits_rule_{key}", **where) from None
    return AdminLimits(**found)


def limits_from_environment(environ: Mapping[str, str]) -> AdminLimits:
    """The limits the TENSORTOUR_* variables set (an empty one sets none); SpecError naming a malformed one."""
    found = {}
    for key, variable in (
        ("max_threads", THREADS_VARIABLE),
        ("devices", DEVICE_VARIABLE),
        ("gpu_memory_fraction", MEMORY_VARIABLE),
    ):
        text = environ.get(variable, "").strip()
        if not text:
            continue
        try:
            found[key] = Limit(_parse(key, _from_text(key, text)), variable)
        except ValueError:
            raise SpecError("limits_variable", variable=variable, value=text, what=f"limits_rule_{key}") from None
    return AdminLimits(**found)


def _from_text(key: str, text: str) -> object:
    if key == "devices":
        return [word.strip() for word in text.split(",")]
    if key == "max_threads":
        return int(text)
    return float(text)


def _parse(key: str, value: object) -> object:
    """A limit's value checked against its rule (the words.limits_rule_* of the catalogues); ValueError if not."""
    if key == "max_threads":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_THREADS:
            raise ValueError(key)
        return value
    if key == "devices":
        names = [value] if isinstance(value, str) else value
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and DEVICE_NAME.match(n) for n in names)
        ):
            raise ValueError(key)
        return tuple(dict.fromkeys(names))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value <= 1 and math.isfinite(value)):
        raise ValueError(key)
    return float(value)


def _tighter(first: Limit | None, second: Limit | None, pick) -> Limit | None:
    if first is None or second is None:
        return first or second
    return first if pick(first.value, second.value) == first.value else second


def _both_allow(first: Limit | None, second: Limit | None) -> Limit | None:
    """The devices both lists allow, in the first's order; `cuda` allows every cuda:N, and cuda:N is the narrower."""
    if first is None or second is None:
        return first or second
    both = []
    for a in first.value:
        for b in second.value:
            if a == b or (_family(a) == _family(b) == "cuda" and "cuda" in (a, b)):
                both.append(b if a == "cuda" else a)
    if not both:
        raise SpecError(
            "limits_no_device",
            first=", ".join(first.value),
            first_source=first.source,
            second=", ".join(second.value),
            second_source=second.source,
        )
    return Limit(tuple(dict.fromkeys(both)), f"{first.source}, {second.source}")


def _family(name: str) -> str:
    """'cuda:1' → 'cuda': what a student's --device names."""
    return name.split(":")[0]


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\].]", line):  # key = …, [key] or key.sub
            return number
    return 1


def _line_in_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
