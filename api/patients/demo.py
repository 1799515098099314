"""Demo patients for `python -m api seed-demo`: a dozen, of varied ages, with allergies
(among them a soy allergy and a lidocaine allergy) and intakes."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.common.demo_ids import allergy_id, patient_id
from api.patients.models import Allergy, Intake, IntakeCellulite, IntakeContraindication, Patient
from api.patients.service import years_before
from api.users.models import User
from api.vocabulary import Role

# Used only when no earlier step provided `ctx.objects["clinics"]`.
FALLBACK_CLINICS: dict[str, dict[str, Any]] = {
    "paris": {
        "name": "Meso Clinic Paris",
        "country": "FR",
        "city": "Paris",
        "address": "12 rue de la Paix, 75002 Paris",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "latitude": 48.8686,
        "longitude": 2.3314,
    },
    "new_york": {
        "name": "Meso Clinic New York",
        "country": "US",
        "city": "New York",
        "address": "500 Park Avenue, New York, NY 10022",
        "timezone": "America/New_York",
        "currency": "USD",
        "latitude": 40.7624,
        "longitude": -73.9707,
    },
    "singapore": {
        "name": "Meso Clinic Singapore",
        "country": "SG",
        "city": "Singapore",
        "address": "391 Orchard Road, Singapore 238872",
        "timezone": "Asia/Singapore",
        "currency": "SGD",
        "latitude": 1.3036,
        "longitude": 103.8318,
    },
}

# key, given, family, age, sex, clinic, email, phone
PATIENTS: tuple[tuple[str, str, str, int, str, str, str, str], ...] = (
    ("claire", "Claire", "Dubois", 34, "female", "paris", "claire.dubois", "+33612345678"),
    ("amelie", "Amélie", "Laurent", 52, "female", "paris", "amelie.laurent", "+33623456789"),
    ("louis", "Louis", "Martin", 41, "male", "paris", "louis.martin", "+33634567890"),
    ("ines", "Inès", "Moreau", 17, "female", "paris", "ines.moreau", "+33645678901"),
    ("emma", "Emma", "Johnson", 29, "female", "new_york", "emma.johnson", "+12125550101"),
    ("olivia", "Olivia", "Smith", 63, "female", "new_york", "olivia.smith", "+12125550102"),
    ("james", "James", "O'Brien", 45, "male", "new_york", "james.obrien", "+12125550103"),
    ("sofia", "Sofia", "Garcia", 38, "female", "new_york", "sofia.garcia", "+12125550104"),
    ("mei", "Mei Ling", "Tan", 31, "female", "singapore", "meiling.tan", "+6591234567"),
    ("priya", "Priya", "Raman", 47, "female", "singapore", "priya.raman", "+6592345678"),
    ("wei", "Wei", "Lim", 55, "male", "singapore", "wei.lim", "+6593456789"),
    ("nur", "Nur", "Aisyah", 24, "female", "singapore", "nur.aisyah", "+6594567890"),
)

# key: (substance_code, allergen_class, substance_text, reaction, severity, status)
ALLERGIES: dict[str, list[tuple[str | None, str | None, str | None, str, str, str]]] = {
    "claire": [(None, "soy", None, "Hives after soy lecithin", "moderate", "active")],
    "emma": [("lidocaine", None, None, "Swelling after dental anaesthesia", "severe", "active")],
    "priya": [
        (None, None, "Ragweed and chamomile", "Hay fever, contact dermatitis", "mild", "active")
    ],
    "olivia": [("procaine", None, None, "Rash in 2009, tolerated since", "mild", "resolved")],
}

# key: (days ago, weight kg, height cm, {area: grade}, goals, contraindications)
INTAKES: dict[str, list[tuple[int, str, str, dict[str, int], list[str], list[str]]]] = {
    "claire": [(30, "64.5", "168", {"thighs": 2, "buttocks": 2}, ["cellulite"], [])],
    "amelie": [(10, "70.2", "165", {}, ["skin_rejuvenation", "face_lifting"], ["hypertension"])],
    "louis": [(12, "88.0", "180", {"abdomen": 1}, ["local_fat"], [])],
    "emma": [
        (90, "61.0", "170", {"thighs": 3, "legs": 2}, ["cellulite"], []),
        (5, "59.4", "170", {"thighs": 2, "legs": 2}, ["cellulite"], []),
    ],
    "olivia": [(20, "72.8", "162", {}, ["skin_rejuvenation"], ["anticoagulant_therapy"])],
    "sofia": [(3, "66.0", "167", {"buttocks": 1, "thighs": 1}, ["cellulite"], ["pregnancy"])],
    "mei": [(14, "52.3", "158", {}, ["skin_rejuvenation"], [])],
    "priya": [(7, "68.9", "160", {"abdomen": 2, "flanks": 2}, ["local_fat", "cellulite"], [])],
    "wei": [(21, "81.5", "175", {"chin": 1}, ["local_fat"], ["diabetes"])],
}


def _clinics(db: Session, ctx: Any) -> dict[str, Clinic]:
    clinics: dict[str, Clinic] | None = ctx.objects.get("clinics")
    if clinics:
        return clinics
    clinics = {key: Clinic(**fields) for key, fields in FALLBACK_CLINICS.items()}
    db.add_all(clinics.values())
    db.flush()
    ctx.objects["clinics"] = clinics
    # Without a clinics step nobody ties the demo staff to clinics; do it so they see patients.
    staff = db.scalars(select(User).where(User.role.in_([Role.RECEPTIONIST, Role.PRACTITIONER])))
    for user in staff:
        if not user.clinics:
            user.clinics = list(clinics.values())
    return clinics


def seed_patients(db: Session, ctx: Any) -> None:
    """Demo step: patients (by key in `ctx.objects["patients"]`), allergies and intakes; the
    demo patient account, if any, is linked to Claire."""
    clinics = _clinics(db, ctx)
    patients: dict[str, Patient] = {}
    for key, given, family, age, sex, clinic_key, email, phone in PATIENTS:
        clinic = clinics[clinic_key]
        today = clock.clinic_today(clinic.timezone)
        born = years_before(today, age) - timedelta(days=37 + 11 * len(patients))
        patient = Patient(
            id=patient_id(key),
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            email=f"{email}@example.com",
            phone=phone,
            home_clinic_id=clinic.id,
        )
        patients[key] = patient
    db.add_all(patients.values())
    db.flush()
    for key, rows in ALLERGIES.items():
        for n, (substance_code, allergen_class, text, reaction, severity, status) in enumerate(
            rows, start=1
        ):
            db.add(
                Allergy(
                    id=allergy_id(key, n),
                    patient_id=patients[key].id,
                    substance_code=substance_code,
                    allergen_class=allergen_class,
                    substance_text=text,
                    reaction=reaction,
                    severity=severity,
                    status=status,
                    noted_on=date(2024, 3, 1),
                )
            )
    for key, intakes in INTAKES.items():
        patient = patients[key]
        today = clock.clinic_today(clinics[_clinic_key(key)].timezone)
        for days_ago, weight, height, grades, goals, contraindications in intakes:
            db.add(
                Intake(
                    patient_id=patient.id,
                    measured_on=today - timedelta(days=days_ago),
                    weight_kg=Decimal(weight),
                    height_cm=Decimal(height),
                    goals=goals,
                    notes="Demo intake.",
                    cellulite=[IntakeCellulite(area_code=a, grade=g) for a, g in grades.items()],
                    contraindications=[IntakeContraindication(code=c) for c in contraindications],
                )
            )
    db.flush()
    account = db.scalar(select(User).where(User.role == Role.PATIENT, User.patient_id.is_(None)))
    if account is not None:
        account.patient_id = patients["claire"].id
    db.flush()
    ctx.objects["patients"] = patients


def _clinic_key(patient_key: str) -> str:
    return next(row[5] for row in PATIENTS if row[0] == patient_key)
