"""Adding users, signing in and out, sessions and API tokens: the one write path for
accounts."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carelane.accounts.errors import NotSignedInError, SignInFailedError
from carelane.accounts.passwords import MAX_PASSWORD_LENGTH, Passwords, password_problems
from carelane.accounts.roles import Role, parse_role
from carelane.accounts.schemas import OpenedSession, SignedIn, UserOut
from carelane.accounts.throttling import (
    SignInThrottle,
    check_sign_in_allowed,
    clear_sign_in_failures,
    record_sign_in_failure,
)
from carelane.accounts.tokens import new_api_token, new_secret, secret_digest
from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.store.database import unit_of_work
from carelane.store.models import (
    Agent,
    ApiToken,
    UserAccount,
    UserSession,
    Workspace,
    WorkspaceMember,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEEN_EVERY = timedelta(minutes=1)
"""A session's last-seen time (and expiry) moves on at most this often: not every
request needs a write."""


@dataclass(frozen=True, slots=True)
class SessionLifetime:
    """A session ends after `idle` without requests, and `longest` after it began."""

    idle: timedelta
    longest: timedelta


def normalise_email(email: str) -> str:
    """The form emails are stored and looked up in: trimmed, lower case."""
    return email.strip().lower()


def _user_problems(email: str, display_name: str, role: str, password: str) -> list[FieldError]:
    problems = []
    if len(email) > 320 or not _EMAIL.match(email):
        problems.append(FieldError("email", "must be an email address such as ana@example.com"))
    if not display_name.strip() or len(display_name) > 255:
        problems.append(FieldError("name", "must be 1-255 characters"))
    try:
        parse_role(role)
    except ValueError as error:
        problems.append(FieldError("role", str(error)))
    problems.extend(password_problems(password))
    return problems


def do_add_user(
    *,
    session: Session,
    email: str,
    display_name: str,
    role: Role | str,
    password: str,
    passwords: Passwords,
    now: datetime,
    workspaces: Sequence[str] = (),
    all_workspaces: bool = False,
) -> UserOut:
    """Add a user who signs in with `email` and `password`, a member of `workspaces`
    (slugs), and of every workspace when `all_workspaces` (admins only).

    In each workspace, the agent row with the same email becomes this user there.
    InvalidInputError for a bad email, name, role or password (every problem named);
    NotFoundError for an unknown workspace; ConflictError if the email is taken.
    """
    email = normalise_email(email)
    role_text = role.value if isinstance(role, Role) else role
    problems = _user_problems(email, display_name, role_text, password)
    if all_workspaces and not problems and parse_role(role_text) is not Role.ADMIN:
        problems.append(FieldError("all_workspaces", "only admins may be given every workspace"))
    if problems:
        raise InvalidInputError(problems)
    password_hash = passwords.hash(password)
    try:
        with unit_of_work(session):
            if session.scalar(select(UserAccount.id).where(UserAccount.email == email)):
                raise ConflictError(f"a user with email {email!r} already exists")
            user = UserAccount(
                email=email,
                display_name=display_name.strip(),
                password_hash=password_hash,
                role=parse_role(role_text).value,
                active=True,
                all_workspaces=all_workspaces,
                created_at=now,
            )
            session.add(user)
            session.flush()
            for slug in dict.fromkeys(workspaces):
                workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == slug))
                if workspace_id is None:
                    raise NotFoundError(f"no workspace {slug!r}")
                _add_member(session, user, workspace_id, now)
    except IntegrityError as error:
        raise ConflictError(f"a user with email {email!r} already exists") from error
    return user_out(session, user)


def _add_member(session: Session, user: UserAccount, workspace_id: int, now: datetime) -> None:
    agent_id = session.scalar(
        select(Agent.id).where(
            Agent.workspace_id == workspace_id, func.lower(Agent.email) == user.email
        )
    )
    session.add(
        WorkspaceMember(
            user_id=user.id, workspace_id=workspace_id, agent_id=agent_id, created_at=now
        )
    )
    if agent_id is not None and user.role == Role.MARKETING.value:
        session.flush()
        mark_rosters_changed(session, user.id)


def mark_rosters_changed(session: Session, user_id: int) -> None:
    """Bump the roster version of every workspace where the user answers conversations
    (is an agent): routing keeps each roster per version, and a user's role bounds the
    lanes their agent may be given (a Marketing/PR member's, the marketing lanes)."""
    session.execute(
        update(Workspace)
        .where(
            Workspace.id.in_(
                select(WorkspaceMember.workspace_id).where(
                    WorkspaceMember.user_id == user_id, WorkspaceMember.agent_id.is_not(None)
                )
            )
        )
        .values(roster_version=Workspace.roster_version + 1)
        .execution_options(synchronize_session=False)
    )


def do_add_membership(*, session: Session, user_id: int, workspace_id: int, now: datetime) -> None:
    """Make the user a member of the workspace (linked to its agent row of their email);
    nothing if they already are."""
    with unit_of_work(session):
        user = session.get(UserAccount, user_id)
        if user is None:
            raise NotFoundError(f"no user {user_id}")
        if session.get(WorkspaceMember, (user_id, workspace_id)) is None:
            _add_member(session, user, workspace_id, now)


def user_out(session: Session, user: UserAccount) -> UserOut:
    """The user as listed: their role, state and workspaces (never the hash)."""
    slugs = session.scalars(
        select(Workspace.slug)
        .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
        .where(WorkspaceMember.user_id == user.id)
        .order_by(Workspace.slug)
    )
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        active=user.active,
        all_workspaces=user.all_workspaces,
        workspaces=list(slugs),
        created_at=user.created_at,
        last_signed_in_at=user.last_signed_in_at,
    )


