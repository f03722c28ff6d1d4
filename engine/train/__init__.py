"""The training engine: configs, datasets and their file readers, models, the loop, checkpoints and the child process.

Kept apart from the lessons' specs and traces because it is the only part of
engine that needs torch at run time and runs in its own process
(`python -m engine.train.child`); importing this package itself loads nothing,
so the app can read a TrainConfig without paying for torch.
"""
