"""The training loop: one batch at a time, so whoever drives it can pause, step, save and stop between batches.

It reports through `emit(event)` with the typed events of engine/train/events.py
and knows nothing about who listens: the app's child process writes them as JSON
lines, the headless CLI draws a progress bar. How a driver feeds it commands
between batches is in engine/train/commands.py.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import torch
import torch.nn.functional as F

from engine.errors import SpecError
from engine.train.checkpoint import CHECKPOINT_FORMAT, load_checkpoint, save_checkpoint
from engine.train.checkpoint_schema import check_state, resumed_config
from engine.train.config import TrainConfig
from engine.train.datasets import load_dataset
from engine.train.device import autocast, cap_gpu_memory, device_name, memory_mb, resolve_device, set_threads
from engine.train.diagnose import diagnose, predicted_counts
from engine.train.download import Report
from engine.train.events import (
    BatchEvent,
    DatasetInfo,
    EpochEvent,
    HintEvent,
    LayerInfo,
    SampleEvent,
    StartedEvent,
    TrainEvent,
)
from engine.train.limits import AdminLimits, load_limits
from engine.train.models import build_model, model_summary
from engine.train.run_files import (
    CHECKPOINT_NAME,
    METRICS_NAME,
    append_metrics,
    checkpoint_path,
    make_run_dir,
    refuse_other_run,
    rewrite_metrics,
    run_folder,
    same_place,
)
from engine.train.runs_list import write_run_info
from engine.train.views import accuracy_event, boundary_view, image_views, point_list, sample_view

REPORT_INTERVAL_S = 0.1
SAMPLE_INTERVAL_S = 1.0
EVAL_BATCH = 1024
CHECKPOINT_EVERY_S = 10.0
Emit = Callable[[TrainEvent], None]
__all__ = ["CHECKPOINT_NAME", "METRICS_NAME", "Trainer"]


class Trainer:
    """A run's data (on the device, whole), model, optimizer and position (epoch, step within it).

    Resuming takes every setting from the checkpoint except `changes` (RESUME_CHANGES in
    engine/train/config.py: more epochs, a learning rate from here on, the device …),
    checks the whole checkpoint against the run it builds before using any of it, and
    rewrites metrics.jsonl from the checkpoint's history (engine/train/run_files.py).
    """

    def __init__(
        self,
        config: TrainConfig,
        emit: Emit,
        out: Path | None = None,
        resume: Path | None = None,
        views: bool = True,
        report: Report | None = None,
        changes: Mapping[str, object] | None = None,
        limits: AdminLimits | None = None,
    ) -> None:
        self.limits = load_limits() if limits is None else limits
        if out is not None:
            refuse_other_run(out, run_folder(resume) if resume else None)
        source = checkpoint_path(resume) if resume else None
        saved = load_checkpoint(source) if source else None
        if saved:
            config = resumed_config(saved, source, changes or {})
        self.config = config
        self.emit = emit
        self.out = out
        self.views = views
        # a count the checkpoint holds (not asked for now) is lowered to the limit; one asked for is checked
        self.limits.check(0 if saved and "threads" not in (changes or {}) else config.threads, config.device)
        self.threads = set_threads(config.threads, self.limits)
        self.device = resolve_device(config.device, self.limits)
        self.autocast = autocast(self.device, config.amp)
        cap_gpu_memory(self.device, self.limits)
        torch.manual_seed(config.seed)
        self.data = load_dataset(config, report)
        self.model = build_model(config, self.data.input_shape, len(self.data.class_names)).to(self.device)
        self.optimizer = _optimizer(config, self.model)
        self.x_train, self.y_train = (
            self.data.x_train.to(self.device),
            self.data.y_train.to(self.device),
        )
        self.x_test, self.y_test = (
            self.data.x_test.to(self.device),
            self.data.y_test.to(self.device),
        )
        self.train_size = len(self.y_train)
        self.steps_per_epoch = math.ceil(self.train_size / config.batch_size)
        self.generator = torch.Generator().manual_seed(config.seed)
        self.epoch = 0
        self.step = 0
        self.history: list[dict] = []
        self.elapsed_s = 0.0
        self._order: torch.Tensor | None = None
        self._epoch_rng = self.generator.get_state()
        self._reset_epoch_totals()
        self._last_loss = float("nan")
        self._last_rate = 0.0
        self._last_report = 0.0
        self._last_sample = 0.0
        self._last_save = time.perf_counter()
        self.saved_at: tuple[int, int] | None = None  # (epoch, step) of the checkpoint in `out`
        if saved:
            check_state(saved, source, self.model, self.optimizer, self.steps_per_epoch)
            self._restore(saved, config.lr if "lr" in (changes or {}) else None)
        if out is not None:
            make_run_dir(out)
            write_run_info(out, config)
            if saved:
                rewrite_metrics(out, self.history)
                if same_place(out, run_folder(resume)):
                    self.saved_at = (self.epoch, self.step)

    @property
    def finished(self) -> bool:
        return self.epoch >= self.config.epochs

    @property
    def global_step(self) -> int:
        return self.epoch * self.steps_per_epoch + self.step

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    def started_event(self) -> StartedEvent:
        data = self.data
        dataset = DatasetInfo(
            name=data.name,
            kind=data.kind,
            train=self.train_size,
            test=len(self.y_test),
            input_shape=list(data.input_shape),
            classes=list(data.class_names),
            source=data.source,
            extent=list(data.extent) if data.extent else None,
            notes=[[key, values] for key, values in data.notes],
        )
        summary = [
            LayerInfo(row.name, row.kind, list(row.output_shape), row.parameters)
            for row in model_summary(self.model, data.input_shape)
        ]
        return StartedEvent(
            device=str(self.device),
            device_name=device_name(self.device, self.threads),
            threads=self.threads,
            dataset=dataset,
            points=point_list(data) if data.kind == "points" else [],
            summary=summary,
            parameters=sum(p.numel() for p in self.model.parameters()),
            steps_per_epoch=self.steps_per_epoch,
            epochs=self.config.epochs,
            epoch=self.epoch,
            global_step=self.global_step,
            lr=self.lr,
            out=str(self.out) if self.out else None,
            limits=self.limits.to_json(),
            amp=self.config.amp,
        )

    def train_batch(self) -> None:
        """One optimizer step on the next batch; a non-finite loss stops before the step, so the weights stay good."""
        if self._order is None:
            self._epoch_rng = self.generator.get_state()
            self._order = torch.randperm(self.train_size, generator=self.generator).to(self.device)
        started = time.perf_counter()
        size = self.config.batch_size
        index = self._order[self.step * size : (self.step + 1) * size]
        x, y = self.x_train[index], self.y_train[index]
        with self.autocast:
            logits = self.model(x)
            loss = self._loss(logits, y)
        value = loss.item()
        if not math.isfinite(value):
            raise SpecError(
                "loss_not_finite",
                value=_word(value),
                epoch=self.epoch + 1,
                step=self.step + 1,
                lr=f"{self.lr:g}",
            )
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self._loss_sum += value * len(y)
        self._correct += (logits.argmax(-1) == y).sum()
        self._seen += len(y)
        self._targets += y.numel()
        self.step += 1
        self._last_loss = value
        spent = time.perf_counter() - started
        self._train_time += spent
        self.elapsed_s += spent
        if self.step == self.steps_per_epoch:
            self._end_epoch()

    def report(self, force: bool = False) -> None:
        """A batch event (and the boundary view for 2-D sets), at most every REPORT_INTERVAL_S unless forced."""
        now = time.perf_counter()
        if not force and now - self._last_report < REPORT_INTERVAL_S:
            return
        self._last_report = now
        done = self.global_step
        remaining = self.config.epochs * self.steps_per_epoch - done
        per_batch = self.elapsed_s / done if done else 0.0
        at_epoch_end = self.step == 0 and done > 0
        rate = self._seen / self._train_time if self._train_time else self._last_rate
        self.emit(
            BatchEvent(
                epoch=self.epoch if at_epoch_end else self.epoch + 1,
                step=self.steps_per_epoch if at_epoch_end else self.step,
                steps_per_epoch=self.steps_per_epoch,
                global_step=done,
                loss=self._last_loss,
                lr=self.lr,
                samples_per_s=rate,
                elapsed_s=self.elapsed_s,
                eta_s=remaining * per_batch,
                memory_mb=memory_mb(self.device),
            )
        )
        if self.views and self.data.kind == "points":
            self.emit(boundary_view(self.model, self.data.extent, self.device))
        sample_due = force or now - self._last_sample >= SAMPLE_INTERVAL_S
        if self.views and self.data.kind == "text" and sample_due:
            self._last_sample = now
            prompt, text = sample_view(self.model, self.data, self.config.seed, self.device)
            self.emit(SampleEvent(self.epoch, done, prompt, text))

    def save(self) -> Path | None:
        """Write the checkpoint under `out` (atomically); None when the run has nowhere to save.

        The loop saves at the end, on stop, on request, and after an epoch when the last
        save is CHECKPOINT_EVERY_S old: a NaN later keeps that last good state.
        """
        if self.out is None:
            return None
        path = self.out / CHECKPOINT_NAME
        save_checkpoint(path, self._payload())
        self.saved_at = (self.epoch, self.step)
        self._last_save = time.perf_counter()
        return path

    def change_lr(self, factor: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] *= factor

    def _loss(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Cross-entropy (or MSE on softmax vs one-hot); a sequence model's (N, T, V) scores count every position."""
        logits, y = logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
        if self.config.loss == "mse":
            return F.mse_loss(logits.softmax(1), F.one_hot(y, logits.shape[1]).to(logits.dtype))
        return F.cross_entropy(logits, y)

    def _end_epoch(self) -> None:
        test_loss, test_acc, predicted = self.evaluate()
        epoch_time = self._train_time
        self._last_rate = self._seen / epoch_time if epoch_time else 0.0
        metrics = {
            "epoch": self.epoch + 1,
            "train_loss": self._loss_sum / self._seen,
            "train_acc": self._correct.item() / self._targets,
            "test_loss": test_loss,
            "test_acc": test_acc,
            "samples_per_s": self._last_rate,
            "elapsed_s": self.elapsed_s,
            "lr": self.lr,
        }
        self.epoch += 1
        self.step = 0
        self._order = None
        self._epoch_rng = self.generator.get_state()  # the next epoch's order comes from here, also after a resume
        self._reset_epoch_totals()
        self.history.append(metrics)
        if self.out is not None:
            append_metrics(self.out, metrics)
        self.emit(EpochEvent(**metrics))
        hint = diagnose(
            self.history,
            predicted_counts(predicted, len(self.data.class_names)),
            self.data.class_names,
            self.config,
        )
        if hint is not None:
            self.emit(HintEvent(self.epoch, hint.code, hint.values))
        if self.views and self.data.kind == "images":
            self.emit(image_views(self.model, self.data, predicted))
        if self.finished and self.data.kind == "images":
            self.emit(accuracy_event(self.data, predicted))
        if self.finished or time.perf_counter() - self._last_save >= CHECKPOINT_EVERY_S:
            self.save()

    @torch.no_grad()
    def evaluate(self) -> tuple[float, float, torch.Tensor]:
        """Mean test loss, test accuracy and every test prediction (for the confusion matrix)."""
        started = time.perf_counter()
        self.model.eval()
        total, predictions = 0.0, []
        for start in range(0, len(self.y_test), EVAL_BATCH):
            x, y = (
                self.x_test[start : start + EVAL_BATCH],
                self.y_test[start : start + EVAL_BATCH],
            )
            with self.autocast:
                logits = self.model(x)
                total += self._loss(logits, y).item() * len(y)
            predictions.append(logits.argmax(-1))
        self.model.train()
        predicted = torch.cat(predictions) if predictions else torch.empty(0, dtype=torch.long, device=self.device)
        self.elapsed_s += time.perf_counter() - started
        accuracy = (predicted == self.y_test).sum().item() / max(1, self.y_test.numel())
        return total / max(1, len(self.y_test)), accuracy, predicted

    def _reset_epoch_totals(self) -> None:
        self._loss_sum = 0.0
        self._correct = torch.zeros((), dtype=torch.long, device=self.device)
        self._seen = 0
        self._targets = 0
        self._train_time = 0.0

    def _payload(self) -> dict:
        return {
            "format": CHECKPOINT_FORMAT,
            "config": self.config.to_json(),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "epoch": self.epoch,
            "step": self.step,
            "rng": {"generator": self._epoch_rng, "torch": torch.get_rng_state()},
            "history": list(self.history),
            "partial": {
                "loss_sum": self._loss_sum,
                "correct": int(self._correct.item()),
                "seen": self._seen,
                "targets": self._targets,
                "train_time": self._train_time,
                "elapsed_s": self.elapsed_s,
            },
        }

    def _restore(self, saved: dict, lr: float | None) -> None:
        """Continue exactly where the checkpoint stopped: same weights, optimizer moments, epoch order and totals
        (and the learning rate `lr` from here on, when the resume asks for one)."""
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        for group in self.optimizer.param_groups:
            group["lr"] = lr if lr is not None else group["lr"]
        self.epoch, self.step = int(saved["epoch"]), int(saved["step"])
        self.history = list(saved["history"])
        torch.set_rng_state(saved["rng"]["torch"])
        self.generator.set_state(saved["rng"]["generator"])
        if self.step:
            self._epoch_rng = self.generator.get_state()
            self._order = torch.randperm(self.train_size, generator=self.generator).to(self.device)
        partial = saved.get("partial", {})
        self._loss_sum = float(partial.get("loss_sum", 0.0))
        self._correct = torch.tensor(int(partial.get("correct", 0)), device=self.device)
        self._seen = int(partial.get("seen", 0))
        self._targets = int(partial.get("targets", self._seen))
        self._train_time = float(partial.get("train_time", 0.0))
        self.elapsed_s = float(partial.get("elapsed_s", 0.0))


def _optimizer(config: TrainConfig, model: torch.nn.Module) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            model.parameters(),
            lr=config.lr,
            momentum=config.momentum,
            weight_decay=config.weight_decay,
        )
    return torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)


def _word(value: float) -> str:
    return "NaN" if math.isnan(value) else "inf" if value > 0 else "-inf"
