"""The rate counters: one atomic upsert per request, correct under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from govsites import clock as govclock
from govsites.interaction import ratelimit
from govsites.interaction.models import RateCounter
from govsites.interaction.ratelimit import Limit, RateLimited


@pytest.mark.django_db
def test_counts_every_key_and_refuses_over_the_limit(clock):
    for _ in range(3):
        ratelimit.hit(Limit("a:x", 3), Limit("p:y", 5))
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit(Limit("a:x", 3), Limit("p:y", 5))
    assert 0 < refused.value.retry_after <= 3600 and "分钟后再试" in refused.value.message
    assert dict(RateCounter.objects.values_list("key", "count")) == {"a:x": 4, "p:y": 4}
    with pytest.raises(RateLimited):
        ratelimit.check(Limit("a:x", 3))
    ratelimit.check(Limit("p:y", 5))


@pytest.mark.django_db
def test_a_new_window_starts_from_zero(clock):
    clock.set(govclock.at(2026, 3, 2, 9, 0))
    for _ in range(2):
        ratelimit.hit(Limit("a:w", 2))
    with pytest.raises(RateLimited):
        ratelimit.hit(Limit("a:w", 2))
    clock.set(govclock.at(2026, 3, 2, 10, 0))
    ratelimit.hit(Limit("a:w", 2))
    assert RateCounter.objects.filter(key="a:w").count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(clock):
    threads, per_thread = 6, 15
    errors = []

    def work(number):
        try:
            for _ in range(per_thread):
                try:
                    ratelimit.hit(Limit("a:shared", 10**6), Limit(f"p:{number}", 10**6))
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert RateCounter.objects.get(key="a:shared").count == threads * per_thread
    assert RateCounter.objects.count() == 1 + threads


@pytest.mark.django_db
def test_prune_drops_past_windows_and_old_tokens(clock):
    import datetime as dt
    import io

    from django.core.management import call_command

    from govsites.interaction.models import UsedToken
    from govsites.scheduling import jobs

    clock.set(govclock.at(2026, 3, 2, 9, 0))
    ratelimit.hit(Limit("a:old", 10))
    UsedToken.objects.create(token="old-token", receipt="1", used_at=govclock.now())
    clock.set(govclock.now() + dt.timedelta(days=8))
    ratelimit.hit(Limit("a:new", 10))
    UsedToken.objects.create(token="new-token", receipt="2", used_at=govclock.now())
    out = io.StringIO()
    call_command("public_prune", stdout=out)
    assert "限流计数 1 条、表单令牌 1 条" in out.getvalue()
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["a:new"]
    assert list(UsedToken.objects.values_list("token", flat=True)) == ["new-token"]
    assert any(job.name == "public.prune" and job.command == "public_prune" for job in jobs())
