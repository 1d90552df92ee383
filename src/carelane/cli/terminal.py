"""What every command shares: one-line errors with exit codes, plain console output, and
opening the database the global options name."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.domain.errors import DomainError, InvalidInputError
from carelane.ingest.runs import UnreadableInputError
from carelane.store.database import create_database_engine, create_session_factory

USAGE_ERROR = 2
"""Exit code when the command was used wrongly, as for an unknown option."""


class BadUsageError(Exception):
    """The command was given something it cannot use."""


def out() -> Console:
    """Standard output: styled on a terminal, plain text (no wrapping) otherwise."""
    return Console(highlight=False, markup=False, soft_wrap=True)


def progress_bar(console: Console) -> Progress:
    """A bar of posts done out of all, with the rate (task field `rate`) and time taken;
    shown on a terminal only."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8,.0f} posts/s"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `error: message` on standard error and end the command with `code`."""
    Console(stderr=True, highlight=False, markup=False, soft_wrap=True).print(f"error: {message}")
    raise typer.Exit(code)


def safe_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def first_line(error: BaseException) -> str:
    """The first line of an error's message (the driver's, for database errors)."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def one_line_errors(settings: Settings) -> Iterator[None]:
    """Turn the errors a user can act on into one line on stderr and an exit code:
    2 for wrong use (missing file, invalid value), 1 for a failure of the work."""
    try:
        yield
    except (BadUsageError, UnreadableInputError) as error:
        fail(str(error), USAGE_ERROR)
    except InvalidInputError as error:
        fail("; ".join(f"{e.field} {e.message}" for e in error.errors), USAGE_ERROR)
    except DomainError as error:
        fail(str(error))
    except SQLAlchemyError as error:
        fail(f"database at {safe_url(settings.database_url)}: {first_line(error)}")
    except OSError as error:
        name = f"{error.filename}: " if error.filename else ""
        fail(f"{name}{error.strerror or error}")
    except KeyboardInterrupt:
        fail("interrupted", 130)


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the global options gave."""
    settings: Settings = ctx.obj
    return settings


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """The database's engine and sessions; BadUsageError if it has no carelane tables."""
    engine = create_database_engine(settings.database_url)
    if not inspect(engine).has_table("post"):
        engine.dispose()
        raise BadUsageError(
            f"the database at {safe_url(settings.database_url)} has no carelane tables; "
            "run `carelane migrate` first"
        )
    return engine, create_session_factory(engine)
