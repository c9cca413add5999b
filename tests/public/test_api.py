"""The public JSON API: schema, channels, challenge, messages, case lookup, and its errors."""

from __future__ import annotations

import json

import pytest

from govsites.interaction.models import ChannelKind, Message

from .conftest import message_fields, solved

pytestmark = pytest.mark.usefixtures("public")


def post_json(client, path, payload, **extra):
    return client.post(path, json.dumps(payload), content_type="application/json", **extra)


def api_message(channel, **overrides) -> dict:
    fields = message_fields(channel, **overrides)
    fields["channel"] = channel.pk
    return fields


def test_the_openapi_schema_lists_the_public_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/channels", "/api/v1/challenge", "/api/v1/messages", "/api/v1/cases/{case_number}",
                 "/api/v1/surveys/{survey_id}/responses", "/api/v1/interviews/{interview_id}/questions"):
        assert path in paths, path
    assert not any("registry" in p or "content" in p for p in paths)
    assert client.get("/api/v1/docs").status_code == 404


@pytest.mark.rule("INT-01")
def test_channels_of_a_site_state_purpose_and_usage_and_link_their_form(client, e):
    response = client.get(f"/api/v1/channels?site={e.city_portal.pk}")
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    consultation = rows[ChannelKind.CONSULTATION]
    assert consultation["purpose"] and consultation["usage"] and consultation["takes_messages"]
    assert consultation["form_url"].endswith(f"/messages/new?channel={consultation['id']}")
    assert rows[ChannelKind.SURVEY]["form_url"] == ""
    assert client.get("/api/v1/channels?site=999999").status_code == 404
    bad = client.get("/api/v1/channels?site=abc")
    assert bad.status_code == 422 and "site" in bad.json()["errors"]


def test_a_challenge_has_a_picture_and_a_text_question(client):
    body = client.get("/api/v1/challenge").json()
    assert body["token"] and "请填写阿拉伯数字" in body["question"] and body["expires_in"] == 600
    picture = client.get(body["image_url"].replace("http://testserver", ""))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"


@pytest.mark.rule("INT-02")
def test_a_message_through_the_api_is_201_with_case_number_and_query_code(client, channel):
    response = post_json(client, "/api/v1/messages", api_message(channel))
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get()
    assert body["case_number"] == message.case_number and message.query_code_matches(body["query_code"])
    case = client.get(f"/api/v1/cases/{body['case_number']}?code={body['query_code']}")
    assert case.status_code == 200 and case.json()["status"] == "received"


def test_missing_and_unknown_fields_are_named_in_chinese(client, channel):
    payload = api_message(channel)
    del payload["title"]
    payload["admin"] = True
    response = post_json(client, "/api/v1/messages", payload)
    assert response.status_code == 422
    body = response.json()
    assert "title" in body["errors"] and "admin" in body["errors"] and "为必填项" in body["errors"]["title"]
    response = post_json(client, "/api/v1/messages", api_message(channel, title="", name=""))
    assert response.status_code == 422
    assert "请填写标题" in response.json()["errors"]["title"] and "name" in response.json()["errors"]
    assert Message.objects.count() == 0


def test_malformed_json_oversized_bodies_bad_encoding_and_wrong_types_never_show_a_trace(client, channel):
    response = client.post("/api/v1/messages", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    big = json.dumps(api_message(channel, body="长" * 400_000))
    response = client.post("/api/v1/messages", big, content_type="application/json")
    assert response.status_code == 413 and "提交内容过大" in response.json()["detail"]
    raw = b'{"channel": 1, "title": "\xff\xfe"}'
    response = client.generic("POST", "/api/v1/messages", raw, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"].startswith("提交内容编码无效")
    response = client.post("/api/v1/messages", "channel=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = post_json(client, "/api/v1/messages", ["a", "list"])
    assert response.status_code == 422 and "Traceback" not in response.content.decode()
    assert Message.objects.count() == 0


def test_wrong_answer_honeypot_replay_and_flood_in_the_api(client, channel):
    response = post_json(client, "/api/v1/messages", api_message(channel, answer="999"))
    assert response.status_code == 422 and "answer" in response.json()["errors"]
    response = post_json(client, "/api/v1/messages", api_message(channel, website="x"))
    assert response.status_code == 400
    payload = api_message(channel)
    first = post_json(client, "/api/v1/messages", payload)
    replay = post_json(client, "/api/v1/messages", payload, REMOTE_ADDR="10.5.0.2")
    assert replay.status_code == 409 and replay.json()["case_number"] == first.json()["case_number"]
    for i in range(19):
        post_json(client, "/api/v1/messages", api_message(channel, title=f"标题第{i}条", body=f"内容第{i}条，不同。"))
    flood = post_json(client, "/api/v1/messages", api_message(channel, title="再来一条", body="超过限额的一条留言。"))
    assert flood.status_code == 429 and int(flood["Retry-After"]) > 0 and "频繁" in flood.json()["detail"]
    assert Message.objects.count() == 20


def test_an_unknown_case_and_a_wrong_code_get_the_same_404(client, channel):
    created = post_json(client, "/api/v1/messages", api_message(channel)).json()
    wrong_code = client.get(f"/api/v1/cases/{created['case_number']}?code=ABCDEFGH")
    unknown = client.get(f"/api/v1/cases/20260302{9999999:07d}?code={created['query_code']}")
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json() == unknown.json()
    assert client.get(f"/api/v1/cases/{created['case_number']}").status_code == 422  # no code at all


def test_a_challenge_solved_with_a_wrong_token_answer_is_refused_then_counted(client, channel, settings):
    settings.GOVSITES_PUBLIC = {"CHALLENGE_FAILURES_PER_ADDRESS": 3}
    for _ in range(3):
        assert post_json(client, "/api/v1/messages", api_message(channel, answer="0")).status_code == 422
    response = post_json(client, "/api/v1/messages", api_message(channel, answer="0"))
    assert response.status_code == 429 and "验证码错误次数过多" in response.json()["detail"]
    # a correct answer from the same address still passes (only wrong guesses are limited)
    assert post_json(client, "/api/v1/messages", api_message(channel, **solved())).status_code == 201
