"""The domain layer's error tree: every error has a machine-readable ``reason`` and a message in
Simplified Chinese and English.

Programs branch on ``reason`` (a short stable code) and on the typed attributes each error
carries (which signatory, which blob, which field), never on the message text.  ``str(error)``
is the English message, for logs; a UI asks ``error.message(language)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "RecordError",
    "NotFound",
    "InvalidInput",
    "InputProblem",
    "InvalidFields",
    "SigningError",
    "NotYourTurn",
    "BlobError",
    "BlobNotFound",
    "BlobCorrupted",
    "InvalidBlobId",
    "StorageError",
    "SchemaNotCurrent",
]


class RecordError(Exception):
    """Base of every domain error: ``reason`` for programs, ``zh``/``en`` for people."""

    def __init__(self, *, reason: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.reason = reason
        self.zh = zh
        self.en = en

    def message(self, language: str = "zh") -> str:
        """The message in ``language`` ('zh', 'en' or 'zh+en')."""
        if language == "en":
            return self.en
        if language == "zh+en":
            return f"{self.zh} / {self.en}"
        return self.zh


class NotFound(RecordError):
    """A case, person, record or template that does not exist; ``kind`` and ``key`` name it."""

    _KINDS = {"case": "案件", "person": "人员", "record": "笔录", "template": "文书模板",
              "signatory": "签名人"}

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(reason=f"{kind}_not_found",
                         zh=f"找不到{self._KINDS.get(kind, kind)}：{key}",
                         en=f"no {kind} {key!s}")
        self.kind = kind
        self.key = key


@dataclass(frozen=True)
class InputProblem:
    """One bad value handed to the service: which ``field``, a ``code``, and what is wrong."""

    field: str
    code: str
    zh: str
    en: str


class InvalidInput(RecordError):
    """Values for a case, a person or a signatory assignment were refused; ``problems`` lists
    every one of them (not just the first), so a form can mark all bad fields at once."""

    def __init__(self, problems: Sequence[InputProblem], *, reason: str = "invalid_input") -> None:
        self.problems = tuple(problems)
        super().__init__(
            reason=reason,
            zh="；".join(f"{p.field}：{p.zh}" for p in self.problems),
            en="; ".join(f"{p.field}: {p.en}" for p in self.problems))


class InvalidFields(RecordError):
    """A record's field values failed the template's validation; nothing was written.

    ``errors`` are the template layer's ``FieldError`` values (field, code, bilingual message),
    every one of them.
    """

    def __init__(self, template_id: str, errors: Sequence[object]) -> None:
        self.template_id = template_id
        self.errors = tuple(errors)
        names = ", ".join(str(getattr(e, "field", "?")) for e in self.errors)
        super().__init__(reason="invalid_fields",
                         zh=f"文书“{template_id}”有 {len(self.errors)} 个字段不合格：{names}",
                         en=f"{len(self.errors)} field(s) of {template_id!r} are invalid: {names}")


class SigningError(RecordError):
    """A signing-order transition that is not allowed now (sealed, stopped, out of turn...).

    ``record_id`` and ``revision`` locate the record where the caller gave them; ``order`` and
    ``role`` name the signatory the caller acted for, when there was one.
    """

    def __init__(self, *, reason: str, zh: str, en: str, order: int | None = None,
                 role: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.order = order
        self.role = role
        self.record_id: str | None = None
        self.revision: int | None = None


class NotYourTurn(SigningError):
    """Someone other than the current signatory tried to sign or refuse.

    ``current_order``/``current_role`` say whose turn it is.
    """

    def __init__(self, *, order: int, role: str, label_zh: str, label_en: str,
                 current_order: int, current_role: str, current_zh: str, current_en: str) -> None:
        super().__init__(
            reason="not_your_turn", order=order, role=role,
            zh=f"现在轮到{current_zh}（第 {current_order} 位）签名，"
               f"不是{label_zh}（第 {order} 位）",
            en=f"it is the {current_en}'s turn (no. {current_order}), not the {label_en}'s "
               f"(no. {order})")
        self.current_order = current_order
        self.current_role = current_role


class BlobError(RecordError):
    """The content-addressed store could not keep or give back a blob; ``sha256`` names it."""

    def __init__(self, *, reason: str, zh: str, en: str, sha256: str | None = None,
                 path: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.sha256 = sha256
        self.path = path


class InvalidBlobId(BlobError):
    """A string that is not a SHA-256 in lower-case hexadecimal was used as a blob id."""

    def __init__(self, value: str) -> None:
        super().__init__(reason="invalid_blob_id",
                         zh=f"不是有效的 SHA-256 摘要：{value!r}",
                         en=f"not a lower-case hexadecimal SHA-256: {value!r}")
        self.value = value


class BlobNotFound(BlobError):
    """No blob with this hash is in the store."""

    def __init__(self, sha256: str, path: str) -> None:
        super().__init__(reason="blob_not_found", sha256=sha256, path=path,
                         zh=f"存储中没有摘要为 {sha256} 的文件（{path}）",
                         en=f"no blob {sha256} in the store ({path})")


class BlobCorrupted(BlobError):
    """The bytes read (or received) do not hash to what they should: ``expected``/``actual``."""

    def __init__(self, *, expected: str, actual: str, path: str | None, size: int) -> None:
        super().__init__(reason="blob_corrupted", sha256=expected, path=path,
                         zh=f"文件内容已损坏或被篡改：应为 {expected}，"
                            f"实为 {actual}（{size} 字节）",
                         en=f"blob content does not match its hash: expected {expected}, "
                            f"got {actual} ({size} bytes)")
        self.expected = expected
        self.actual = actual
        self.size = size


class StorageError(RecordError):
    """The database cannot be opened, reached or migrated; ``url`` is given with any password
    hidden."""

    def __init__(self, *, reason: str, zh: str, en: str, url: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.url = url


class SchemaNotCurrent(StorageError):
    """The database's schema is not the one this program expects (``current`` vs ``head``)."""

    def __init__(self, *, url: str, current: str | None, head: str) -> None:
        now = current or "（空库）"
        super().__init__(
            reason="schema_not_current", url=url,
            zh=f"数据库结构版本为 {now}，本程序需要 {head}；请运行 inkseal db upgrade",
            en=f"database schema is at {current or '(empty)'}, this program needs {head}; "
               "run 'inkseal db upgrade'")
        self.current = current
        self.head = head
