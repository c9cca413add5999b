"""Serious wording errors and typos: every positive case next to a decoy that must stay quiet."""

import shutil
from datetime import date

import pytest

from govsites.monitoring.checks import wording
from govsites.monitoring.data import DATA_DIR, DataError

from .sitebuild import doc, page, site


def found(text, day=None, directory=None):
    """``{target: (check, note or how)}`` for a text."""
    return {
        o.target: (o.check, o.detail.get("note") or o.detail.get("how"))
        for o in wording.check_text(text, "https://www.test.gov.cn/a.html", day=day, directory=directory)
    }


def pub(day: str) -> str:
    return f'<meta name="PubDate" content="{day} 09:30">'


# --- leader names ---------------------------------------------------------------------------


@pytest.mark.rule("SUP-03")
def test_a_misspelt_leader_name_next_to_a_title_is_serious():
    assert found("国务院总理李墙主持召开国务院常务会议。") == {"李墙": ("serious_wording", "领导人姓名应为“李强”")}
    assert found("全国人大常委会委员长粟战书出席会议。")["粟战书"][0] == "serious_wording"  # look-alike 粟/栗
    assert found("国务院总理朱容基在会上指出")["朱容基"][1] == "领导人姓名应为“朱镕基”"  # 镕 is not in GB2312
    assert "李墙" in found("国务院总理 李墙主持会议")  # a space between title and name


@pytest.mark.rule("SUP-03")
def test_correct_names_and_look_alike_words_without_a_title_are_not_reported():
    decoys = (
        "国务院总理李强主持召开国务院常务会议。李强调，要加快推进重点项目。"
        "这里强调的是落实。全国人大常委会委员长赵乐际出席。主席台就座的有王洋、李墙等同志。"
    )
    assert found(decoys) == {}


@pytest.mark.rule("SUP-03")
def test_an_honorific_or_a_leaders_phrase_after_a_misspelt_name_is_context_too():
    assert found("王歧山副总理强调")["王歧山"][0] == "serious_wording"
    assert found("深入学习贯彻习进平新时代中国特色社会主义思想")["习进平"][0] == "serious_wording"
    assert found("以习近平同志为核心的党中央，习近平新时代中国特色社会主义思想，王岐山副总理") == {}
    # 主席 and 书记 are local titles too: they are no context for a misspelling
    assert found("县政协主席王洋、县委书记李墙出席") == {}
    # a leader's phrase is context for that leader's name only (应用 sounds like 应勇)
    assert found("学习应用新时代中国特色社会主义思想") == {}


