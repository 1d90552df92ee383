"""`carelane sla-scheduler` as an operator runs it: fires what was missed, reports it,
and stops cleanly on SIGTERM with exit code 0."""

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.domain.events import EventType
from carelane.store.models import Event
from tests.unit.deadlines.test_scheduler import _post, ingest


def test_the_scheduler_command_fires_missed_breaches_and_stops_on_sigterm(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    ingest(sessions, [_post(n, datetime.now(UTC) - timedelta(minutes=1)) for n in range(2)])
    command = Path(sys.executable).with_name("carelane")
    with subprocess.Popen(
        [str(command), "--database-url", settings.database_url, "sla-scheduler"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as scheduler:
        try:
            give_up = time.monotonic() + 30
            breaches = 0
            while breaches < 2 and time.monotonic() < give_up:
                time.sleep(0.1)
                with sessions() as session:
                    breaches = (
                        session.scalar(
                            select(func.count())
                            .select_from(Event)
                            .where(Event.type == EventType.SLA_BREACHED.value)
                        )
                        or 0
                    )
            assert breaches == 2
        finally:
            scheduler.send_signal(signal.SIGTERM)
            stdout, stderr = scheduler.communicate(timeout=30)
    assert scheduler.returncode == 0, stderr
    assert "Firing service-level alarms on" in stdout
    assert "fired 2 breach, 2 warning" in stdout
    assert "Stopped; 4 alarms fired" in stdout
