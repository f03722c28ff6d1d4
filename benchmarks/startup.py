"""Time from launch to the first painted frame, in a real terminal (a pty at 80×24).

Each row starts a fresh interpreter on the slave side of a pty (TERM=xterm-256color,
window size set with TIOCSWINSZ), reads the master side until a marker that only a
painted screen contains, then kills the whole process group (the conv lesson starts
a torch checker child; it must not outlive the run). The clock starts just before
the spawn, so interpreter start-up and imports are included — that is what a
student waits for.

    python benchmarks/startup.py            # 10 runs per row (3 for torch)
    python benchmarks/startup.py --runs 5   # quicker

Goal (from the issue): `python -m tui conv` paints its first frame in ≤ 0.5 s
(median) on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 80, 24
TIMEOUT_S = 20.0
GOAL_S = 0.5

# CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and two-byte escapes: what is left is the text painted.
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")

BARE_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("ready")

    Bare().run()
    """
)


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    marker: bytes | None  # None: time until the process exits
    runs: int


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _make_controlling_tty() -> None:
    """Runs in the child after setsid(): the pty slave (fd 0) becomes its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group `pgid`, read from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def run_once(case: Case) -> float:
    """Seconds from spawn to the marker on screen (or to exit when marker is None)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        case.argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=_child_env(),
        start_new_session=True,
        preexec_fn=_make_controlling_tty,
        close_fds=True,
    )
    os.close(slave)
    screen = b""
    elapsed: float | None = None
    try:
        deadline = start + TIMEOUT_S
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every slave fd closed, the child is gone
                    chunk = b""
                if chunk:
                    screen += chunk
                    if case.marker is not None and case.marker in ANSI.sub(b"", screen):
                        elapsed = time.perf_counter() - start
                        break
                    continue
            if process.poll() is not None:
                if case.marker is None and process.returncode == 0:
                    elapsed = time.perf_counter() - start
                break
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        os.close(master)
        for _ in range(50):  # SIGKILL is asynchronous for the grandchildren; give them a moment
            if not _group_members(process.pid):
                break
            time.sleep(0.02)
        else:
            raise RuntimeError(f"{case.name}: processes left behind: {_group_members(process.pid)}")
    if elapsed is None:
        tail = ANSI.sub(b"", screen)[-400:].decode(errors="replace")
        raise RuntimeError(f"{case.name}: no {case.marker!r} within {TIMEOUT_S:.0f} s (exit {process.returncode}); output tail:\n{tail}")
    return elapsed


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per row (torch row: min(3, runs))")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP)
        cases = [
            Case("(a) bare Textual app", [python, str(bare)], b"ready", args.runs),
            Case("(b) python -m tui (home)", [python, "-m", "tui"], b"TensorTour", args.runs),
            Case("(c) python -m tui conv", [python, "-m", "tui", "conv"], b"step 1/", args.runs),
            Case("(d) python -c 'import torch' (exit)", [python, "-c", "import torch"], None, min(3, args.runs)),
        ]
        # Warm the OS file cache (and .pyc files) once per case so run 1 is not an outlier.
        for case in cases[:3]:
            run_once(case)
        # Interleave the rows (round-robin) so a noisy neighbour hits every row alike.
        times: dict[str, list[float]] = {case.name: [] for case in cases}
        for round_ in range(args.runs):
            for case in cases:
                if round_ < case.runs:
                    times[case.name].append(run_once(case))

    print(f"Startup to first painted frame — pty {COLUMNS}×{LINES}, TERM=xterm-256color, {os.cpu_count()} CPUs, {python}")
    print(f"{'case':<38} {'runs':>4} {'median s':>9} {'p95 s':>7} {'min s':>7} {'× bare':>7}")
    bare_median = statistics.median(times[cases[0].name])
    for case in cases:
        values = times[case.name]
        median = statistics.median(values)
        print(f"{case.name:<38} {len(values):>4} {median:>9.3f} {p95(values):>7.3f} {min(values):>7.3f} {median / bare_median:>7.2f}")
    conv = statistics.median(times[cases[2].name])
    verdict = "MEETS" if conv <= GOAL_S else "MISSES"
    print(f"\nGoal: (c) median ≤ {GOAL_S:.1f} s → {conv:.3f} s: {verdict} the goal"
          f" ({conv - statistics.median(times[cases[0].name]):+.3f} s over a bare Textual app).")
    print("Marker: (a) 'ready', (b) 'TensorTour' (header), (c) 'step 1/' (status line); (d) times to exit.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
