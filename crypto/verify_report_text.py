"""The verification report as text for people, in Simplified Chinese or English.

Each check prints as one line: its verdict, what was checked, of what, and why.  Chinese text
comes from the tables here (by check name and reason); the English comes with the checks
themselves.  Technical detail (line numbers, hashes) follows in English where there is any.
"""

from __future__ import annotations

from crypto.pades_report import Check, Verdict
from crypto.verify_report import Outcome, PackageReport

__all__ = ["CHECK_NAMES", "REASONS_ZH", "check_line", "outcome_text", "render_text",
           "verdict_text"]

CHECK_NAMES: dict[str, tuple[str, str]] = {
    "package": ("证据包文件", "package file"),
    "pdf": ("PDF 文件", "PDF file"),
    "record_identity": ("笔录身份", "record identity"),
    "fields": ("签名栏", "signature fields"),
    "seal": ("电子印章", "seal"),
    "signature": ("签名", "signature"),
    "signer_role": ("签名人证书用途", "signer role"),
    "certificate": ("证书有效期", "certificate validity"),
    "signature_timestamp": ("签名时间戳", "signature timestamp"),
    "doc_timestamp": ("文档时间戳", "document timestamp"),
    "archive_renewal": ("归档时间戳续期", "archive timestamp renewal"),
    "checkpoints": ("日志检查点", "log checkpoints"),
    "evidence": ("证据包（生物特征）", "evidence bundle"),
    "validation_data": ("验证数据", "validation data"),
    "trust": ("信任根", "trust roots"),
    "log_key": ("日志密钥", "capture-log key"),
    "capture_log": ("采集日志", "capture log"),
    "checkpoint_timestamp": ("检查点时间戳", "checkpoint timestamp"),
    "log_binding": ("日志与笔录的对应", "log against record"),
    "media": ("录音录像", "recording"),
    "ink": ("笔迹与签名图像", "pen track against signature image"),
    "devices": ("采集设备", "capture devices"),
    "manifest": ("证据包清单", "package manifest"),
    "pen_commitments": ("日志中的笔迹批次承诺", "pen-batch commitments in the logs"),
}

