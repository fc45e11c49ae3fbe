"""Inkseal's signed CMS attributes: the ASN.1 of their values and their registration.

Two attributes, both under our OID arc (:mod:`crypto.pki.oids`):

* ``inksealEvidence`` on each hand signature: which field and signatory it belongs to, the
  record it was made for, SHA-256 of every evidence item, the digest of the full encrypted
  bundle in the evidence package, and an EnvelopedData (for the archive key) holding the
  items small and vital enough to travel inside the signature (the pen track).
* ``inksealCaptureCheckpoints`` on the seal: the capture-log checkpoint note(s) as text.

asn1crypto learns the attribute types here (its maps are process-wide; registering twice is
harmless).  Importing this module is what makes pyHanko and asn1crypto parse them.
"""

from __future__ import annotations

from asn1crypto import cms, core

from crypto.pki import oids

__all__ = [
    "CHECKPOINT_ATTRIBUTE",
    "EVIDENCE_ATTRIBUTE",
    "CheckpointList",
    "EvidenceAttribute",
    "EvidenceContent",
    "EvidenceItemDigest",
    "EvidenceItemValue",
]

EVIDENCE_ATTRIBUTE = "inkseal_evidence"
CHECKPOINT_ATTRIBUTE = "inkseal_capture_checkpoints"


class EvidenceItemDigest(core.Sequence):
    """One evidence item as the signature commits to it: name, type, length, SHA-256."""

    _fields = [
        ("name", core.UTF8String),
        ("media_type", core.UTF8String),
        ("length", core.Integer),
        ("sha256", core.OctetString),
        ("embedded", core.Boolean),
    ]


class EvidenceItemDigests(core.SequenceOf):
    _child_spec = EvidenceItemDigest


class EvidenceAttribute(core.Sequence):
    """Value of the ``inksealEvidence`` signed attribute (version 1)."""

    _fields = [
        ("version", core.Integer),
        ("field_name", core.UTF8String),
        ("signatory_name", core.UTF8String),
        ("signatory_role", core.UTF8String),
        ("record_sha256", core.OctetString),
        ("captured_at", core.GeneralizedTime),
        ("items", EvidenceItemDigests),
        ("package_sha256", core.OctetString),
        ("embedded", cms.ContentInfo),
    ]


class EvidenceItemValue(core.Sequence):
    """One evidence item with its bytes (only ever stored encrypted)."""

    _fields = [
        ("name", core.UTF8String),
        ("media_type", core.UTF8String),
        ("data", core.OctetString),
    ]


class EvidenceItemValues(core.SequenceOf):
    _child_spec = EvidenceItemValue


class EvidenceContent(core.Sequence):
    """Plaintext inside each EnvelopedData: who and what it is for, and the items themselves."""

    _fields = [
        ("version", core.Integer),
        ("field_name", core.UTF8String),
        ("signatory_name", core.UTF8String),
        ("signatory_role", core.UTF8String),
        ("record_sha256", core.OctetString),
        ("captured_at", core.GeneralizedTime),
        ("items", EvidenceItemValues),
    ]


class CheckpointList(core.SequenceOf):
    """Value of the ``inksealCaptureCheckpoints`` attribute: checkpoint notes, one per log."""

    _child_spec = core.UTF8String


class _SetOfEvidence(core.SetOf):
    _child_spec = EvidenceAttribute


class _SetOfCheckpoints(core.SetOf):
    _child_spec = CheckpointList


def _register() -> None:
    for oid, name, spec in ((oids.ATTR_EVIDENCE, EVIDENCE_ATTRIBUTE, _SetOfEvidence),
                            (oids.ATTR_CAPTURE_CHECKPOINT, CHECKPOINT_ATTRIBUTE,
                             _SetOfCheckpoints)):
        cms.CMSAttributeType._map[oid] = name  # noqa: SLF001 - asn1crypto's only extension point
        # asn1crypto builds the reverse map once per class, on first use: extend it if it
        # exists already (clearing it would break every later lookup by name).
        reverse = cms.CMSAttributeType._reverse_map  # noqa: SLF001
        if reverse is not None:
            reverse[name] = oid
        cms.CMSAttribute._oid_specs[name] = spec  # noqa: SLF001


_register()
