"""Policy profiles are data; the clock is the one source of time for rules."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from govsites import clock
from govsites.policy import profiles


def test_every_shipped_profile_loads_with_the_registry_values():
    assert set(profiles.available()) >= {"national", "shanxi", "chongqing"}
    for name in profiles.available():
        profile = profiles.load(name)
        assert profile.get("registry.temporary_offline_max_days") > 0
        assert profile.get("registry.chains.open")


def test_provincial_profiles_extend_and_override_the_national_one():
    national, chongqing = profiles.load("national"), profiles.load("chongqing")
    assert chongqing.get("registry.temporary_offline_max_days") == national.get("registry.temporary_offline_max_days")
    assert chongqing.get("registry.subordinate_units_may_open") is False
    assert national.get("registry.subordinate_units_may_open") is True
    assert "cyberspace_report" in chongqing.get("registry.launch_checklist")
    assert "cyberspace_report" not in profiles.load("shanxi").get("registry.launch_checklist")


def test_profiles_are_read_only_and_unknown_values_are_errors():
    profile = profiles.load("national")
    with pytest.raises(TypeError):
        profile.section("registry")["temporary_offline_max_days"] = 99
    with pytest.raises(KeyError):
        profile.get("registry.no_such_value")
    with pytest.raises(ImproperlyConfigured):
        profiles.load("atlantis")


def test_active_profile_follows_the_setting(settings):
    settings.GOVSITES_POLICY_PROFILE = "chongqing"
    assert profiles.active().name == "chongqing"
    settings.GOVSITES_POLICY_PROFILE = "shanxi"
    assert profiles.active().title == "山西省"


def test_clock_can_be_frozen_and_counts_dates_in_shanghai():
    # 2026-12-31 17:30 UTC is already 1 January in Shanghai
    moment = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    with clock.frozen(moment):
        assert clock.now() == moment
        assert clock.today() == dt.date(2027, 1, 1)
    assert clock.now() != moment
    with clock.frozen(dt.date(2026, 5, 1)) as frozen:
        assert frozen.hour == 9 and clock.today() == dt.date(2026, 5, 1)
