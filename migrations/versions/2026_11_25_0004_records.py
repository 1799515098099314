"""Records: clinics, practitioners, patients, intake, users, audit, idempotency

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("additional_area_rate", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "additional_area_rate >= 0 AND additional_area_rate <= 1",
            name=op.f("ck_clinics_additional_area_rate"),
        ),
        sa.CheckConstraint(
            "buffer_minutes BETWEEN 0 AND 240", name=op.f("ck_clinics_buffer_minutes")
        ),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name=op.f("ck_clinics_latitude")),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name=op.f("ck_clinics_longitude")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
    )

    op.create_table(
        "practitioners",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("license_number", sa.String(length=60), nullable=False),
        sa.Column("license_authority", sa.String(length=120), nullable=False),
        sa.Column("license_expires_on", sa.Date(), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
        sa.UniqueConstraint(
            "license_authority",
            "license_number",
            name=op.f("uq_practitioners_license_authority_license_number"),
        ),
    )

    op.create_table(
        "clinic_prices",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_clinic_prices_price_positive")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["treatment_areas.code"],
            name=op.f("fk_clinic_prices_area_code_treatment_areas"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_prices_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("clinic_id", "area_code", name=op.f("pk_clinic_prices")),
    )

    op.create_table(
        "patients",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("home_clinic_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sex IN ('female', 'male', 'other', 'unknown')", name=op.f("ck_patients_sex")
        ),
        sa.ForeignKeyConstraint(
            ["home_clinic_id"], ["clinics.id"], name=op.f("fk_patients_home_clinic_id_clinics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patients_home_clinic_id"), ["home_clinic_id"], unique=False
        )

    op.create_table(
        "practitioner_clinics",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_practitioner_clinics_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_practitioner_clinics_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "practitioner_id", "clinic_id", name=op.f("pk_practitioner_clinics")
        ),
    )

    op.create_table(
        "time_off",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_time_off_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_time_off_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_off_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "working_hours",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("end_minute <= 1440", name=op.f("ck_working_hours_end_minute")),
        sa.CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute",
            name=op.f("ck_working_hours_start_before_end"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_working_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_working_hours_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_working_hours_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_hours")),
    )
    with op.batch_alter_table("working_hours", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_working_hours_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "allergies",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("substance_code", sa.String(length=40), nullable=True),
        sa.Column("allergen_class", sa.String(length=40), nullable=True),
        sa.Column("substance_text", sa.String(length=300), nullable=True),
        sa.Column("reaction", sa.String(length=300), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "severity IN ('mild', 'moderate', 'severe')", name=op.f("ck_allergies_severity")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'resolved')", name=op.f("ck_allergies_status")
        ),
        sa.CheckConstraint(
            "(CASE WHEN substance_code IS NULL THEN 0 ELSE 1 END) + (CASE WHEN allergen_class IS NULL THEN 0 ELSE 1 END) + (CASE WHEN substance_text IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_allergies_exactly_one_allergen"),
        ),
        sa.ForeignKeyConstraint(
            ["allergen_class"],
            ["allergen_classes.code"],
            name=op.f("fk_allergies_allergen_class_allergen_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_allergies_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["substance_code"],
            ["substances.code"],
            name=op.f("fk_allergies_substance_code_substances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allergies")),
    )
    with op.batch_alter_table("allergies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allergies_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "intakes",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("height_cm", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("height_cm BETWEEN 100 AND 250", name=op.f("ck_intakes_height_cm")),
        sa.CheckConstraint("weight_kg BETWEEN 30 AND 300", name=op.f("ck_intakes_weight_kg")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_intakes_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "patient_id IS NULL OR role = 'patient'", name=op.f("ck_users_patient_link")
        ),
        sa.CheckConstraint(
            "practitioner_id IS NULL OR role = 'practitioner'",
            name=op.f("ck_users_practitioner_link"),
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'receptionist', 'practitioner', 'patient')",
            name=op.f("ck_users_role"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_users_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_users_practitioner_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_users_patient_id")),
        sa.UniqueConstraint("practitioner_id", name=op.f("uq_users_practitioner_id")),
    )

    op.create_table(
        "audit_events",
        sa.Column("at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("resource", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "action IN ('read', 'create', 'update', 'delete')", name=op.f("ck_audit_events_action")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_audit_events_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "idempotency_records",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.JSON(), nullable=False),
        sa.Column("created_at", api.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_records_user_id_key")),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_records_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "intake_cellulite",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.CheckConstraint("grade BETWEEN 0 AND 3", name=op.f("ck_intake_cellulite_grade")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["treatment_areas.code"],
            name=op.f("fk_intake_cellulite_area_code_treatment_areas"),
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_cellulite_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("intake_id", "area_code", name=op.f("pk_intake_cellulite")),
    )

    op.create_table(
        "intake_contraindications",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["contraindications.code"],
            name=op.f("fk_intake_contraindications_code_contraindications"),
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_contraindications_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("intake_id", "code", name=op.f("pk_intake_contraindications")),
    )

    op.create_table(
        "user_clinics",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_user_clinics_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_clinics_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "clinic_id", name=op.f("pk_user_clinics")),
    )


def downgrade() -> None:
    op.drop_table("user_clinics")
    op.drop_table("intake_contraindications")
    op.drop_table("intake_cellulite")
    op.drop_table("idempotency_records")
    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("intakes")
    op.drop_table("allergies")
    op.drop_table("working_hours")
    op.drop_table("time_off")
    op.drop_table("practitioner_clinics")
    op.drop_table("patients")
    op.drop_table("clinic_prices")
    op.drop_table("practitioners")
    op.drop_table("clinics")
