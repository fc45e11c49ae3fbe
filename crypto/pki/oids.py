"""Inkseal's object identifiers, all under one UUID-derived arc (ITU-T X.667, no registry needed).

Sub-arcs: ``.1`` certificate policies naming a role, ``.2`` extended key usages,
``.3`` signed CMS attributes, ``.4`` content types.
"""

from __future__ import annotations

__all__ = [
    "ARC",
    "ATTR_CAPTURE_CHECKPOINT",
    "ATTR_EVIDENCE",
    "CONTENT_EVIDENCE_BUNDLE",
    "EKU_ARCHIVE_ENCRYPTION",
    "EKU_CAPTURE_LOG_SIGNING",
    "EKU_DOCUMENT_SIGNING",
    "POLICY_ARC",
]

ARC = "2.25.45160332812333084303057564797263285504"
POLICY_ARC = f"{ARC}.1"

EKU_CAPTURE_LOG_SIGNING = f"{ARC}.2.1"
EKU_ARCHIVE_ENCRYPTION = f"{ARC}.2.2"
EKU_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"  # id-kp-documentSigning, RFC 9336

ATTR_EVIDENCE = f"{ARC}.3.1"
ATTR_CAPTURE_CHECKPOINT = f"{ARC}.3.2"

CONTENT_EVIDENCE_BUNDLE = f"{ARC}.4.1"
