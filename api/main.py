"""The ASGI application: `api.main:app`, built by `create_app()`."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import ValidationError
from sqlalchemy import Engine

from api import __doc__ as package_doc
from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.catalogue.router import router as catalogue_router
from api.clinics.router import router as clinics_router
from api.common.headers import SecuredFastAPI
from api.common.limits import BodyLimit
from api.common.links import install_links
from api.common.refusals import install_refusals
from api.common.responses import install_problem_docs
from api.common.routing import operation_id
from api.config import Settings, get_settings
from api.db import make_engine, make_sessionmaker
from api.docs import install_docs
from api.docs_examples import install_examples
from api.errors import install_handlers
from api.health import router as health_router
from api.logging import configure_logging
from api.patients.router import router as patients_router
from api.plans.router import router as plans_router
from api.practitioners.router import router as practitioners_router
from api.scheduling.availability_router import router as availability_router
from api.scheduling.course_router import router as course_router
from api.scheduling.sessions_router import router as sessions_router
from api.sessions.follow_ups_router import router as follow_ups_router
from api.users.router import router as users_router

log = logging.getLogger(__name__)

GC_YOUNG_THRESHOLD = 10_000

DESCRIPTION = """\
Back end of a mesotherapy clinic's booking software: patients and intake, treatment plans,
45-minute sessions with licensed physicians, prices per body area, clinics in many time zones.

Log in with **Authorize** (email and password). Errors are RFC 9457 `application/problem+json`.
"""

# In the order a front end meets them (DESIGN.md's resources, the clinic finder first and the
# administration last): ReDoc and Swagger UI list the groups in this order.
TAGS = [
    {"name": "auth", "description": "Log in and read your own account."},
    {"name": "clinics", "description": "The clinic finder and price lists (no login to read)."},
    {
        "name": "practitioners",
        "description": "Physicians, their licences, clinics, working hours and time off.",
    },
    {"name": "patients", "description": "Patients, their allergies and intakes."},
    {
        "name": "treatment plans",
        "description": "Courses of sessions behind safety gates, with a quote and consent.",
    },
    {"name": "availability", "description": "Free 45-minute slots to book."},
    {
        "name": "sessions",
        "description": "Booking, rescheduling and the states of a session.",
    },
    {
        "name": "follow-ups",
        "description": "Bruising, soreness and adverse events reported after a session.",
    },
    {"name": "users", "description": "Accounts and roles (admins)."},
    {"name": "audit", "description": "Who read or changed which patient's data (admins)."},
    {
        "name": "catalogue",
        "description": "Treatment areas, substances, formulations, contraindications.",
    },
    {"name": "health", "description": "Liveness and readiness probes."},
]


# In the order FastAPI tries them (see `ApiRouter`). The catalogue's paths have no common
# prefix beyond /api/v1, so it goes last, where only its own requests have to try it.
API_ROUTERS = (
    auth_router,
    users_router,
    clinics_router,
    practitioners_router,
    audit_router,
    plans_router,
    course_router,
    patients_router,
    availability_router,
    sessions_router,
    follow_ups_router,
    catalogue_router,
)


def load_settings() -> Settings:
    """The settings, or a clear message and exit when the environment is misconfigured."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(str(err["msg"]) for err in exc.errors())
        raise SystemExit(f"Configuration error: {problems}") from None


def tune_gc_for_serving() -> None:
    """The garbage collector of a server process, once its app is built (its start-up).

    What exists at start-up (modules, models, the app) lives as long as the process does, so
    it is kept out of the collector's full passes, which otherwise walk all of it (about
    100 ms) every few requests that allocate thousands of rows. And a search over a busy month
    builds thousands of short-lived tuples; with the default threshold (700 allocations) they
    trigger collections mid-request that promote them and soon a full pass, which is what made
    the slowest searches slow. Collections stay on, just rarer.

    Only in the serving process: a test process builds an app per test, and freezing its heap
    would keep every one of them out of collection for good.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, serving: bool = False
) -> FastAPI:
    """Build the application. The engine is created at start-up unless one is given (tests).

    `serving`: the app is its process's server (`api.main:app`), whose start-up also
    configures logging (`LOG_LEVEL`, `api.logging`) and tunes the garbage collector; the
    tests' apps leave both to the test process.
    """
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if serving:
            configure_logging(settings.log_level)
        own_engine = engine is None
        if settings.secret_key is None:
            log.warning(
                "SECRET_KEY is not set: tokens are signed with the development key kept in %s",
                settings.secret_key_file,
            )
        app.state.engine = engine or make_engine(settings.database_url)
        app.state.sessionmaker = make_sessionmaker(app.state.engine)
        if serving:
            tune_gc_for_serving()
        try:
            yield
        finally:
            if own_engine:
                app.state.engine.dispose()

    app = SecuredFastAPI(
        title="Meso Clinic API",
        version="1.0.0",
        summary=package_doc,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Added before CORS, so CORS wraps it and a browser can read its 413.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Retry-After"],
        )
    install_handlers(app)
    install_docs(app)
    app.include_router(health_router)
    for router in API_ROUTERS:
        app.include_router(router)
    install_problem_docs(app)
    install_links(app)
    install_refusals(app)
    install_examples(app)
    return app


# What uvicorn serves. Building it reads the settings; logging and the garbage collector are
# set when the server starts it (the lifespan), so importing api.main changes neither.
app = create_app(serving=True)