def test_a_variant_that_is_itself_a_listed_name_is_never_a_misspelling(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    leaders = (data / "leaders.toml").read_text(encoding="utf-8")
    (data / "leaders.toml").write_text(
        leaders.replace('{ name = "马凯", from = 2013-03-16, to = 2018-03-19 },',
                        '{ name = "马凯", from = 2013-03-16, to = 2018-03-19 },\n    { name = "王洋", from = 2013-03-16, to = 2018-03-19 },'),
        encoding="utf-8",
    )
    text = "国务院副总理王洋出席"
    assert found(text, directory=data) == {}  # 王洋 sounds like 汪洋, but is in the table
    assert found(text) == {"王洋": ("serious_wording", "领导人姓名应为“汪洋”")}


# --- titles and dates -----------------------------------------------------------------------


@pytest.mark.rule("SUP-03")
def test_a_former_title_after_it_ended_is_serious_on_a_dated_page():
    text = "国务院总理李克强主持召开国务院常务会议"
    assert found(text, day=date(2024, 5, 1)) == {
        "国务院总理李克强": ("serious_wording", "2024-05-01时国务院总理为李强")
    }
    assert found(text, day=date(2020, 5, 1)) == {}  # he was premier then
    assert found(text) == {}  # without a date only never-held titles are judged
    assert found("李克强总理指出", day=date(2024, 5, 1))["李克强总理"][0] == "serious_wording"


@pytest.mark.rule("SUP-03")
def test_the_changeover_has_a_grace_period_for_late_reports():
    text = "国务院总理李克强在政府工作报告中指出"
    assert found(text, day=date(2023, 3, 26)) == {}  # 15 days after 2023-03-11
    assert "国务院总理李克强" in found(text, day=date(2023, 3, 27))
    assert found("国务院总理李强出席", day=date(2023, 3, 10)) == {}  # the eve of the vote
    assert "国务院总理李强" in found("国务院总理李强出席", day=date(2023, 3, 9))


@pytest.mark.rule("SUP-03")
def test_history_is_not_a_wrong_title():
    day = date(2024, 5, 1)
    assert found("时任国务院总理李克强来我市考察", day=day) == {}
    assert found("原国务院副总理吴仪同志", day=day) == {}
    assert found("2019年5月，国务院总理李克强来我市考察", day=day) == {}
    # a year in an earlier sentence does not make this one history
    assert "国务院总理李克强" in found("2019年我市获评先进。国务院总理李克强来我市考察", day=day)


@pytest.mark.rule("SUP-03")
def test_a_title_the_person_never_held_is_serious_on_any_date():
    assert found("国务院总理习近平出席会议") == {"国务院总理习近平": ("serious_wording", "习近平未担任过国务院总理")}
    assert found("习近平总理出席会议")["习近平总理"][0] == "serious_wording"
    # before the table covers an office, or for a person active before it, nothing is judged
    assert found("国务院副总理朱镕基在会上讲话", day=date(1995, 6, 1)) == {}
    assert found("国务院副总理李鹏视察", day=date(1985, 6, 1)) == {}


def test_page_date_comes_from_the_pubdate_meta_tag():
    html = doc("<p>国务院总理李克强主持召开国务院常务会议</p>", head=pub("2024-05-01"))
    observations = wording.check_page(page("/a/1.html", html))
    assert [(o.check, o.target, o.detail["page_date"]) for o in observations] == [
        ("serious_wording", "国务院总理李克强", "2024-05-01")
    ]
    assert wording.check_page(page("/a/1.html", doc("<p>国务院总理李克强主持召开国务院常务会议</p>", head=pub("2021-05-01")))) == []
    assert wording.check_page(page("/a/1.html", html), day=date(2021, 5, 1)) == []  # the caller's date wins


# --- fixed expressions ----------------------------------------------------------------------


@pytest.mark.rule("SUP-03")
@pytest.mark.parametrize(
    ("text", "wrong", "how"),
    [
        ("坚持中国特色社会主意", "中国特色社会主意", "“义”误写为“意”"),
        ("全面从严冶党", "全面从严冶党", "“治”误写为“冶”"),
        ("坚持中国特社会主义道路", "中国特社会主义", "漏字“色”"),
        ("中国色特社会主义", "中国色特社会主义", "“特色”顺序颠倒"),
        ("深入学习习近平新时代中国特色社会思想", "习近平新时代中国特色社会思想", "已知错误写法"),
        ("发展全过程人民民主", "全过程人民民主", None),
        ("坚持一国两治", "一国两治", "已知错误写法"),
        ("增强政治意识、核心意识、大局意识、看齐意识", "政治意识、核心意识、大局意识、看齐意识", "排列顺序错误"),
    ],
)
def test_wrong_forms_of_fixed_expressions_are_serious(text, wrong, how):
    result = found(text)
    if how is None:  # the correct form
        assert result == {}
    else:
        assert result == {wrong: ("serious_wording", how)}


@pytest.mark.rule("SUP-03")
def test_correct_government_text_has_no_findings():
    text = (
        "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，坚持和发展中国特色社会主义，"
        "增强政治意识、大局意识、核心意识、看齐意识，坚定道路自信、理论自信、制度自信、文化自信。"
        "推动科学发展关键在人。中国是现代化建设的后来者。统筹推进经济建设、政治建设、文化建设、社会建设、"
        "生态文明建设。践行社会主义核心价值观：富强、民主、文明、和谐，自由、平等、公正、法治，爱国、敬业、诚信、友善。"
        "坚持人民当家作主，全面从严治党，全面依法治国，铸牢中华民族共同体意识，推动构建人类命运共同体。"
        "截至2024年底，全市共有企业1.2万家，报名截止日期为5月1日，按装机容量计算。"
    )
    assert found(text) == {}


def test_a_misspelt_name_inside_an_expression_is_reported_once():
    result = found("学习贯彻习进平新时代中国特色社会主义思想")
    assert list(result) == ["习进平"]


# --- typos ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截止2024年底，全市共有", {"截止": "截至"}),
        ("截止目前，已完成", {"截止": "截至"}),
        ("报名截止日期为5月1日", {}),
        ("截至日期：2024年5月1日", {"截至日期": "截止日期"}),
        ("认真抓好布署落实", {"布署": "部署"}),
        ("按装调试完毕", {"按装": "安装"}),
        ("按装机容量计算", {}),
        ("请输入帐号和密码", {"帐号": "账号"}),
        ("全部暑期工作", {}),
    ],
)
def test_typos_of_the_confusion_set(text, expected):
    observations = wording.check_text(text, "u")
    assert {o.target: o.detail["correct"] for o in observations} == expected
    assert all(o.check == "typo" for o in observations)


