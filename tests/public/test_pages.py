"""The public pages: the two-step message form, the receipt, and what bad input gets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from govsites.interaction.models import ChannelKind, Message, UsedToken
from govsites.privacy.models import PersonalRecord
from govsites.public import clients

from .conftest import form_post, message_fields, solved, submit

pytestmark = pytest.mark.usefixtures("public")


def case_number_in(response) -> str:
    match = re.search(r'id="case-number">(\d+)<', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


@pytest.mark.rule("INT-01")
def test_the_form_states_the_columns_purpose_and_usage_and_carries_the_challenge(client, channel):
    response = client.get(f"/messages/new?channel={channel.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert channel.purpose in html and channel.usage in html
    assert 'name="token"' in html and "/challenge/" in html and "请填写阿拉伯数字" in html
    assert 'for="f-title"' in html and 'for="f-answer"' in html  # every input has its label
    assert 'class="hp" aria-hidden="true"' in html  # the honeypot is hidden from people and screen readers
    assert "<script" not in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers  # no session, no CSRF cookie


def test_an_unknown_or_closed_channel_is_404(client, e):
    assert client.get("/messages/new?channel=999999").status_code == 404
    assert client.get("/messages/new?channel=abc").status_code == 404
    survey_column = e.channels[ChannelKind.SURVEY]
    assert client.get(f"/messages/new?channel={survey_column.pk}").status_code == 404


def test_a_form_posted_from_a_static_page_is_shown_back_for_confirmation_and_not_stored(client, channel):
    fields = message_fields(channel)
    del fields["token"], fields["answer"]
    response = form_post(client, "/messages/new", fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请核对以下内容" in html and fields["title"] in html and 'name="token"' in html
    assert Message.objects.count() == 0 and PersonalRecord.objects.count() == 0


def test_missing_fields_are_named_and_nothing_is_stored(client, channel):
    response = form_post(client, "/messages/new", {"channel": channel.pk, "title": "", "body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写标题" in html and "请填写内容" in html and "请填写姓名" in html and "联系电话或电子邮箱" in html
    response = submit(client, channel, title="", name="")
    assert response.status_code == 400 and "请填写标题" in response.content.decode()
    assert Message.objects.count() == 0 and PersonalRecord.objects.count() == 0


@pytest.mark.rule("INT-02")
def test_a_confirmed_message_is_stored_before_the_receipt_shows_its_case_number(client, channel):
    response = submit(client, channel, remote="10.9.8.7")
    assert response.status_code == 200
    html = response.content.decode()
    number = case_number_in(response)
    message = Message.objects.get()
    assert message.case_number == number
    code = re.search(r'id="query-code">([A-Z0-9]+)<', html).group(1)
    assert message.query_code_matches(code) and "请妥善保存" in html
    # the address is kept only as a keyed hash
    assert message.client_hash and "10.9.8.7" not in message.client_hash
    assert UsedToken.objects.filter(receipt=number).count() == 1


def test_the_picture_answer_is_accepted_too(client, channel):
    response = submit(client, channel, **solved(picture=True))
    assert response.status_code == 200 and Message.objects.count() == 1


def test_a_full_width_answer_is_accepted(client, channel):
    challenge = solved()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in challenge["answer"])
    response = submit(client, channel, token=challenge["token"], answer=f" {full_width} ")
    assert response.status_code == 200


@pytest.mark.parametrize("answer", ["", "WRONG", "-1"])
def test_a_wrong_answer_is_refused_with_a_new_challenge(client, channel, answer):
    first = solved()
    response = submit(client, channel, token=first["token"], answer=answer)
    assert response.status_code == 400
    html = response.content.decode()
    assert "验证码" in html and first["token"] not in html  # a new challenge to answer
    assert "关于溪口河段整治的咨询" in html  # what the citizen wrote is kept
    assert Message.objects.count() == 0


def test_an_expired_or_forged_challenge_is_refused(client, channel, clock):
    from govsites import clock as govclock

    old = solved()
    clock.set(govclock.now() + dt.timedelta(minutes=11))
    response = submit(client, channel, **old)
    assert response.status_code == 400 and "验证码已过期" in response.content.decode()
    token = solved()["token"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = submit(client, channel, token=forged, answer="1")
    assert response.status_code == 400 and "验证码无效" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_replayed_form_is_refused_with_the_same_case_number_and_stored_once(client, channel):
    fields = message_fields(channel)
    first = form_post(client, "/messages/", fields, REMOTE_ADDR="10.1.0.2")
    number = case_number_in(first)
    again = form_post(client, "/messages/", fields, REMOTE_ADDR="10.1.0.3")
    assert again.status_code == 409
    assert "提交过" in again.content.decode() and case_number_in(again) == number
    # the same form token with other words is refused too
    replayed = form_post(client, "/messages/", {**fields, "title": "另一个标题", "body": "换了内容的同一张表单。"},
                           REMOTE_ADDR="10.1.0.4")
    assert replayed.status_code == 409 and "已经提交过" in replayed.content.decode()
    assert case_number_in(replayed) == number
    assert Message.objects.count() == 1 and PersonalRecord.objects.count() == 1


def test_html_and_script_are_stored_as_text_and_escaped_on_the_receipt_and_lookup(client, channel):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    response = submit(client, channel, title=f"标题{script}", body=f"内容{script}正文")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    message = Message.objects.get()
    assert message.title == f"标题{script}"[:100] and script in message.body
    code = re.search(r'id="query-code">([A-Z0-9]+)<', html).group(1)
    case = form_post(client, "/cases/lookup", {"case_number": message.case_number, "code": code})
    assert case.status_code == 200
    page = case.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_sql_looking_text_is_stored_verbatim(client, channel):
    sql = "'; DROP TABLE interaction_message; -- \" OR 1=1"
    response = submit(client, channel, title=f"测试{sql}"[:100], body=f"正文 {sql} 结束", name=f"王{sql}"[:50])
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.body == f"正文 {sql} 结束"
    assert message.submitter.name.reveal() == f"王{sql}"[:50]
    assert "interaction_message" in connection.introspection.table_names()


def test_a_one_megabyte_body_is_refused_with_413(client, channel):
    fields = message_fields(channel, body="长" * 350_000)
    response = form_post(client, "/messages/", fields)
    assert response.status_code == 413 and "提交内容过大" in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.parametrize("raw", [
    b"channel=1&title=\xff\xfe&body=abc",
    b"channel=1&title=%FF%FE%FD&body=abc",
    b"channel=1&title=%E4%B8&body=abc",  # a truncated UTF-8 sequence
])
def test_invalid_utf8_is_refused_not_mangled(client, channel, raw):
    raw = raw.replace(b"channel=1", f"channel={channel.pk}".encode())
    for path in ("/messages/", "/messages/new"):
        response = client.generic("POST", path, raw, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert "提交内容编码无效" in response.content.decode()
    assert client.get(f"/messages/new?channel={channel.pk}&title=%FF").status_code == 400
    assert Message.objects.count() == 0


def test_multipart_and_json_posts_to_the_pages_are_415(client, channel):
    from django.test.client import encode_multipart

    body = encode_multipart("BoUnDaRy", message_fields(channel))
    response = client.generic("POST", "/messages/", body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 415 and "普通表单" in response.content.decode()
    response = client.post("/messages/", "{}", content_type="application/json")
    assert response.status_code == 415
    assert Message.objects.count() == 0


def test_the_honeypot_is_refused_quietly(client, channel):
    response = submit(client, channel, website="http://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交未成功" in html and "website" not in html
    assert Message.objects.count() == 0 and UsedToken.objects.count() == 0


def test_a_flood_from_one_address_gets_429_with_retry_after(client, channel):
    for i in range(20):  # rate_per_address of the national profile
        response = submit(client, channel, remote="10.2.0.1", title=f"第{i}条留言标题", body=f"第{i}条留言的内容。")
        assert response.status_code == 200, response.content.decode()
    response = submit(client, channel, remote="10.2.0.1", title="第21条留言标题", body="第21条留言的内容。")
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode() and int(response["Retry-After"]) > 0
    assert Message.objects.count() == 20
    # another address is not affected
    assert submit(client, channel, remote="10.2.0.2", title="别人的留言", body="另一位市民的留言。").status_code == 200


def test_one_identity_is_limited_across_addresses(client, channel):
    for i in range(5):  # rate_per_identity
        response = submit(client, channel, remote=f"10.3.0.{i}", phone="13912345678", title=f"标题{i}号",
                          body=f"第{i}条内容不同。")
        assert response.status_code == 200, response.content.decode()
    response = submit(client, channel, remote="10.3.0.99", phone="139 1234 5678", title="标题6号", body="第6条内容。")
    assert response.status_code == 429
    assert Message.objects.count() == 5


def test_the_same_text_from_the_same_person_is_a_duplicate(client, channel):
    first = submit(client, channel, phone="13700000000")
    again = submit(client, channel, phone="13700000000", remote="10.4.0.9")
    assert again.status_code == 409 and case_number_in(again) == case_number_in(first)
    assert Message.objects.count() == 1


def test_an_error_report_needs_the_page_address(client, e):
    report = e.channels[ChannelKind.ERROR_REPORT]
    form = client.get(f"/messages/new?channel={report.pk}&page_url=https://www.qinglan.gov.cn/a.html")
    assert 'value="https://www.qinglan.gov.cn/a.html"' in form.content.decode()
    response = submit(client, report, page_url="javascript:alert(1)")
    assert response.status_code == 400 and "出错页面的完整网址" in response.content.decode()
    response = submit(client, report, page_url="https://www.qinglan.gov.cn/a.html")
    assert response.status_code == 200
    assert Message.objects.get().page_url == "https://www.qinglan.gov.cn/a.html"


def test_the_private_checkbox_is_kept(client, channel):
    submit(client, channel, private="1")
    assert Message.objects.get().wants_private


def test_the_challenge_picture_is_a_png_and_a_bad_token_is_404(client):
    token = solved()["token"]
    response = client.get(f"/challenge/{token}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and client.get(f"/challenge/{token}.png").content == response.content
    assert client.get("/challenge/nonsense.png").status_code == 404


@pytest.mark.rule("SEC-01")
def test_the_public_urls_have_no_admin_and_no_staff_api(client):
    for path in ("/admin/", "/admin/login/", "/api/v1/registry/sites", "/documents/1/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "您访问的页面不存在" in client.get("/admin/").content.decode()


def test_the_client_address_is_the_peer_unless_a_trusted_proxy_forwards_it(rf, settings):
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert clients.client_ip(request) == "203.0.113.5"  # nobody trusted: the header is ignored
    settings.GOVSITES_PUBLIC = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.9")
    assert clients.client_ip(proxied) == "198.51.100.7"  # the right-most untrusted hop
    assert clients.client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.2"
    assert clients.client_hash(proxied) != clients.client_hash(request)
    assert "198.51.100.7" not in clients.client_hash(proxied)
