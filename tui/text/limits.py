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
    """'Server limits (/etc/tensortour/limits.toml): ≤ 4 threads · devices cpu', each source named once after the
    limits it set; '' when none is set, so a machine without limits shows nothing more."""
    groups: dict[str, list[str]] = {}
    for key in ORDER:
        if limits and key in limits:
            groups.setdefault(visible(str(limits[key].get("source", ""))), []).append(_item(key, limits[key]))
    if len(groups) == 1:
        ((source, items),) = groups.items()
        return t("limits.header_from", source=source, items=" · ".join(items))
    said = [t("limits.group", source=source, items=" · ".join(items)) for source, items in groups.items()]
    return t("limits.header", groups=t("limits.group_separator").join(said)) if said else ""


def _item(key: str, limit: Mapping[str, object]) -> str:
    value = limit.get("value")
    if key == "devices" and isinstance(value, list):
        value = ", ".join(map(str, value))
    elif key == "gpu_memory_fraction" and isinstance(value, (int, float)):
        value = f"{value:.0%}"
    return t("limits.thread" if key == "max_threads" and value == 1 else KEYS[key], value=value)
