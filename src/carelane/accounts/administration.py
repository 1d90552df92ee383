"""What admins do to accounts: list a workspace's users, change a user's role, deactivate
a user (ending their sessions and API tokens at once) and reactivate them, list and
revoke API tokens."""

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role, parse_role
from carelane.accounts.schemas import ApiTokenOut, UserOut
from carelane.accounts.service import mark_rosters_changed, user_out
from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.store.database import unit_of_work
from carelane.store.models import ApiToken, UserAccount, UserSession, WorkspaceMember


def get_workspace_users(*, session: Session, workspace_id: int) -> list[UserOut]:
    """The workspace's members and the admins of every workspace, by email."""
    members = select(WorkspaceMember.user_id).where(WorkspaceMember.workspace_id == workspace_id)
    users = session.scalars(
        select(UserAccount)
        .where(or_(UserAccount.id.in_(members), UserAccount.all_workspaces.is_(True)))
        .order_by(UserAccount.email)
    ).all()
    return [user_out(session, user) for user in users]


def _workspace_user(session: Session, *, workspace_id: int, user_id: int) -> UserAccount:
    """User `user_id` if they are a member of the workspace (or an admin of every one);
    NotFoundError otherwise, the same as for no user at all."""
    user = session.get(UserAccount, user_id)
    if user is None or not (
        user.all_workspaces or session.get(WorkspaceMember, (user_id, workspace_id)) is not None
    ):
        raise NotFoundError(f"no user {user_id} in this workspace")
    return user


def _check_may_change(user: UserAccount, *, by_user_id: int, by_all_workspaces: bool) -> None:
    if user.id == by_user_id:
        raise ConflictError("nobody may change their own role or deactivate themselves")
    if user.all_workspaces and not by_all_workspaces:
        raise ConflictError(
            f"{user.email} is an admin of every workspace: only such an admin may change them"
        )


def get_workspace_user(*, session: Session, workspace_id: int, user_id: int) -> UserOut:
    """User `user_id` of the workspace; NotFoundError if they are not one of its users."""
    return user_out(session, _workspace_user(session, workspace_id=workspace_id, user_id=user_id))


def do_change_role(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    role: Role | str,
    by_user_id: int,
    by_all_workspaces: bool,
) -> UserOut:
    """Give user `user_id` (of the workspace) `role`, in every workspace they belong to;
    their sessions see it on their next request, routing at its next decision (a
    Marketing/PR member's agent is given the marketing lanes only). InvalidInputError
    naming `role` for an unknown one or for a user of every workspace made anything but
    admin; NotFoundError for a user of no such workspace; ConflictError for one's own
    role, and for an admin of every workspace changed by an admin of some."""
    try:
        new_role = role if isinstance(role, Role) else parse_role(role)
    except ValueError as error:
        raise InvalidInputError([FieldError("role", str(error))]) from None
    with unit_of_work(session):
        user = _workspace_user(session, workspace_id=workspace_id, user_id=user_id)
        _check_may_change(user, by_user_id=by_user_id, by_all_workspaces=by_all_workspaces)
        if user.all_workspaces and new_role is not Role.ADMIN:
            raise InvalidInputError(
                [FieldError("role", "an admin of every workspace must stay an admin")]
            )
        marketing = Role.MARKETING.value
        if marketing in (user.role, new_role.value) and user.role != new_role.value:
            mark_rosters_changed(session, user.id)  # their agent's lanes change with it
        user.role = new_role.value
    return user_out(session, user)


def do_deactivate_user(
    *,
    session: Session,
    workspace_id: int | None,
    user_id: int,
    now: datetime,
    by_user_id: int | None = None,
    by_all_workspaces: bool = True,
) -> UserOut:
    """Deactivate user `user_id`: they can no longer sign in, and every session and API
    token of theirs is revoked at once. `workspace_id` None (the CLI) finds the user in
    any workspace. NotFoundError for a user of no such workspace; ConflictError for
    oneself, and for an admin of every workspace deactivated by an admin of some."""
    with unit_of_work(session):
        if workspace_id is None:
            found = session.get(UserAccount, user_id)
            if found is None:
                raise NotFoundError(f"no user {user_id}")
            user = found
        else:
            user = _workspace_user(session, workspace_id=workspace_id, user_id=user_id)
        if by_user_id is not None:
            _check_may_change(user, by_user_id=by_user_id, by_all_workspaces=by_all_workspaces)
        user.active = False
        for table in (UserSession, ApiToken):
            session.execute(
                update(table)
                .where(table.user_id == user.id, table.revoked_at.is_(None))
                .values(revoked_at=now)
            )
    return user_out(session, user)


def do_reactivate_user(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    by_user_id: int,
    by_all_workspaces: bool,
) -> UserOut:
    """Let deactivated user `user_id` sign in again. What deactivation revoked stays
    revoked: they sign in afresh and are issued new API tokens. NotFoundError for a user
    of no such workspace; ConflictError for oneself, and for an admin of every workspace
    reactivated by an admin of some."""
    with unit_of_work(session):
        user = _workspace_user(session, workspace_id=workspace_id, user_id=user_id)
        _check_may_change(user, by_user_id=by_user_id, by_all_workspaces=by_all_workspaces)
        user.active = True
    return user_out(session, user)


def user_id_of_email(*, session: Session, email: str) -> int:
    """The id of the user of `email` (any case); NotFoundError if there is none."""
    normal = email.strip().lower()
    user_id = session.scalar(select(UserAccount.id).where(UserAccount.email == normal))
    if user_id is None:
        raise NotFoundError(f"no user with email {normal!r}")
    return user_id


def get_api_tokens(*, session: Session, workspace_id: int, user_id: int) -> list[ApiTokenOut]:
    """User `user_id`'s API tokens (never the secrets), oldest first."""
    _workspace_user(session, workspace_id=workspace_id, user_id=user_id)
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()
    return [ApiTokenOut.model_validate(row) for row in rows]


def do_revoke_api_token(
    *, session: Session, workspace_id: int, user_id: int, token_id: int, now: datetime
) -> ApiTokenOut:
    """Revoke token `token_id` of user `user_id`: it stops working at once (revoking it
    again changes nothing). NotFoundError for a token of no such user."""
    with unit_of_work(session):
        _workspace_user(session, workspace_id=workspace_id, user_id=user_id)
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id:
            raise NotFoundError(f"no API token {token_id} of user {user_id}")
        if token.revoked_at is None:
            token.revoked_at = now
    return ApiTokenOut.model_validate(token)
