"""Disclosure metadata of documents (CON-10): 主题分类, 发文字号, 索引号, codes, 有效性, the whole block.

Pure functions: no database. Examples are real numbers (国办发〔2017〕47号, gov.cn 索引号
000014349/2017-00110, 阳江 11441700007280420Y/2021-00050) or codes built by computing their
check characters by hand / with an independent formula below.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from govsites.content.disclosure import (
    classification,
    document_numbers,
    index_numbers,
    metadata,
    org_codes,
    validity,
)
from govsites.content.disclosure.errors import DisclosureError
from tests.plugins.rules import requirements_path

pytestmark = pytest.mark.rule("CON-10")

TODAY = dt.date(2026, 3, 2)
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def independent_uscc_check(first17: str) -> str:
    """GB 32100 written from its definition (weight of position i = 3^(i-1) mod 31), not from the table."""
    total = sum(USCC_CHARSET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return USCC_CHARSET[(31 - total % 31) % 31]


def raised(func, *args, **kwargs) -> DisclosureError:
    with pytest.raises(DisclosureError) as caught:
        func(*args, **kwargs)
    assert str(caught.value).startswith("【CON-10】")
    return caught.value


def field_errors(data, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        metadata.validate_metadata(
            data, **{"pattern": index_numbers.DEFAULT_PATTERN, "today": TODAY, **kwargs}
        )
    return caught.value.message_dict


# --- 主题分类 -------------------------------------------------------------------------------------


def spec_subjects(rootpath: Path) -> list[tuple[str, list[str]]]:
    """The §7.4 list as written in national.md: ``N. top — child; child; …`` (may wrap lines)."""
    text = requirements_path(rootpath).with_name("national.md").read_text(encoding="utf-8")
    section = text.split("### 7.4", 1)[1].split("Values are written", 1)[0]
    items: list[str] = []
    for line in section.splitlines()[1:]:
        line = line.strip()
        if re.match(r"^\d+\. ", line):
            items.append(line)
        elif items and line:
            items[-1] += line
    parsed = []
    for item in items:
        match = re.match(r"^\d+\. (.+?)(?: — (.+)| \(no children\))$", item)
        parsed.append((match[1], re.split(r";\s*", match[2]) if match[2] else []))
    return parsed


def test_subject_list_is_exactly_the_one_of_national_md(request):
    path = requirements_path(Path(str(request.config.rootpath))).with_name("national.md")
    if not path.is_file():
        pytest.skip("national.md is not next to requirements.md")
    ours = [
        (category.name, [child.name for child in category.children])
        for category in classification.categories()
    ]
    assert ours == spec_subjects(Path(str(request.config.rootpath)))


def test_subject_list_has_21_categories_plus_other_with_stable_codes():
    categories = classification.categories()
    assert len(categories) == 22
    assert [c.code for c in categories] == [f"{n:02d}" for n in range(1, 23)]
    for category in categories:
        assert [child.code for child in category.children] == [
            f"{category.code}.{n:02d}" for n in range(1, len(category.children) + 1)
        ]
    assert categories[1].name == "综合政务" and categories[1].children[0].name == "政务公开"
    assert categories[-1].name == "其他" and categories[-1].children == ()
    assert sum(len(c.children) for c in categories) == 121
    # 民族、宗教 and the two last real categories have no trailing 其他 in the gov.cn list
    assert [child.name for child in categories[17].children] == ["民族事务", "宗教事务"]


@pytest.mark.parametrize(
    "text",
    [
        "综合政务\\政务公开",
        "综合政务/政务公开",
        "综合政务＼政务公开",
        "综合政务／政务公开",
        " 综合政务 \\ 政务公开 ",
    ],
)
def test_subject_parse_accepts_backslash_slash_and_full_width_forms(text):
    parsed = classification.parse(text)
    top, child = parsed
    assert (top, child) == ("综合政务", "政务公开")
    assert parsed.code == "02.01"
    assert str(parsed) == "综合政务\\政务公开"


def test_subject_parse_folds_half_width_brackets_to_the_official_spelling():
    parsed = classification.parse("财政、金融、审计/货币(含外汇)")
    assert parsed == ("财政、金融、审计", "货币（含外汇）")
    assert parsed.code == "04.04"


def test_every_subject_round_trips_through_format_parse_and_code():
    for category in classification.categories():
        pairs = [(category.name, child.name, child.code) for child in category.children] or [
            (category.name, None, category.code)
        ]
        for top, child, code in pairs:
            written = classification.format(top, child)
            assert written == (f"{top}\\{child}" if child else top)
            assert classification.parse(written) == (top, child)
            assert classification.by_code(code) == (top, child)
            assert classification.clean(code).code == code


def test_other_without_children_is_valid_alone_and_takes_no_child():
    assert classification.parse("其他") == ("其他", None)
    assert classification.parse("其他").code == "22"
    error = raised(classification.parse, "其他\\政务公开")
    assert error.kind == "unexpected_child"
    assert error.suggestion == "其他"
    assert "没有二级类目" in str(error)


def test_subject_other_as_child_of_a_category_is_valid():
    assert classification.parse("国防\\国防动员").code == "21.02"
    assert classification.parse("综合政务\\其他").code == "02.09"


def test_category_with_children_needs_a_child_and_the_error_lists_them():
    error = raised(classification.parse, "综合政务")
    assert error.kind == "missing_child"
    message = str(error)
    for child in ("“政务公开”", "“政务督查”", "“参事、文史”", "“其他”"):
        assert child in message
    assert "宏观经济" not in message


def test_unknown_child_names_the_valid_children_of_its_top_level():
    error = raised(classification.parse, "综合政务\\宏观经济")
    assert error.kind == "unknown_child"
    assert "一级类目“综合政务”下没有二级类目“宏观经济”" in str(error)
    assert "“政务公开”" in str(error) and "“统计”" not in str(error)


def test_unknown_top_level_lists_all_top_levels():
    error = raised(classification.parse, "政务公开\\综合政务")
    assert error.kind == "unknown_top"
    assert all(f"“{c.name}”" in str(error) for c in classification.categories())


@pytest.mark.parametrize(
    ("text", "kind"),
    [("", "missing"), ("  ", "missing"), ("综合政务\\政务公开\\通知", "format"), ("综合政务\\", "format")],
)
def test_subject_parse_rejects_empty_and_malformed_values(text, kind):
    assert raised(classification.parse, text).kind == kind


def test_unknown_subject_code_is_rejected():
    assert raised(classification.by_code, "02.99").kind == "unknown_code"
    assert raised(classification.clean, "99").kind == "unknown_top"


def test_choices_work_as_optgroups_in_a_django_choice_field():
    choices = classification.choices()
    assert choices[1] == ("综合政务", [(s.code, s.name) for s in classification.categories()[1].children])
    assert choices[-1] == ("22", "其他")
    field = forms.ChoiceField(choices=choices)
    assert field.clean("02.01") == "02.01"
    assert field.clean("22") == "22"
    with pytest.raises(ValidationError):
        field.clean("综合政务")
    html = forms.Select(choices=choices).render("subject", "02.01")
    assert '<optgroup label="综合政务">' in html
    assert '<option value="02.01" selected>政务公开</option>' in html


# --- 发文字号 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency", "year", "serial"),
    [
        ("国办发〔2017〕47号", "国办发", 2017, 47),
        ("晋政办发〔2018〕91号", "晋政办发", 2018, 91),
        ("渝府办发〔2017〕164号", "渝府办发", 2017, 164),
        ("国办函〔2018〕12号", "国办函", 2018, 12),
        ("阳府办函〔2021〕9号", "阳府办函", 2021, 9),
        ("国办发明电〔2020〕1号", "国办发明电", 2020, 1),
        ("国令第732号", "国令", None, 732),
        ("山西省人民政府令第280号", "山西省人民政府令", None, 280),
    ],
)
def test_document_number_parses_into_agency_year_and_serial(text, agency, year, serial):
    number = document_numbers.parse(text, current_year=2026)
    assert number == document_numbers.DocumentNumber(agency, year, serial)
    assert str(number) == text


WRONG_NUMBERS = [
    ("国办发[2017]47号", "brackets", "不能用方括号“[]”"),
    ("国办发(2017)47号", "brackets", "不能用半角圆括号“()”"),
    ("国办发（2017）47号", "brackets", "不能用圆括号“（）”"),
    ("国办发【2017】47号", "brackets", "不能用方头括号“【】”"),
    ("国办发［2017］47号", "brackets", "不能用全角方括号“［］”"),
    ("国办发﹝2017﹞47号", "brackets", "形近的小号六角括号“﹝﹞”"),
    ("国办发〔2017]47号", "brackets", "不成对的括号“〔]”"),
    ("国办发〔2017年〕47号", "year_suffix", "年份后不加“年”字"),
    ("国办发〔17〕47号", "year_abbreviated", "“17”应写作“2017”"),
    ("国办发〔2017〕047号", "leading_zeros", "不编虚位，“047”应写作“47”"),
    ("国办发〔2017〕第47号", "ordinal", "不加“第”字"),
    ("国办发〔2017〕47", "missing_hao", "须加“号”字"),
    ("国办发〔２０１７〕４７号", "fullwidth_digits", "半角阿拉伯数字"),
    ("国办发 〔2017〕 47 号", "spaces", "不应有空格"),
    ("国办发〔2017〕\u300047号", "spaces", "不应有空格"),
]


@pytest.mark.parametrize(("text", "kind", "fragment"), WRONG_NUMBERS)
def test_document_number_variants_get_a_precise_message_and_the_corrected_form(text, kind, fragment):
    error = raised(document_numbers.parse, text, current_year=2026)
    assert [issue.kind for issue in error.issues] == [kind]
    assert fragment in str(error)
    assert error.suggestion == "国办发〔2017〕47号"
    assert str(error).endswith("应写作“国办发〔2017〕47号”。")
    assert str(document_numbers.parse(error.suggestion, current_year=2026)) == error.suggestion


def test_document_number_reports_every_issue_at_once_with_one_suggestion():
    error = raised(document_numbers.parse, "晋政办发 [２０１８] 第091", current_year=2026)
    assert [issue.kind for issue in error.issues] == [
        "spaces",
        "fullwidth_digits",
        "brackets",
        "ordinal",
        "leading_zeros",
        "missing_hao",
    ]
    assert error.suggestion == "晋政办发〔2018〕91号"
    assert str(error).count("；") == 5


def test_document_number_year_abbreviation_picks_the_plausible_century():
    assert (
        raised(document_numbers.parse, "国发〔98〕12号", current_year=2026).suggestion == "国发〔1998〕12号"
    )
    assert (
        raised(document_numbers.parse, "国发〔27〕12号", current_year=2026).suggestion == "国发〔2027〕12号"
    )


def test_document_number_year_range_uses_the_injected_year():
    assert document_numbers.parse("国发〔1949〕1号", current_year=2026).year == 1949
    assert document_numbers.parse("国发〔2027〕1号", current_year=2026).year == 2027
    for text in ("国发〔1948〕1号", "国发〔2028〕1号"):
        error = raised(document_numbers.parse, text, current_year=2026)
        assert error.kind == "year_range" and error.suggestion is None
        assert "1949—2027年" in str(error)
    assert document_numbers.parse("国发〔2028〕1号", current_year=2027).year == 2028


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("〔2017〕47号", "agency_missing"),
        ("2017〔2017〕47号", "format"),
        ("ABC〔2017〕47号", "agency_format"),
        ("国办发〔2017〕0号", "serial_zero"),
        ("国办发〔20170〕47号", "year_format"),
    ],
)
def test_document_number_problems_that_cannot_be_corrected_get_no_suggestion(text, kind):
    error = raised(document_numbers.parse, text, current_year=2026)
    assert error.kind == kind
    assert error.suggestion is None
    assert "应写作" not in str(error)


@pytest.mark.parametrize("text", ["国办发2017年47号", "国办发47号", "第47号", "abc", "国办发〔2017〕47号文"])
def test_document_number_of_unknown_shape_explains_the_format(text):
    error = raised(document_numbers.parse, text, current_year=2026)
    assert error.kind == "format"
    assert "六角括号“〔〕”" in str(error) and "国办发〔2017〕47号" in str(error)


def test_document_number_is_required():
    assert raised(document_numbers.parse, "  ", current_year=2026).kind == "missing"


def test_government_order_needs_di():
    error = raised(document_numbers.parse, "山西省人民政府令280号", current_year=2026)
    assert error.kind == "order_ordinal"
    assert error.suggestion == "山西省人民政府令第280号"


# --- 统一社会信用代码 / 组织机构代码 ----------------------------------------------------------------


def test_org_code_check_character_computed_by_hand():
    # 0×3 + 0×7 + 0×9 + 0×10 + 1×5 + 4×8 + 3×4 + 4×2 = 57; 57 mod 11 = 2; 11 − 2 = 9
    assert org_codes.org_code_check_char("00001434") == "9"
    # M=22 A=10: 66 + 70 + 9 + 20 + 15 + 32 + 40 + 22 = 274; 274 mod 11 = 10; 11 − 10 = 1
    assert org_codes.org_code_check_char("MA1234AB") == "1"
    # 0 + 7 + 45 + 20 + 35 + 72 + 4 + 16 = 199; 199 mod 11 = 1; 11 − 1 = 10 → X
    assert org_codes.org_code_check_char("01527918") == "X"
    # 0 + 0 + 63 + 20 + 40 + 0 + 16 + 4 = 143; 143 mod 11 = 0; 11 − 0 = 11 → 0
    assert org_codes.org_code_check_char("00728042") == "0"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("000014349", "000014349"),
        ("00001434-9", "000014349"),
        ("01527918X", "01527918X"),
        ("01527918x", "01527918X"),
        ("MA1234AB1", "MA1234AB1"),
        ("007280420", "007280420"),
    ],
)
def test_valid_org_codes(value, canonical):
    assert org_codes.validate_org_code(value) == canonical
    assert org_codes.validate_org(value) == canonical


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("000014348", "org_code_check"),
        ("01527918Y", "org_code_format"),
        ("0000143", "org_code_format"),
        ("00001434+9", "org_code_format"),
        ("0000-14349", "org_code_format"),
        ("MA1234AB2", "org_code_check"),
    ],
)
def test_invalid_org_codes(value, kind):
    assert raised(org_codes.validate_org_code, value).kind == kind


@pytest.mark.parametrize(
    "code",
    [
        "11441700007280420Y",  # 阳江市人民政府办公室 (seen on yangjiang.gov.cn)
        "91110000600037341L",  # a company's code in the widely published format example
        "11140000MA1234AB1W",  # constructed: inner MA1234AB1 (checked above) + computed W
        "11500000009283019T",
        "12140000405734862C",
        "111401001401100760",  # the check character wraps: 31 − 0 → 0
    ],
)
def test_valid_unified_social_credit_codes(code):
    assert independent_uscc_check(code[:17]) == code[17]
    assert org_codes.uscc_check_char(code[:17]) == code[17]
    assert org_codes.validate_uscc(code.lower()) == code
    assert org_codes.validate_org(code) == code


@pytest.mark.parametrize(
    ("code", "kind", "fragment"),
    [
        ("11441700007280420X", "uscc_check", "第18位"),
        ("1144170000728042Y", "uscc_length", "17位"),
        ("11441700O07280420Y", "uscc_charset", "含有“O”"),
        ("1144170000728042IY", "uscc_charset", "除I、O、Z、S、V以外"),
        ("11AB1700007280420Y", "uscc_division", "行政区划代码"),
        ("11441700007280430" + independent_uscc_check("11441700007280430"), "uscc_org_check", "第9—17位"),
    ],
)
def test_invalid_unified_social_credit_codes(code, kind, fragment):
    error = raised(org_codes.validate_uscc, code)
    assert error.kind == kind
    assert fragment in str(error)


def test_every_single_character_substitution_in_a_uscc_is_caught():
    code = "11441700007280420Y"
    for position in range(18):
        for char in USCC_CHARSET:
            if char != code[position]:
                wrong = code[:position] + char + code[position + 1 :]
                with pytest.raises(DisclosureError):
                    org_codes.validate_uscc(wrong)


def test_issuing_body_code_must_be_18_or_9_characters():
    error = raised(org_codes.validate_org, "1144170000728")
    assert error.kind == "org_length"
    assert "18位统一社会信用代码" in str(error) and "9位组织机构代码" in str(error)


# --- 索引号 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "values", "text"),
    [
        ("{org}/{year}-{seq:5}", {"org": "000014349", "year": 2017, "seq": 110}, "000014349/2017-00110"),
        (
            "{org}/{year}-{seq:5}",
            {"org": "11441700007280420Y", "year": 2021, "seq": 50},
            "11441700007280420Y/2021-00050",
        ),
        ("{org}-{year}-{seq}", {"org": "01527918X", "year": 2020, "seq": 153077}, "01527918X-2020-153077"),
        ("{unit}/{year}-{seq:5}", {"unit": "sggzyjyzx", "year": 2024, "seq": 2}, "sggzyjyzx/2024-00002"),
        ("{year}{seq:5}", {"year": 2024, "seq": 1}, "202400001"),
        ("JZ-{org}.{seq:6}", {"org": "MA1234AB1", "seq": 7}, "JZ-MA1234AB1.000007"),
    ],
)
def test_index_numbers_format_and_parse_by_pattern(pattern, values, text):
    assert index_numbers.format_index(pattern, **values) == text
    assert index_numbers.parse_index(pattern, text) == values
    compiled = index_numbers.compile_pattern(pattern)
    assert index_numbers.parse_index(compiled, text) == values


def test_default_pattern_and_its_example():
    compiled = index_numbers.compile_pattern(index_numbers.DEFAULT_PATTERN)
    assert index_numbers.DEFAULT_PATTERN == "{org}/{year}-{seq:5}"
    assert compiled.names == ("org", "year", "seq")
    assert compiled.example() == "11441700007280420Y/2021-00050"


@pytest.mark.parametrize(
    ("pattern", "kind", "fragment"),
    [
        ("", "pattern_empty", "不能为空"),
        ("{org} / {year}-{seq:5}", "pattern_space", "空格"),
        ("{org/{year}-{seq:5}", "pattern_braces", "花括号不成对"),
        ("{org}/{year}-{seq:5}}", "pattern_braces", "花括号不成对"),
        ("{org}/{yr}-{seq:5}", "pattern_token", "“{yr}”不是可用的占位符"),
        ("{ORG}/{year}-{seq:5}", "pattern_token", "可用：{org}"),
        ("{org}/{year}-{seq:0}", "pattern_width", "1—10"),
        ("{org}/{year}-{seq:11}", "pattern_width", "“11”不符合"),
        ("{org}/{year}-{seq:x}", "pattern_width", "“x”不符合"),
        ("{org}/{year:2}-{seq:5}", "pattern_argument", "{year}不带参数"),
        ("{org}/{year}-{seq:5}/{year}", "pattern_duplicate", "{year}只能出现一次"),
        ("{org}/{year}", "pattern_no_seq", "必须包含顺序号"),
        ("{org}{year}-{seq:5}", "pattern_adjacent", "{org}后须有分隔符"),
        ("{year}-{seq}{unit}", "pattern_adjacent", "{seq}后须有分隔符"),
    ],
)
def test_bad_index_patterns_are_rejected_with_the_reason(pattern, kind, fragment):
    error = raised(index_numbers.compile_pattern, pattern)
    assert error.kind == kind
    assert fragment in str(error)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("000014349/2017-0110", "顺序号“0110”应为5位数字"),
        ("000014349/2017-00000", "顺序号须从1起编"),
        ("000014349/17-00110", "年份“17”应为四位数字"),
        ("000014348/2017-00110", "组织机构代码“000014348”的校验码不正确"),
        ("11441700007280420X/2021-00050", "校验码（第18位）不正确"),
        ("11441700007280420y/2021-00050", "应写作“11441700007280420Y”"),
        ("0000143/2017-00110", "发文机关代码应为18位统一社会信用代码"),
        ("000014349/2017-001a0", "顺序号“001a0”应为数字"),
    ],
)
def test_malformed_index_numbers_name_the_wrong_part(text, fragment):
    error = raised(index_numbers.parse_index, index_numbers.DEFAULT_PATTERN, text)
    assert error.kind == "index_part"
    assert fragment in str(error)
    assert "本站规则为“{org}/{year}-{seq:5}”，如“11441700007280420Y/2021-00050”" in str(error)


@pytest.mark.parametrize("text", ["000014349-2017-00110", "000014349/2017/00110", "000014349／2017－00110"])
def test_index_number_with_wrong_structure_shows_the_rule(text):
    error = raised(index_numbers.parse_index, index_numbers.DEFAULT_PATTERN, text)
    assert error.kind == "index_format"
    assert "结构或分隔符" in str(error) and "{org}/{year}-{seq:5}" in str(error)


def test_index_number_is_required():
    assert raised(index_numbers.parse_index, index_numbers.DEFAULT_PATTERN, "").kind == "missing"


def test_index_number_cannot_be_made_without_the_values_the_pattern_needs():
    error = raised(index_numbers.format_index, index_numbers.DEFAULT_PATTERN, year=2026, seq=1)
    assert error.kind == "missing_org"
    assert "发文机关尚未登记统一社会信用代码或组织机构代码" in str(error)
    assert raised(index_numbers.format_index, "{unit}/{seq:3}", seq=1).kind == "missing_unit"
    assert raised(index_numbers.format_index, "{unit}/{seq:3}", unit="a", seq=1).kind == "invalid_unit"
    assert (
        raised(
            index_numbers.format_index, index_numbers.DEFAULT_PATTERN, org="000014348", year=2026, seq=1
        ).kind
        == "org_code_check"
    )
    assert (
        raised(
            index_numbers.format_index, index_numbers.DEFAULT_PATTERN, org="000014349", year=26, seq=1
        ).kind
        == "invalid_year"
    )
    assert (
        raised(
            index_numbers.format_index, index_numbers.DEFAULT_PATTERN, org="000014349", year=2026, seq=0
        ).kind
        == "invalid_seq"
    )
    # values the pattern does not use are ignored
    assert index_numbers.format_index("{year}-{seq:3}", org="not checked", year=2026, seq=5) == "2026-005"


def test_next_index_counts_on_and_reports_exhaustion():
    pattern = index_numbers.DEFAULT_PATTERN
    assert index_numbers.next_index(pattern, "000014349", 2017, None) == ("000014349/2017-00001", 1)
    assert index_numbers.next_index(pattern, "000014349", 2017, 109) == ("000014349/2017-00110", 110)
    assert index_numbers.next_index(pattern, "000014349", 2017, 99998).value == "000014349/2017-99999"
    error = raised(index_numbers.next_index, pattern, "000014349", 2017, 99999)
    assert error.kind == "seq_overflow" and "已用尽" in str(error)


class Counters:
    """What the content app does: one stored counter per scope."""

    def __init__(self, pattern):
        self.pattern, self.last = pattern, {}

    def issue(self, org, year):
        scope = index_numbers.counter_scope(self.pattern, org=org, year=year)
        value, self.last[scope] = index_numbers.next_index(self.pattern, org, year, self.last.get(scope))
        return value


def test_numbering_restarts_each_year_when_the_year_is_in_the_number():
    counters = Counters(index_numbers.DEFAULT_PATTERN)
    issued = [counters.issue("11441700007280420Y", year) for year in (2024, 2024, 2024, 2025, 2025, 2024)]
    assert issued == [
        "11441700007280420Y/2024-00001",
        "11441700007280420Y/2024-00002",
        "11441700007280420Y/2024-00003",
        "11441700007280420Y/2025-00001",
        "11441700007280420Y/2025-00002",
        # a document of last year published late continues last year's numbers
        "11441700007280420Y/2024-00004",
    ]
    # another issuing body has its own numbers
    assert counters.issue("000014349", 2025) == "000014349/2025-00001"
    assert len(set(issued)) == len(issued)


def test_numbering_runs_on_across_years_when_the_year_is_not_in_the_number():
    counters = Counters("{org}-{seq:6}")
    assert [counters.issue("000014349", year) for year in (2024, 2024, 2025)] == [
        "000014349-000001",
        "000014349-000002",
        "000014349-000003",
    ]
    assert index_numbers.counter_scope("{org}-{seq:6}", org="00001434-9", year=2025) == (
        ("org", "000014349"),
    )
    assert index_numbers.counter_scope(index_numbers.DEFAULT_PATTERN, org="000014349", year=2025) == (
        ("org", "000014349"),
        ("year", "2025"),
    )


def test_counter_scope_needs_the_values_of_the_pattern():
    assert raised(index_numbers.counter_scope, index_numbers.DEFAULT_PATTERN, year=2025).kind == "missing_org"


# --- 有效性 ---------------------------------------------------------------------------------------


def test_validity_states_and_choices():
    assert validity.choices() == [
        ("valid", "有效"),
        ("amended", "已修改"),
        ("repealed", "已废止"),
        ("expired", "已失效"),
        ("partly_expired", "部分失效"),
    ]
    assert validity.parse_state("已废止") is validity.State.REPEALED
    assert validity.parse_state("repealed") is validity.State.REPEALED
    error = raised(validity.parse_state, "作废")
    assert error.kind == "unknown_state" and "“已废止”" in str(error)


def test_valid_document_has_no_banner_and_no_repeal_details():
    assert validity.validate_validity("有效", today=TODAY).banner() is None
    with pytest.raises(ValidationError) as caught:
        validity.validate_validity("有效", date=dt.date(2024, 3, 1), today=TODAY)
    assert "有效的文件不应填写失效日期" in caught.value.message_dict["validity"][0]


def test_repealed_document_banner_names_the_repealing_document():
    marking = validity.validate_validity(
        "已废止",
        date=dt.date(2024, 3, 1),
        by_title="《山西省人民政府关于废止部分规范性文件的决定》",
        by_number="晋政发〔2024〕5号",
        date_written=dt.date(2018, 6, 1),
        today=TODAY,
    )
    assert marking.state is validity.State.REPEALED
    assert marking.reference.number == document_numbers.DocumentNumber("晋政发", 2024, 5)
    assert marking.banner() == (
        "本文件已于2024年3月1日废止，详见《山西省人民政府关于废止部分规范性文件的决定》（晋政发〔2024〕5号）。"
    )


@pytest.mark.parametrize(
    ("state", "kwargs", "banner"),
    [
        (
            "amended",
            {"by_title": "重庆市人民政府办公厅关于修改部分文件的通知", "by_number": "渝府办发〔2023〕30号"},
            "本文件已于2024年3月1日修改，详见《重庆市人民政府办公厅关于修改部分文件的通知》（渝府办发〔2023〕30号）。",
        ),
        ("已失效", {}, "本文件已于2024年3月1日失效。"),
        (
            "部分失效",
            {"by_title": "关于宣布失效一批规范性文件的决定"},
            "本文件部分内容已于2024年3月1日失效，详见《关于宣布失效一批规范性文件的决定》。",
        ),
    ],
)
def test_banners_of_the_other_states(state, kwargs, banner):
    marking = validity.validate_validity(state, date="2024-03-01", today=TODAY, **kwargs)
    assert marking.banner() == banner


def test_repealed_or_amended_without_date_and_document_reports_both():
    for state, verb in (("已废止", "废止"), ("已修改", "修改")):
        with pytest.raises(ValidationError) as caught:
            validity.validate_validity(state, today=TODAY)
        errors = caught.value.message_dict
        assert errors["validity_date"] == [f"【CON-10】有效性为“{state}”时须填写{verb}日期。"]
        assert errors["superseded_by_title"] == [
            f"【CON-10】有效性为“{state}”时须填写{verb}本文件的文件名称。"
        ]


def test_expired_needs_a_date_but_no_document():
    with pytest.raises(ValidationError) as caught:
        validity.validate_validity("已失效", today=TODAY)
    assert set(caught.value.message_dict) == {"validity_date"}


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"date": dt.date(2026, 3, 3)}, "validity_date", "晚于今天"),
        (
            {"date": dt.date(2017, 1, 1), "date_written": dt.date(2017, 5, 15)},
            "validity_date",
            "早于成文日期2017年5月15日",
        ),
        ({"date": "2024-02-30"}, "validity_date", "不是有效的日期"),
        (
            {"date": dt.date(2024, 3, 1), "by_number": "晋政发[2024]5号"},
            "superseded_by_number",
            "应写作“晋政发〔2024〕5号”",
        ),
        (
            {"date": dt.date(2024, 3, 1), "by_number": "晋政发〔2024〕5号"},
            "superseded_by_title",
            "请同时填写该文件的名称",
        ),
    ],
)
def test_validity_details_are_checked(kwargs, field, fragment):
    with pytest.raises(ValidationError) as caught:
        validity.validate_validity("已失效", today=TODAY, **kwargs)
    assert fragment in " ".join(caught.value.message_dict[field])


# --- the whole block ------------------------------------------------------------------------------

DOCUMENT_47 = {
    "title": "国务院办公厅关于印发政府网站发展指引的通知",
    "index_number": "000014349/2017-00110",
    "issuing_body": "国务院办公厅",
    "org_code": "00001434-9",
    "document_number": "国办发〔2017〕47号",
    "date_written": "2017-05-15",
    "date_published": dt.date(2017, 6, 8),
    "subject": "综合政务\\政务公开",
}


def test_complete_metadata_is_cleaned():
    cleaned = metadata.validate_metadata(DOCUMENT_47, pattern=index_numbers.DEFAULT_PATTERN, today=TODAY)
    assert cleaned["index_parts"] == {"org": "000014349", "year": 2017, "seq": 110}
    assert cleaned["org_code"] == "000014349"
    assert cleaned["document_number"] == document_numbers.DocumentNumber("国办发", 2017, 47)
    assert cleaned["date_written"] == dt.date(2017, 5, 15)
    assert cleaned["subject"].code == "02.01"
    assert cleaned["validity"].state is validity.State.VALID
    assert cleaned["title"] == DOCUMENT_47["title"]


def test_empty_metadata_lists_every_missing_field_at_once():
    errors = field_errors({})
    assert set(errors) == {
        "title",
        "index_number",
        "issuing_body",
        "document_number",
        "date_written",
        "date_published",
        "subject",
    }
    assert errors["title"] == ["【CON-10】请填写标题。"]
    assert errors["date_published"] == ["【CON-10】请填写发布日期。"]
    assert "{org}/{year}-{seq:5}" in errors["index_number"][0]


def test_several_malformed_fields_are_reported_together():
    errors = field_errors(
        {
            **DOCUMENT_47,
            "title": " ",
            "index_number": "000014349/2017-0110",
            "document_number": "国办发[2017]47",
            "date_written": "2017-06-15",
            "subject": "综合政务",
            "validity": "已废止",
            "validity_date": "2030-01-01",
        }
    )
    assert set(errors) == {
        "title",
        "index_number",
        "document_number",
        "date_written",
        "subject",
        "validity_date",
        "superseded_by_title",
    }
    assert "应写作“国办发〔2017〕47号”" in errors["document_number"][0]
    assert "成文日期2017年6月15日晚于发布日期2017年6月8日" in errors["date_written"][0]
    assert "顺序号“0110”应为5位数字" in errors["index_number"][0]
    assert all(message.startswith("【CON-10】") for messages in errors.values() for message in messages)


def test_dates_must_not_lie_in_the_future_and_each_problem_is_reported_once():
    errors = field_errors({**DOCUMENT_47, "date_written": "2026-03-03", "date_published": "2026-03-04"})
    assert errors["date_written"] == ["【CON-10】成文日期2026年3月3日晚于今天（2026年3月2日）。"]
    assert errors["date_published"] == ["【CON-10】发布日期2026年3月4日晚于今天（2026年3月2日）。"]
    # the same record is fine once "today" (passed in by the caller) has moved on
    later = metadata.validate_metadata(
        {**DOCUMENT_47, "date_written": "2026-03-03", "date_published": "2026年3月4日"},
        pattern=index_numbers.DEFAULT_PATTERN,
        today=dt.date(2026, 3, 4),
    )
    assert later["date_published"] == dt.date(2026, 3, 4)


def test_written_and_published_on_the_same_day_is_fine():
    cleaned = metadata.validate_metadata(
        {**DOCUMENT_47, "date_written": "2017-06-08"}, pattern=index_numbers.DEFAULT_PATTERN, today=TODAY
    )
    assert cleaned["date_written"] == cleaned["date_published"]


def test_index_number_must_carry_the_issuing_body_code():
    errors = field_errors({**DOCUMENT_47, "org_code": "11441700007280420Y"})
    assert errors["index_number"] == [
        "【CON-10】索引号中的机关代码“000014349”与发文机关代码“11441700007280420Y”不一致。"
    ]


def test_validity_errors_land_on_their_fields():
    errors = field_errors(
        {
            **DOCUMENT_47,
            "validity": "已修改",
            "validity_date": "2016-01-01",
            "superseded_by_number": "国办发（2018）1号",
        }
    )
    assert "早于成文日期" in errors["validity_date"][0]
    assert "应写作“国办发〔2018〕1号”" in errors["superseded_by_number"][0]
    assert "须填写修改本文件的文件名称" in errors["superseded_by_title"][0]


def test_repealed_document_metadata_carries_its_banner():
    cleaned = metadata.validate_metadata(
        {
            **DOCUMENT_47,
            "validity": "repealed",
            "validity_date": "2024-03-01",
            "superseded_by_title": "国务院办公厅关于印发政府网站发展指引（2024年修订）的通知",
            "superseded_by_number": "国办发〔2024〕9号",
        },
        pattern=index_numbers.DEFAULT_PATTERN,
        today=TODAY,
    )
    assert cleaned["validity"].banner().startswith("本文件已于2024年3月1日废止，详见《国务院办公厅关于印发")


def test_options_for_auto_numbering_and_documents_without_number():
    data = {**DOCUMENT_47, "index_number": "", "document_number": ""}
    cleaned = metadata.validate_metadata(
        data,
        pattern=index_numbers.DEFAULT_PATTERN,
        today=TODAY,
        auto_index=True,
        require_document_number=False,
    )
    assert cleaned["index_number"] is None and cleaned["document_number"] is None
    assert set(field_errors(data)) == {"index_number", "document_number"}


def test_other_patterns_and_orders_pass_through():
    cleaned = metadata.validate_metadata(
        {
            **DOCUMENT_47,
            "index_number": "01527918X-2020-153077",
            "org_code": "",
            "document_number": "国令第732号",
            "subject": "22",
        },
        pattern=index_numbers.compile_pattern("{org}-{year}-{seq}"),
        today=TODAY,
    )
    assert cleaned["index_parts"]["seq"] == 153077
    assert cleaned["document_number"].year is None
    assert str(cleaned["subject"]) == "其他"


def test_bad_pattern_is_a_configuration_error_not_a_field_error():
    error = raised(metadata.validate_metadata, DOCUMENT_47, pattern="{org}/{year}", today=TODAY)
    assert error.kind == "pattern_no_seq"


@pytest.mark.parametrize("value", ["2017-02-30", "15/05/2017", "昨天"])
def test_unreadable_dates_are_reported_in_chinese(value):
    errors = field_errors({**DOCUMENT_47, "date_written": value})
    assert errors["date_written"] == [
        f"【CON-10】成文日期“{value}”不是有效的日期，应写作“2017-05-15”或“2017年5月15日”。"
    ]
