"""Slow pages: over 3 s, measured to the last byte."""

import pytest

from govsites.monitoring.checks import performance

from .sitebuild import doc, home, page


@pytest.mark.rule("SUP-03")
def test_pages_over_three_seconds_are_slow_and_exactly_three_is_not():
    pages = [home(doc("x"), elapsed=3.0), page("/slow.html", doc("x"), elapsed=3.01), page("/ok.html", doc("x"))]
    [found] = performance.check_performance(pages)
    assert (found.check, found.url, found.target) == ("slow_page", "https://www.test.gov.cn/slow.html", "")
    assert found.detail["seconds"] == 3.01 and found.detail["limit"] == 3.0


def test_failed_fetches_are_not_slow_pages_and_the_limit_is_a_setting():
    timed_out = page("/t.html", doc("x"), elapsed=15.0, status=None)
    timed_out.fetch.text = None
    assert performance.check_performance([timed_out]) == []
    assert performance.thresholds() == performance.Thresholds(3.0)
    strict = performance.Thresholds(slow_page_seconds=1.0)
    assert len(performance.check_performance([page("/a.html", doc("x"), elapsed=1.5)], limits=strict)) == 1
