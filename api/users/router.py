"""/api/v1/users: accounts, for admins only."""

import uuid

from fastapi import Response, status

from api.auth.deps import AdminUser
from api.common.etag import IfMatch, check_if_match, set_etag
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.users import service
from api.users.schemas import UserCreate, UserRead, UserUpdate
from api.vocabulary import ConflictCode, Role

router = ApiRouter(prefix="/users", tags=["users"])

ACCOUNT_CONFLICTS = conflicts(ConflictCode.ACCOUNT_EXISTS)


@router.post("", status_code=status.HTTP_201_CREATED, responses=ACCOUNT_CONFLICTS, summary="Create")
def create_user(db: DbSession, _admin: AdminUser, body: UserCreate) -> UserRead:
    return UserRead.model_validate(service.create_user(db, body))


@router.get("", summary="List accounts")
def list_users(
    db: DbSession, _admin: AdminUser, page: PageDep, role: Role | None = None
) -> Page[UserRead]:
    items, cursor = service.list_users(db, page, role)
    return Page(items=[UserRead.model_validate(u) for u in items], next_cursor=cursor)


@router.get("/{user_id}", summary="Read one account")
def get_user(db: DbSession, _admin: AdminUser, user_id: uuid.UUID, response: Response) -> UserRead:
    user = service.get_user(db, user_id)
    set_etag(response, user.id, user.updated_at)
    return UserRead.model_validate(user)


@router.patch(
    "/{user_id}",
    responses=ACCOUNT_CONFLICTS,
    summary="Change or deactivate an account",
)
def update_user(
    db: DbSession,
    _admin: AdminUser,
    user_id: uuid.UUID,
    body: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    user = service.get_user(db, user_id)
    check_if_match(if_match, user.id, user.updated_at)
    user = service.update_user(db, user, body)
    set_etag(response, user.id, user.updated_at)
    return UserRead.model_validate(user)
