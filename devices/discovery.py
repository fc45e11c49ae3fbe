"""What is attached: one record type for every kind of device, and the listing of all of them.

Each device family provides its own ``list_*`` function returning ``DeviceInfo`` values; this
module only defines the shape and gathers them, so ``inkseal devices`` and the UI show one list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["DeviceInfo", "DeviceKind", "gather"]


class DeviceKind(StrEnum):
    PAD = "pad"                  # signature pad or pen tablet
    FINGERPRINT = "fingerprint"  # fingerprint reader
    CAMERA = "camera"
    MICROPHONE = "microphone"


@dataclass(frozen=True)
class DeviceInfo:
    """One device found (or offered as a simulation, then ``simulated`` is True)."""

    kind: DeviceKind
    name: str
    path: str                      # what to open it with: hidraw path, tty, camera index, ...
    simulated: bool = False
    vendor_id: int | None = None
    product_id: int | None = None
    details: Mapping[str, object] = field(default_factory=dict)


def gather(listers: Iterable[Callable[[], list[DeviceInfo]]]) -> tuple[list[DeviceInfo], list[str]]:
    """Run every lister; a lister that fails becomes a problem line, never a crash."""
    found: list[DeviceInfo] = []
    problems: list[str] = []
    for lister in listers:
        try:
            found.extend(lister())
        except Exception as exc:  # noqa: BLE001 - one broken backend must not hide the others
            problems.append(f"{getattr(lister, '__qualname__', lister)}: {exc}")
    return found, problems
