"""The content API's test desk: two sites with their named people, and token clients.

Everything goes through the real URL stack (``/api/v1/content/…``) with Wagtail API tokens, as
in the registry's API tests.
"""

import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from wagtail.models import APIToken

from govsites.accounts.groups import ensure_admin_users_group
from govsites.content.columns import ColumnType
from govsites.content.models import SiteRole
from tests.content.library_helpers import column, member, site_workflow, two_step_workflow

BASE = "/api/v1/content"
CJK = re.compile(r"[\u4e00-\u9fff]")
ORG = "000014349"  # a well-formed organisation code (check digit included)


class ApiClient:
    """A JSON client for one bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.headers)

    def _send(self, method, path, data, raw):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return getattr(self.client, method)(BASE + path, body, content_type="application/json", **self.headers)

    def post(self, path, data=None, *, raw: str | bytes | None = None):
        return self._send("post", path, data, raw)

    def patch(self, path, data=None, *, raw: str | bytes | None = None):
        return self._send("patch", path, data, raw)

    def request(self, method, path):
        return getattr(self.client, method)(BASE + path, **self.headers)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def refused(response, status):
    """An error answer: the one JSON shape, a Chinese sentence, never a traceback."""
    assert response.status_code == status, response.content.decode()[:2000]
    body = response.json()
    assert set(body) == {"detail", "rule", "errors"}, body
    assert CJK.search(body["detail"]), body
    text = response.content.decode()
    assert "Traceback" not in text and 'File "' not in text and ".py" not in body["detail"]
    return body


def person(username, site, *roles):
    """A site member who may use the platform (the token gate is the admin's login gate)."""
    user = member(username, site, *roles)
    user.groups.add(ensure_admin_users_group())
    return user


@pytest.fixture
def api(estate, clock):
    """``api(user)`` → a client authenticated with a fresh token of ``user``."""

    def client_for(user):
        _, plaintext = APIToken.create_token(user=user, name="pytest")
        return ApiClient(plaintext)

    return client_for


@pytest.fixture
def desk(estate, clock, profile):
    """Site A (市统计局) and site B (市政府门户), each with a two-step review and named people;
    the county portal (below the city) with an editor, for reposting."""
    profile("shanxi")
    a, b, county = estate.stats_site, estate.city_portal, estate.county_portal
    site_workflow(a, two_step_workflow("统计局审核"))
    site_workflow(b, two_step_workflow("市政府审核"))
    return SimpleNamespace(
        a=a, b=b, county=county,
        news_a=column(a, ColumnType.NEWS), policies_a=column(a, ColumnType.POLICIES),
        news_b=column(b, ColumnType.NEWS), policies_b=column(b, ColumnType.POLICIES),
        interpretations_b=column(b, ColumnType.INTERPRETATIONS),
        policies_county=column(county, ColumnType.POLICIES),
        editor_a=person("stats_editor", a, SiteRole.EDITOR),
        editor2_a=person("stats_editor2", a, SiteRole.EDITOR),
        reviewer_a=person("stats_reviewer", a, SiteRole.REVIEWER),
        secrecy_a=person("stats_secrecy", a, SiteRole.CONFIDENTIALITY_REVIEWER),
        admin_a=person("stats_admin", a, SiteRole.SITE_ADMIN),
        editor_b=person("city_editor", b, SiteRole.EDITOR),
        reviewer_b=person("city_reviewer", b, SiteRole.REVIEWER),
        secrecy_b=person("city_secrecy", b, SiteRole.CONFIDENTIALITY_REVIEWER),
        admin_b=person("city_admin", b, SiteRole.SITE_ADMIN),
        editor_county=person("county_editor", county, SiteRole.EDITOR),
    )


NOTICE = {"title": "关于做好春季防汛工作的通知", "body": "<p>各县（区）人民政府：现就做好防汛工作通知如下。</p>"}


def new_item(client, site, col, **fields):
    return ok(client.post("/items", {"site": site.pk, "column": col.pk, **NOTICE, **fields}), 201)


def task_state(client, item_id):
    return ok(client.get(f"/items/{item_id}"))["workflow"]["current_task"]["task_state_id"]


def approve(client, item_id, comment=""):
    return client.post(f"/items/{item_id}/approve", {"task_state_id": task_state(client, item_id), "comment": comment})


def review(api, reviewer, secrecy, item_id):
    """Both approvals through the API; the second one publishes."""
    ok(approve(api(reviewer), item_id))
    return ok(approve(api(secrecy), item_id))
