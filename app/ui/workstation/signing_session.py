"""Everything the workstation needs to take one record from draft to sealed package, without
Qt: the working site (opened with the site passphrase), its timestamps, the workstation's
capture log for the record, its own pad, the terminal, and the record workflow over them.

::

    session = SigningSession.open(settings, services, passphrase, record_id,
                                  terminal=in_process_terminal(window), pad=pad_setup)
    session.push()                       # record.opened/pushed; every station shows it
    session.certify(OfficerUnlock.passphrase(b"..."))   # or OfficerUnlock.pin("1234")
    while session.next_signatory() is not None:
        session.run_turn()               # the signatory's turn at their station
    package = session.seal_and_file()    # seal, evidence package, the verifier's report
    session.close()

Every step blocks (devices, signing, a remote terminal): the window runs them as ops.
Where each signatory signs comes from the record (the template's station, or the
prosecutor's choice when drafting): ``workstation`` is this machine's pad, ``terminal`` the
terminal chosen at push.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.settings import Settings
from app.ui.services import WorkstationServices
from crypto.capture_log import CaptureLog
from crypto.pades_signers import SigningKey
from crypto.pki import Role
from devices.clock import SessionClock
from records.fonts import cjk_font_path
from records.session_signing import TurnSigner
from records.session_stations import StationHandle
from records.session_workflow import RecordWorkflow, TurnReport
from records.site import WorkingSite
from records.views import RecordView, SignatoryView

__all__ = ["FiledRecord", "OfficerUnlock", "SigningSession", "StationMaker",
           "TerminalContext", "package_path"]

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def package_path(settings: Settings, record_id: str) -> Path:
    """Where the evidence package of a sealed record is filed."""
    return settings.data_path / "packages" / f"record-{record_id}.zip"


@dataclass(frozen=True)
class TerminalContext:
    """What a station of this record is made with (its site, clock, where its files go)."""

    site: WorkingSite
    passphrase: bytes
    timestamps: Any
    """The site's :class:`~crypto.pades_timestamps.TimestampSource`."""
    clock: SessionClock
    record_id: str
    workstation_log: CaptureLog
    """The workstation's capture log of the record (its own pad writes there too)."""
    capture_dir: Path
    media_dir: Path
    stack: contextlib.ExitStack
    """Whatever the maker starts is stopped through it when the session closes."""
    cancels: list[Callable[[str], object]] = field(default_factory=list)
    """How to call off a turn waiting at each station (the session is being closed)."""

    def signer(self, station: str) -> TurnSigner:
        """The turn signer of ``station`` (its device key, the archive, the timestamps)."""
        return TurnSigner(self.site.station_signing_key(station), self.site.archive_certificate(),
                          self.timestamps, cjk_font_path(), self.clock)


class StationMaker(Protocol):
    """Makes one station handle for a record (the terminal, the workstation's pad)."""

    def __call__(self, context: TerminalContext) -> StationHandle: ...


@dataclass(frozen=True)
class OfficerUnlock:
    """How the prosecutor unlocks the officer key: its passphrase, or the token's PIN."""

    passphrase_bytes: bytes | None = None
    token_pin: str | None = None

    @classmethod
    def passphrase(cls, value: bytes) -> OfficerUnlock:
        return cls(passphrase_bytes=value)

    @classmethod
    def pin(cls, value: str) -> OfficerUnlock:
        return cls(token_pin=value)


class _WithOfficerKey:
    """The site as the workflow sees it, with the officer key the prosecutor unlocked."""

    def __init__(self, site: WorkingSite, key: SigningKey) -> None:
        self._site, self._key = site, key

    def officer_key(self) -> SigningKey:
        return self._key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._site, name)


@dataclass(frozen=True)
class FiledRecord:
    """A sealed record, filed: its view, where its package is, the verifier's report."""

    view: RecordView
    package: Path
    report: Any
    """:class:`crypto.verify_report.PackageReport`."""


