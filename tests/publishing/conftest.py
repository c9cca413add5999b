"""Publishing helpers (the ``front`` fixture is in tests/conftest.py): helpers to
put live items into columns without going through review (the review path has its own tests;
tests that are about a change use the real actions)."""

import datetime as dt

import pytest

from govsites import clock
from govsites.content.columns import ColumnType
from govsites.content.models import Item, Placement
from govsites.publishing.models import PublishRequest
from tests.content.library_helpers import column


def live_item(site, col, title, published, kind="article", **fields) -> Item:
    """A published item placed in ``col`` (bypassing review: setup only)."""
    item = Item.objects.create(
        owning_site=site, title=title, kind=kind, live=True, published_on=published,
        first_published_at=published, body=fields.pop("body", f"<p>{title}的正文。</p>"), **fields,
    )
    Placement.objects.create(item=item, column=col, site=site, placed_at=published)
    return item


def fill(site, column_type, count, start=dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC), prefix="信息"):
    col = column(site, column_type)
    return [live_item(site, col, f"{prefix}{n:04d}", start + dt.timedelta(hours=n)) for n in range(count)]


@pytest.fixture
def news(estate):
    return column(estate.stats_site, ColumnType.NEWS)


def clear_queue():
    PublishRequest.objects.all().delete()


__all__ = ["clock", "fill", "live_item", "clear_queue"]
