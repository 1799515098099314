"""The clinic finder: `?near=LAT,LON&radius_km=` by great-circle distance, with `distance_km`."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clinics.service import haversine_km
from tests.factories import make_clinic

URL = "/api/v1/clinics"
PARIS = "48.8566,2.3522"


@pytest.fixture
def network(db: Session) -> None:
    make_clinic(db, name="New York", latitude=40.7128, longitude=-74.0060)
    make_clinic(db, name="Lyon", latitude=45.7640, longitude=4.8357)
    make_clinic(db, name="Versailles", latitude=48.8049, longitude=2.1204)
    make_clinic(db, name="Singapore", latitude=1.2903, longitude=103.8519)


def test_haversine_matches_known_distances() -> None:
    # Paris–London and Paris–New York on a sphere of mean radius.
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=1)
    assert haversine_km(48.8566, 2.3522, 40.7128, -74.0060) == pytest.approx(5837, abs=5)
    assert haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(10, 20, 10, 20) == 0


@pytest.mark.usefixtures("network")
def test_near_orders_by_distance_with_distance_km(client: TestClient) -> None:
    response = client.get(URL, params={"near": PARIS})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [c["name"] for c in items] == ["Versailles", "Lyon", "New York", "Singapore"]
    distances = [c["distance_km"] for c in items]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(17.9, abs=0.5)
    assert distances[1] == pytest.approx(392, abs=3)


@pytest.mark.usefixtures("network")
def test_radius_keeps_only_clinics_within_it(client: TestClient) -> None:
    response = client.get(URL, params={"near": PARIS, "radius_km": 500})
    assert [c["name"] for c in response.json()["items"]] == ["Versailles", "Lyon"]
    response = client.get(URL, params={"near": PARIS, "radius_km": 10})
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.usefixtures("network")
def test_near_is_paginated_in_distance_order(client: TestClient) -> None:
    names: list[str] = []
    params: dict[str, str | int] = {"near": PARIS, "limit": 1}
    while True:
        page = client.get(URL, params=params).json()
        names += [c["name"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert names == ["Versailles", "Lyon", "New York", "Singapore"]


def test_near_across_the_antimeridian(client: TestClient, db: Session) -> None:
    make_clinic(db, name="Fiji", latitude=-17.7134, longitude=178.065)
    make_clinic(db, name="Samoa", latitude=-13.759, longitude=-172.1046)
    make_clinic(db, name="Sydney", latitude=-33.8688, longitude=151.2093)
    items = client.get(URL, params={"near": "-15,-179", "radius_km": 1500}).json()["items"]
    assert [c["name"] for c in items] == ["Fiji", "Samoa"]


def test_plain_list_has_no_distance(client: TestClient, db: Session) -> None:
    make_clinic(db)
    assert client.get(URL).json()["items"][0]["distance_km"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"near": "48.85"},
        {"near": "48.85,2.35,7"},
        {"near": "north,east"},
        {"near": "91,0"},
        {"near": "0,181"},
        {"near": "nan,0"},
        {"near": "inf,0"},
        {"near": ""},
        {"near": PARIS, "radius_km": 0},
        {"near": PARIS, "radius_km": -5},
        {"near": PARIS, "radius_km": "far"},
        {"radius_km": 10},
        {"near": PARIS, "cursor": "not-a-cursor"},
    ],
)
def test_malformed_near_is_422(client: TestClient, params: dict[str, str | int]) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
