"""设置 → 工作日历 through the Django test client, as the system administrator."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govsites import clock
from govsites.accounts.models import ADMIN_USERS_GROUP
from govsites.audit.models import AuditLogEntry
from govsites.workdays.models import CalendarDay, CalendarYear
from tests.factories import user

NOTICE_2027 = "year: 2027\nnotice: 国办发明电〔2026〕X号\nholiday, 2027-01-01, 2027-01-03, 元旦\n" \
              "workday, 2027-02-20, , 春节调休上班\n"


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return client


def text(response) -> str:
    return response.content.decode()


def test_the_page_lists_loaded_years_and_warns_about_a_missing_one(admin):
    with clock.frozen(clock.at(2026, 11, 2)):
        body = text(admin.get(reverse("workdays:index")))
    assert "已载入的年份" in body and "日历库（chinese_calendar）" in body
    assert "2027年的工作日历（国务院节假日安排）尚未载入" in body
    assert reverse("workdays:year", args=[2026]) in body


def test_pasting_the_table_loads_the_year(admin, superuser):
    response = admin.post(reverse("workdays:index"), {"text": NOTICE_2027})
    assert response.status_code == 302 and response["Location"] == reverse("workdays:year", args=[2027])
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.loaded_by) == ("notice", superuser)
    assert CalendarDay.objects.filter(year=row).count() == 4
    entry = AuditLogEntry.objects.get(action="workdays.year.load")
    assert (entry.user, entry.via, entry.ip_address) == (superuser, "web", "127.0.0.1")

    page = admin.get(response["Location"])
    body = text(page)
    assert "已载入2027年工作日历（国办发明电〔2026〕X号）：放假 3 天，调休上班 1 天。" in body
    assert "2027-02-20" in body and "周六" in body and "调休上班" in body
    assert "holiday, 2027-01-01, 2027-01-03, 元旦" in body


def test_uploading_a_file_loads_the_year_and_shows_warnings(admin):
    upload = SimpleUploadedFile("2027.txt", (NOTICE_2027 + "holiday, 2027-01-09, , 补休\n").encode("utf-8"),
                                content_type="text/plain")
    response = admin.post(reverse("workdays:index"), {"file": upload}, follow=True)
    assert CalendarDay.objects.filter(date=dt.date(2027, 1, 9), kind="holiday").exists()
    body = text(response)
    assert "提示：第5行：2027-01-09（周六）本来就休息；仍按通知记为放假。" in body


def test_problems_are_listed_by_line_and_nothing_is_loaded(admin):
    response = admin.post(reverse("workdays:index"), {"text": NOTICE_2027 + "workday, 2027-03-10, , 调休\n"})
    assert response.status_code == 200
    body = text(response)
    assert "载入失败，未载入任何数据" in body and "2027-03-10（周三）本来就是工作日" in body
    assert [p.line for p in response.context["problems"]] == [5]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_replacing_needs_the_box_ticked(admin):
    admin.post(reverse("workdays:index"), {"text": NOTICE_2027})
    corrected = NOTICE_2027.replace("X号", "Y号")
    response = admin.post(reverse("workdays:index"), {"text": corrected})
    assert "勾选“替换已载入的年份”" in text(response)
    admin.post(reverse("workdays:index"), {"text": corrected, "replace": "on"})
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕Y号"


def test_the_form_wants_exactly_one_of_file_and_text(admin):
    response = admin.post(reverse("workdays:index"), {})
    assert "请上传一个文件或粘贴表格内容（二选一）。" in text(response)
    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("gbk"))
    response = admin.post(reverse("workdays:index"), {"file": upload})
    assert "文件不是 UTF-8 编码" in text(response)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_year_downloads_in_the_loading_format(admin):
    response = admin.get(reverse("workdays:download", args=[2026]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode("utf-8")
    assert "year: 2026" in body and "holiday, 2026-02-15, 2026-02-23, 春节" in body
    assert admin.get(reverse("workdays:year", args=[1999])).status_code == 404


def test_only_the_system_administrator_sees_the_calendar(client, superuser):
    editor = user("editor")
    editor.groups.add(Group.objects.get(name=ADMIN_USERS_GROUP))
    client.force_login(editor)
    for url in (reverse("workdays:index"), reverse("workdays:year", args=[2026]),
                reverse("workdays:download", args=[2026])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("workdays:index"), {"text": NOTICE_2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert reverse("workdays:index") not in text(client.get(reverse("wagtailadmin_home")))

    client.force_login(superuser)
    assert reverse("workdays:index") in text(client.get(reverse("wagtailadmin_home")))
