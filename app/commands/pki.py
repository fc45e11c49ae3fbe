"""Site PKI: create a site CA and the certificates Inkseal needs, issue more, list them, or
import a site's own CA and certificates.

  inkseal pki init [--site-name NAME] [--terminal NAME]... [--officer NAME[=DISPLAY]]...
  inkseal pki issue KIND NAME [--display-name TEXT] [--dns HOST]... [--ip ADDR]... [--days N]
        KIND: terminal, workstation, officer, seal, tsa, archive
        --pkcs11-module LIB --token LABEL: generate the key on a PKCS#11 token instead
  inkseal pki list [--json]
  inkseal pki import --ca ROOT.pem [--intermediate CA.pem] [--ca-key KEY.pem]
  inkseal pki import --role ROLE --name NAME (--p12 FILE | --cert CERT.pem --key KEY.pem)
  inkseal pki crl                         sign fresh CRLs
  inkseal pki revoke NAME ROLE

Passphrases and PINs are never arguments: they come from a prompt, or from the variable
named by --passphrase-env (--pin-env, --import-passphrase-env), or from a file named by
--passphrase-file (--pin-file, --import-passphrase-file).  The PKI directory is
``pki.dir`` from the settings (default: 'pki' in the data directory), or --dir.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.settings import Settings

HELP = "site PKI: create a CA, issue terminal, officer, seal and TSA certificates"

EXIT_ERROR = 2

_ZH = {
    "wrong_passphrase": "口令错误",
    "key_missing": "找不到私钥文件",
    "key_unencrypted": "私钥未加密，拒绝使用",
    "pki_missing": "尚未建立本单位证书体系（请先运行 inkseal pki init）",
    "pki_exists": "证书体系已存在",
    "pki_corrupt": "证书体系目录已损坏",
    "entry_exists": "该名称已有此类证书",
    "entry_missing": "找不到该证书",
    "entry_ambiguous": "该名称有多张证书，请指明角色",
    "bad_name": "名称只能包含字母、数字、点、下划线和连字符",
    "ca_key_missing": "本机没有签发机构私钥，无法签发",
    "cert_expired": "证书已过期",
    "cert_not_yet_valid": "证书尚未生效",
    "cert_untrusted": "证书不属于本单位证书体系",
    "cert_revoked": "证书已吊销",
    "wrong_role": "证书角色不符",
    "key_mismatch": "私钥与证书不匹配",
    "passphrase_missing": "未提供口令",
    "passphrase_unreadable": "无法读取口令文件",
    "passphrase_empty": "口令为空",
    "passphrase_mismatch": "两次输入的口令不一致",
    "wrong_pin": "PIN 码错误",
    "token_missing": "找不到该令牌",
    "module_missing": "找不到 PKCS#11 模块",
    "key_exists": "令牌上已有同名密钥",
    "pin_locked": "令牌已锁定",
    "bad_role": "未知的证书角色",
}


def _secret_options(parser: argparse.ArgumentParser, stem: str, what: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{stem}-env", metavar="VAR", help=f"read the {what} from variable VAR")
    group.add_argument(f"--{stem}-file", type=Path, metavar="FILE",
                       help=f"read the {what} from FILE (first line)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, help="PKI directory (default: pki.dir setting)")
    _secret_options(parser, "passphrase", "site passphrase")
    actions = parser.add_subparsers(dest="pki_action", metavar="ACTION")
    init = actions.add_parser("init", help="create the site CA and a working set of certificates")
    init.add_argument("--site-name", default="Inkseal Site", help="institution name (any script)")
    init.add_argument("--terminal", action="append", default=None, metavar="NAME")
    init.add_argument("--workstation", action="append", default=None, metavar="NAME")
    init.add_argument("--officer", action="append", default=None, metavar="NAME[=DISPLAY]")
    init.add_argument("--crl-url", default="", help="base URL where the site publishes CRLs")
    init.add_argument("--kdf-iterations", type=int, default=600_000, metavar="N",
                      help="PBKDF2 rounds protecting each key file (default 600000)")
    issue = actions.add_parser("issue", help="issue certificates for one more holder")
    issue.add_argument("kind", choices=["terminal", "workstation", "officer", "seal", "tsa",
                                        "archive"])
    issue.add_argument("name")
    issue.add_argument("--display-name", help="subject common name (default: NAME)")
    issue.add_argument("--dns", action="append", default=[], metavar="HOST")
    issue.add_argument("--ip", action="append", default=[], metavar="ADDR")
    issue.add_argument("--days", type=int, help="validity in days")
    issue.add_argument("--pkcs11-module", help="generate the key on a token in this module")
    issue.add_argument("--token", help="token label (with --pkcs11-module)")
    _secret_options(issue, "pin", "token user PIN")
    listing = actions.add_parser("list", help="list the site's certificates")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    imp = actions.add_parser("import", help="use the site's own CA or certificates")
    imp.add_argument("--ca", type=Path, help="the site's root CA certificate (PEM)")
    imp.add_argument("--intermediate", type=Path, help="its issuing CA certificate (PEM)")
    imp.add_argument("--ca-key", type=Path, help="the issuing CA's encrypted key, to issue here")
    imp.add_argument("--site-name", default="", help="institution name")
    imp.add_argument("--role", help="role of an imported certificate (e.g. seal, officer)")
    imp.add_argument("--name", help="entry name of an imported certificate")
    imp.add_argument("--p12", type=Path, help="PKCS#12 file with key and certificate")
    imp.add_argument("--cert", type=Path, help="certificate (PEM)")
    imp.add_argument("--key", type=Path, help="its encrypted private key (PEM)")
    _secret_options(imp, "import-passphrase", "passphrase of the file being imported")
    actions.add_parser("crl", help="sign fresh certificate revocation lists")
    revoke = actions.add_parser("revoke", help="revoke a certificate and publish new CRLs")
    revoke.add_argument("name")
    revoke.add_argument("role")


def _source(args: argparse.Namespace, stem: str, prompt: str, *, confirm: bool = False) -> Any:
    from crypto.keys import PassphraseSource

    env, path = getattr(args, f"{stem}_env", None), getattr(args, f"{stem}_file", None)
    if env:
        return PassphraseSource.from_env(env)
    if path:
        return PassphraseSource.from_file(path)
    if not sys.stdin.isatty():
        from crypto.keys import PassphraseError

        flag = stem.replace("_", "-")
        raise PassphraseError(f"no terminal to ask for the {prompt}; use --{flag}-env or "
                              f"--{flag}-file", reason="passphrase_missing", origin="prompt")
    return PassphraseSource.from_prompt(f"{prompt}: ", confirm=confirm)


def _role(text: str) -> Any:
    from crypto.pki import PkiError, Role

    try:
        return Role(text)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise PkiError(f"unknown role {text!r}; one of: {known}", reason="bad_role") from None


def _say(settings: Settings, zh: str, en: str) -> None:
    print(en if settings.language == "en" else zh)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from crypto.errors import CryptoError

    action = getattr(args, "pki_action", None)
    if action is None:
        print(__doc__, file=sys.stderr)
        return EXIT_ERROR
    directory = args.dir or settings.pki_path
    try:
        return {"init": _init, "issue": _issue, "list": _list, "import": _import,
                "crl": _crl, "revoke": _revoke}[action](args, settings, directory)
    except CryptoError as exc:
        zh = _ZH.get(exc.reason, "操作失败")
        print(f"inkseal pki {action}: {zh} / {exc} [{exc.reason}]", file=sys.stderr)
        return EXIT_ERROR


def _init(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from crypto.pki import create_working_site

    passphrase = _source(args, "passphrase", "new site passphrase", confirm=True).read()
    officers = args.officer or ["officer-1"]
    names = [o.split("=", 1)[0] for o in officers]
    displays = [o.split("=", 1)[1] if "=" in o else o for o in officers]
    pki = create_working_site(directory, passphrase, site_name=args.site_name,
                              terminals=args.terminal or ["terminal-1"],
                              workstations=args.workstation or ["workstation-1"],
                              officers=names, officer_names=displays,
                              crl_url_base=args.crl_url, kdf_iterations=args.kdf_iterations)
    count = len(pki.entries())
    _say(settings, f"已在 {directory} 建立本单位证书体系（{pki.site_name}），共 {count} 张证书",
         f"site PKI for {pki.site_name} created in {directory}: {count} certificates")
    return 0


def _issue(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from crypto.pki import KeyLocation, Kind, SitePki

    pki = SitePki.open(directory)
    kind = Kind(args.kind)
    passphrase = _source(args, "passphrase", "site passphrase").read()
    if args.pkcs11_module:
        from crypto.pkcs11 import TokenConfig, generate_key_on_token, store_certificate_on_token

        if len(kind.roles) != 1 or not args.token:
            print("inkseal pki issue: --pkcs11-module needs --token and a single-key kind "
                  "(officer, seal, tsa)", file=sys.stderr)
            return EXIT_ERROR
        token = TokenConfig(args.pkcs11_module, args.token)
        pin = _source(args, "pin", "token PIN").read().decode("utf-8")
        public = generate_key_on_token(token, pin, args.name)
        entry = pki.issue_for_key(kind.roles[0], args.name, public,
                                  KeyLocation("pkcs11", token_label=args.token,
                                              key_label=args.name),
                                  ca_passphrase=passphrase, common_name=args.display_name,
                                  validity_days=args.days)
        store_certificate_on_token(token, pin, args.name, pki.certificate(entry))
        entries: tuple[Any, ...] = (entry,)
    else:
        entries = pki.issue(kind, args.name, ca_passphrase=passphrase,
                            common_name=args.display_name, dns_names=args.dns,
                            ip_addresses=args.ip, validity_days=args.days)
    for entry in entries:
        _say(settings, f"已签发 {entry.name} 的 {entry.role.value} 证书，"
                       f"有效期至 {entry.not_after:%Y-%m-%d}",
             f"issued {entry.role.value} certificate for {entry.name}, valid until "
             f"{entry.not_after:%Y-%m-%d}")
    return 0


def _list(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from crypto.pki import SitePki

    pki = SitePki.open(directory)
    rows = [{"name": e.name, "role": e.role.value, "common_name": e.common_name,
             "serial": f"{e.serial:x}", "not_after": e.not_after.isoformat(),
             "key": e.key.kind, "imported": e.imported,
             "revoked": e.revoked_at.isoformat() if e.revoked_at else None}
            for e in pki.entries()]
    if args.json:
        print(json.dumps({"site": pki.site_name, "directory": str(directory),
                          "root": pki.root.subject.rfc4514_string(), "entries": rows},
                         ensure_ascii=False, indent=2))
        return 0
    _say(settings, f"{pki.site_name}（{directory}）", f"{pki.site_name} ({directory})")
    for row in rows:
        state = " REVOKED" if row["revoked"] else ""
        print(f"  {row['name']:<16} {row['role']:<20} {row['common_name']:<24} "
              f"{row['not_after'][:10]}  {row['key']}{state}")
    return 0


def _import(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from cryptography import x509

    from crypto.keys import load_pkcs12, load_private_key
    from crypto.pki import SitePki

    if args.ca:
        root = x509.load_pem_x509_certificate(args.ca.read_bytes())
        inter = (x509.load_pem_x509_certificate(args.intermediate.read_bytes())
                 if args.intermediate else None)
        key = passphrase = None
        if args.ca_key:
            key = load_private_key(args.ca_key, _source(args, "import_passphrase",
                                                        "CA key passphrase").read())
            passphrase = _source(args, "passphrase", "new site passphrase", confirm=True).read()
        pki = SitePki.adopt_ca(directory, root, intermediate=inter, issuing_key=key,
                               passphrase=passphrase,
                               site_name=args.site_name or root.subject.rfc4514_string())
        _say(settings, f"已采用本单位自有证书机构：{pki.root.subject.rfc4514_string()}",
             f"adopted the site's own CA: {pki.root.subject.rfc4514_string()}")
        return 0
    if not (args.role and args.name and (args.p12 or (args.cert and args.key))):
        print("inkseal pki import: give --ca ROOT.pem, or --role, --name and --p12 (or --cert "
              "and --key)", file=sys.stderr)
        return EXIT_ERROR
    pki = SitePki.open(directory)
    secret = _source(args, "import_passphrase", "passphrase of the file").read()
    if args.p12:
        key, cert, _extra = load_pkcs12(args.p12, secret)
    else:
        cert = x509.load_pem_x509_certificate(args.cert.read_bytes())
        key = load_private_key(args.key, secret)
    passphrase = _source(args, "passphrase", "site passphrase").read()
    entry = pki.import_identity(_role(args.role), args.name, cert, key, key_passphrase=passphrase)
    _say(settings, f"已导入 {entry.name} 的 {entry.role.value} 证书",
         f"imported {entry.role.value} certificate for {entry.name}")
    return 0


def _crl(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from crypto.pki import SitePki

    crls = SitePki.open(directory).refresh_crls(_source(args, "passphrase",
                                                        "site passphrase").read())
    until = min(c.next_update_utc for c in crls) if crls else None
    _say(settings,
         f"已签发 {len(crls)} 份吊销列表，有效至 {until:%Y-%m-%d}" if until else "无吊销列表可签发",
         f"signed {len(crls)} CRLs, valid until {until:%Y-%m-%d}" if until else "no CRLs to sign")
    return 0


def _revoke(args: argparse.Namespace, settings: Settings, directory: Path) -> int:
    from crypto.pki import SitePki

    pki = SitePki.open(directory)
    entry = pki.revoke(args.name, _role(args.role),
                       ca_passphrase=_source(args, "passphrase", "site passphrase").read())
    _say(settings, f"已吊销 {entry.name} 的 {entry.role.value} 证书",
         f"revoked {entry.role.value} certificate of {entry.name}")
    return 0