class SigningSession:
    """One record being signed at this workstation (see the module docstring)."""

    def __init__(self, settings: Settings, services: WorkstationServices, site: WorkingSite,
                 record_id: str, context: TerminalContext, workflow: RecordWorkflow,
                 stations: dict[str, StationHandle], stack: contextlib.ExitStack) -> None:
        self.settings, self.services, self.site = settings, services, site
        self.record_id = record_id
        self.context = context
        self.workflow = workflow
        self.stations = stations
        self._stack = stack
        self.closed = False

    @classmethod
    def open(cls, settings: Settings, services: WorkstationServices, passphrase: bytes,
             record_id: str, *, terminal: StationMaker, pad: StationMaker,
             clock: SessionClock | None = None, site: WorkingSite | None = None,
             on_turn: Callable[[TurnReport], None] | None = None,
             location: str | None = None) -> SigningSession:
        """Open the site (``passphrase`` unlocks the workstation's keys), the timestamps and
        the workstation's capture log of ``record_id``; make its stations."""
        stack = contextlib.ExitStack()
        try:
            site = site or WorkingSite.open(settings.pki_path, passphrase)
            timestamps = stack.enter_context(site.timestamps(settings.pki.tsa_url))
            clock = clock or SessionClock()
            capture = settings.data_path / "capture" / record_id
            capture.mkdir(parents=True, exist_ok=True)
            ws = site.names.workstation
            ws_log = CaptureLog.open(capture / f"{ws}.jsonl", site.log_key(ws), ws, clock=clock)
            stack.callback(ws_log.close)
            context = TerminalContext(site, passphrase, timestamps.source, clock, record_id,
                                      ws_log, capture, settings.data_path / "media", stack)
            stations = {"workstation": pad(context), "terminal": terminal(context)}
            workflow = RecordWorkflow(services.records, services.blobs, site, timestamps.source,
                                      ws_log, font_path=cjk_font_path(), stations=stations,
                                      wall_clock=_utc_now, location=location, on_turn=on_turn)
        except BaseException:
            stack.close()
            raise
        return cls(settings, services, site, record_id, context, workflow, stations, stack)

    # --- the steps -----------------------------------------------------------------------
    def view(self) -> RecordView:
        return self.services.records.load_record(self.record_id).result()

    def push(self) -> RecordView:
        """Log the record and show it at every station (their recordings start)."""
        return self.workflow.open(self.record_id)

    def next_signatory(self) -> SignatoryView | None:
        return self.view().current_signatory

    def officer_key_on_token(self) -> bool:
        """Whether the officer key is on a PKCS#11 token (a PIN, not a passphrase)."""
        return self.site.pki.find(self.site.names.officer, Role.OFFICER).key.kind == "pkcs11"

    def certify(self, unlock: OfficerUnlock) -> RecordView:
        """The prosecutor's certification with the officer key, unlocked as given (a wrong
        passphrase or PIN raises the crypto layer's typed error; nothing is signed)."""
        site, names = self.site, self.site.names
        with contextlib.ExitStack() as stack:
            if self.officer_key_on_token():
                key = stack.enter_context(self._token_key(unlock.token_pin or ""))
            else:
                identity = site.pki.load_identity(names.officer, Role.OFFICER,
                                                  unlock.passphrase_bytes or b"")
                key = SigningKey.from_identity(identity)
            workflow = self.workflow
            unlocked: Any = _WithOfficerKey(site, key)
            certifying = RecordWorkflow(
                workflow.service, workflow.blobs, unlocked, workflow.timestamps, workflow.log,
                font_path=workflow.font_path, stations=workflow.stations, wall_clock=_utc_now,
                location=workflow.location)
            return certifying.certify(self.record_id)

    def _token_key(self, pin: str) -> contextlib.AbstractContextManager[SigningKey]:
        from crypto.pkcs11 import TokenConfig, token_signing_key

        entry = self.site.pki.find(self.site.names.officer, Role.OFFICER)
        config = TokenConfig(self.settings.pki.pkcs11_module, entry.key.token_label)
        return token_signing_key(config, pin, entry.key.key_label,
                                 self.site.pki.certificate(entry), self.site.ca_chain)

    def run_turn(self) -> TurnReport:
        """The current signatory's turn, at their station, recorded."""
        return self.workflow.run_turn(self.record_id)

    def seal_and_file(self, progress: Callable[[str], None] = lambda _s: None) -> FiledRecord:
        """Seal (every station closes the record first), write the evidence package, and
        verify it as an archivist would."""
        from crypto.verify_package import verify_package
        from records.evidence_bundle import ink_from_iso
        from records.package import write_package

        progress("seal")
        sealed = self.workflow.seal(self.record_id)
        progress("package")
        destination = package_path(self.settings, self.record_id)
        destination.parent.mkdir(parents=True, exist_ok=True)
        written = write_package(destination, sealed, service=self.services.records,
                                blobs=self.services.blobs, site=self.site)
        progress("verify")
        report = verify_package(written.path, trust=[self.site.root],
                                archive_key=self.site.archive_key(), pen_decoder=ink_from_iso)
        return FiledRecord(sealed.view, written.path, report)

    def cancel(self, reason: str) -> None:
        """Call off any turn waiting at a station (its step raises, its op ends)."""
        for cancel in self.context.cancels:
            cancel(reason)

    def close(self) -> None:
        """Stop every station, log and service this session started.  Idempotent."""
        if self.closed:
            return
        self.closed = True
        self._stack.close()
