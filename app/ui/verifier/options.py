"""What a verification trusts and can open: the trust roots chosen by the archivist and the
archive key (with its passphrase), loaded off the GUI thread, errors typed and bilingual."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.style import set_role
from records.errors import RecordError

__all__ = ["OptionsDialog", "OptionsError", "VerificationOptions", "load_options"]


class OptionsError(RecordError):
    """A trust root or the archive key cannot be used; ``path`` names the file."""

    def __init__(self, *, reason: str, zh: str, en: str, path: str) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.path = path


@dataclass(frozen=True)
class VerificationOptions:
    """The files chosen, and what they hold once loaded."""

    trust_paths: tuple[Path, ...] = ()
    archive_key_path: Path | None = None
    roots: tuple[x509.Certificate, ...] = ()
    archive_key: rsa.RSAPrivateKey | None = field(default=None, repr=False)


_KEY_REASONS_ZH = {"wrong_passphrase": "口令错误（或密钥文件已损坏）", "key_missing": "找不到密钥文件",
                   "key_corrupt": "密钥文件已损坏", "key_unencrypted": "密钥未加密保存，拒绝使用",
                   "passphrase_empty": "口令为空"}


def load_options(trust_paths: Sequence[Path], archive_key_path: Path | None,
                 passphrase: bytes | None) -> VerificationOptions:
    """Read the trust roots and decrypt the archive key (slow: run it in the background)."""
    from crypto.errors import CryptoError
    from crypto.keys import load_private_key

    roots: list[x509.Certificate] = []
    for path in trust_paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
        except OSError as exc:
            raise OptionsError(reason="trust_unreadable", path=str(path),
                               zh=f"无法读取信任根文件 {path}：{exc.strerror}",
                               en=f"cannot read the trust root {path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise OptionsError(reason="trust_not_pem", path=str(path),
                               zh=f"{path} 不是 PEM 证书", en=f"{path} is not a PEM certificate"
                               ) from exc
    key = None
    if archive_key_path is not None:
        try:
            loaded = load_private_key(Path(archive_key_path), passphrase or b"")
        except CryptoError as exc:
            zh = _KEY_REASONS_ZH.get(exc.reason, "无法读取档案密钥")
            raise OptionsError(reason=exc.reason, path=str(archive_key_path),
                               zh=f"{zh}：{archive_key_path}",
                               en=f"cannot use the archive key {archive_key_path}: {exc}"
                               ) from exc
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise OptionsError(reason="not_archive_key", path=str(archive_key_path),
                               zh="这不是档案（RSA）密钥", en="that is not the archive's (RSA) key")
        key = loaded
    return VerificationOptions(tuple(Path(p) for p in trust_paths),
                               Path(archive_key_path) if archive_key_path else None,
                               tuple(roots), key)


class OptionsDialog(Retranslating, QDialog):
    """Choose trust roots and the archive key; :attr:`passphrase` is asked here too."""

    def __init__(self, current: VerificationOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-options")
        self.trust_box = QGroupBox(self)
        self.trust_list = QListWidget(self.trust_box)
        for path in current.trust_paths:
            self.trust_list.addItem(str(path))  # untranslated: a file path
        self.add_trust = QPushButton(self.trust_box)
        self.remove_trust = QPushButton(self.trust_box)
        self.add_trust.clicked.connect(self._browse_trust)
        self.remove_trust.clicked.connect(
            lambda: self.trust_list.takeItem(self.trust_list.currentRow()))
        trust_buttons = QHBoxLayout()
        trust_buttons.addWidget(self.add_trust)
        trust_buttons.addWidget(self.remove_trust)
        trust_buttons.addStretch(1)
        self.trust_hint = QLabel(self.trust_box)
        self.trust_hint.setWordWrap(True)
        set_role(self.trust_hint, "hint")
        trust_column = QVBoxLayout(self.trust_box)
        trust_column.addWidget(self.trust_hint)
        trust_column.addWidget(self.trust_list)
        trust_column.addLayout(trust_buttons)

        self.key_box = QGroupBox(self)
        self.key_path = QLineEdit(self.key_box)
        self.key_path.setObjectName("archive-key-path")
        self.key_path.setText(str(current.archive_key_path or ""))
        self.browse_key = QPushButton(self.key_box)
        self.browse_key.clicked.connect(self._browse_key)
        self.passphrase_label = QLabel(self.key_box)
        self.passphrase_edit = QLineEdit(self.key_box)
        self.passphrase_edit.setObjectName("archive-key-passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        self.key_hint = QLabel(self.key_box)
        self.key_hint.setWordWrap(True)
        set_role(self.key_hint, "hint")
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_path, 1)
        key_row.addWidget(self.browse_key)
        key_column = QVBoxLayout(self.key_box)
        key_column.addWidget(self.key_hint)
        key_column.addLayout(key_row)
        key_column.addWidget(self.passphrase_label)
        key_column.addWidget(self.passphrase_edit)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.trust_box)
        column.addWidget(self.key_box)
        column.addWidget(self.buttons)
        self.resize(560, 460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Verification options"))
        self.trust_box.setTitle(self.tr("Trust roots"))
        self.trust_hint.setText(self.tr(
            "Only the roots you give here are trusted. Without them the package's own roots "
            "are used and the result is marked untrusted."))
        self.add_trust.setText(self.tr("&Add root…"))
        self.remove_trust.setText(self.tr("&Remove"))
        self.key_box.setTitle(self.tr("Archive key"))
        self.key_hint.setText(self.tr(
            "With the archive key, the encrypted evidence (pen tracks, fingerprints, photos) "
            "is decrypted and compared, and each signature can be replayed."))
        self.browse_key.setText(self.tr("&Browse…"))
        self.key_path.setPlaceholderText(self.tr("No archive key"))
        self.passphrase_label.setText(self.tr("&Passphrase of the archive key:"))

    @property
    def trust_paths(self) -> tuple[Path, ...]:
        return tuple(Path(self.trust_list.item(i).text()) for i in range(self.trust_list.count()))

    @property
    def archive_key_path(self) -> Path | None:
        text = self.key_path.text().strip()
        return Path(text) if text else None

    @property
    def passphrase(self) -> bytes:
        return self.passphrase_edit.text().encode("utf-8")

    def _browse_trust(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Trust root certificates"), "",
                                                self.tr("PEM certificates (*.pem *.crt);;"
                                                        "All files (*)"))
        for path in paths:
            self.trust_list.addItem(path)  # untranslated: a file path

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Archive key"), "",
                                              self.tr("PEM keys (*.pem *.key);;All files (*)"))
        if path:
            self.key_path.setText(path)
