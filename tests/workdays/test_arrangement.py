"""The notice table format: strict checks that name the line, warnings, and the round trip."""

import datetime as dt
from pathlib import Path

import pytest

from govsites.workdays import seeding
from govsites.workdays.arrangement import CalendarError, decode, parse, render

DOCS = Path(__file__).resolve().parents[2] / "docs"

VALID = """\ufeff# 国务院办公厅关于2027年部分节假日安排的通知
year: 2027
notice: 国办发明电〔2026〕X号

holiday, 2027-01-01, 2027-01-03, 元旦   # a range
holiday，2027-02-05，2027-02-12，春节
workday, 2027-02-20, , 春节调休上班
放假, 2027-06-09, , 端午节
上班, 2027-09-26, , 国庆节调休上班, 补10月7日
"""


def problems(text: str) -> list[str]:
    with pytest.raises(CalendarError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def with_header(*rows: str, year="2027", notice="国办发明电〔2026〕X号") -> str:
    return "\n".join([f"year: {year}", f"notice: {notice}", *rows])


def test_a_valid_table_expands_ranges_and_accepts_chinese_kinds_and_full_width_commas():
    arrangement = parse(VALID)
    assert (arrangement.year, arrangement.notice) == (2027, "国办发明电〔2026〕X号")
    by_date = {d.date: (d.kind, d.name, d.line) for d in arrangement.days}
    assert by_date[dt.date(2027, 1, 2)] == ("holiday", "元旦", 5)
    assert [d for d in by_date if by_date[d][1] == "春节"] == [dt.date(2027, 2, 5) + dt.timedelta(days=i)
                                                               for i in range(8)]
    assert by_date[dt.date(2027, 6, 9)][0] == "holiday"
    assert by_date[dt.date(2027, 9, 26)] == ("workday", "国庆节调休上班, 补10月7日", 9)  # the name keeps its comma
    assert (arrangement.count("holiday"), arrangement.count("workday")) == (12, 2)
    assert arrangement.warnings == []


def test_the_documented_example_file_is_valid():
    arrangement = parse(decode((DOCS / "workdays-2027-example.txt").read_bytes()))
    assert arrangement.year == 2027
    assert "示例" in arrangement.notice


def test_every_problem_is_reported_with_its_line():
    text = with_header(
        "holiday, 2027-01-01, 2027-01-03, 元旦",  # 3
        "vacation, 2027-04-03, 2027-04-05, 清明节",  # 4 unknown kind
        "holiday, 2027-02-30, , 春节",  # 5 impossible date
        "holiday, 2027/05/01, 2027-05-05, 劳动节",  # 6 malformed date
        "holiday, 2026-12-31, 2027-01-01, 元旦",  # 7 outside the year
        "holiday, 2027-01-03, 2027-01-04, 元旦",  # 8 overlaps line 3
        "workday, 2027-02-10, , 春节调休上班",  # 9 a Wednesday
        "holiday, 2027-10-07, 2027-10-01, 国庆节",  # 10 end before start
        "holiday, 2027-10-01, 2027-10-07",  # 11 three fields
        "holiday, 2027-06-09, , ",  # 12 no name
        "holiday, 2027-01-10, 2027-03-10, 寒假",  # 13 an implausible range
    )
    found = problems(text)
    assert found == [
        "第4行：未知的类型“vacation”：只能是 holiday（放假）或 workday（调休上班）。",
        "第5行：开始日期“2027-02-30”不是有效日期，应写成 2027-01-01 的形式。",
        "第6行：开始日期“2027/05/01”不是有效日期，应写成 2027-01-01 的形式。",
        "第10行：结束日期 2027-10-01 早于开始日期 2027-10-07。",
        "第11行：应有4项，以逗号分隔：类型, 开始日期, 结束日期, 名称（单日的结束日期可留空，但逗号不能省略）。",
        "第12行：请填写名称（如“春节”或“春节调休上班”）。",
        "第13行：2027-01-10 至 2027-03-10 超过31天，请检查日期。",
        "第7行：日期 2026-12-31 不在2027年内。每个文件只载入一年；跨年的调休日属于它所在的那一年。",
        "第8行：2027-01-03 已在第3行列出，同一天只能出现一次。",
        "第9行：2027-02-10（周三）本来就是工作日：调休上班日只能是周六或周日。",
    ]


def test_a_workday_may_not_repeat_a_holiday_date():
    found = problems(with_header("holiday, 2027-02-05, 2027-02-12, 春节", "workday, 2027-02-06, , 春节调休上班"))
    assert found == ["第4行：2027-02-06 已在第3行列出，同一天只能出现一次。"]


@pytest.mark.parametrize(("text", "expected"), [
    ("notice: 国办发明电〔2026〕X号\nholiday, 2027-01-01, , 元旦",
     "缺少年份：请在文件开头写一行“year: 2027”。"),
    ("year: 27\nnotice: X\nholiday, 2027-01-01, , 元旦", "第1行：年份“27”无效：应为四位数字，如 2027。"),
    ("year: 2027\nholiday, 2027-01-01, , 元旦", "缺少通知文号：请写一行“notice: 国办发明电〔2026〕7号”（以通知原文为准）。"),
    ("year: 2027\nyear: 2028\nnotice: X\nholiday, 2027-01-01, , 元旦", "第2行：年份（year）重复填写（第1行已填写）。"),
    ("year: 2027\nnotice: X\nsource: 国务院\nholiday, 2027-01-01, , 元旦",
     "第3行：无法识别的项目“source”：只能是 year（年份）或 notice（通知文号）。"),
    ("year: 2027\nnotice: X\n# nothing else\n",
     "没有任何放假或调休上班日期。每行一项，例如：holiday, 2027-01-01, 2027-01-03, 元旦"),
])
def test_header_problems(text, expected):
    assert expected in problems(text)


def test_chinese_header_names_are_accepted():
    arrangement = parse("年份：2027\n文号：国办发明电〔2026〕X号\n放假，2027-01-01，，元旦")
    assert arrangement.year == 2027 and [d.date for d in arrangement.days] == [dt.date(2027, 1, 1)]


def test_a_holiday_only_on_a_weekend_is_loaded_with_a_warning():
    arrangement = parse(with_header("holiday, 2027-01-02, 2027-01-03, 元旦", "holiday, 2027-02-05, , 春节"))
    assert [str(w) for w in arrangement.warnings] == [
        "第3行：2027-01-02 至 2027-01-03 都是周六或周日，本来就休息；仍按通知记为放假。"]
    assert arrangement.count("holiday") == 3


def test_decode_accepts_utf8_only_and_limits_the_size():
    assert decode("\ufeff年份：2027".encode("utf-8")) == "年份：2027"
    with pytest.raises(CalendarError, match="UTF-8"):
        decode("year: 2027\nholiday, 2027-01-01, , 元旦".encode("gbk"))
    with pytest.raises(CalendarError, match="文件过大"):
        decode(b"#" * (64 * 1024 + 1))
    with pytest.raises(CalendarError, match="无法识别的字符"):
        decode(b"year: 2027\x00")


def test_too_many_lines_are_refused_before_parsing():
    with pytest.raises(CalendarError, match="超过 1000 行"):
        parse("\n" * 1001)


@pytest.mark.parametrize(("year", "line"), [
    (2025, "holiday, 2025-10-01, 2025-10-05, 国庆节"),
    (2026, "holiday, 2026-02-15, 2026-02-23, 春节"),
])
def test_the_real_arrangements_round_trip_through_the_format(year, line):
    entries = seeding.library_entries()[year]
    text = render(year, "国办发明电", entries)
    assert line in text.splitlines()
    assert parse(text).entries() == entries
