"""HTTP: a workspace's channels and their counts."""

from fastapi import APIRouter

from carelane.channels.schemas import ChannelList
from carelane.channels.service import get_channels
from carelane.web.dependencies import SessionDep
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.lane_access import LanesSeenDep

router = APIRouter(tags=["channels"], responses=ERROR_RESPONSES)


@router.get("/workspaces/{workspace}/channels", response_model=ChannelList)
def list_channels(workspace: str, session: SessionDep, lanes: LanesSeenDep) -> ChannelList:
    """The workspace's channels with their posts and conversations by status (the
    Marketing/PR team's: those of their lanes)."""
    return ChannelList(items=get_channels(session=session, workspace=workspace, lanes=lanes))
