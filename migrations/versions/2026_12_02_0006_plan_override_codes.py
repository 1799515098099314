"""Treatment plans remember which relative contraindications their override covered

Revision ID: 0006
Revises: 0005

The gates run again at booking, rescheduling, course scheduling and check-in, and a plan's
override covers only the relative contraindications the latest intake had when it was given.
Plans made before this revision have no record of that: each plan with an override gets the
contraindications of the patient's latest intake recorded by the time the plan last changed
(the intake its gates were run against).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_plans = sa.table(
    "treatment_plans",
    sa.column("id", sa.Uuid()),
    sa.column("patient_id", sa.Uuid()),
    sa.column("override_reason", sa.Text()),
    sa.column("override_codes", sa.JSON()),
    sa.column("updated_at", api.db.UTCDateTime()),
)
_intakes = sa.table(
    "intakes",
    sa.column("id", sa.Uuid()),
    sa.column("patient_id", sa.Uuid()),
    sa.column("measured_on", sa.Date()),
    sa.column("created_at", api.db.UTCDateTime()),
)
_intake_contraindications = sa.table(
    "intake_contraindications", sa.column("intake_id", sa.Uuid()), sa.column("code", sa.String())
)


def upgrade() -> None:
    with op.batch_alter_table("treatment_plans") as batch:
        batch.add_column(
            sa.Column("override_codes", sa.JSON(), nullable=False, server_default="[]")
        )
    bind = op.get_bind()
    overridden = bind.execute(
        sa.select(_plans.c.id, _plans.c.patient_id, _plans.c.updated_at).where(
            _plans.c.override_reason.is_not(None)
        )
    ).all()
    for plan_id, patient_id, changed_at in overridden:
        intake_id = bind.scalar(
            sa.select(_intakes.c.id)
            .where(_intakes.c.patient_id == patient_id, _intakes.c.created_at <= changed_at)
            .order_by(
                _intakes.c.measured_on.desc(), _intakes.c.created_at.desc(), _intakes.c.id.desc()
            )
            .limit(1)
        )
        codes = sorted(
            bind.scalars(
                sa.select(_intake_contraindications.c.code).where(
                    _intake_contraindications.c.intake_id == intake_id
                )
            )
        )
        bind.execute(_plans.update().where(_plans.c.id == plan_id).values(override_codes=codes))
    with op.batch_alter_table("treatment_plans") as batch:
        batch.alter_column("override_codes", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("treatment_plans") as batch:
        batch.drop_column("override_codes")
