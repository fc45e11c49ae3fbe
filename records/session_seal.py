"""The seal of a record: the machines' capture logs end in checkpoints, are verified, merged
and sealed under one combined checkpoint (signed with the workstation's log key), which the
institution's PAdES seal carries as a signed attribute; the seal is timestamped, gets
validation data and a document timestamp (B-LTA), and the combined checkpoint gets an RFC
3161 token of its own (so the logs can be shown to be that old without the PDF).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crypto.capture_log import CaptureLog
from crypto.capture_log_seal import SealedLogs, seal_logs
from crypto.capture_log_verify import verify_log
from crypto.checkpoint import NoteSigner
from crypto.errors import CryptoError
from crypto.pades import seal
from crypto.pades_timestamps import TimestampSource
from crypto.tsa import timestamp_checkpoint
from records.render import SEAL_FIELD
from records.session_stations import StationClosing, log_origin
from records.session_types import StationError
from records.site import WorkingSite
from records.views import RecordView

__all__ = ["SealedRecord", "combined_origin", "seal_record"]


def combined_origin(record_id: str) -> str:
    """The origin of a record's combined checkpoint."""
    return f"inkseal/{record_id}/sealed"


@dataclass(frozen=True)
class SealedRecord:
    """The sealed PDF and everything that proves what happened around it."""

    pdf: bytes
    logs: SealedLogs
    checkpoint_token: bytes
    """RFC 3161 token over the combined checkpoint note."""
    closings: tuple[StationClosing, ...]
    """Every station's log and recording, the workstation's first."""
    signer: str
    """The station whose log key signed the combined checkpoint."""
    view: RecordView | None = None

    def with_view(self, view: RecordView) -> SealedRecord:
        return dataclasses.replace(self, view=view)


def seal_record(pdf: bytes, *, record_id: str, site: WorkingSite, log: CaptureLog,
                closings: Sequence[StationClosing], timestamps: TimestampSource,
                font_path: Path, now: datetime, location: str | None = None) -> SealedRecord:
    """Checkpoint the workstation ``log``, seal every log, seal ``pdf``; nothing is written
    to ``log`` afterwards (it would fall outside the seal)."""
    workstation = log.source
    note = log.checkpoint(log_origin(record_id, workstation))
    own = StationClosing(workstation, log.path, note, log.head, None, ())
    others = [c for c in closings if c.station != workstation]
    local = next((c for c in closings if c.station == workstation), None)
    if local is not None:  # the workstation's own pad: its recording, the workstation's log
        own = dataclasses.replace(own, recording=local.recording, simulated=local.simulated)
    everything = (own, *others)
    reports = []
    for closing in everything:
        if closing.checkpoint is None:
            raise StationError(reason="checkpoint_missing",
                               zh=f"{closing.station} 的采集日志没有检查点",
                               en=f"the capture log of {closing.station} has no checkpoint")
        report = verify_log(closing.log_path, site.log_certificate(closing.station).public_key(),
                            source=closing.station, checkpoint=closing.checkpoint)
        if not report.ok:
            issue = report.issues[0]
            raise StationError(reason=f"log_{issue.reason.value}",
                               zh=f"{closing.station} 的采集日志未通过验证：{issue.describe('zh')}",
                               en=f"the capture log of {closing.station} does not verify: "
                                  f"{issue.describe('en')} ({issue.detail})")
        reports.append(report)
    try:
        sealed_logs, _merged = seal_logs(reports, NoteSigner(combined_origin(record_id),
                                                             site.log_key(workstation)))
        sealed_pdf = seal(pdf, field=SEAL_FIELD, key=site.seal_key(),
                          checkpoints=list(sealed_logs.notes()), timestamps=timestamps,
                          validation=site.validation(), seal_name=site.name,
                          font_path=font_path, location=location, now=now)
        token = timestamp_checkpoint(sealed_logs.combined, timestamps.timestamper())
    except CryptoError as exc:
        raise StationError(reason=f"seal_{exc.reason}", zh=f"封存失败：{exc}",
                           en=f"the seal failed: {exc}") from exc
    return SealedRecord(sealed_pdf, sealed_logs, token, everything, workstation)
