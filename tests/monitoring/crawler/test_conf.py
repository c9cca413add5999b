"""The monitor's knobs: defaults, and a deployment's overrides in settings."""

from govsites.monitoring import conf
from govsites.monitoring.crawler import Fetcher


def test_defaults_are_conservative():
    assert conf.get("PER_HOST_CONCURRENCY") == 2
    assert conf.get("HOST_DELAY") == 0.5
    assert conf.get("TIMEOUT") == 15.0
    assert conf.get("USER_AGENT").startswith("govsites-monitor/1")


def test_settings_override_and_keyword_arguments_win(settings):
    settings.GOVSITES_MONITORING = {"HOST_DELAY": 2.0, "RETRIES": 0}
    client = Fetcher(retries=3)
    assert client.host_delay == 2.0
    assert client.retries == 3
    assert client.per_host_concurrency == 2
