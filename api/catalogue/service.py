"""The reference catalogue: reading it (everyone logged in) and adding to it (admins).

The shipped data comes from migrations 0003 (the items, citing the source of every clinical
fact) and 0007 (names in five languages; `source` on every substance, allergen class and
contraindication). An admin adding one of these must give its `source`.
Codes are stable keys: nothing here renames or deletes an item, so stored plans, intakes and
allergies keep their meaning.
"""

import uuid
from collections.abc import Collection

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from api.catalogue.models import (
    AllergenClass,
    Contraindication,
    Formulation,
    FormulationIndication,
    FormulationIngredient,
    Substance,
    TreatmentArea,
)
from api.catalogue.schemas import (
    AllergenClassCreate,
    ContraindicationCreate,
    FormulationCreate,
    FormulationRead,
    IngredientRead,
    SubstanceCreate,
    SubstanceRead,
    TreatmentAreaCreate,
)
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound, RuleConflict
from api.vocabulary import ConflictCode, Indication

# --- reading ------------------------------------------------------------------------------


def list_treatment_areas(
    db: Session, params: PageParams, size_class: str | None = None
) -> tuple[list[TreatmentArea], str | None]:
    stmt = select(TreatmentArea)
    if size_class is not None:
        stmt = stmt.where(TreatmentArea.size_class == size_class)
    return paginate(db, stmt, [SortKey(TreatmentArea.code)], params)


def get_treatment_area(db: Session, code: str) -> TreatmentArea:
    area = db.get(TreatmentArea, code)
    if area is None:
        raise NotFound("Treatment area")
    return area


def list_allergen_classes(
    db: Session, params: PageParams
) -> tuple[list[AllergenClass], str | None]:
    return paginate(db, select(AllergenClass), [SortKey(AllergenClass.code)], params)


def get_allergen_class(db: Session, code: str) -> AllergenClass:
    found = db.get(AllergenClass, code)
    if found is None:
        raise NotFound("Allergen class")
    return found


def substance_out(substance: Substance) -> SubstanceRead:
    return SubstanceRead(
        code=substance.code,
        name=substance.name,
        allergen_classes=[c.code for c in substance.allergen_classes],
        aliases=list(substance.aliases),
        source=substance.source,
    )


def list_substances(
    db: Session, params: PageParams, allergen_class: str | None = None
) -> tuple[list[Substance], str | None]:
    stmt = select(Substance).options(selectinload(Substance.allergen_classes))
    if allergen_class is not None:
        stmt = stmt.where(Substance.allergen_classes.any(AllergenClass.code == allergen_class))
    return paginate(db, stmt, [SortKey(Substance.code)], params)


def get_substance(db: Session, code: str) -> Substance:
    stmt = (
        select(Substance)
        .options(selectinload(Substance.allergen_classes))
        .where(Substance.code == code)
    )
    substance = db.scalar(stmt)
    if substance is None:
        raise NotFound("Substance")
    return substance


def formulation_out(formulation: Formulation) -> FormulationRead:
    indications = {i.indication for i in formulation.indications}
    return FormulationRead(
        id=formulation.id,
        name=formulation.name,
        indications=[i for i in Indication if i in indications],
        ingredients=[
            IngredientRead(substance_code=i.substance_code, concentration=i.concentration)
            for i in sorted(formulation.ingredients, key=lambda i: i.substance_code)
        ],
    )


def _formulations() -> Select[Formulation]:
    return select(Formulation).options(
        selectinload(Formulation.indications), selectinload(Formulation.ingredients)
    )


def list_formulations(
    db: Session,
    params: PageParams,
    indication: str | None = None,
    substance_code: str | None = None,
) -> tuple[list[Formulation], str | None]:
    stmt = _formulations()
    if indication is not None:
        stmt = stmt.where(
            Formulation.indications.any(FormulationIndication.indication == indication)
        )
    if substance_code is not None:
        stmt = stmt.where(
            Formulation.ingredients.any(FormulationIngredient.substance_code == substance_code)
        )
    return paginate(db, stmt, [SortKey(Formulation.name), SortKey(Formulation.id)], params)


def get_formulation(db: Session, formulation_id: uuid.UUID) -> Formulation:
    formulation = db.scalar(_formulations().where(Formulation.id == formulation_id))
    if formulation is None:
        raise NotFound("Formulation")
    return formulation


