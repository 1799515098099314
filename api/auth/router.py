"""/api/v1/auth: the OAuth2 password flow and the caller's own account."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.auth import service
from api.auth.deps import CurrentUser, SettingsDep, client_address
from api.auth.tokens import issue_access_token
from api.common.responses import problem
from api.common.routing import ApiRouter
from api.db import DbSession
from api.errors import NotAuthenticated
from api.users.schemas import UserRead

router = ApiRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post(
    "/token",
    summary="Log in (OAuth2 password flow: username = email)",
    responses=problem(401, "Wrong email or password.")
    | problem(429, "Too many failed logins; see Retry-After."),
)
def issue_token(
    db: DbSession,
    settings: SettingsDep,
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    attempt = service.reserve_attempt(db, form.username, client_address(request))
    # Counted before the password is checked, for every process to see; a success removes it
    # with the request's commit, a failure stays (the 401 would roll back the request).
    db.commit()
    user = service.verify_attempt(db, attempt, form.username, form.password)
    if user is None:
        raise NotAuthenticated("Wrong email or password.")
    token, lifetime = issue_access_token(user.id, user.password_hash, settings)
    return Token(access_token=token, expires_in=lifetime)


@router.get("/me", summary="The caller's account")
def get_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)
