"""Why a run is not learning, from what the loop already has: the epochs' metrics and the test predictions.

A pure function over numbers, so it is tested on made-up histories as well as on a
run forced to fail. Each hint names what the run shows (quoting its numbers), the
likely cause and one concrete next setting; the words live in the i18n catalogues
under `train_hint.<code>`, the numbers in `values`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.train.config import TrainConfig
from engine.train.presets import pair_defaults

ONE_CLASS_SHARE = 0.9  # this share of the test set or more predicted as one class: the network has collapsed
LN_MARGIN = 0.05  # a test loss within this of ln(classes) is the loss of guessing uniformly
RISING_EPOCHS = 3  # the training loss grew this many epochs in a row
RISE_SHARE = 0.25  # ... and gave back at least this share of what the run had gained (a flicker near 0 is not it)
CHANCE_EPOCHS = 3  # at least this many epochs, all of them at chance
CHANCE_FACTOR = 1.2  # "at chance": test accuracy below this many times 1 / classes


@dataclass(frozen=True)
class Hint:
    code: (
        str  # one_class[_ln][_all] (_ln: the loss of a uniform guess; _all: every prediction) | loss_rising | at_chance
    )
    values: dict[str, object]


def diagnose(
    history: Sequence[Mapping[str, float]],
    predicted_counts: Sequence[int],
    class_names: Sequence[str],
    config: TrainConfig,
) -> Hint | None:
    """The first problem the run shows, or None; `predicted_counts[c]` is how many test items were predicted as c."""
    classes = len(class_names)
    if not history or classes < 2:
        return None
    last = history[-1]
    step = next_setting(config, history)
    total = sum(predicted_counts)
    if total:
        top = max(range(len(predicted_counts)), key=predicted_counts.__getitem__)
        count = predicted_counts[top]
        if count >= ONE_CLASS_SHARE * total:
            near_ln = abs(last["test_loss"] - math.log(classes)) <= LN_MARGIN
            return Hint(
                "one_class" + ("_ln" if near_ln else "") + ("_all" if count == total else ""),
                {
                    "count": count,
                    "total": total,
                    "name": class_names[top],
                    "loss": f"{last['test_loss']:.3f}",
                    "classes": classes,
                    "ln": f"{math.log(classes):.3f}",
                    **step,
                },
            )
    losses = [row["train_loss"] for row in history[-(RISING_EPOCHS + 1) :]]
    if (
        len(losses) == RISING_EPOCHS + 1
        and all(b > a for a, b in zip(losses, losses[1:], strict=False))
        and _gives_back([row["train_loss"] for row in history])
    ):
        return Hint(
            "loss_rising",
            {"epochs": RISING_EPOCHS, "first": f"{losses[0]:.3f}", "last": f"{losses[-1]:.3f}", **step},
        )
    chance = 1 / classes
    if len(history) >= CHANCE_EPOCHS and all(row["test_acc"] < CHANCE_FACTOR * chance for row in history):
        return Hint(
            "at_chance",
            {
                "epochs": len(history),
                "acc": f"{100 * last['test_acc']:.1f}",
                "classes": classes,
                "chance": f"{100 * chance:.1f}",
                **step,
            },
        )
    return None


def _gives_back(losses: Sequence[float]) -> bool:
    """The latest loss has given back a real share of the run's gain: 0.012 → 0.020 after starting at 0.6 has not
    (a run at 99 % accuracy flickers), 0.1 → 0.3 after 0.7 has, and a run rising from its first epoch always has."""
    best = min(losses)
    return losses[-1] - best >= RISE_SHARE * (losses[0] - best)


def next_setting(config: TrainConfig, history: Sequence[Mapping[str, float]]) -> dict[str, object]:
    """The cause to name and the setting to try: the learning rate (the one in effect now, which [ and ] change)
    against the model's default for this data."""
    lr = history[-1].get("lr", config.lr) if history else config.lr
    default = float(pair_defaults(config.model, config.dataset).get("lr", TrainConfig().lr))
    words = {
        "lr": f"{lr:g}",
        "optimizer": {"adam": "Adam", "sgd": "SGD"}.get(config.optimizer, config.optimizer),
        "model": config.model,
    }
    if lr > default * 1.0001:
        return {"cause": "lr_high", "try": f"{default:g}", **words}
    if lr < default / 3:
        return {"cause": "lr_low", "try": f"{default:g}", **words}
    return {"cause": "lr_default", "try": f"{lr / 10:g}", **words}


def predicted_counts(predicted, classes: int) -> list[int]:
    """How many test items each class was predicted for (a torch tensor of class indices, any shape)."""
    return predicted.reshape(-1).bincount(minlength=classes).tolist()
