"""What the training lesson draws besides the loss: decision boundary, confusion matrix, sample predictions, filters.

Plain lists inside the events that carry them; computed in the training process,
so the app never touches torch.
"""

from __future__ import annotations

import torch

from engine.train.events import AccuracyEvent, BoundaryEvent, ClassAccuracy, ImageSample, ImagesEvent

BOUNDARY_WIDTH = 40
BOUNDARY_HEIGHT = 32
MAX_POINTS = 400
SAMPLE_IMAGES = 8
MAX_FILTERS = 8
SAMPLE_PROMPT = 8
SAMPLE_LENGTH = 80


@torch.no_grad()
def boundary_view(
    model: torch.nn.Module,
    extent: tuple[float, float, float, float],
    device: torch.device,
) -> BoundaryEvent:
    """The predicted class and its probability on a grid over the plane; row 0 is the top (largest y)."""
    x0, x1, y0, y1 = extent
    xs = torch.linspace(x0, x1, BOUNDARY_WIDTH)
    ys = torch.linspace(y1, y0, BOUNDARY_HEIGHT)
    grid = torch.stack(torch.meshgrid(ys, xs, indexing="ij")[::-1], dim=-1).reshape(-1, 2).to(device)
    was_training = model.training
    model.eval()
    probabilities = model(grid).softmax(1)
    model.train(was_training)
    confidence, label = probabilities.max(1)
    shape = (BOUNDARY_HEIGHT, BOUNDARY_WIDTH)
    return BoundaryEvent(
        width=BOUNDARY_WIDTH,
        height=BOUNDARY_HEIGHT,
        extent=list(extent),
        label=label.reshape(shape).tolist(),
        confidence=confidence.reshape(shape).cpu().round(decimals=3).tolist(),
    )


def point_list(data) -> list[list[float]]:
    """Up to MAX_POINTS test points as [x, y, label], drawn over the boundary."""
    x, y = data.x_test[:MAX_POINTS], data.y_test[:MAX_POINTS]
    return [[round(a, 4), round(b, 4), int(c)] for (a, b), c in zip(x.tolist(), y.tolist())]


def image_views(model: torch.nn.Module, data, predicted: torch.Tensor) -> ImagesEvent:
    """The course's test step: confusion matrix, per-class accuracy, a few test images, the first layer's filters."""
    classes = len(data.class_names)
    truth = data.y_test.to(predicted.device)
    confusion = torch.bincount(truth * classes + predicted, minlength=classes * classes).reshape(classes, classes)
    totals = confusion.sum(1).clamp(min=1)
    per_class = (confusion.diagonal() / totals).tolist()
    samples = [
        ImageSample(
            image=_unit(data.x_test[i]).round(decimals=3).tolist(),
            true=int(data.y_test[i]),
            pred=int(predicted[i]),
        )
        for i in range(min(SAMPLE_IMAGES, len(data.y_test)))
    ]
    filters, title = first_layer_filters(model, data.input_shape)
    return ImagesEvent(confusion.tolist(), per_class, samples, filters, title)


def accuracy_event(data, predicted: torch.Tensor) -> AccuracyEvent:
    """The tutorial's closing numbers: `100 * correct // total` on the test images, then 100 · correct / total per class."""
    truth = data.y_test.to(predicted.device)
    hits = predicted == truth
    classes = len(data.class_names)
    totals = torch.bincount(truth, minlength=classes).tolist()
    right = torch.bincount(truth[hits], minlength=classes).tolist()
    rows = [
        ClassAccuracy(name, correct, total, 100 * float(correct) / total if total else None)
        for name, correct, total in zip(data.class_names, right, totals)
    ]
    images, correct = len(truth), int(hits.sum())
    return AccuracyEvent(images, correct, 100 * correct // images if images else 0, rows)


@torch.no_grad()
def first_layer_filters(model: torch.nn.Module, input_shape: tuple[int, ...]) -> tuple[list, str]:
    """The first layer's weights as small images, each scaled to −1..1: what the network looks for first."""
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            weights = module.weight[:MAX_FILTERS].mean(1)
            return _scaled(weights), f"conv {module.kernel_size[0]}×{module.kernel_size[1]}"
        if isinstance(module, torch.nn.Linear):
            if len(input_shape) != 3:
                return [], ""
            channels, height, width = input_shape
            weights = module.weight[:MAX_FILTERS].reshape(-1, channels, height, width).mean(1)
            return _scaled(weights), f"linear {height}×{width}"
    return [], ""


@torch.no_grad()
def sample_view(model: torch.nn.Module, data, seed: int, device: torch.device) -> tuple[str, str]:
    """The prompt and the text the model writes after it, with a fixed seed: it changes only as the model learns."""
    prompt = data.x_test[0][:SAMPLE_PROMPT].tolist()
    generator = torch.Generator(device=device).manual_seed(seed)
    written = model.sample(prompt, SAMPLE_LENGTH, 0.8, generator)
    vocabulary = data.class_names
    return "".join(vocabulary[i] for i in prompt), "".join(vocabulary[i] for i in written)


def _scaled(weights: torch.Tensor) -> list:
    peak = weights.abs().amax(dim=(1, 2), keepdim=True).clamp(min=1e-12)
    return (weights / peak).cpu().round(decimals=3).tolist()


def _unit(image: torch.Tensor) -> torch.Tensor:
    """Undo the course's Normalize((0.5,), (0.5,)): back to 0..1 for drawing."""
    return (image.cpu() * 0.5 + 0.5).clamp(0, 1)