REASONS_ZH: dict[str, str] = {
    "ok": "通过",
    "digest_mismatch": "签名覆盖的内容已被改动",
    "bad_signature": "签名值验证失败",
    "contents_tampered": "签名数据区被改动",
    "untrusted": "证书不受信任",
    "cert_untrusted": "证书不受信任",
    "cert_expired": "证书已过期",
    "cert_not_yet_valid": "证书尚未生效",
    "cert_revoked": "证书已被吊销",
    "wrong_role": "证书用途不符",
    "changed_after_seal": "封存后文档被改动",
    "modified_after": "签名后文档被不允许地改动",
    "timestamp_missing": "缺少签名时间戳",
    "timestamp_invalid": "时间戳无效",
    "doc_timestamp_missing": "缺少文档时间戳",
    "expired_after_signing": "证书在签名之后才过期（文档时间戳证明签名时有效）",
    "archive_timestamp_renewal_due": "归档时间戳即将到期，须在到期前续加文档时间戳",
    "archive_timestamp_expired": "归档时间戳已过期且未及时续期",
    "before_seal": "文档时间戳未覆盖电子印章",
    "field_missing": "缺少签名栏",
    "field_unsigned": "签名栏未签名",
    "seal_missing": "未加盖电子印章",
    "seal_not_locked": "电子印章未锁定文档",
    "seal_not_last": "电子印章之后又有签名",
    "order_wrong": "签名顺序不符",
    "unexpected_signature": "出现了意外的签名",
    "not_certified": "第一个签名不是认证签名",
    "record_identity_mismatch": "不是预期的笔录",
    "checkpoint_missing": "电子印章中没有日志检查点",
    "evidence_missing": "签名中没有证据信息",
    "evidence_package_mismatch": "证据文件与签名不符（可能被调换）",
    "evidence_hash_mismatch": "证据内容与签名中的摘要不符",
    "evidence_wrong_archive_key": "档案密钥无法解密该证据",
    "evidence_field_mismatch": "证据属于另一个签名栏",
    "evidence_record_mismatch": "证据属于另一份笔录",
    "evidence_signatory_mismatch": "证据属于另一位签名人",
    "evidence_file_missing": "证据包中缺少该证据文件",
    "roots_from_package": "信任根取自证据包本身，未经验证者指定，结果不构成信任",
    "file_missing": "清单中的文件缺失",
    "file_altered": "文件与清单中的摘要不符",
    "file_not_in_manifest": "文件不在清单中",
    "tag_missing": "标签文件缺失",
    "tag_altered": "标签文件被改动",
    "manifest_unreadable": "证据包清单无法读取",
    "edited": "日志行在签名后被修改",
    "deleted": "日志记录被删除",
    "reordered": "日志记录顺序被调换",
    "inserted": "日志中被插入了记录",
    "truncated": "日志末尾被截除",
    "broken_chain": "日志哈希链断开",
    "checkpoint_mismatch": "日志与检查点不一致",
    "checkpoint_invalid": "检查点签名无效",
    "missing_log": "缺少日志",
    "anchor_mismatch": "交叉锚定不符",
    "unsealed_entries": "检查点之后还有未封存的日志记录",
    "checkpoint_other_record": "日志属于另一份笔录",
    "combined_signer_unknown": "合并检查点的签署密钥不受信任",
    "log_record_mismatch": "日志记录的是另一份笔录",
    "pages_not_shown": "签名前未显示全部页面",
    "evidence_not_logged": "签名中的证据与设备日志不符",
    "signature_not_logged": "设备日志中没有该签名",
    "evidence_mismatch": "日志中的证据包与签名不符",
    "revision_mismatch": "签名的 PDF 版本与日志不符",
    "refusal_not_logged": "拒绝签名未在日志中记录",
    "media_missing": "录像文件缺失",
    "segment_mismatch": "录像片段与日志中的摘要不符",
    "segment_truncated": "录像片段被截短",
    "media_extra_bytes": "录像中有日志之外的数据",
    "media_size_mismatch": "录像大小与日志不符",
    "media_mismatch": "录像与日志记录的整体摘要不符",
    "segment_list_missing": "缺少分段列表",
    "segment_list_malformed": "分段列表格式错误",
    "segment_list_chain": "分段列表哈希链断开",
    "segment_list_mismatch": "分段列表与日志不符",
    "recording_unfinished": "录像未正常结束",
    "ink_mismatch": "签名图像与笔迹数据不符",
    "no_pen_decoder": "未提供笔迹解码器，未比对",
    "archive_key_not_given": "未提供档案密钥，未解密比对",
    "no_visible_signature": "签名没有可见图像",
    "simulated": "使用了模拟设备（非真实硬件采集）",
    "hardware": "全部为真实设备",
    "not_pdf": "不是可读的 PDF",
    "not_a_bag": "不是证据包",
    "pen_track_unreadable": "笔迹数据无法解码",
    "file_unreadable": "证据包中的文件无法读取（压缩包结构已损坏）",
    "media_unreadable": "录像文件无法读取",
    "manifest_fields_mismatch": "证据包清单与笔录的签名栏不符",
    "log_key_unusable": "日志密钥不可用",
    "log_certificate_unreadable": "日志证书无法读取",
    "seal_checkpoints_unreadable": "电子印章中的检查点无法读取",
    "sealed_logs_unreadable": "日志封存文件无法读取",
    "log_missing": "缺少日志文件",
    "token_missing": "缺少检查点时间戳",
    "imprint_mismatch": "时间戳对应的是其他数据",
    "pdf_only": "仅验证 PDF，日志和录像在证据包中",
    "signature_unreadable": "签名无法读取",
    "unsafe_path": "路径不安全",
    "manifest_malformed": "清单格式错误",
    "pen_batches_reordered": "加密证据中的笔迹批次顺序与日志不符",
    "pen_batch_missing": "日志记录的笔迹批次在加密证据中缺失",
    "pen_batch_not_logged": "加密证据中有日志从未记录的笔迹批次",
    "pen_batch_mismatch": "笔迹批次与日志中的承诺值不符",
    "pen_batch_facts_mismatch": "日志所述笔迹批次的数量、时间或笔画与数据不符",
    "pen_accepted_mismatch": "确认的签名笔迹采样数与日志不符",
    "pen_report_mismatch": "日志中无法解码的签名板报告与加密证据不符",
    "pen_opening_missing": "加密证据中没有可核对日志承诺的笔迹数据",
    "pen_opening_malformed": "加密证据中的笔迹批次数据格式错误",
    "pen_opening_lost": "签名过程未结束，笔迹数据未封存，无法核对",
    "pen_sealed_missing": "日志中缺少封存的笔迹数据",
    "pen_sealed_incomplete": "日志中封存的笔迹数据不完整",
    "pen_sealed_malformed": "日志中封存的笔迹数据格式错误",
    "pen_sealed_wrong_archive_key": "档案密钥无法解密日志中封存的笔迹数据",
    "pen_sealed_decrypt_failed": "日志中封存的笔迹数据无法解密",
    "pen_samples_in_clear": "日志（格式 1）以明文记录笔迹采样，无承诺可核对",
    "evidence_not_opened": "证据未能解密，未核对",
}

