"""Reference catalogue tables

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allergen_classes",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_allergen_classes")),
    )

    op.create_table(
        "contraindications",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "kind IN ('absolute', 'relative')", name=op.f("ck_contraindications_kind")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_contraindications")),
    )

    op.create_table(
        "formulations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_formulations")),
        sa.UniqueConstraint("name", name=op.f("uq_formulations_name")),
    )

    op.create_table(
        "substances",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_substances")),
    )

    op.create_table(
        "treatment_areas",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("size_class", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "size_class IN ('small', 'medium', 'large')", name=op.f("ck_treatment_areas_size_class")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_treatment_areas")),
    )

    op.create_table(
        "formulation_indications",
        sa.Column("formulation_id", sa.Uuid(), nullable=False),
        sa.Column("indication", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "indication IN ('cellulite', 'local_fat', 'skin_rejuvenation', 'face_lifting')",
            name=op.f("ck_formulation_indications_indication"),
        ),
        sa.ForeignKeyConstraint(
            ["formulation_id"],
            ["formulations.id"],
            name=op.f("fk_formulation_indications_formulation_id_formulations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "formulation_id", "indication", name=op.f("pk_formulation_indications")
        ),
    )

    op.create_table(
        "formulation_ingredients",
        sa.Column("formulation_id", sa.Uuid(), nullable=False),
        sa.Column("substance_code", sa.String(length=40), nullable=False),
        sa.Column("concentration", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["formulation_id"],
            ["formulations.id"],
            name=op.f("fk_formulation_ingredients_formulation_id_formulations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["substance_code"],
            ["substances.code"],
            name=op.f("fk_formulation_ingredients_substance_code_substances"),
        ),
        sa.PrimaryKeyConstraint(
            "formulation_id", "substance_code", name=op.f("pk_formulation_ingredients")
        ),
    )

    op.create_table(
        "substance_allergen_classes",
        sa.Column("substance_code", sa.String(length=40), nullable=False),
        sa.Column("allergen_class_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["allergen_class_code"],
            ["allergen_classes.code"],
            name=op.f("fk_substance_allergen_classes_allergen_class_code_allergen_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["substance_code"],
            ["substances.code"],
            name=op.f("fk_substance_allergen_classes_substance_code_substances"),
        ),
        sa.PrimaryKeyConstraint(
            "substance_code", "allergen_class_code", name=op.f("pk_substance_allergen_classes")
        ),
    )


def downgrade() -> None:
    op.drop_table("substance_allergen_classes")
    op.drop_table("formulation_ingredients")
    op.drop_table("formulation_indications")
    op.drop_table("treatment_areas")
    op.drop_table("substances")
    op.drop_table("formulations")
    op.drop_table("contraindications")
    op.drop_table("allergen_classes")
