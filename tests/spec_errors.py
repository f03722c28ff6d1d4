"""The SpecError a call raises: shared by engine and tui tests (imports neither textual nor torch)."""

from __future__ import annotations

import pytest

from engine.errors import SpecError


def spec_error(call) -> SpecError:
    """The SpecError `call()` raises; the test fails if it raises none."""
    with pytest.raises(SpecError) as caught:
        call()
    return caught.value
