"""The allergy gate: a formulation's substances against the patient's active allergies.

Simple version for the sessions branch (by substance code, or through one of the substance's
allergen classes); the plans branch keeps the fuller one (free text too) at merge.
"""

import uuid
from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.catalogue.models import substance_allergen_classes
from api.errors import ConflictItem
from api.patients.models import Allergy


def allergy_conflicts(
    db: Session, patient_id: uuid.UUID, substance_codes: Collection[str]
) -> list[ConflictItem]:
    """One `allergy` conflict per substance the patient has an active allergy to, directly or
    through one of its allergen classes."""
    if not substance_codes:
        return []
    link = substance_allergen_classes
    rows = db.execute(
        select(link.c.substance_code, Allergy.substance_code, Allergy.allergen_class)
        .select_from(Allergy)
        .outerjoin(link, link.c.allergen_class_code == Allergy.allergen_class)
        .where(
            Allergy.patient_id == patient_id,
            Allergy.status == "active",
            or_(
                Allergy.substance_code.in_(substance_codes),
                link.c.substance_code.in_(substance_codes),
            ),
        )
    ).all()
    causes: dict[str, str] = {}
    for via_class, direct, allergen_class in rows:
        if direct in substance_codes:
            causes.setdefault(direct, "an allergy to it")
        if via_class in substance_codes and allergen_class is not None:
            causes.setdefault(via_class, f"an allergy to the class {allergen_class}")
    return [
        ConflictItem(
            code="allergy",
            detail=f"The patient has {cause}: {code} is in the formulation.",
            substance_code=code,
        )
        for code, cause in sorted(causes.items())
    ]
