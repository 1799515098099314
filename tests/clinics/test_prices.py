"""/api/v1/clinics/{id}/prices: minor units of the currency, replacement, validation."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clinics.models import ClinicPrice
from tests.factories import make_clinic, make_price


def prices_url(clinic_id: object) -> str:
    return f"/api/v1/clinics/{clinic_id}/prices"


def stored(db: Session) -> dict[str, str]:
    db.expire_all()
    return {p.area_code: format(p.price.normalize(), "f") for p in db.scalars(select(ClinicPrice))}


def test_eur_prices_have_two_digits(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, currency="EUR")
    items = [{"area_code": "thighs", "price": "375"}, {"area_code": "abdomen", "price": "420.5"}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 200, response.text
    expected = {
        "currency": "EUR",
        "items": [
            {"area_code": "abdomen", "price": "420.50"},
            {"area_code": "thighs", "price": "375.00"},
        ],
    }
    assert response.json() == expected
    assert client.get(prices_url(clinic.id)).json() == expected


def test_jpy_prices_have_no_digits(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, currency="JPY", timezone="Asia/Tokyo", country="JP")
    items = [{"area_code": "face", "price": "375"}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 200
    assert response.json() == {"currency": "JPY", "items": [{"area_code": "face", "price": "375"}]}


@pytest.mark.parametrize(
    ("currency", "price"),
    [("JPY", "375.5"), ("JPY", "375.0"), ("EUR", "375.555"), ("EUR", "375.001")],
)
def test_more_digits_than_the_currency_has_is_422(
    client: TestClient, db: Session, as_admin: dict[str, str], currency: str, price: str
) -> None:
    clinic = make_clinic(db, currency=currency)
    make_price(db, clinic, area_code="legs", price="300")
    items = [{"area_code": "face", "price": price}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "items", 0, "price"]
    assert stored(db) == {"legs": "300"}


def test_three_digit_currency_keeps_three_digits(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, currency="KWD", country="KW", timezone="Asia/Kuwait")
    items = [{"area_code": "face", "price": "120.125"}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 200
    assert response.json()["items"] == [{"area_code": "face", "price": "120.125"}]


@pytest.mark.parametrize(
    "item",
    [
        {"area_code": "elbows", "price": "300"},
        {"area_code": "face", "price": "0"},
        {"area_code": "face", "price": "0.00"},
        {"area_code": "face", "price": "-300"},
        {"area_code": "face", "price": 375.5},
        {"area_code": "face", "price": "3e2"},
        {"area_code": "face", "price": "NaN"},
        {"area_code": "face", "price": "1234567890"},
        {"area_code": "face", "price": ""},
        {"area_code": "face", "price": True},
        {"area_code": "face"},
        {"price": "300"},
        {"area_code": "face", "price": "300", "extra": 1},
    ],
)
def test_invalid_price_item_is_422_and_nothing_is_written(
    client: TestClient, db: Session, as_admin: dict[str, str], item: dict[str, Any]
) -> None:
    clinic = make_clinic(db)
    make_price(db, clinic, area_code="legs", price="300")
    items = [{"area_code": "arms", "price": "350"}, item]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 422, response.text
    assert stored(db) == {"legs": "300"}


def test_an_area_twice_in_one_list_is_422(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    items = [{"area_code": "face", "price": "300"}, {"area_code": "face", "price": "350"}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "items", 1, "area_code"]
    assert stored(db) == {}


def test_whole_number_prices_are_accepted(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    items = [{"area_code": "face", "price": 375}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 200
    assert response.json()["items"] == [{"area_code": "face", "price": "375.00"}]


def test_put_replaces_the_whole_list(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    make_price(db, clinic, area_code="legs", price="300")
    make_price(db, clinic, area_code="face", price="310")
    items = [{"area_code": "face", "price": "350"}, {"area_code": "chin", "price": "300"}]
    response = client.put(prices_url(clinic.id), json={"items": items}, headers=as_admin)
    assert response.status_code == 200
    assert stored(db) == {"face": "350", "chin": "300"}
    cleared = client.put(prices_url(clinic.id), json={"items": []}, headers=as_admin)
    assert cleared.json() == {"currency": "EUR", "items": []}
    assert stored(db) == {}


def test_prices_of_one_clinic_do_not_touch_another(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    one, other = make_clinic(db), make_clinic(db)
    make_price(db, other, area_code="legs", price="400")
    items = [{"area_code": "face", "price": "350"}]
    client.put(prices_url(one.id), json={"items": items}, headers=as_admin)
    assert client.get(prices_url(other.id)).json()["items"] == [
        {"area_code": "legs", "price": "400.00"}
    ]


def test_anyone_reads_prices_without_login(client: TestClient, db: Session) -> None:
    clinic = make_clinic(db, currency="USD", country="US", timezone="America/New_York")
    make_price(db, clinic, area_code="thighs", price="399.99")
    response = client.get(prices_url(clinic.id))
    assert response.status_code == 200
    assert response.json() == {
        "currency": "USD",
        "items": [{"area_code": "thighs", "price": "399.99"}],
    }


def test_body_must_be_an_object_with_items(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    url = prices_url(clinic.id)
    assert client.put(url, json=[], headers=as_admin).status_code == 422
    assert client.put(url, json={}, headers=as_admin).status_code == 422
    bad_json = client.put(
        url, content=b"{not json", headers={**as_admin, "Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
