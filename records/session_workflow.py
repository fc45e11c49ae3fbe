"""The record workflow on the workstation: certification, the signatories' turns in signing
order at their stations, and the seal, each step recorded through the record service and in
the workstation's capture log.

::

    workflow = RecordWorkflow(service, blobs, site, timestamps.source, workstation_log,
                              font_path=font, wall_clock=utc_now,
                              stations={"workstation": local_pad, "terminal": terminal})
    workflow.open(record_id)          # pushed to every station: recordings start
    workflow.certify(record_id)       # the prosecutor's certification (officer key)
    workflow.run_turns(record_id)     # every signatory, in order, where they sign
    sealed = workflow.seal(record_id) # logs checkpointed and merged, PAdES seal, B-LTA

``stations`` maps a template station (``workstation``, ``terminal``) to a
:class:`~records.session_stations.StationHandle`.  Every step blocks (signing, devices,
waiting on a remote turn): run it on a worker thread.

Workstation log entries: ``record.opened``, ``record.pushed``, ``record.certified``,
``turn.requested``, ``turn.recorded``, ``log.anchor`` (each other station's final head),
``seal.begin``; then the checkpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from crypto.appearance import StampSpec
from crypto.capture_log import CaptureLog
from crypto.errors import CryptoError
from crypto.pades import certify
from crypto.pades_document import open_reader, record_identity
from crypto.pades_timestamps import TimestampSource
from crypto.pades_verify_evidence import evidence_of
from crypto.pki import Role
from records.blobstore import BlobStore
from records.render import SEAL_FIELD
from records.service import RecordService
from records.session_seal import SealedRecord, seal_record
from records.session_stations import StationClosing, StationHandle
from records.session_types import SignatureOutcome, StationError, TurnRequest
from records.signing import RecordState
from records.site import WorkingSite
from records.views import RecordView, SignatoryView

__all__ = ["RecordWorkflow", "TurnReport"]


@dataclass(frozen=True)
class TurnReport:
    """One signatory's turn as the workflow recorded it."""

    order: int
    field_name: str
    station: str
    outcome: SignatureOutcome


