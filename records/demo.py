"""The headless demo, stage one: one record of every template, rendered from the templates'
example values into unsigned PDF revision 0 files.

Every file is what the workstation would push to a terminal before anyone has signed: the
form, the footers, the empty signature fields and the seal field.  Nothing here is simulated;
signing and sealing are later stages.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
    """What the headless demo did: ``ok`` only when every template rendered."""

    out_dir: Path
    language: str
    files: list[DemoFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.files)

    def summary(self) -> str:
        """Human-readable account of what was written and where (both languages)."""
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


def run_headless_demo(out_dir: Path, *, language: str = "zh",
                      progress: Callable[[str], None] = print,
                      templates_dir: Path | None = None) -> DemoResult:
    """Render one record of every template into ``out_dir`` (created if needed)."""
    out_dir = Path(out_dir)
    result = DemoResult(out_dir=out_dir, language=language)
    if language not in LANGUAGES:
        result.errors.append(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        return result
    try:
        templates = load_templates(templates_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
    except (TemplateError, OSError) as exc:
        result.errors.append(str(exc))
        return result
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
    return result
