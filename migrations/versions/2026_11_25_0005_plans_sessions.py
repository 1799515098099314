"""Treatment plans, their quoted areas, sessions (no double booking) and follow-ups

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "treatment_plans",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("indication", sa.String(length=30), nullable=False),
        sa.Column("formulation_id", sa.Uuid(), nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("sessions_planned", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("consented_at", api.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consented_by", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", api.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("session_price", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'twice_monthly')", name=op.f("ck_treatment_plans_cadence")
        ),
        sa.CheckConstraint(
            "indication IN ('cellulite', 'local_fat', 'skin_rejuvenation', 'face_lifting')",
            name=op.f("ck_treatment_plans_indication"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'active', 'completed', 'cancelled')",
            name=op.f("ck_treatment_plans_status"),
        ),
        sa.CheckConstraint(
            "session_price > 0 AND total > 0", name=op.f("ck_treatment_plans_quote_positive")
        ),
        sa.CheckConstraint(
            "sessions_planned BETWEEN 1 AND 25", name=op.f("ck_treatment_plans_sessions_planned")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_treatment_plans_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["consented_by"], ["users.id"], name=op.f("fk_treatment_plans_consented_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_treatment_plans_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["formulation_id"],
            ["formulations.id"],
            name=op.f("fk_treatment_plans_formulation_id_formulations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_treatment_plans_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_treatment_plans_practitioner_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plans")),
    )
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_plans_clinic_id"), ["clinic_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_plans_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_plans_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "plan_areas",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("rate", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.CheckConstraint("rate >= 0 AND rate <= 1", name=op.f("ck_plan_areas_rate")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["treatment_areas.code"],
            name=op.f("fk_plan_areas_area_code_treatment_areas"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_areas_plan_id_treatment_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "area_code", name=op.f("pk_plan_areas")),
    )
    op.create_table(
        "sessions",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("buffer_ends_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", api.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("late_cancellation", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", api.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", api.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("areas_treated", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'checked_in', 'completed', 'cancelled', 'no_show')",
            name=op.f("ck_sessions_status"),
        ),
        sa.CheckConstraint("buffer_ends_at >= ends_at", name=op.f("ck_sessions_buffer_after_end")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_sessions_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_sessions_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_sessions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sessions_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["treatment_plans.id"], name=op.f("fk_sessions_plan_id_treatment_plans")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_sessions_practitioner_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_clinic_id"), ["clinic_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_patient_id"), ["patient_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sessions_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sessions_practitioner_id"),
            ["practitioner_id", "starts_at"],
            unique=False,
        )

    # No double booking, enforced by the database: no two non-cancelled sessions of one
    # practitioner overlap (the clinic's buffer included) nor of one patient. SQLite has no
    # exclusion constraints; there bookings are serialized by BEGIN IMMEDIATE instead.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE sessions ADD CONSTRAINT ex_sessions_practitioner_overlap "
            "EXCLUDE USING gist (practitioner_id WITH =, "
            "tstzrange(starts_at, buffer_ends_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )
        op.execute(
            "ALTER TABLE sessions ADD CONSTRAINT ex_sessions_patient_overlap "
            "EXCLUDE USING gist (patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )

    op.create_table(
        "follow_ups",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("bruising", sa.String(length=10), nullable=False),
        sa.Column("soreness", sa.Integer(), nullable=False),
        sa.Column("days_lasted", sa.Integer(), nullable=False),
        sa.Column("adverse_event", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "bruising IN ('none', 'mild', 'moderate', 'severe')",
            name=op.f("ck_follow_ups_bruising"),
        ),
        sa.CheckConstraint("days_lasted BETWEEN 0 AND 14", name=op.f("ck_follow_ups_days_lasted")),
        sa.CheckConstraint("soreness BETWEEN 0 AND 10", name=op.f("ck_follow_ups_soreness")),
        sa.ForeignKeyConstraint(
            ["reported_by"], ["users.id"], name=op.f("fk_follow_ups_reported_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_follow_ups_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_session_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_plan_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_patient_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_clinic_id"))

    op.drop_table("sessions")
    op.drop_table("plan_areas")
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_plans_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_plans_patient_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_plans_clinic_id"))

    op.drop_table("treatment_plans")