def get_users(*, session: Session) -> list[UserOut]:
    """Every user, by email."""
    users = session.scalars(select(UserAccount).order_by(UserAccount.email)).all()
    return [user_out(session, user) for user in users]


def _find_user(session: Session, email: str) -> UserAccount:
    user = session.scalar(select(UserAccount).where(UserAccount.email == normalise_email(email)))
    if user is None:
        raise NotFoundError(f"no user with email {normalise_email(email)!r}")
    return user


def get_user(*, session: Session, email: str) -> UserOut:
    """The user of `email` (any case); NotFoundError if there is none."""
    return user_out(session, _find_user(session, email))


def do_sign_in(
    *,
    session: Session,
    email: str,
    password: str,
    passwords: Passwords,
    lifetime: SessionLifetime,
    now: datetime,
    client_address: str = "",
    throttle: SignInThrottle | None = None,
) -> OpenedSession:
    """Check `email` and `password` and open a session; SignInFailedError otherwise, the
    same (after as much work) for an unknown email, an inactive user and a wrong password.
    A hash made under older parameters is replaced by one under the current ones.

    With `throttle`, SignInThrottledError before any check while the email or
    `client_address` has too many recent failures; each failure is counted (committed),
    and a success clears the email's count."""
    counted_as = normalise_email(email)
    if throttle is not None:
        with unit_of_work(session):
            check_sign_in_allowed(
                session=session,
                email=counted_as,
                client_address=client_address,
                throttle=throttle,
                now=now,
            )
    try:
        return _sign_in(
            session=session,
            email=email,
            password=password,
            passwords=passwords,
            lifetime=lifetime,
            now=now,
            throttled=throttle is not None,
        )
    except SignInFailedError:
        if throttle is not None:
            with unit_of_work(session):
                record_sign_in_failure(
                    session=session,
                    email=counted_as,
                    client_address=client_address,
                    throttle=throttle,
                    now=now,
                )
        raise


def _sign_in(
    *,
    session: Session,
    email: str,
    password: str,
    passwords: Passwords,
    lifetime: SessionLifetime,
    now: datetime,
    throttled: bool,
) -> OpenedSession:
    with unit_of_work(session):
        user = None
        if len(email) <= 320 and len(password) <= MAX_PASSWORD_LENGTH:
            user = session.scalar(
                select(UserAccount).where(UserAccount.email == normalise_email(email))
            )
        if user is None or not user.active:
            passwords.waste_time(password[:MAX_PASSWORD_LENGTH])
            raise SignInFailedError
        if not passwords.verify(user.password_hash, password):
            raise SignInFailedError
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash(password)
        user.last_signed_in_at = now
        if throttled:
            clear_sign_in_failures(session=session, email=user.email)
        return _open_session(session, user.id, lifetime, now)


