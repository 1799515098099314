"""The auditor of a request: audit events for the calling user, from their address."""

from typing import Annotated

from fastapi import Depends, Request

from api.audit.service import Auditor
from api.auth.deps import CurrentUser, client_address
from api.db import DbSession


async def get_auditor(db: DbSession, user: CurrentUser, request: Request) -> Auditor:
    return Auditor(db=db, actor_id=user.id, client_address=client_address(request))


AuditorDep = Annotated[Auditor, Depends(get_auditor)]
