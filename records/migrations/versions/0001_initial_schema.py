"""Initial schema: cases, persons, templates, records, revisions, signatories, seals.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Written out in full (no import of ``records.model``): a migration must keep meaning what it
meant when it was written, whatever the models become later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_STATES = ("draft", "signing", "ready", "stopped", "sealed")
SIGNATORY_STATES = ("pending", "signed", "refused", "voided")


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _sha() -> sa.String:
    return sa.String(length=64)


def _one_of(column: str, values: Sequence[str], name: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("case_number", name="uq_cases_case_number"),
    )
    op.create_table(
        "templates",
        sa.Column("sha256", _sha(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("stored_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_templates"),
    )
    op.create_index("ix_templates_template_id_version", "templates", ["template_id", "version"])
    op.create_table(
        "persons",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("identity_number", sa.String(length=18), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("acts_for_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["acts_for_id"], ["persons.id"],
                                name="fk_persons_acts_for_id_persons"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_persons_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_index("ix_persons_case_id", "persons", ["case_id"])
    op.create_table(
        "records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("template_sha256", _sha(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("head_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_records_case_id_cases"),
        sa.ForeignKeyConstraint(["template_sha256"], ["templates.sha256"],
                                name="fk_records_template_sha256_templates"),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        _one_of("state", RECORD_STATES, "ck_records_record_state"),
    )
    op.create_index("ix_records_case_id", "records", ["case_id"])
    op.create_table(
        "record_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("values_json", sa.Text(), nullable=False),
        sa.Column("values_sha256", _sha(), nullable=False),
        sa.Column("pdf_sha256", _sha(), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint("number >= 0", name="ck_record_revisions_number_not_negative"),
        sa.ForeignKeyConstraint(["parent_id"], ["record_revisions.id"],
                                name="fk_record_revisions_parent_id_record_revisions"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_record_revisions_record_id_records"),
        sa.PrimaryKeyConstraint("id", name="pk_record_revisions"),
        sa.UniqueConstraint("record_id", "number", name="uq_record_revisions_record_id_number"),
    )
    op.create_index("ix_record_revisions_pdf_sha256", "record_revisions", ["pdf_sha256"])
    op.create_table(
        "seals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("sealed_pdf_sha256", _sha(), nullable=False),
        sa.Column("checkpoint_sha256", _sha(), nullable=True),
        sa.Column("sealed_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name="fk_seals_record_id_records"),
        sa.ForeignKeyConstraint(["revision_id"], ["record_revisions.id"],
                                name="fk_seals_revision_id_record_revisions"),
        sa.PrimaryKeyConstraint("id", name="pk_seals"),
        sa.UniqueConstraint("record_id", name="uq_seals_record_id"),
    )
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("sign_order", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), nullable=False),
        sa.Column("station", sa.String(length=16), nullable=False),
        sa.Column("on_refusal", sa.String(length=16), nullable=False),
        sa.Column("field_name", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("signed_at", _utc(), nullable=True),
        sa.Column("refused_at", _utc(), nullable=True),
        sa.Column("voided_at", _utc(), nullable=True),
        sa.Column("signed_pdf_sha256", _sha(), nullable=True),
        sa.Column("evidence_sha256", _sha(), nullable=True),
        sa.CheckConstraint("sign_order >= 1", name="ck_signatories_order_from_one"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_signatories_person_id_persons"),
        sa.ForeignKeyConstraint(["revision_id"], ["record_revisions.id"],
                                name="fk_signatories_revision_id_record_revisions"),
        sa.PrimaryKeyConstraint("id", name="pk_signatories"),
        sa.UniqueConstraint("revision_id", "sign_order",
                            name="uq_signatories_revision_id_sign_order"),
        _one_of("state", SIGNATORY_STATES, "ck_signatories_signatory_state"),
    )
    op.create_index("ix_signatories_revision_id", "signatories", ["revision_id"])


def downgrade() -> None:
    for table in ("signatories", "seals", "record_revisions", "records", "persons", "templates",
                  "cases"):
        op.drop_table(table)
