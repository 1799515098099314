"""Who is calling, and whether their role may do what they ask."""

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from api.auth.tokens import issued_under, read_access_token
from api.common.responses import may_forbid
from api.common.text import fit
from api.config import Settings
from api.db import DbSession
from api.errors import Forbidden, NotAuthenticated
from api.users.models import ADDRESS_LENGTH, User
from api.vocabulary import Role

TOKEN_URL = "/api/v1/auth/token"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def get_app_settings(request: Request) -> Settings:
    # async: no I/O, so no hop to the thread pool on every authenticated request.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


# The user and their clinics in one statement (the relationship alone would take two), built
# once: building it cost as much as running it, on every authenticated request.
_USER_WITH_CLINICS = (
    select(User).options(joinedload(User.clinics)).where(User.id == bindparam("user_id"))
)


def get_current_user(
    db: DbSession,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    """The active user named by the bearer token; a deactivated user's token, or one issued
    before their password last changed, stops working at once."""
    if not token:
        raise NotAuthenticated()
    user_id, password_digest = read_access_token(token, settings)
    user = db.scalars(_USER_WITH_CLINICS, {"user_id": user_id}).unique().one_or_none()
    if user is None or not user.active or not issued_under(password_digest, user.password_hash):
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only `roles` through (403 for the others); async, as it does no
    I/O: a sync dependency costs a trip to the thread pool."""
    allowed = {r.value for r in roles}

    @may_forbid
    async def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden()
        return user

    return check


AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]
StaffUser = Annotated[
    User, Depends(require_roles(Role.ADMIN, Role.RECEPTIONIST, Role.PRACTITIONER))
]
ClinicalUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.PRACTITIONER))]


def client_address(request: Request) -> str:
    """The caller's address in one canonical form (an IPv4-mapped IPv6 address as IPv4, no
    zone), so one client cannot count as many; anything that is no address (a forwarded
    header can say anything) is kept as it is, or as its digest when too long to store."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return fit(host, ADDRESS_LENGTH)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
