"""Dependencies of the clinics routes: the `near` query of the clinic finder."""

import re
from typing import Annotated

from fastapi import Depends, Query

from api.clinics.service import Near
from api.errors import InvalidInput

MAX_RADIUS_KM = 20_100.0  # a little over half the Earth's circumference
# Two plain decimals, latitude -90..90 and longitude -180..180 (no spaces, exponents or +).
NEAR_PATTERN = (
    r"^(-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)),"
    r"(-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?))$"
)
_NEAR = re.compile(NEAR_PATTERN)


async def near_query(
    near: Annotated[
        str | None,
        Query(
            max_length=100,
            # In the document; checked below, with a message that says what is wanted.
            json_schema_extra={"pattern": NEAR_PATTERN},
            description="`LAT,LON` in decimal degrees (latitude -90 to 90, longitude -180 "
            "to 180): list clinics by distance from there.",
            examples=["48.8566,2.3522"],
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        Query(
            gt=0,
            le=MAX_RADIUS_KM,
            description="Only clinics this close to `near` (needs `near`: alone it is 422).",
        ),
    ] = None,
) -> Near | None:
    """`?near=LAT,LON&radius_km=`, parsed; a malformed point, or a radius alone, is 422."""
    if near is None:
        if radius_km is not None:
            raise InvalidInput(["query", "radius_km"], "radius_km needs near=LAT,LON.")
        return None
    point = _NEAR.fullmatch(near)
    if point is None:
        raise InvalidInput(
            ["query", "near"],
            "near is LAT,LON in decimal degrees (latitude -90..90, longitude -180..180).",
        )
    latitude, longitude = (float(part) for part in point.groups())
    return Near(latitude=latitude, longitude=longitude, radius_km=radius_km)


NearDep = Annotated[Near | None, Depends(near_query)]