class RecordWorkflow:
    """See the module docstring."""

    def __init__(self, service: RecordService, blobs: BlobStore, site: WorkingSite,
                 timestamps: TimestampSource, log: CaptureLog, *, font_path: Path,
                 stations: Mapping[str, StationHandle], wall_clock: Callable[[], datetime],
                 location: str | None = None,
                 on_turn: Callable[[TurnReport], None] | None = None) -> None:
        self.service = service
        self.blobs = blobs
        self.site = site
        self.timestamps = timestamps
        self.log = log
        self.font_path = font_path
        self.stations = dict(stations)
        self._now = wall_clock
        self.location = location
        self._on_turn = on_turn
        self.turns: list[TurnReport] = []

    def _view(self, record_id: str) -> RecordView:
        return self.service.load_record(record_id).result()

    def _station(self, signatory: SignatoryView) -> StationHandle:
        station = self.stations.get(signatory.station)
        if station is None:
            raise StationError(reason="no_station", field=signatory.field_name,
                               zh=f"没有可供{signatory.label_zh}签名的设备（{signatory.station}）",
                               en=f"no {signatory.station} station for the {signatory.label_en}")
        return station

    def _distinct_stations(self) -> list[StationHandle]:
        seen: dict[str, StationHandle] = {}
        for handle in self.stations.values():
            seen.setdefault(handle.name, handle)
        return list(seen.values())

    # --- steps ---------------------------------------------------------------------------
    def open(self, record_id: str) -> RecordView:
        """Log the record and show it at every station (their recordings start)."""
        view = self._view(record_id)
        pdf = self.blobs.read_bytes(view.current_pdf_sha256)
        identity = record_identity(pdf).hex()
        self.log.append("record.opened", {
            "record_id": record_id, "record_sha256": identity, "revision": view.head.number,
            "template": view.summary.template_id, "template_sha256": view.template_sha256,
            "pages": view.head.pages, "values_sha256": view.head.values_sha256})
        for handle in self._distinct_stations():
            self.log.append("record.pushed", {"record_id": record_id, "station": handle.name,
                                              "pdf_sha256": hashlib.sha256(pdf).hexdigest()})
            handle.show_record(record_id, identity, pdf, view.head.pages)
        return view

    def certify(self, record_id: str) -> RecordView:
        """The prosecutor's certification signature with the officer key (signatory no. 1)."""
        view = self._view(record_id)
        current = view.current_signatory
        if current is None or current.order != 1:
            raise StationError(reason="not_certification", zh="现在不是检察官认证签名的时机",
                               en="the certification is not the next signature")
        pdf = self.blobs.read_bytes(view.current_pdf_sha256)
        now = self._now()
        try:
            signed = certify(pdf, field=current.field_name, key=self.site.officer_key(),
                             signer_name=current.name, timestamps=self.timestamps,
                             stamp=StampSpec(current.name, current.label_zh, now,
                                             self.font_path),
                             reason=current.label_zh, location=self.location)
        except CryptoError as exc:
            raise StationError(reason=f"certification_{exc.reason}", field=current.field_name,
                               zh=f"认证签名失败：{exc}",
                               en=f"the certification failed: {exc}") from exc
        officer = self.site.officer_key().certificate
        statement = json.dumps({"field": current.field_name, "signer": current.name,
                                "certificate_serial": str(officer.serial_number),
                                "signed_pdf_sha256": hashlib.sha256(signed).hexdigest()},
                               ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.log.append("record.certified", json.loads(statement))
        return self.service.record_signature(
            record_id, current.order, signed, hashlib.sha256(statement).hexdigest(),
            role=current.role, evidence=statement).result()

    def request_for(self, view: RecordView, signatory: SignatoryView) -> TurnRequest:
        """The turn request for ``signatory`` on the record as it stands."""
        return TurnRequest(view.id, view.head.number, signatory.order, signatory.field_name,
                           signatory.person_id, signatory.name, signatory.role,
                           signatory.label_zh, signatory.label_en, view.head.pages,
                           self.blobs.read_bytes(view.current_pdf_sha256))

    def run_turn(self, record_id: str) -> TurnReport:
        """The current signatory's turn at their station, recorded."""
        view = self._view(record_id)
        current = view.current_signatory
        if current is None:
            raise StationError(reason="no_turn", zh="没有待签名的签名人",
                               en="nobody is left to sign")
        handle = self._station(current)
        request = self.request_for(view, current)
        self.log.append("turn.requested", {"field": current.field_name, "order": current.order,
                                           "station": handle.name,
                                           "pdf_sha256": request.pdf_sha256})
        outcome = handle.run_turn(request)
        if outcome.field_name != current.field_name or outcome.record_id != record_id:
            raise StationError(reason="outcome_mismatch", field=current.field_name,
                               zh="设备返回的结果不属于本次签名",
                               en="the station answered for another turn")
        if outcome.signed:
            self._check_signature(handle.name, current, outcome)
            self.service.record_signature(record_id, current.order, outcome.signed_pdf,
                                          outcome.evidence_sha256, role=current.role,
                                          evidence=outcome.evidence_file).result()
        else:
            self.service.record_refusal(record_id, current.order, outcome.refusal_reason,
                                        role=current.role).result()
        self.log.append("turn.recorded", {
            "field": current.field_name, "order": current.order, "station": handle.name,
            "outcome": outcome.kind.value, "evidence_sha256": outcome.evidence_sha256,
            "signed_pdf_sha256": hashlib.sha256(outcome.signed_pdf).hexdigest()
            if outcome.signed else "", "refusal_reason": outcome.refusal_reason,
            "station_seqs": list(outcome.log_seqs), "simulated": list(outcome.simulated)})
        report = TurnReport(current.order, current.field_name, handle.name, outcome)
        self.turns.append(report)
        if self._on_turn is not None:
            self._on_turn(report)
        return report

    def _check_signature(self, station: str, signatory: SignatoryView,
                         outcome: SignatureOutcome) -> None:
        """Before recording it: the station signed this field, with a device key of this
        site in the station's role, binding the evidence file it handed over."""
        def refuse(reason: str, zh: str, en: str) -> StationError:
            return StationError(reason=reason, field=signatory.field_name, zh=zh, en=en)

        try:
            sig = next((s for s in open_reader(outcome.signed_pdf).embedded_signatures
                        if s.field_name == signatory.field_name), None)
        except CryptoError as exc:
            raise refuse("outcome_unreadable", f"设备返回的 PDF 无法读取：{exc}",
                         f"the station's signed PDF is unreadable: {exc}") from exc
        if sig is None:
            raise refuse("outcome_unsigned", "设备返回的 PDF 中该签名栏未签名",
                         f"the station's PDF has no signature in {signatory.field_name}")
        attribute = evidence_of(sig)
        digest = hashlib.sha256(outcome.evidence_file).digest()
        if attribute is None or attribute.native["field_name"] != signatory.field_name \
                or attribute.native["package_sha256"] != digest:
            raise refuse("outcome_evidence_mismatch", "签名中的证据与设备交回的证据文件不符",
                         "the signature does not bind the evidence file the station handed over")
        role = (Role.TERMINAL_SIGNING if self.site.names.station_kind(station) == "terminal"
                else Role.WORKSTATION_SIGNING)
        try:
            self.site.pki.check(x509.load_der_x509_certificate(sig.signer_cert.dump()), role)
        except CryptoError as exc:
            raise refuse(f"outcome_{exc.reason}", f"签名证书不是本站点该设备的证书：{exc}",
                         f"the signature is not by a {role.value} key of this site: "
                         f"{exc}") from exc

    def run_turns(self, record_id: str) -> RecordView:
        """Every remaining signatory, in order, until the record is ready (or stopped)."""
        while True:
            view = self._view(record_id)
            if view.current_signatory is None:
                return view
            self.run_turn(record_id)

    def seal(self, record_id: str) -> SealedRecord:
        """Close the record at every station, seal logs and PDF, record the seal."""
        view = self._view(record_id)
        if view.state is not RecordState.READY:
            raise StationError(reason="not_ready", zh="还有签名人未完成，不能封存",
                               en=f"the record is {view.state.value}, not ready to seal")
        closings: list[StationClosing] = [h.close_record(record_id)
                                          for h in self._distinct_stations()]
        for closing in closings:
            if closing.head is not None:
                self.log.anchor(closing.head)
        pdf = self.blobs.read_bytes(view.current_pdf_sha256)
        self.log.append("seal.begin", {"record_id": record_id, "field": SEAL_FIELD,
                                       "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
                                       "stations": [c.station for c in closings]})
        sealed = seal_record(pdf, record_id=record_id, site=self.site, log=self.log,
                             closings=closings, timestamps=self.timestamps,
                             font_path=self.font_path, now=self._now(),
                             location=self.location)
        sealed_view = self.service.record_seal(
            record_id, sealed.pdf,
            checkpoint_sha256=hashlib.sha256(sealed.logs.to_json()).hexdigest()).result()
        return sealed.with_view(sealed_view)
