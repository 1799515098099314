"""The dependencies of the follow-up routes: who may report, and the visible session."""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import CurrentUser, require_roles
from api.db import DbSession
from api.sessions.lookup import LocatedSession, visible_session
from api.users.models import User
from api.vocabulary import Role

# Follow-ups are reported by the clinician (practitioner or admin) or by the patient themself.
ReportingUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.PRACTITIONER, Role.PATIENT))]


def get_visible_session(db: DbSession, user: CurrentUser, session_id: uuid.UUID) -> LocatedSession:
    """Dependency for routes under `/sessions/{session_id}` (`lookup.visible_session`)."""
    return visible_session(db, user, session_id)


VisibleSession = Annotated[LocatedSession, Depends(get_visible_session)]
