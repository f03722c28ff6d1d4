"""`tensortour train --headless`: the training engine in this process, a rich progress bar, one line per epoch.

The engine writes the run directory: metrics.jsonl (one JSON object per finished
epoch) and checkpoint.pt (atomically); the two always end at the same epoch
after a stop, and `--resume DIR` continues from there.

Ctrl+C, SIGTERM and SIGHUP stop between two batches and save (exit 130, 143,
129); a second one stops at once, keeping the last checkpoint whole; before
training begins they stop at once, with nothing to save. Every way ends with one
line saying where the run stands, never a traceback.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from pathlib import Path

from engine.errors import SpecError
from engine.train.config import TrainConfig
from tui.i18n import error_text, t, visible
from tui.text.train import kept_words

EXIT_DONE, EXIT_FAILED, EXIT_BAD_SETUP, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_headless(
    config: TrainConfig,
    out: str | None = None,
    resume: str | None = None,
    changes: Mapping[str, object] | None = None,
) -> int:
    """Train `config` (or continue the run in `resume`, with `changes`); the exit status."""
    from engine.train.interrupts import Interrupted, StopSignals

    with StopSignals() as signals:
        run = _HeadlessRun(config, out, resume, dict(changes or {}), signals)
        try:
            return run.train()
        except Interrupted as interrupt:
            run.say_interrupted()
            return interrupt.exit_code
        except Exception:
            if not signals.requested:
                raise
            # the signal cut an import half way (torch loads parts lazily): what surfaces is then some other
            # error (a RecursionError inside numpy's half-made module), but it is still the student's stop
            run.say_interrupted()
            return signals.exit_code


class _HeadlessRun:
    """One headless run: its consoles, its trainer once built, and the last line it owes the student."""

    def __init__(self, config: TrainConfig, out: str | None, resume: str | None, changes: dict, signals) -> None:
        from rich.console import Console

        from tui.headless_output import Output

        self.config, self.resume, self.changes, self.signals = config, resume, changes, signals
        # no markup: a path or a message may hold "[/x]", which rich would read as a tag (or refuse)
        self.errors = Console(file=Output(sys.stderr), stderr=True, highlight=False, soft_wrap=True, markup=False)
        self.stdout = Output(sys.stdout, on_close=self._output_closed)
        self.console = Console(file=self.stdout, highlight=False, soft_wrap=True, markup=False)
        # a --resume the system cannot read (missing, a name too long): said by train() before anything starts
        self.refusal = _resume_refusal(resume)
        # said in full when it starts and when it stops: a student finds the run from any working directory
        self.run_dir = (Path(out) if out else Path(resume) if self.refusal else _default_run_dir(resume)).absolute()
        self.trainer = None

    def train(self) -> int:
        if self.refusal:
            return self._refuse(self.refusal)
        from engine.train.commands import run  # torch, after the refusals that need none
        from engine.train.loop import Trainer
        from tui.headless_output import Downloads, Listener, progress_bar

        resume = Path(self.resume) if self.resume else None
        progress = progress_bar(self.console)
        listener = Listener(self.console, self.errors, progress)
        downloads = Downloads(self.console)
        try:
            self.trainer = Trainer(
                self.config, listener.emit, out=self.run_dir, resume=resume, report=downloads, changes=self.changes
            )
        except SpecError as error:
            return self._refuse(error)
        finally:
            downloads.close()
        trainer = self.trainer
        listener.emit(trainer.started_event())
        self.signals.training = True
        with progress:
            listener.track(trainer)
            outcome = run(trainer, stop_requested=lambda: self.signals.requested)
        if outcome == "failed":
            return EXIT_FAILED
        if outcome == "stopped":
            words = t(
                "train.headless_interrupted", epoch=trainer.epoch, step=trainer.step, out=visible(str(self.run_dir))
            )
            self.console.print(words)
            return self.signals.exit_code
        self.console.print(t("train.headless_done", out=visible(str(self.run_dir))))
        return EXIT_DONE

    def say_interrupted(self) -> None:
        """The one line after a stop that could not wait: where the run's checkpoint stands now."""
        trainer = self.trainer
        if trainer is None:
            words = t("train.interrupted_setup")
        else:
            epoch, step = trainer.saved_at or (None, None)
            kept = kept_words({"kept_epoch": epoch, "kept_step": step, "out": visible(str(self.run_dir))})
            words = f"{t('train.interrupted_now')} {kept}"
        self.errors.print(f"tensortour: {words}", markup=False)

    def _refuse(self, error: SpecError) -> int:
        self.errors.print(f"tensortour: {error_text(error)}", markup=False)
        return EXIT_BAD_SETUP

    def _output_closed(self) -> None:
        self.errors.print(f"tensortour: {t('train.output_closed', out=visible(str(self.run_dir)))}", markup=False)


def _default_run_dir(resume: str | None) -> Path:
    """The resumed run's own folder, or runs/<timestamp> for a new run."""
    if resume:
        from engine.train.run_files import run_folder

        return run_folder(Path(resume))
    return Path("runs") / time.strftime("%Y%m%d-%H%M%S")


def _resume_refusal(resume: str | None) -> SpecError | None:
    """Why `--resume DIR` cannot be read before anything starts: missing, or a name the system refuses (too long)."""
    if not resume:
        return None
    try:
        Path(resume).stat()
    except (FileNotFoundError, NotADirectoryError):
        return SpecError("train_resume_missing", path=resume)
    except OSError as error:
        return SpecError("checkpoint_os_error", path=resume, reason=error.strerror or str(error))
    return None
