"""The ids of the demo objects (`python -m api seed-demo`), the same in every demo database.

The seed gives each object it makes the id named here by its kind and its demo key (a clinic
`paris`, a patient `claire`, the first session of the plan `face_active`…), and the request
examples of the OpenAPI document (`api/docs_examples.py`) refer to the same objects by the
same names, so an example works against any freshly seeded server. Version 5 UUIDs, as the
catalogue's formulations have (migration 0003), in a namespace of their own.
"""

import uuid

_NAMESPACE = "meso-clinic:demo:"


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_NAMESPACE}{kind}:{key}")


def user_id(role: str) -> uuid.UUID:
    """The demo login of `role` (`admin`, `receptionist`, `practitioner`, `patient`)."""
    return demo_id("user", role)


def clinic_id(key: str) -> uuid.UUID:
    return demo_id("clinic", key)


def practitioner_id(key: str) -> uuid.UUID:
    return demo_id("practitioner", key)


def patient_id(key: str) -> uuid.UUID:
    return demo_id("patient", key)


def allergy_id(patient_key: str, n: int) -> uuid.UUID:
    """The `n`th (1-based) demo allergy of a patient."""
    return demo_id("allergy", f"{patient_key}:{n}")


def plan_id(key: str) -> uuid.UUID:
    return demo_id("plan", key)


def session_id(plan_key: str, n: int) -> uuid.UUID:
    """The `n`th (1-based, in the order the seed makes them) demo session of a plan."""
    return demo_id("session", f"{plan_key}:{n}")
