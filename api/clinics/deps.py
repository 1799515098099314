"""Dependencies of the clinics routes: the `near` query of the clinic finder."""

import math
from typing import Annotated

from fastapi import Depends, Query

from api.clinics.service import Near
from api.errors import InvalidInput

MAX_RADIUS_KM = 20_100.0  # a little over half the Earth's circumference


def _coordinate(text: str, bound: float) -> float:
    value = float(text)
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ValueError("out of range")
    return value


async def near_query(
    near: Annotated[
        str | None,
        Query(
            max_length=100,
            description="`LAT,LON` in decimal degrees: list clinics by distance from there.",
            examples=["48.8566,2.3522"],
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        Query(gt=0, le=MAX_RADIUS_KM, description="Only clinics this close to `near`."),
    ] = None,
) -> Near | None:
    """`?near=LAT,LON&radius_km=`, parsed; a malformed point, or a radius alone, is 422."""
    if near is None:
        if radius_km is not None:
            raise InvalidInput(["query", "radius_km"], "radius_km needs near=LAT,LON.")
        return None
    parts = near.split(",")
    try:
        if len(parts) != 2:
            raise ValueError("two numbers expected")
        latitude = _coordinate(parts[0].strip(), 90)
        longitude = _coordinate(parts[1].strip(), 180)
    except ValueError:
        raise InvalidInput(
            ["query", "near"],
            "near is LAT,LON in decimal degrees (latitude -90..90, longitude -180..180).",
        ) from None
    return Near(latitude=latitude, longitude=longitude, radius_km=radius_km)


NearDep = Annotated[Near | None, Depends(near_query)]
