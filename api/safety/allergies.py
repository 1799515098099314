"""Allergy matching: which of some substances a patient has an active allergy to.

A simple version (by substance code and by the substances' allergen classes); the full one
also matches free text naming a catalogue substance or class.
"""

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import Substance, substance_allergen_classes
from api.errors import ConflictItem
from api.patients.models import Allergy


def allergy_conflicts(
    db: Session, patient_id: uuid.UUID, substance_codes: Collection[str]
) -> list[ConflictItem]:
    """One `allergy` conflict per substance in `substance_codes` that the patient has an
    active allergy to, directly or through one of the substance's allergen classes."""
    codes = sorted(set(substance_codes))
    if not codes:
        return []
    allergies = list(
        db.scalars(
            select(Allergy).where(Allergy.patient_id == patient_id, Allergy.status == "active")
        )
    )
    if not allergies:
        return []
    classes: dict[str, set[str]] = {code: set() for code in codes}
    rows = db.execute(
        select(
            substance_allergen_classes.c.substance_code,
            substance_allergen_classes.c.allergen_class_code,
        ).where(substance_allergen_classes.c.substance_code.in_(codes))
    )
    for substance_code, class_code in rows:
        classes[substance_code].add(class_code)
    names = {
        code: name
        for code, name in db.execute(
            select(Substance.code, Substance.name).where(Substance.code.in_(codes))
        )
    }
    conflicts = []
    for code in codes:
        reasons = [a for a in allergies if a.substance_code == code] + [
            a for a in allergies if a.allergen_class in classes[code]
        ]
        if not reasons:
            continue
        cause = reasons[0]
        why = (
            "an allergy to it"
            if cause.substance_code == code
            else f"an allergy to its allergen class {cause.allergen_class}"
        )
        conflicts.append(
            ConflictItem(
                code="allergy",
                detail=f"The formulation contains {names.get(code, code)}; the patient has {why}.",
                substance_code=code,
            )
        )
    return conflicts