def _open_session(
    session: Session, user_id: int, lifetime: SessionLifetime, now: datetime
) -> OpenedSession:
    token = new_secret()
    expires_at = now + min(lifetime.idle, lifetime.longest)
    row = UserSession(
        user_id=user_id,
        token_hash=secret_digest(token),
        csrf_token=new_secret(),
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return OpenedSession(user_id, token, row.csrf_token, expires_at)


def do_open_session(
    *, session: Session, user_id: int, lifetime: SessionLifetime, now: datetime
) -> OpenedSession:
    """Open a session for the user without a password (the caller vouches for them)."""
    with unit_of_work(session):
        if session.get(UserAccount, user_id) is None:
            raise NotFoundError(f"no user {user_id}")
        return _open_session(session, user_id, lifetime, now)


def _signed_in(session: Session, user: UserAccount, csrf_token: str | None) -> SignedIn:
    members = session.execute(
        select(WorkspaceMember.workspace_id, WorkspaceMember.agent_id).where(
            WorkspaceMember.user_id == user.id
        )
    ).all()
    return SignedIn(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        all_workspaces=user.all_workspaces,
        workspace_ids=frozenset(row.workspace_id for row in members),
        agent_ids=frozenset(row.agent_id for row in members if row.agent_id is not None),
        csrf_token=csrf_token,
    )


def get_signed_in_by_session(
    *, session: Session, token: str, lifetime: SessionLifetime, now: datetime
) -> SignedIn:
    """Who holds the session of cookie `token`; NotSignedInError if it is unknown,
    expired, signed out or its user inactive. Using a session pushes its expiry on, to at
    most `lifetime.longest` after it began."""
    with unit_of_work(session):
        row = session.scalar(
            select(UserSession).where(UserSession.token_hash == secret_digest(token))
        )
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise NotSignedInError("the session has ended: sign in again")
        user = session.get(UserAccount, row.user_id)
        if user is None or not user.active:
            raise NotSignedInError("the session has ended: sign in again")
        if now - row.last_seen_at >= SEEN_EVERY:
            row.last_seen_at = now
            row.expires_at = min(now + lifetime.idle, row.created_at + lifetime.longest)
        return _signed_in(session, user, row.csrf_token)


def do_sign_out(*, session: Session, token: str, now: datetime) -> bool:
    """End the session of cookie `token`; whether there was one still open."""
    with unit_of_work(session):
        row = session.scalar(
            select(UserSession).where(UserSession.token_hash == secret_digest(token))
        )
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now
        return True


def do_issue_api_token(*, session: Session, email: str, name: str, now: datetime) -> str:
    """A new API token acting as the user of `email`, named `name` (unique per user); the
    token is shown once and only its digest is kept. NotFoundError for an unknown user,
    ConflictError if the user already has a token of that name."""
    if not name.strip() or len(name) > 100:
        raise InvalidInputError([FieldError("name", "must be 1-100 characters")])
    token = new_api_token()
    try:
        with unit_of_work(session):
            user = _find_user(session, email)
            taken = session.scalar(
                select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == name)
            )
            if taken is not None:
                raise ConflictError(f"{user.email} already has a token named {name!r}")
            session.add(
                ApiToken(
                    user_id=user.id, name=name, token_hash=secret_digest(token), created_at=now
                )
            )
    except IntegrityError as error:
        raise ConflictError(f"a token named {name!r} already exists") from error
    return token


def get_signed_in_by_api_token(*, session: Session, token: str, now: datetime) -> SignedIn:
    """Who an API token acts as; NotSignedInError if it is unknown, revoked or its user
    inactive."""
    with unit_of_work(session):
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_digest(token)))
        user = None if row is None else session.get(UserAccount, row.user_id)
        if row is None or row.revoked_at is not None or user is None or not user.active:
            raise NotSignedInError("the API token is not valid")
        if row.last_used_at is None or now - row.last_used_at >= SEEN_EVERY:
            row.last_used_at = now
        return _signed_in(session, user, None)
