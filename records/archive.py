"""Keeping an evidence package valid for the long term: renewing its archive timestamp.

A package is renewed into a new package (the original is never touched): the package is
first verified in full against the site's root (a package that fails anything is not
renewed: a new timestamp over damaged evidence would only dignify it); then the sealed PDF
gets the validation data of its newest document timestamp and a new document timestamp from
the site's current authority (:mod:`crypto.pades_archive`); every other file is copied as it
is, the BagIt manifests are rewritten, and the new package is verified again before it is
reported.  ``bag-info.txt`` keeps its fields and records the renewal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crypto.bagit import BagWriter
from crypto.errors import BagError, CryptoError
from crypto.pades_archive import renew_archive_timestamp, renew_by
from crypto.pades_timestamps import TimestampSource
from crypto.verify_package import verify_package
from crypto.verify_package_files import PackageFiles
from crypto.verify_report import PackageReport
from records.errors import RecordError
from records.site import WorkingSite

__all__ = ["ArchiveError", "PackageDue", "RenewedPackage", "renew_package", "scan_packages"]

_GENERATED = {"Bag-Software-Agent", "Bagging-Date", "Payload-Oxum"}
_COPY_CHUNK = 1 << 20


class ArchiveError(RecordError):
    """A package that cannot be renewed.  ``reason``: ``exists`` (the destination),
    ``not_a_bag``, ``package_failed`` (it does not verify; ``report`` says why), and the
    renewal's own reasons (``chain_broken``, ``timestamp_failed``, ...)."""

    def __init__(self, *, reason: str, zh: str, en: str,
                 report: PackageReport | None = None, site: bool = False) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.report = report
        self.site = site
        """The site's keys could not be opened (a wrong passphrase, a missing key)."""


@dataclass(frozen=True)
class RenewedPackage:
    """The new package and both verification reports."""

    path: Path
    before: PackageReport
    after: PackageReport


@dataclass(frozen=True)
class PackageDue:
    """One package found by :func:`scan_packages`: when it must be renewed, or why that
    could not be read (``problem``)."""

    path: Path
    record_id: str
    renew_by: datetime | None
    problem: str = ""


def _package_paths(root: Path) -> list[Path]:
    if (root / "bagit.txt").is_file() or root.suffix == ".zip":
        return [root]
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix == ".zip" and path.is_file():
            found.append(path)
        elif path.name == "bagit.txt":
            found.append(path.parent)
    return found


def scan_packages(root: Path) -> list[PackageDue]:
    """Every package under ``root`` (zips and bag directories) with the date its archive
    timestamp must be renewed by, soonest first; unreadable ones last, with the reason.
    Reads each sealed PDF only (fast): it is no verification."""
    found: list[PackageDue] = []
    for path in _package_paths(Path(root)):
        try:
            with PackageFiles(path) as files:
                record_id = (files.info.get("Inkseal-Record-Id") or ("",))[0]
                found.append(PackageDue(path, record_id, renew_by(files.read("record.pdf"))))
        except (BagError, CryptoError, OSError) as exc:
            found.append(PackageDue(path, "", None, str(exc)))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(found, key=lambda d: (d.renew_by is None, d.renew_by or far, str(d.path)))


def _rewrite(source: Path, dest: Path, timestamps: TimestampSource, site: WorkingSite,
             at: datetime | None, progress: Callable[[str], None]) -> None:
    try:
        files = PackageFiles(source)
    except BagError as exc:
        raise ArchiveError(reason="not_a_bag", zh=f"不是证据包：{exc}",
                           en=f"not a package: {exc}") from exc
    with files:
        pdf_name = "data/record.pdf"
        pdf = files.read(pdf_name.removeprefix("data/"))
        progress("adding the validation data and a new document timestamp")
        try:
            renewed = renew_archive_timestamp(pdf, timestamps=timestamps,
                                              trust=site.validation(), at=at)
        except CryptoError as exc:
            raise ArchiveError(reason=exc.reason, zh=f"续期失败：{exc}",
                               en=f"the renewal failed: {exc}") from exc
        progress(f"writing {dest}")
        with BagWriter(dest, as_zip=not source.is_dir()) as writer:
            for member in sorted(files.manifest):
                name = member.removeprefix("data/")
                if member == pdf_name:
                    writer.add_bytes(name, renewed)
                    continue
                with files.open_file(member) as stream:
                    writer.add_stream(name, stream, files.files[member])
            info = {label: values[0] for label, values in files.info.items()
                    if label not in _GENERATED and values}
            info["Archive-Timestamp-Renewed"] = (at or datetime.now(UTC)).isoformat(
                timespec="seconds")
            writer.finish(info)


def renew_package(source: Path, dest: Path, site: WorkingSite, *, tsa_url: str = "",
                  at: datetime | None = None,
                  progress: Callable[[str], None] = lambda _text: None) -> RenewedPackage:
    """Write ``dest``: ``source`` with its archive timestamp renewed by the site's TSA (or the
    one at ``tsa_url``).  ``at`` is the renewal time the checks use (now by default)."""
    source, dest = Path(source), Path(dest)
    if dest.exists():
        raise ArchiveError(reason="exists", zh=f"{dest} 已存在", en=f"{dest} already exists")
    roots = [site.root]
    try:
        service = site.timestamps(tsa_url)  # first: a wrong passphrase is said at once
    except RecordError as exc:
        raise ArchiveError(reason=exc.reason, zh=f"无法打开站点密钥：{exc.zh}",
                           en=f"cannot open the site's keys: {exc.en}", site=True) from exc
    with service:
        progress("verifying the package before renewing it")
        before = verify_package(source, trust=roots, at=at)
        if not before.ok:
            reasons = ", ".join(sorted(before.reasons()))
            raise ArchiveError(reason="package_failed", report=before,
                               zh=f"证据包验证未通过（{reasons}），不予续期",
                               en=f"the package does not verify ({reasons}): not renewed")
        _rewrite(source, dest, service.source, site, at, progress)
    progress("verifying the renewed package")
    after = verify_package(dest, trust=roots, at=at)
    return RenewedPackage(dest, before, after)
