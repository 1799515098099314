"""Migrations build the schema from empty, come down to base and go up again, with no drift."""

from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from api.db import make_engine
from api.plans.models import TreatmentPlan
from tests.databases import DatabaseFactory, alembic_config
from tests.factories import make_intake, make_plan
from tests.scheduling.helpers import make_setup


def _run(url: str, action: str, revision: str = "head") -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(config, revision)
            elif action == "downgrade":
                command.downgrade(config, revision)
            else:
                command.check(config)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again(
    databases: DatabaseFactory,
) -> None:
    with databases.fresh(migrated=False) as url:
        _run(url, "upgrade")
        tables = _tables(url)
        assert {"users", "patients", "sessions", "audit_events"} <= tables
        _run(url, "check")
        _run(url, "downgrade", "base")
        assert _tables(url) == set()
        _run(url, "upgrade")
        assert _tables(url) == tables
        _run(url, "check")


def test_0006_gives_overridden_plans_the_contraindications_their_override_was_given_for(
    databases: DatabaseFactory,
) -> None:
    """Plans made before 0006 get the codes of the latest intake recorded by their last change;
    an intake recorded after it is not covered, and a plan without an override covers none."""
    with databases.fresh() as url:
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                setup = make_setup(db)
                now = datetime.now(UTC)
                for day, codes in ((5, []), (10, ["diabetes"])):
                    intake = make_intake(
                        db,
                        setup.patient,
                        measured_on=date(2026, 1, day),
                        contraindications=codes,
                    )
                    intake.created_at = now - timedelta(days=2)
                setup.plan.override_reason = "HbA1c 6.1%"
                setup.plan.updated_at = now - timedelta(days=1)
                plain = make_plan(db, setup.patient, setup.practitioner, setup.clinic)
                later = make_intake(
                    db,
                    setup.patient,
                    measured_on=date(2026, 2, 1),
                    contraindications=["epilepsy"],
                )
                later.created_at = now
                db.commit()
                overridden_id, plain_id = setup.plan.id, plain.id
            _run(url, "downgrade", "0005")
            _run(url, "upgrade")
            with Session(engine) as db:
                assert db.get_one(TreatmentPlan, overridden_id).override_codes == ["diabetes"]
                assert db.get_one(TreatmentPlan, plain_id).override_codes == []
        finally:
            engine.dispose()
