"""Loading years: the action (all or nothing, replace, permission, audit), library seeding and
the management commands."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.workdays import actions, calendar, seeding
from govsites.workdays.actions import LoadCalendarYear, SeedFromLibrary
from govsites.workdays.arrangement import CalendarError
from govsites.workdays.calendar import MissingCalendarYear
from govsites.workdays.models import CalendarDay, CalendarYear
from tests.conftest import actor

DOCS = Path(__file__).resolve().parents[2] / "docs"

NOTICE_2027 = """year: 2027
notice: 国办发明电〔2026〕X号
holiday, 2027-01-01, 2027-01-03, 元旦
holiday, 2027-02-05, 2027-02-12, 春节
workday, 2027-02-20, , 春节调休上班
"""

CORRECTED_2027 = """year: 2027
notice: 国办发明电〔2026〕Y号
holiday, 2027-01-01, 2027-01-03, 元旦
holiday, 2027-02-06, 2027-02-13, 春节
workday, 2027-01-31, , 春节调休上班
"""


def rows(year: int) -> list[tuple]:
    return list(CalendarDay.objects.filter(year__year=year).values_list("date", "kind", "name"))


def load(user, text=NOTICE_2027, **kwargs):
    return LoadCalendarYear(actor(user), text, **kwargs).execute()


def test_loading_a_year_stores_its_days_and_audits(superuser, django_capture_on_commit_callbacks):
    with clock.frozen(clock.at(2026, 11, 20, 10)), django_capture_on_commit_callbacks(execute=True):
        row = load(superuser)
    assert (row.year, row.source, row.notice, row.loaded_by) == (2027, "notice", "国办发明电〔2026〕X号", superuser)
    assert row.loaded_at == clock.at(2026, 11, 20, 10)
    assert len(rows(2027)) == 3 + 8 + 1
    entry = AuditLogEntry.objects.get(action="workdays.year.load")
    assert (entry.user, entry.via, entry.ip_address, entry.object_id) == (superuser, "web", "10.0.0.8", str(row.pk))
    assert entry.data["year"] == 2027 and entry.data["holidays"] == 11 and entry.data["workdays"] == 1
    assert entry.data["replaced"] is None
    assert "2027-02-20 调休上班 春节调休上班" in entry.data["added"] and entry.data["removed"] == []


@pytest.mark.rule("INT-02")
def test_a_loaded_year_is_used_at_once(superuser, django_capture_on_commit_callbacks):
    with pytest.raises(MissingCalendarYear):
        calendar.deadline(clock.at(2026, 12, 31, 10), 1)  # also caches "2027 is missing"
    with django_capture_on_commit_callbacks(execute=True):
        load(superuser)
    # Thu 2026-12-31 → Fri 01-01 … Sun 01-03 off → Mon 2027-01-04
    assert calendar.deadline(clock.at(2026, 12, 31, 10), 1) == dt.datetime(2027, 1, 5, tzinfo=clock.SHANGHAI)
    assert calendar.is_workday(dt.date(2027, 2, 20))  # the adjusted Saturday


def test_an_invalid_table_writes_nothing(superuser):
    broken = NOTICE_2027 + "workday, 2027-03-10, , 春节调休上班\n"
    with pytest.raises(CalendarError) as caught:
        load(superuser, broken)
    assert [str(p) for p in caught.value.problems] == [
        "第6行：2027-03-10（周三）本来就是工作日：调休上班日只能是周六或周日。"]
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditLogEntry.objects.filter(action="workdays.year.load").exists()


def test_a_failure_while_writing_rolls_everything_back(superuser, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(actions.CalendarAction, "audit", fail)
    with pytest.raises(RuntimeError):
        load(superuser)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_loaded_year_is_replaced_only_on_request(superuser):
    first = load(superuser)
    with pytest.raises(CalendarError, match="2027年的工作日历已经载入（来源：国务院通知 国办发明电〔2026〕X号）"):
        load(superuser, CORRECTED_2027)
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕X号"

    replaced = load(superuser, CORRECTED_2027, replace=True)
    assert replaced.pk == first.pk and replaced.notice == "国办发明电〔2026〕Y号"
    dates = {d for d, _kind, _name in rows(2027)}
    assert dt.date(2027, 2, 5) not in dates and dt.date(2027, 2, 13) in dates and dt.date(2027, 2, 20) not in dates
    entry = AuditLogEntry.objects.filter(action="workdays.year.load").latest("seq")
    assert entry.data["replaced"] == {"source": "notice", "notice": "国办发明电〔2026〕X号"}
    assert entry.changes == {"notice": {"before": "国办发明电〔2026〕X号", "after": "国办发明电〔2026〕Y号"}}
    assert "2027-02-05 放假 春节" in entry.data["removed"] and "2027-01-31 调休上班 春节调休上班" in entry.data["added"]


def test_a_library_year_can_be_replaced_by_its_notice(superuser):
    text = seeding_text(2026, notice="国办发明电〔2025〕7号")
    with pytest.raises(CalendarError, match="来源：日历库 chinese_calendar"):
        load(superuser, text)
    row = load(superuser, text, replace=True)
    assert (row.source, row.notice) == ("notice", "国办发明电〔2025〕7号")
    entry = AuditLogEntry.objects.filter(action="workdays.year.load").latest("seq")
    assert entry.data["added"] == [] and entry.data["removed"] == []  # the library had the notice right


def seeding_text(year: int, notice: str) -> str:
    from govsites.workdays.arrangement import render

    return render(year, notice, seeding.library_entries()[year])


def test_only_the_system_administrator_may_load(db):
    editor = get_user_model().objects.create_user("editor", password="x")
    with pytest.raises(NotAllowed, match="只有系统管理员可以载入工作日历"):
        load(editor)
    with pytest.raises(NotAllowed):
        LoadCalendarYear(Actor(user=None, via="web"), NOTICE_2027).execute()
    inactive = get_user_model().objects.create_superuser("former", password="x", is_active=False)
    with pytest.raises(NotAllowed):
        load(inactive)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert LoadCalendarYear(Actor(user=None, via="cli"), NOTICE_2027).execute().loaded_by is None


# -- the library --------------------------------------------------------------------------------


def test_the_migration_seeded_every_library_year():
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert rows(2025) == seeding.library_entries()[2025]
    assert (dt.date(2025, 1, 26), "workday", "春节") in rows(2025)
    assert {name for _d, _k, name in rows(2015)} >= {"中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


def test_seeding_is_idempotent_and_never_overwrites_a_notice_year(superuser):
    load(superuser, seeding_text(2026, notice="国办发明电〔2025〕7号"), replace=True)
    CalendarDay.objects.filter(date=dt.date(2025, 1, 26)).delete()  # the library year drifted
    CalendarYear.objects.filter(year=2004).delete()  # and one is missing

    result = SeedFromLibrary(Actor.cli(superuser)).execute()
    assert (result.created, result.updated, result.kept_notice) == ([2004], [2025], [2026])
    assert len(result.unchanged) == 20
    assert (dt.date(2025, 1, 26), "workday", "春节") in rows(2025)
    assert CalendarYear.objects.get(year=2026).source == "notice"
    seeded = AuditLogEntry.objects.filter(action="workdays.year.seed")
    assert sorted(e.data["year"] for e in seeded) == [2004, 2025]
    assert seeded.get(data__year=2025).data["added"] == ["2025-01-26 调休上班 春节"]

    again = SeedFromLibrary(Actor.cli(superuser)).execute()
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 22)
    assert AuditLogEntry.objects.filter(action="workdays.year.seed").count() == 2


def test_seeding_a_year_the_library_lacks_is_an_error(superuser):
    with pytest.raises(CalendarError, match="中没有2027年的数据（现有 2004–2026 年）"):
        SeedFromLibrary(Actor.cli(superuser), years=[2026, 2027]).execute()


# -- the commands -------------------------------------------------------------------------------


def test_workdays_load_command(tmp_path, superuser, capsys):
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    call_command("workdays_load", str(path), "--as", "sysadmin")
    assert "已载入2027年工作日历（国办发明电〔2026〕X号）：放假 11 天，调休上班 1 天。" in capsys.readouterr().out
    assert AuditLogEntry.objects.get(action="workdays.year.load").via == "cli"

    path.write_text(CORRECTED_2027, encoding="utf-8")
    with pytest.raises(CommandError, match="载入失败：共 1 处问题"):
        call_command("workdays_load", str(path))
    assert "已经载入" in capsys.readouterr().err
    call_command("workdays_load", str(path), "--replace")
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕Y号"


def test_workdays_load_command_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("year: 2027\nnotice: X\nholiday, 2027-13-01, , 元旦\nfoo, 2027-01-01, , 元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="共 2 处问题"):
        call_command("workdays_load", str(path))
    err = capsys.readouterr().err
    assert "第3行：开始日期“2027-13-01”不是有效日期" in err and "第4行：未知的类型“foo”" in err
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("workdays_load", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("workdays_load", str(path), "--as", "nobody")


def test_workdays_load_command_refuses_a_non_administrator(tmp_path, db):
    get_user_model().objects.create_user("editor", password="x")
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    with pytest.raises(CommandError, match="只有系统管理员"):
        call_command("workdays_load", str(path), "--as", "editor")


def test_the_documented_example_loads(superuser):
    row = LoadCalendarYear(Actor.cli(superuser), (DOCS / "workdays-2027-example.txt").read_bytes()).execute()
    assert row.year == 2027 and CalendarDay.objects.filter(year=row).count() > 20


def test_workdays_seed_command(capsys):
    CalendarYear.objects.filter(year=2010).delete()
    call_command("workdays_seed")
    assert "新载入：2010；按日历库更新：无；无变化：22个年份" in capsys.readouterr().out
    with pytest.raises(CommandError, match="中没有2030年的数据"):
        call_command("workdays_seed", "--year", "2030")
