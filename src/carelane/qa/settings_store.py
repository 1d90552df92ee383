"""A workspace's quality settings as stored: read (defaults when none), and set."""

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.domain.errors import FieldError, InvalidInputError
from carelane.domain.events import EventType
from carelane.qa.settings import QualitySettings
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import QualitySettings as QualitySettingsRow
from carelane.store.models import Team


def get_quality_settings(*, session: Session, workspace_id: int) -> QualitySettings:
    """The workspace's quality settings; the defaults when it set none."""
    stored = session.get(QualitySettingsRow, workspace_id)
    if stored is None:
        return QualitySettings()
    try:
        return QualitySettings.model_validate(stored.settings)
    except ValidationError:
        # Settings stored by an older version that no longer validate: the defaults, until
        # someone sets them again (a PUT shows what to change).
        return QualitySettings()


def do_set_quality_settings(
    *,
    session: Session,
    workspace_id: int,
    settings: QualitySettings,
    user_id: int | None,
    now: datetime,
) -> QualitySettings:
    """Replace the workspace's quality settings. InvalidInputError naming
    `team_criteria.NAME` for criteria of a team the workspace does not have."""
    with unit_of_work(session):
        if settings.team_criteria:
            teams = {
                name.casefold()
                for name in session.scalars(
                    select(func.lower(Team.name)).where(Team.workspace_id == workspace_id)
                )
            }
            unknown = [name for name in settings.team_criteria if name.casefold() not in teams]
            if unknown:
                raise InvalidInputError(
                    [
                        FieldError(f"team_criteria.{name}", "no team of this name here")
                        for name in unknown
                    ]
                )
        data = settings.model_dump(mode="json")
        stored = session.get(QualitySettingsRow, workspace_id)
        if stored is None:
            session.add(
                QualitySettingsRow(
                    workspace_id=workspace_id,
                    settings=data,
                    updated_at=now,
                    updated_by_user_id=user_id,
                )
            )
        else:
            stored.settings = data
            stored.updated_at = now
            stored.updated_by_user_id = user_id
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.WORKSPACE_QUALITY_CONFIGURED,
                    now,
                    data={"by_user_id": user_id, "settings": data},
                )
            ],
            now=now,
        )
    return settings
