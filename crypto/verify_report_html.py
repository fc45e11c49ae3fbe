"""The verification report as one self-contained, printable HTML page (no scripts, no
external resources), in Simplified Chinese or English."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from crypto.pades_report import Verdict
from crypto.verify_report import Outcome, PackageReport
from crypto.verify_report_text import CHECK_NAMES, REASONS_ZH, outcome_text, verdict_text

__all__ = ["render_html"]

_STYLE = """
body { font-family: "Inkseal Sans", "Noto Sans CJK SC", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
.outcome { font-size: 1.2em; padding: 0.5em 0.8em; border: 2px solid; display: inline-block; }
.pass { color: #0a6b2a; border-color: #0a6b2a; }
.fail { color: #a40f12; border-color: #a40f12; }
.warn, .untrusted { color: #8a5a00; border-color: #8a5a00; }
.skip { color: #555; border-color: #999; }
.simulated { background: #fff3cd; padding: 0.4em 0.8em; border: 1px solid #8a5a00; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.verdict { font-weight: bold; white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; }
@media print { body { margin: 1cm; } tr { page-break-inside: avoid; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(report: PackageReport, language: str = "zh") -> str:
    """The report as an HTML document."""
    zh = language != "en"
    title = "Inkseal 验证报告" if zh else "Inkseal verification report"
    outcome = report.outcome
    css = {Outcome.PASS: "pass", Outcome.FAIL: "fail", Outcome.UNTRUSTED: "untrusted"}[outcome]
    rows = []
    for check in report.checks:
        name = CHECK_NAMES.get(check.name, (check.name, check.name))[0 if zh else 1]
        reason = REASONS_ZH.get(check.reason, check.reason) if zh else check.reason
        rows.append(
            f"<tr><td class='verdict {check.verdict.value}'>"
            f"{_e(verdict_text(check.verdict, language))}</td><td>{_e(name)}</td>"
            f"<td>{_e(check.subject)}</td><td>{_e(reason)}</td><td>{_e(check.message)}</td></tr>")
    facts = [("对象" if zh else "Subject", report.subject),
             ("类型" if zh else "Kind", report.kind),
             ("信任根" if zh else "Trust roots",
              ("由验证者指定" if zh else "given by the verifier") if report.trusted else
              ("未指定：仅用证据包自带的根证书，结果不构成信任" if zh else
               "not given: the package's own roots were used, nothing is trusted")),
             ("档案密钥" if zh else "Archive key",
              ("已提供，证据已解密比对" if zh else "given: evidence decrypted and compared")
              if report.archive_key else ("未提供" if zh else "not given")),
             ("生成时间" if zh else "Generated",
              datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))]
    facts += [(str(k), str(v)) for k, v in report.record.items() if v not in (None, "")]
    simulated = ""
    if report.simulated:
        listing = "; ".join(f"{k}: {', '.join(v)}" for k, v in report.simulated.items())
        simulated = (f"<p class='simulated'>{'模拟设备' if zh else 'Simulated devices'} "
                     f"SIMULATED — {_e(listing)}</p>")
    counts = report.counts()
    tally = " · ".join(f"{_e(verdict_text(Verdict(k), language))} {n}"
                       for k, n in counts.items())
    head = ["结果", "检查", "对象", "原因", "说明"] if zh else \
        ["Verdict", "Check", "Subject", "Reason", "Detail"]
    return (
        f"<!DOCTYPE html>\n<html lang='{'zh-CN' if zh else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f"<p class='outcome {css}'>{_e(outcome_text(outcome, language))}</p>"
        f"<p>{tally}</p>{simulated}"
        "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>"
        "<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table></body></html>\n")
