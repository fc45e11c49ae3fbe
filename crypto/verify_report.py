"""The verifier's report: every check's verdict and reason, the overall verdict, and its three
forms (plain text in Chinese or English, JSON for machines, a printable HTML page).

The overall verdict is ``pass`` only when no check failed *and* the trust roots were given by
the person verifying (``--trust``); with the roots that travel inside a package the checks
still run, but nothing is trusted, and the verdict says ``untrusted``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from crypto.pades_report import Check, Verdict

__all__ = ["Outcome", "PackageReport"]


class Outcome(StrEnum):
    """The overall verdict."""

    PASS = "pass"
    FAIL = "fail"
    UNTRUSTED = "untrusted"
    """No check failed, but the trust roots were not given: nothing is established."""


@dataclass(frozen=True)
class PackageReport:
    """One verification of a package or a lone PDF."""

    subject: str
    kind: str
    """``package`` or ``pdf``."""
    checks: tuple[Check, ...]
    trusted: bool
    """The trust roots were given by the person verifying, not taken from the package."""
    record: Mapping[str, Any] = field(default_factory=dict)
    simulated: Mapping[str, list[str]] = field(default_factory=dict)
    archive_key: bool = False
    """The archive key was given: evidence was decrypted and compared."""

    @property
    def ok(self) -> bool:
        """No check failed."""
        return bool(self.checks) and not any(c.verdict is Verdict.FAIL for c in self.checks)

    @property
    def outcome(self) -> Outcome:
        if not self.ok:
            return Outcome.FAIL
        return Outcome.PASS if self.trusted else Outcome.UNTRUSTED

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.verdict is Verdict.FAIL]

    def reasons(self) -> set[str]:
        """The reasons of every failed check."""
        return {c.reason for c in self.failures()}

    def counts(self) -> dict[str, int]:
        tally = Counter(c.verdict.value for c in self.checks)
        return {v.value: tally.get(v.value, 0) for v in Verdict}

    def summary_line(self, language: str = "zh+en") -> str:
        """One line: the verdict and the tally (for the demo and logs)."""
        from crypto.verify_report_text import outcome_text

        counts = self.counts()
        tally = (f"{counts['pass']} pass, {counts['fail']} fail, {counts['warn']} warn, "
                 f"{counts['skip']} skip")
        return f"{outcome_text(self.outcome, language)} ({tally})"

    def to_json(self) -> dict[str, Any]:
        """Everything, as JSON-ready values."""
        return {"format": "inkseal-verification/1", "subject": self.subject, "kind": self.kind,
                "outcome": self.outcome.value, "ok": self.ok, "trusted": self.trusted,
                "archive_key": self.archive_key, "record": dict(self.record),
                "simulated": {k: list(v) for k, v in self.simulated.items()},
                "counts": self.counts(), "checks": [c.to_json() for c in self.checks]}
