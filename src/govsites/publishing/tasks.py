"""Worker tasks (Django Tasks): publishing queued changes and the integrity watch."""

from django_tasks import task


@task()
def publish_pending_task() -> int:
    from .pipeline import publish_pending

    return sum(1 for result in publish_pending() if result.release is not None)


@task()
def integrity_watch_task() -> int:
    from .integrity import check_all

    return len(check_all())