_VERDICTS = {Verdict.PASS: ("通过", "PASS"), Verdict.FAIL: ("失败", "FAIL"),
             Verdict.WARN: ("注意", "WARN"), Verdict.SKIP: ("略过", "SKIP")}
_OUTCOMES = {Outcome.PASS: ("验证通过", "VERIFIED"), Outcome.FAIL: ("验证失败", "FAILED"),
             Outcome.UNTRUSTED: ("完整但未建立信任（未指定信任根）",
                                 "INTACT BUT NOT TRUSTED (no trust roots given)")}


def _pick(pair: tuple[str, str], language: str) -> str:
    if language == "en":
        return pair[1]
    if language == "zh+en":
        return f"{pair[0]} {pair[1]}"
    return pair[0]


def verdict_text(verdict: Verdict, language: str) -> str:
    return _pick(_VERDICTS[verdict], language)


def outcome_text(outcome: Outcome, language: str) -> str:
    return _pick(_OUTCOMES[outcome], language)


def check_line(check: Check, language: str) -> str:
    """One check as one line."""
    name = _pick(CHECK_NAMES.get(check.name, (check.name, check.name)), language)
    subject = f" {check.subject}" if check.subject else ""
    head = f"[{verdict_text(check.verdict, language)}] {name}{subject}"
    if language == "en":
        return f"{head}: {check.message}"
    reason = REASONS_ZH.get(check.reason, check.reason)
    zh = check.details.get("zh") if isinstance(check.details.get("zh"), str) else None
    if check.verdict is Verdict.PASS:
        return f"{head}：{reason}（{check.message}）"
    return f"{head}：{zh or reason}（{check.message}）"


def render_text(report: PackageReport, language: str = "zh") -> str:
    """The whole report as plain text."""
    zh = language != "en"
    lines = ["Inkseal 验证报告" if zh else "Inkseal verification report",
             ("对象：" if zh else "Subject: ") + f"{report.subject} "
             + (("（证据包）" if report.kind == "package" else "（PDF 文件）") if zh
                else f"({report.kind})")]
    record = report.record
    if record:
        lines.append(("笔录：" if zh else "Record: ") + " ".join(
            f"{k}={v}" for k, v in record.items() if v not in (None, "")))
    lines.append(("信任根：由验证者指定" if report.trusted else
                  "信任根：未指定（仅使用证据包自带的根证书，结果不构成信任）") if zh else
                 ("Trust roots: given by the verifier" if report.trusted else
                  "Trust roots: NOT given (the package's own roots were used; nothing is "
                  "trusted)"))
    if report.simulated:
        listing = "; ".join(f"{k}: {', '.join(v)}" for k, v in report.simulated.items())
        lines.append(("设备：模拟设备 SIMULATED — " if zh else "Devices: SIMULATED — ")
                     + listing)
    if not report.archive_key:
        lines.append("档案密钥：未提供（证据未解密）" if zh else
                     "Archive key: not given (evidence not decrypted)")
    lines.append("")
    lines.extend(check_line(c, language) for c in report.checks)
    lines.append("")
    counts = report.counts()
    tally = (f"通过 {counts['pass']}，失败 {counts['fail']}，注意 {counts['warn']}，"
             f"略过 {counts['skip']}" if zh else
             f"{counts['pass']} passed, {counts['fail']} failed, {counts['warn']} warnings, "
             f"{counts['skip']} skipped")
    lines.append(("结论：" if zh else "Verdict: ") + outcome_text(report.outcome, language)
                 + f" — {tally}")
    return "\n".join(lines) + "\n"
