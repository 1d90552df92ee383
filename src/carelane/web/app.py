"""The application factory: `create_app(settings)` builds everything; importing builds nothing."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

import carelane
from carelane.accounts.passwords import Passwords
from carelane.accounts.routes import router as accounts_router
from carelane.accounts.throttling import SignInThrottle
from carelane.assignments.routes import router as assignments_router
from carelane.channels.routes import router as channels_router
from carelane.config import Settings
from carelane.conversations.routes import router as conversations_router
from carelane.customers.routes import router as customers_router
from carelane.posts.routes import router as posts_router
from carelane.qa.routes import router as quality_router
from carelane.replies.routes import router as replies_router
from carelane.responses.routes import router as responses_router
from carelane.store.database import create_database_engine, create_session_factory
from carelane.web.auth import API_GUARDS
from carelane.web.conversation_page import router as conversation_page_router
from carelane.web.errors import install_error_handlers
from carelane.web.inbox import router as inbox_router
from carelane.web.landing import router as landing_router
from carelane.web.lane_access import check_rows_in_lanes
from carelane.web.live_feed import LiveFeed
from carelane.web.live_stream import router as live_router
from carelane.web.page_context import install_page_refusals
from carelane.web.review import router as review_router
from carelane.web.signin import router as signin_router
from carelane.web.wallboard import router as wallboard_router
from carelane.workspaces.routes import router as workspaces_router

API_PREFIX = "/api/v1"
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """The carelane web app on the database of `settings`; the engine is disposed when the
    app shuts down."""
    engine = create_database_engine(settings.database_url)
    live_feed = LiveFeed(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # What exists at start-up lives as long as the app: frozen, the garbage collector's
        # full passes skip it instead of pausing requests to walk it again and again.
        gc.freeze()
        try:
            yield
        finally:
            live_feed.close()
            engine.dispose()
            gc.unfreeze()

    app = FastAPI(
        title="carelane",
        summary="Social customer care for contact centres.",
        version=getattr(carelane, "__version__", "0.1.0"),
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = create_session_factory(engine)
    app.state.passwords = Passwords()
    app.state.sign_in_throttle = SignInThrottle()
    app.state.live_feed = live_feed
    install_error_handlers(app)
    install_page_refusals(app)
    for router in (
        accounts_router,
        workspaces_router,
        posts_router,
        conversations_router,
        customers_router,
        channels_router,
        assignments_router,
        responses_router,
        replies_router,
        quality_router,
        live_router,
    ):
        app.include_router(
            router, prefix=API_PREFIX, dependencies=[*API_GUARDS, Depends(check_rows_in_lanes)]
        )
    app.include_router(signin_router)
    app.include_router(landing_router)
    for page_router in (inbox_router, conversation_page_router, wallboard_router, review_router):
        app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
