import asyncio
import datetime as dt

import pytest

from govsites import clock as govclock
from govsites.audit.context import Actor
from tests.factories import build_estate


@pytest.fixture
def estate(db):
    return build_estate()


@pytest.fixture
def clock():
    """Freeze the platform clock; ``clock.set(date)`` moves it. Starts at 2026-03-02 09:00."""

    class Controller:
        def set(self, value):
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                value = govclock.at(value.year, value.month, value.day)
            govclock.set_frozen(value)
            return value

    controller = Controller()
    controller.set(dt.date(2026, 3, 2))
    yield controller
    govclock.set_frozen(None)


@pytest.fixture
def profile(settings):
    """``profile("chongqing")`` switches the deployment's policy profile for the test."""

    def use(name):
        settings.GOVSITES_POLICY_PROFILE = name

    return use


def actor(user, ip="10.0.0.8"):
    return Actor(user=user, ip_address=ip, user_agent="pytest", via="web")


@pytest.fixture
def as_user():
    return actor


def install_library_years() -> None:
    """What workdays migration 0002 seeds (a transactional test elsewhere may have flushed it)."""
    from django.utils import timezone

    from govsites.workdays import seeding
    from govsites.workdays.models import CalendarDay, CalendarYear

    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    for year, entries in seeding.library_entries().items():
        if year not in loaded:
            seeding.write_year(CalendarYear, CalendarDay, year=year, entries=entries, source="library", notice="",
                               loaded_at=timezone.now())


@pytest.fixture(autouse=True)
def _working_day_calendar(request):
    """Deadlines need the official calendar: the seeded years are back after a transactional test
    flushed them, and the in-process cache never outlives a test's rolled-back rows."""
    from govsites.workdays import calendar

    calendar.clear_cache()
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("db" if "db" in request.fixturenames else "transactional_db")
        install_library_years()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """Transactional tests flush and recreate content types with new ids; never reuse stale ones."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield


@pytest.fixture
def migration_rows(transactional_db):
    """Rows that migrations create (Wagtail's locale, root page and collection, the admin group):
    an earlier transactional test's flush removed them, and the live server needs them."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from govsites.accounts.groups import ensure_admin_users_group

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_admin_users_group()


@pytest.fixture
def front(settings, tmp_path):
    """A private build store and local front folder (a LocalFolderTarget) that publishing
    writes to in this test."""
    from govsites.publishing import store
    from govsites.publishing.targets.local import LocalFolderTarget

    settings.GOVSITES_PUBLISHING = {
        "BUILD_DIR": tmp_path / "build",
        "TARGETS": [{"name": "local", "kind": "local", "path": str(tmp_path / "front")}],
        "ENQUEUE_TASKS": False,
    }
    store.build_dir.cache_clear()
    yield LocalFolderTarget("local", tmp_path / "front")
    store.build_dir.cache_clear()


@pytest.fixture(autouse=True)
def _no_borrowed_event_loop(request):
    """Playwright's sync API (tests/e2e, a session-wide browser) leaves its event loop marked as
    running in the worker's main thread between e2e tests; code under test that calls
    ``asyncio.run()`` (the monitor's crawler) would then refuse to start on that worker. Other
    tests run with the mark hidden (the loop is idle: Playwright's greenlet is switched out)."""
    loop = asyncio._get_running_loop()
    if loop is None or request.node.get_closest_marker("e2e"):
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)
