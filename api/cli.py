"""Command line: `python -m api create-admin --email E --password P`, `python -m api seed-demo`."""

import argparse
from collections.abc import Sequence

from api.config import get_settings
from api.db import make_engine, make_sessionmaker
from api.demo import database_is_empty, seed_demo
from api.users.schemas import UserCreate
from api.users.service import create_user, find_by_email
from api.vocabulary import Role


def _create_admin(email: str, password: str) -> int:
    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as db, db.begin():
            if find_by_email(db, email) is not None:
                print(f"An account for {email} exists already; nothing to do.")
                return 0
            create_user(db, UserCreate(email=email, password=password, role=Role.ADMIN))
        print(f"Admin {email} created.")
        return 0
    finally:
        engine.dispose()


def _seed_demo() -> int:
    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as db, db.begin():
            if not database_is_empty(db):
                print("The database already has data; demo data not loaded.")
                return 0
            ctx = seed_demo(db)
        print("Demo data loaded. Logins (email / password):")
        for role, email, password in ctx.logins:
            print(f"  {role:<13} {email} / {password}")
        return 0
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin account (idempotent)")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    commands.add_parser("seed-demo", help="fill an empty database with demo data")
    args = parser.parse_args(argv)
    if args.command == "create-admin":
        return _create_admin(args.email, args.password)
    return _seed_demo()
