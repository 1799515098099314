"""/api/v1/auth: the OAuth2 password flow and the caller's own account."""

from typing import Annotated

from fastapi import Depends, Form, Request
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


class LoginForm(OAuth2PasswordRequestForm):
    """The OAuth2 password form, whose document says that `username` and `password` are not
    empty: FastAPI reads an empty form field as a missing one (422 "Field required")."""

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form()] = None,
        username: Annotated[str, Form(min_length=1)],
        password: Annotated[str, Form(min_length=1)],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


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
    form: Annotated[LoginForm, Depends()],
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
