"""Catalogue routes: every logged-in user reads; admins add items."""

import uuid
from typing import Annotated

from fastapi import Path, Query, status

from api.auth.deps import AdminUser, CurrentUser
from api.catalogue import service
from api.catalogue.schemas import (
    NO_NUL,
    AllergenClassCreate,
    AllergenClassRead,
    ContraindicationCreate,
    ContraindicationRead,
    FormulationCreate,
    FormulationRead,
    SubstanceCreate,
    SubstanceRead,
    TreatmentAreaCreate,
    TreatmentAreaRead,
)
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.vocabulary import ConflictCode, ContraindicationKind, Indication, SizeClass

router = ApiRouter(tags=["catalogue"])

EXISTS = conflicts(ConflictCode.ALREADY_EXISTS)

CodePath = Annotated[str, Path(max_length=40, pattern=NO_NUL)]
CodeQuery = Annotated[str | None, Query(max_length=40, pattern=NO_NUL)]


@router.get("/treatment-areas", summary="List treatment areas")
def list_treatment_areas(
    db: DbSession, _user: CurrentUser, page: PageDep, size_class: SizeClass | None = None
) -> Page[TreatmentAreaRead]:
    items, cursor = service.list_treatment_areas(db, page, size_class)
    return Page(items=[TreatmentAreaRead.model_validate(a) for a in items], next_cursor=cursor)


@router.get("/treatment-areas/{code}", summary="Read one treatment area")
def get_treatment_area(db: DbSession, _user: CurrentUser, code: CodePath) -> TreatmentAreaRead:
    return TreatmentAreaRead.model_validate(service.get_treatment_area(db, code))


@router.post(
    "/treatment-areas",
    summary="Add a treatment area (admins)",
    status_code=status.HTTP_201_CREATED,
    responses=EXISTS,
)
def create_treatment_area(
    db: DbSession, _admin: AdminUser, body: TreatmentAreaCreate
) -> TreatmentAreaRead:
    return TreatmentAreaRead.model_validate(service.create_treatment_area(db, body))


@router.get("/allergen-classes", summary="List allergen classes")
def list_allergen_classes(
    db: DbSession, _user: CurrentUser, page: PageDep
) -> Page[AllergenClassRead]:
    items, cursor = service.list_allergen_classes(db, page)
    return Page(items=[AllergenClassRead.model_validate(c) for c in items], next_cursor=cursor)


@router.get("/allergen-classes/{code}", summary="Read one allergen class")
def get_allergen_class(db: DbSession, _user: CurrentUser, code: CodePath) -> AllergenClassRead:
    return AllergenClassRead.model_validate(service.get_allergen_class(db, code))


@router.post(
    "/allergen-classes",
    summary="Add an allergen class (admins)",
    status_code=status.HTTP_201_CREATED,
    responses=EXISTS,
)
def create_allergen_class(
    db: DbSession, _admin: AdminUser, body: AllergenClassCreate
) -> AllergenClassRead:
    return AllergenClassRead.model_validate(service.create_allergen_class(db, body))


@router.get("/substances", summary="List substances")
def list_substances(
    db: DbSession, _user: CurrentUser, page: PageDep, allergen_class: CodeQuery = None
) -> Page[SubstanceRead]:
    items, cursor = service.list_substances(db, page, allergen_class)
    return Page(items=[service.substance_out(s) for s in items], next_cursor=cursor)


@router.get("/substances/{code}", summary="Read one substance")
def get_substance(db: DbSession, _user: CurrentUser, code: CodePath) -> SubstanceRead:
    return service.substance_out(service.get_substance(db, code))


@router.post(
    "/substances",
    summary="Add a substance (admins)",
    status_code=status.HTTP_201_CREATED,
    responses=EXISTS,
)
def create_substance(db: DbSession, _admin: AdminUser, body: SubstanceCreate) -> SubstanceRead:
    return service.substance_out(service.create_substance(db, body))


@router.get("/formulations", summary="List formulations")
def list_formulations(
    db: DbSession,
    _user: CurrentUser,
    page: PageDep,
    indication: Indication | None = None,
    substance_code: CodeQuery = None,
) -> Page[FormulationRead]:
    items, cursor = service.list_formulations(db, page, indication, substance_code)
    return Page(items=[service.formulation_out(f) for f in items], next_cursor=cursor)


@router.get("/formulations/{formulation_id}", summary="Read one formulation")
def get_formulation(
    db: DbSession, _user: CurrentUser, formulation_id: uuid.UUID
) -> FormulationRead:
    return service.formulation_out(service.get_formulation(db, formulation_id))


@router.post(
    "/formulations",
    summary="Add a formulation (admins)",
    status_code=status.HTTP_201_CREATED,
    responses=EXISTS,
)
def create_formulation(
    db: DbSession, _admin: AdminUser, body: FormulationCreate
) -> FormulationRead:
    return service.formulation_out(service.create_formulation(db, body))


@router.get("/contraindications", summary="List contraindications")
def list_contraindications(
    db: DbSession, _user: CurrentUser, page: PageDep, kind: ContraindicationKind | None = None
) -> Page[ContraindicationRead]:
    items, cursor = service.list_contraindications(db, page, kind)
    return Page(items=[ContraindicationRead.model_validate(c) for c in items], next_cursor=cursor)


@router.get("/contraindications/{code}", summary="Read one contraindication")
def get_contraindication(db: DbSession, _user: CurrentUser, code: CodePath) -> ContraindicationRead:
    return ContraindicationRead.model_validate(service.get_contraindication(db, code))


@router.post(
    "/contraindications",
    summary="Add a contraindication (admins)",
    status_code=status.HTTP_201_CREATED,
    responses=EXISTS,
)
def create_contraindication(
    db: DbSession, _admin: AdminUser, body: ContraindicationCreate
) -> ContraindicationRead:
    return ContraindicationRead.model_validate(service.create_contraindication(db, body))
