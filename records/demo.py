"""The headless demo: one complete record, from draft to a verified evidence package.

Into a data directory under the output directory (working site PKI and local TSA created on
the first run, a demo passphrase beside them) it drafts the interrogation transcript of the
juvenile theft case, pushes it to the workstation's own pad and to a terminal (both stations
in this process, each with its own capture log and key), has the prosecutor certify it, then
the recorder and the appropriate adult sign at the workstation and the suspect at the
terminal, with pen tracks replayed from a real STU log through the simulated STU pad, a
fingerprint from the simulated R30x reader on a pseudo-terminal, photos and A/V recordings
from the synthetic camera and microphone; it seals, writes the BagIt package and runs the
verifier on it.  Every device is simulated and everything produced says so.

``unsigned=True`` keeps stage one: one unsigned revision 0 of every template, nothing else.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from records.fields import FieldValidationError
from records.render import RenderError, RenderRequest, render_record, signatory_lines
from records.templates import LANGUAGES, Template, TemplateError, load_templates

__all__ = ["DEMO_CREATED", "DemoFile", "DemoResult", "demo_record_id", "run_headless_demo"]

# Used for a template that declares no example_created: the day of the origin case.
DEMO_CREATED = datetime(2020, 2, 10, 9, 0, tzinfo=timezone(timedelta(hours=8)))
_NAMESPACE = uuid.UUID("5d1f0c52-8f7e-4b8a-9f3e-1c2b7a9d4e60")


@dataclass(frozen=True)
class DemoFile:
    """One PDF the demo wrote."""

    template_id: str
    path: Path
    sha256: str
    pages: int
    signature_fields: tuple[str, ...]


@dataclass
class DemoResult:
    """What the headless demo did: ``ok`` only when everything it set out to do succeeded
    (stage one: every template rendered; full run: the package verified)."""

    out_dir: Path
    language: str
    files: list[DemoFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unsigned: bool = True
    record_id: str | None = None
    package: Path | None = None
    data_dir: Path | None = None
    trust_root: Path | None = None
    archive_key: Path | None = None
    passphrase_file: Path | None = None
    report: Any = None
    """The verifier's :class:`crypto.verify_report.PackageReport` of the package."""

    @property
    def ok(self) -> bool:
        if self.errors:
            return False
        if self.unsigned:
            return bool(self.files)
        return self.report is not None and self.report.ok and self.report.trusted

    def summary(self) -> str:
        """Human-readable account of what was written and where (both languages)."""
        if not self.unsigned:
            return self._full_summary()
        lines = [f"演示输出目录 Demo output: {self.out_dir.resolve()}",
                 f"第一阶段：未签名的记录（修订 0），语言 {self.language} / "
                 f"Stage one: unsigned records (revision 0), language {self.language}"]
        for item in self.files:
            lines.append(f"  {item.path.name}  {item.pages} p.  sha256 {item.sha256}  "
                         f"fields: {', '.join(item.signature_fields)}")
        for error in self.errors:
            lines.append(f"  失败 FAILED: {error}")
        verdict = ("全部完成 all done" if self.ok
                   else f"{len(self.errors)} 项失败 {len(self.errors)} failed")
        lines.append(f"{len(self.files)} 个文件 files; {verdict}")
        return "\n".join(lines)

    def _full_summary(self) -> str:
        lines = [f"演示输出目录 Demo output: {self.out_dir.resolve()}"]
        if self.record_id:
            lines.append(f"笔录 Record: {self.record_id}")
        if self.package is not None:
            lines.append(f"证据包 Evidence package: {self.package.resolve()}")
        if self.report is not None:
            lines.append(self.report.summary_line())
        if self.package is not None and self.trust_root and self.archive_key:
            lines.append(f"重新验证 Verify again: inkseal verify {self.package} --trust "
                         f"{self.trust_root} --archive-key {self.archive_key} "
                         f"--passphrase-file {self.passphrase_file}")
        for error in self.errors:
            lines.append(f"  失败 FAILED: {error}")
        lines.append("演示成功 demo passed" if self.ok else "演示失败 demo FAILED")
        return "\n".join(lines)


def demo_record_id(template: Template) -> str:
    """A stable, clearly marked record id for the demo record of ``template``."""
    return f"DEMO-{uuid.uuid5(_NAMESPACE, f'{template.id}/v{template.version}')}"


def _write_atomically(path: Path, data: bytes) -> None:
    # A half-written PDF must never sit under the final name.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _render_all(result: DemoResult, templates: dict[str, Template], out_dir: Path,
                progress: Callable[[str], None]) -> None:
    language = result.language
    values_language = "en" if language == "en" else "zh"
    for template in templates.values():
        progress(f"渲染 rendering {template.id} ({template.title.get(language)})")
        values = template.example_values(values_language)
        request = RenderRequest(template=template, values=values,
                                record_id=demo_record_id(template), revision=0,
                                language=language,
                                created=template.example_created or DEMO_CREATED,
                                signatories=signatory_lines(template, values))
        try:
            rendered = render_record(request)
            path = out_dir / f"{template.id}.{language.replace('+', '-')}.pdf"
            _write_atomically(path, rendered.pdf)
        except (FieldValidationError, RenderError, OSError) as exc:
            result.errors.append(f"{template.id}: {exc}")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != rendered.sha256:
            result.errors.append(f"{template.id}: {path} does not read back as written")
            continue
        result.files.append(DemoFile(template.id, path, rendered.sha256, rendered.pages,
                                     tuple(f.name for f in rendered.fields)
                                     + (rendered.seal.name,)))


def demo_passphrase(data_dir: Path) -> Path:
    """The demo site's passphrase file (created once, owner-only).  A real site never keeps
    its passphrase beside its keys; the demo does, and says so in its name."""
    path = data_dir / "DEMO-ONLY-site-passphrase.txt"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    return path


def run_headless_demo(out_dir: Path, *, language: str = "zh",
                      progress: Callable[[str], None] = print,
                      templates_dir: Path | None = None, unsigned: bool = False,
                      pen_speed: float | None = 8.0, av: bool = True,
                      link: Callable[..., Any] | None = None) -> DemoResult:
    """The full demo into ``out_dir`` (created if needed); ``unsigned`` renders stage one
    only.  ``pen_speed`` is how much faster than recorded the pen is replayed (None: at
    once); ``av=False`` leaves cameras and microphones out (tests).  ``link`` reaches the
    terminal over the workstation-terminal link (``records.remote_station.loopback_terminal``:
    in this process over TLS on loopback; ``listening_terminal(ADDRESS)``: another process)."""
    out_dir = Path(out_dir)
    result = DemoResult(out_dir=out_dir, language=language, unsigned=unsigned)
    if language not in LANGUAGES:
        result.errors.append(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        return result
    try:
        templates = load_templates(templates_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
    except (TemplateError, OSError) as exc:
        result.errors.append(str(exc))
        return result
    if unsigned:
        _render_all(result, templates, out_dir, progress)
        return result
    from records.session_demo import run_record_demo  # devices, crypto: only for the full run

    run_record_demo(result, templates, progress=progress, pen_speed=pen_speed, av=av, link=link)
    return result
