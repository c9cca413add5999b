"""Periodic jobs of every app, run by one loop.

An app registers its jobs with the Wagtail hook ``register_scheduled_jobs`` (a function returning
a list of :class:`Job`); the embedded default's loop (``govsites publish --watch``, which
``make demo`` runs) calls :func:`run_due` every second. In production the same loop runs as a
service, or cron calls the jobs' management commands (each job names its command).

Jobs are idempotent (each checks what is due itself), so a restart that runs them again early
does no harm; the loop runs every job once at start, then at its interval.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from wagtail import hooks

logger = logging.getLogger("govsites.scheduling")


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], object]
    command: str = ""  # the management command cron may call instead


def jobs() -> list[Job]:
    return [job for fn in hooks.get_hooks("register_scheduled_jobs") for job in fn()]


class Scheduler:
    """Remembers when each job last ran (monotonic time, in this process)."""

    def __init__(self, registered: list[Job] | None = None):
        self.jobs = jobs() if registered is None else registered
        self.last_run: dict[str, float] = {}

    def run_due(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        ran = []
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every.total_seconds():
                continue
            self.last_run[job.name] = now
            try:
                job.run()
            except Exception:  # one failing job must not stop the others or the loop
                logger.exception("Scheduled job %s failed", job.name)
            ran.append(job.name)
        return ran