def list_contraindications(
    db: Session, params: PageParams, kind: str | None = None
) -> tuple[list[Contraindication], str | None]:
    stmt = select(Contraindication)
    if kind is not None:
        stmt = stmt.where(Contraindication.kind == kind)
    return paginate(db, stmt, [SortKey(Contraindication.code)], params)


def get_contraindication(db: Session, code: str) -> Contraindication:
    found = db.get(Contraindication, code)
    if found is None:
        raise NotFound("Contraindication")
    return found


# --- checks other domains use ---------------------------------------------------------------


def unknown_codes(
    db: Session, column: InstrumentedAttribute[str], codes: Collection[str]
) -> list[str]:
    """The codes among `codes` that `column` (a catalogue primary key) does not hold."""
    wanted = set(codes)
    if not wanted:
        return []
    known = set(db.scalars(select(column).where(column.in_(wanted))))
    return sorted(wanted - known)


# --- adding (admins) ---------------------------------------------------------------------------


def _ensure_new(db: Session, model: type[object], key: object, what: str) -> None:
    if db.get(model, key) is not None:
        raise RuleConflict.one(ConflictCode.ALREADY_EXISTS, f"{what} {key!s} already exists.")


def create_treatment_area(db: Session, data: TreatmentAreaCreate) -> TreatmentArea:
    """Add an area; its code is a stable key and must be new."""
    _ensure_new(db, TreatmentArea, data.code, "Treatment area")
    area = TreatmentArea(code=data.code, name=data.name, size_class=data.size_class)
    db.add(area)
    db.flush()
    return area


def create_allergen_class(db: Session, data: AllergenClassCreate) -> AllergenClass:
    """Add an allergen class; aliases are the words free-text allergies may use for it."""
    _ensure_new(db, AllergenClass, data.code, "Allergen class")
    found = AllergenClass(
        code=data.code,
        name=data.name,
        aliases=[a.lower() for a in data.aliases],
        source=data.source,
    )
    db.add(found)
    db.flush()
    return found


def create_substance(db: Session, data: SubstanceCreate) -> Substance:
    """Add a substance with its allergen classes, which must exist (422 otherwise)."""
    _ensure_new(db, Substance, data.code, "Substance")
    classes = list(
        db.scalars(select(AllergenClass).where(AllergenClass.code.in_(data.allergen_classes)))
    )
    missing = sorted(set(data.allergen_classes) - {c.code for c in classes})
    if missing:
        raise InvalidInput(["body", "allergen_classes"], f"Unknown allergen class: {missing[0]}.")
    substance = Substance(
        code=data.code,
        name=data.name,
        aliases=[a.lower() for a in data.aliases],
        source=data.source,
        allergen_classes=sorted(classes, key=lambda c: c.code),
    )
    db.add(substance)
    db.flush()
    return substance


def create_formulation(db: Session, data: FormulationCreate) -> Formulation:
    """Add a formulation: a unique name, its indications, and ingredients from the catalogue."""
    codes = [i.substance_code for i in data.ingredients]
    missing = unknown_codes(db, Substance.code, codes)
    if missing:
        raise InvalidInput(["body", "ingredients"], f"Unknown substance: {missing[0]}.")
    taken = db.scalar(
        select(func.count()).select_from(Formulation).where(Formulation.name == data.name)
    )
    if taken:
        raise RuleConflict.one(
            ConflictCode.ALREADY_EXISTS, f"Formulation {data.name!r} already exists."
        )
    formulation = Formulation(
        name=data.name,
        indications=[FormulationIndication(indication=i) for i in data.indications],
        ingredients=[
            FormulationIngredient(substance_code=i.substance_code, concentration=i.concentration)
            for i in data.ingredients
        ],
    )
    db.add(formulation)
    db.flush()
    return formulation


def create_contraindication(db: Session, data: ContraindicationCreate) -> Contraindication:
    """Add a contraindication, `absolute` (refuses a plan) or `relative` (needs a reason)."""
    _ensure_new(db, Contraindication, data.code, "Contraindication")
    found = Contraindication(code=data.code, name=data.name, kind=data.kind, source=data.source)
    db.add(found)
    db.flush()
    return found
