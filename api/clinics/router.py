"""/api/v1/clinics: the clinic finder (no login) and clinic administration (admins)."""

import uuid
from typing import Any

from fastapi import Response, status

from api.auth.deps import AdminUser
from api.clinics import service
from api.clinics.deps import NearDep
from api.clinics.models import Clinic, ClinicPrice
from api.clinics.schemas import (
    ClinicCreate,
    ClinicListItem,
    ClinicRead,
    ClinicUpdate,
    PriceList,
    PriceListIn,
    PriceOut,
)
from api.common.etag import IfMatch, check_if_match, set_etag
from api.common.money import format_money
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts, problem
from api.common.routing import ApiRouter
from api.db import DbSession
from api.vocabulary import ConflictCode

router = ApiRouter(prefix="/clinics", tags=["clinics"])

# Reading clinics needs no login: it is the front end's clinic finder.
PUBLIC_RESPONSES = problem(404, "Unknown clinic.")
ETAG_HEADER: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"ETag": {"description": "Send it back in `If-Match` when changing."}}}
}


def _read(clinic: Clinic, response: Response) -> ClinicRead:
    set_etag(response, clinic.id, clinic.updated_at)
    return ClinicRead.model_validate(clinic)


def _prices(clinic: Clinic, prices: list[ClinicPrice]) -> PriceList:
    return PriceList(
        currency=clinic.currency,
        items=[
            PriceOut(area_code=p.area_code, price=format_money(p.price, clinic.currency))
            for p in prices
        ],
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a clinic (admins)",
)
def create_clinic(
    db: DbSession, _admin: AdminUser, body: ClinicCreate, response: Response
) -> ClinicRead:
    return _read(service.create_clinic(db, body), response)


@router.get("", summary="List clinics, or find those near a point")
def list_clinics(db: DbSession, page: PageDep, near: NearDep) -> Page[ClinicListItem]:
    """By name; with `near=LAT,LON` by great-circle distance, each with `distance_km`."""
    if near is None:
        clinics, cursor = service.list_clinics(db, page)
        return Page(items=[ClinicListItem.model_validate(c) for c in clinics], next_cursor=cursor)
    ranked, cursor = service.list_clinics_near(db, near, page)
    items = [
        ClinicListItem.model_validate(c).model_copy(update={"distance_km": round(d, 3)})
        for c, d in ranked
    ]
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/{clinic_id}", responses={**PUBLIC_RESPONSES, **ETAG_HEADER}, summary="Read one clinic"
)
def get_clinic(db: DbSession, clinic_id: uuid.UUID, response: Response) -> ClinicRead:
    return _read(service.get_clinic(db, clinic_id), response)


@router.patch(
    "/{clinic_id}",
    responses=conflicts(ConflictCode.PRICES_IN_CURRENCY),
    summary="Change a clinic (admins)",
)
def update_clinic(
    db: DbSession,
    _admin: AdminUser,
    clinic_id: uuid.UUID,
    body: ClinicUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ClinicRead:
    clinic = service.get_clinic(db, clinic_id)
    check_if_match(if_match, clinic.id, clinic.updated_at)
    return _read(service.update_clinic(db, clinic, body), response)


@router.delete(
    "/{clinic_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=conflicts(ConflictCode.IN_USE),
    summary="Remove a clinic nothing refers to (admins)",
)
def delete_clinic(db: DbSession, _admin: AdminUser, clinic_id: uuid.UUID) -> None:
    service.delete_clinic(db, service.get_clinic(db, clinic_id))


@router.get("/{clinic_id}/prices", responses=PUBLIC_RESPONSES, summary="A clinic's price list")
def get_clinic_prices(db: DbSession, clinic_id: uuid.UUID) -> PriceList:
    """One session price per treatment area, in the clinic's currency."""
    clinic = service.get_clinic(db, clinic_id)
    return _prices(clinic, service.list_prices(db, clinic))


@router.put("/{clinic_id}/prices", summary="Replace a clinic's price list")
def replace_clinic_prices(
    db: DbSession, _admin: AdminUser, clinic_id: uuid.UUID, body: PriceListIn
) -> PriceList:
    """Prices are decimal strings with the currency's minor-unit digits (`"375.00"` EUR,
    `"375"` JPY); more digits than the currency has, an unknown area or an area listed twice
    is 422."""
    clinic = service.get_clinic(db, clinic_id)
    return _prices(clinic, service.replace_prices(db, clinic, body.items))
