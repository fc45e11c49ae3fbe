"""The shape of a verification result: one :class:`Check` per question, with a verdict and a
machine-readable reason.  The PDF verifier fills it; the package verifier adds its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = ["Check", "Verdict"]


class Verdict(Enum):
    """The answer to one check."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    """One question asked of the evidence and its answer.

    ``name`` says which question (``signature``, ``signature_timestamp``, ``fields``,
    ``seal``, ``doc_timestamp``, ``evidence``, ``record_identity``, ...); ``subject`` names
    what it was asked of (a field name, or empty); ``reason`` is a stable code.
    """

    name: str
    subject: str
    verdict: Verdict
    reason: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "subject": self.subject, "verdict": self.verdict.value,
                "reason": self.reason, "message": self.message,
                "details": {k: _plain(v) for k, v in self.details.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Enum):
        return value.value if isinstance(value.value, str) else value.name
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
