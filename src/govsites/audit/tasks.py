"""Scheduled audit work, as Django Tasks (any task backend runs them; cron may call the commands).

``verify_audit_trail`` logs the result to ``govsites.security.audit``: INFO with the chain's last
position when intact (shipped logs then anchor the chain's end outside the database), ERROR with
every problem otherwise — the alert. ``prune_audit_trail`` applies the retention period.
"""

import logging

from django_tasks import task

from .context import Actor
from .retention import PruneError, prune
from .verify import verify_chain

logger = logging.getLogger("govsites.security.audit")


def run_verification() -> dict:
    result = verify_chain()
    if result.ok:
        logger.info("%s last_seq=%s", result.summary(), result.last_seq)
    else:
        logger.error("%s %s", result.summary(), " | ".join(p.line() for p in result.problems[:50]))
    return result.as_dict()


@task()
def verify_audit_trail() -> dict:
    return run_verification()


@task()
def prune_audit_trail() -> dict:
    return run_prune()


def run_prune() -> dict:
    try:
        result = prune(Actor.system())
    except PruneError as exc:
        logger.error("%s", exc.message)
        return {"ok": False, "error": exc.message}
    logger.info("%s", result.summary())
    return {"ok": True, "pruned": result.pruned, "archive": str(result.archive or "")}
