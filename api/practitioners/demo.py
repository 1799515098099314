"""Demo practitioners: licensed, qualified for mesotherapy, with weekly hours; one works at
two clinics and is the demo practitioner account's record."""

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from api.clinics.demo import demo_account
from api.common.demo_ids import practitioner_id
from api.practitioners.models import MESOTHERAPY, Practitioner, WorkingHours
from api.practitioners.schedule import to_minutes
from api.vocabulary import Role

if TYPE_CHECKING:
    from api.demo import DemoContext

MON_TO_FRI = (0, 1, 2, 3, 4)

# key: (given, family, licence number, authority, expires,
#       clinic key → [(weekdays, start, end)])
PRACTITIONERS: dict[
    str, tuple[str, str, str, str, date, dict[str, list[tuple[tuple[int, ...], str, str]]]]
] = {
    "martin": (
        "Claire",
        "Martin",
        "10101234567",
        "Ordre des médecins (France)",
        date(2031, 6, 30),
        {
            "paris": [((0, 1, 3), "09:00", "13:00"), ((0, 1, 3), "14:00", "18:00")],
            "lyon": [((2, 4), "10:00", "17:00")],
        },
    ),
    "lefevre": (
        "Hugo",
        "Lefèvre",
        "10107654321",
        "Ordre des médecins (France)",
        date(2032, 12, 31),
        {"paris": [(MON_TO_FRI, "12:00", "20:00"), ((5,), "09:00", "13:00")]},
    ),
    "carter": (
        "Emily",
        "Carter",
        "298765",
        "New York State Education Department",
        date(2030, 9, 30),
        {"new_york": [(MON_TO_FRI, "08:00", "16:00")]},
    ),
    "rivera": (
        "James",
        "Rivera",
        "301122",
        "New York State Education Department",
        date(2031, 3, 31),
        {"new_york": [((1, 2, 3, 4, 5), "11:00", "19:00")]},
    ),
    "tan": (
        "Wei Ling",
        "Tan",
        "M12345A",
        "Singapore Medical Council",
        date(2030, 12, 31),
        {"singapore": [(MON_TO_FRI, "09:00", "18:00")]},
    ),
}


def seed_practitioners(db: Session, ctx: "DemoContext") -> None:
    """Practitioners with working hours at the demo clinics (needs the clinics step); the demo
    practitioner account becomes the first one's. Puts `ctx.objects["practitioners"]`."""
    clinics = ctx.objects["clinics"]
    practitioners: list[Practitioner] = []
    for key, (given, family, number, authority, expires, schedule) in PRACTITIONERS.items():
        practitioner = Practitioner(
            id=practitioner_id(key),
            given_name=given,
            family_name=family,
            license_number=number,
            license_authority=authority,
            license_expires_on=expires,
            qualifications=[MESOTHERAPY, "aesthetic_medicine"],
            clinics=[clinics[key] for key in schedule],
        )
        db.add(practitioner)
        db.flush()
        db.add_all(
            WorkingHours(
                practitioner_id=practitioner.id,
                clinic_id=clinics[key].id,
                weekday=weekday,
                start_minute=to_minutes(start),
                end_minute=to_minutes(end),
            )
            for key, intervals in schedule.items()
            for weekdays, start, end in intervals
            for weekday in weekdays
        )
        practitioners.append(practitioner)
    account = demo_account(db, ctx, Role.PRACTITIONER)
    if account is not None:
        account.practitioner_id = practitioners[0].id
        account.clinics = list(practitioners[0].clinics)
    db.flush()
    ctx.objects["practitioners"] = practitioners
