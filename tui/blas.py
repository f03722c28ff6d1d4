"""numpy's BLAS in the UI process: one thread, chosen before numpy is imported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

VARIABLE = "OPENBLAS_NUM_THREADS"


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Wrap whatever may import numpy for the UI (a lesson's flags, its screen and engine).

    numpy's OpenBLAS reads its thread count once, when numpy is imported, and starts
    a thread per core that spins for a while after import and after each call: on a
    2-core machine they take a core from the app while it draws (~60 ms more to the
    first frame on a busy machine). A lesson's arithmetic is tiny; one thread is
    plenty. The environment is restored at once, so the torch checker and training
    children get the one they would have had; a value the user set is kept.
    """
    if VARIABLE in os.environ:
        yield
        return
    os.environ[VARIABLE] = "1"
    try:
        yield
    finally:
        del os.environ[VARIABLE]