def test_a_typo_inside_a_serious_error_is_not_reported_twice():
    assert found("实施乡村震兴战略") == {"乡村震兴战略": ("serious_wording", "“振”误写为“震”")}
    assert found("推进乡村震兴") == {"乡村震兴": ("typo", "“振兴”误写")}


# --- pages ----------------------------------------------------------------------------------


def test_a_page_title_and_visible_text_are_checked_scripts_and_styles_are_not():
    html = doc(
        "<p>认真<b>布</b>署落实。</p><p>要认真布署。</p><script>var s = '布署';</script><style>.布署{}</style>"
        "<p>国务院总理李墙</p>",
        title="关于布署工作的通知",
    )
    observations = {o.target: o for o in wording.check_page(page("/a/2.html", html))}
    assert set(observations) == {"布署", "李墙"}
    typo = observations["布署"]
    assert typo.detail["count"] == 3  # title, the word split by <b>, the second paragraph
    assert typo.url == "https://www.test.gov.cn/a/2.html"
    assert typo.evidence == "关于【布署】工作的通知 认真布署落实。 要"  # 15 characters each side
    assert observations["李墙"].evidence == "实。 要认真布署。 国务院总理【李墙】"


def test_error_pages_and_pages_without_html_are_not_judged():
    text = doc("<p>认真布署</p>")
    assert wording.check_page(page("/x.html", text, status=404)) == []
    assert wording.check_page(page("/x.pdf", "")) == []
    pages = [page("/a.html", text), page("/b.html", doc("<p>正常</p>"))]
    assert [o.url for o in wording.check_wording(site(), pages)] == ["https://www.test.gov.cn/a.html"]


def test_a_large_page_is_checked_whole():
    """A 200 KB page of list rows (titles, names, expressions on every row); the error is at its
    very end. (Speed — ~25 ms once the automaton exists — is measured by the benchmark, not here.)"""
    row = ('<li><a href="/a/{i}.html">国务院总理李强主持召开国务院常务会议，部署推进中国特色社会主义现代化建设</a>'
           '<span class="date">2024-05-{d:02d}</span></li>')
    html = doc("<ul>" + "".join(row.format(i=i, d=i % 28 + 1) for i in range(1150)) + "</ul><p>国务院总理李墙</p>")
    assert len(html.encode()) > 200_000
    observations = wording.check_page(page("/big.html", html))
    assert [o.target for o in observations] == ["李墙"]


# --- the data -------------------------------------------------------------------------------


def test_the_shipped_leader_table_is_consistent():
    data = wording.load()
    assert data.leaders.checked >= date(2025, 1, 1)
    single = {"president", "vice_president", "general_secretary", "premier", "npc_chairman", "cppcc_chairman",
              "ccdi_secretary", "nsc_director", "spc_president", "spp_procurator"}
    for office in data.leaders.offices:
        if office.key not in single:
            continue
        tenures = sorted(office.tenures, key=lambda t: t.start)
        assert [t.name for t in tenures if t.end is None] == [tenures[-1].name], office.key
        for before, after in zip(tenures, tenures[1:], strict=False):
            assert before.end == after.start, (office.key, before.name, after.name)
    matcher = wording.matcher()
    names = set(data.leaders.first_seen)
    assert not names & set(matcher.variants)


def test_invalid_data_is_reported_in_chinese_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (data / "confusions.tsv").open("a", encoding="utf-8") as handle:
        handle.write("部署\t部署\n布置署\t部署\t[0-9\n")
    with (data / "expressions.tsv").open("a", encoding="utf-8") as handle:
        handle.write("中国特色社会主义\tsideways\n社会主义\t\t社会主义\n")
    leaders = (data / "leaders.toml").read_text(encoding="utf-8")
    (data / "leaders.toml").write_text(leaders.replace("{ name = \"乔石\", from = 1993-03-27", "{ name = \"乔石\", from = 2099-03-27"), encoding="utf-8")
    with pytest.raises(DataError) as error:
        wording.load(data)
    message = str(error.value)
    assert "confusions.tsv 第" in message and "与正确写法相同" in message
    assert "不是有效的正则表达式" in message
    assert "生成方式只能是 auto、order 或留空" in message
    assert "错误写法与正确写法相同" in message
    assert "乔石 的 from/to 应为日期，且 to 晚于 from" in message
