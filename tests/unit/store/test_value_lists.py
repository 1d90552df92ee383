"""`is_one_of` finds the same rows as an IN list, on SQLite and on PostgreSQL, for any
number of values, and PostgreSQL gets one statement text whatever the number."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.store.database import unit_of_work
from carelane.store.models import Author, Workspace
from carelane.store.value_lists import is_one_of

HANDLES = ["ana", "bo", "Élodie 😀", "o'brien", "with space", "x" * 200]


def _authors(session: Session) -> dict[str, int]:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with unit_of_work(session):
        workspace = Workspace(slug="acme", name="Acme", created_at=now)
        session.add(workspace)
        session.flush()
        authors = [
            Author(
                workspace_id=workspace.id,
                network="twitter",
                handle=handle,
                first_seen_at=now,
                last_seen_at=now,
            )
            for handle in HANDLES
        ]
        session.add_all(authors)
    return {author.handle: author.id for author in authors}


def test_the_rows_holding_one_of_the_values_are_found(session: Session) -> None:
    ids = _authors(session)
    for wanted in ([], ["ana"], ["bo", "Élodie 😀", "nobody"], HANDLES, [*HANDLES, *HANDLES]):
        found = session.scalars(
            select(Author.id).where(is_one_of(session, Author.handle, wanted))
        ).all()
        assert sorted(found) == sorted(ids[h] for h in set(wanted) if h in ids), wanted

    by_id = session.scalars(
        select(Author.handle).where(is_one_of(session, Author.id, [ids["ana"], -1]))
    ).all()
    assert by_id == ["ana"]


def test_postgresql_gets_one_statement_text_for_any_number_of_values(session: Session) -> None:
    bind = session.get_bind()
    texts = {
        str(
            select(Author.id)
            .where(is_one_of(session, Author.id, range(count)))
            .compile(bind, compile_kwargs={"render_postcompile": True})
        )
        for count in (1, 2, 500)
    }
    assert len(texts) == (1 if bind.dialect.name == "postgresql" else 3)
