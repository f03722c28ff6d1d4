"""An administrator's limits in the student's words: the line under a run's header, app and headless alike."""

from __future__ import annotations

from collections.abc import Mapping

from tui.i18n import t, visible

ORDER = ("max_threads", "devices", "gpu_memory_fraction")
KEYS = {
    "max_threads": "limits.threads",
    "devices": "limits.devices",
    "gpu_memory_fraction": "limits.gpu_memory_fraction",
}


def limits_words(limits: Mapping[str, Mapping[str, object]] | None) -> str:
    """'Server limits: ≤ 4 threads (TENSORTOUR_MAX_THREADS) · devices cpu (/etc/tensortour/limits.toml)'; '' when
    none is set, so a machine without limits shows nothing more."""
    items = [_item(key, limits[key]) for key in ORDER if limits and key in limits]
    return t("limits.header", items=" · ".join(items)) if items else ""


def _item(key: str, limit: Mapping[str, object]) -> str:
    value = limit.get("value")
    if key == "devices" and isinstance(value, list):
        value = ", ".join(map(str, value))
    elif key == "gpu_memory_fraction" and isinstance(value, (int, float)):
        value = f"{value:.0%}"
    single = key == "max_threads" and value == 1
    return t("limits.thread" if single else KEYS[key], value=value, source=visible(str(limit.get("source", ""))))
