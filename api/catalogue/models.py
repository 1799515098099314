"""Reference catalogue: treatment areas, substances and their allergen classes, formulations,
contraindications. Codes are stable keys that other tables and the API refer to."""

import uuid

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, in_values
from api.vocabulary import ContraindicationKind, Indication, SizeClass


class TreatmentArea(Base):
    __tablename__ = "treatment_areas"
    __table_args__ = (CheckConstraint(in_values("size_class", SizeClass), name="size_class"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    size_class: Mapped[str] = mapped_column(String(10))


class AllergenClass(Base):
    __tablename__ = "allergen_classes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Where the item's clinical facts come from (migration 0007 for the shipped rows).
    source: Mapped[str] = mapped_column(Text)


substance_allergen_classes = Table(
    "substance_allergen_classes",
    Base.metadata,
    Column("substance_code", ForeignKey("substances.code"), primary_key=True),
    Column("allergen_class_code", ForeignKey("allergen_classes.code"), primary_key=True),
)


class Substance(Base):
    __tablename__ = "substances"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text)
    allergen_classes: Mapped[list[AllergenClass]] = relationship(
        secondary=substance_allergen_classes, lazy="raise", order_by=AllergenClass.code
    )


class Formulation(Base):
    __tablename__ = "formulations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    indications: Mapped[list["FormulationIndication"]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    ingredients: Mapped[list["FormulationIngredient"]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )


class FormulationIndication(Base):
    __tablename__ = "formulation_indications"
    __table_args__ = (CheckConstraint(in_values("indication", Indication), name="indication"),)

    formulation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("formulations.id", ondelete="CASCADE"), primary_key=True
    )
    indication: Mapped[str] = mapped_column(String(30), primary_key=True)


class FormulationIngredient(Base):
    __tablename__ = "formulation_ingredients"

    formulation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("formulations.id", ondelete="CASCADE"), primary_key=True
    )
    substance_code: Mapped[str] = mapped_column(ForeignKey("substances.code"), primary_key=True)
    concentration: Mapped[str] = mapped_column(String(60))


class Contraindication(Base):
    __tablename__ = "contraindications"
    __table_args__ = (CheckConstraint(in_values("kind", ContraindicationKind), name="kind"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text)
