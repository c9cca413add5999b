"""Pre-publish screening (CON-05): banned words block, advertising is flagged, enforcement news
is not blocked, evasion does not work, and positions point at the original characters."""

import shutil
import time

import pytest

from govsites.content import screening
from govsites.content.screening import (
    DICTIONARY_DIR,
    Action,
    DictionaryError,
    Screener,
    ScreeningResult,
    engine,
    get_screener,
    screen,
    screen_html,
    summary,
)

CLEAN_ARTICLE = """市政府召开全市优化营商环境暨招商引资工作推进会

3月15日上午，市政府召开全市优化营商环境暨招商引资工作推进会，副市长出席会议并讲话。

会议指出，今年以来，全市加大促进消费力度，出台了一系列减税降费优惠政策，一季度地区生产总值同比增长5.2%，按现价计算达到1234.5亿元。市政务服务中心办证大厅推行“一窗受理、集成服务”，群众可通过“扫码关注”政务服务公众号查询办证进度。税务机关代开发票业务实现全程网上办，打包邮寄费用由政府承担。

会议强调，要持续开展打击赌博违法犯罪专项行动，严厉打击跨境赌博和电信网络诈骗，依法查处淫秽色情信息，深入推进扫黄打非工作。公安机关提醒广大群众，警惕刷单返利等诈骗手段，所谓“安全账户”都是骗局。近期破获的一起开设赌场案中，查获赌资30余万元，主犯以开设赌场罪被提起公诉。

会议要求，各县（市、区）要结合本地特色情况，传承红色情怀。欢迎广大市民参加微信投票活动，为“十大民生实事”建言献策。

联系电话：0351-1234567；监督举报电话：12345。邮编：030001。"""


def only(result: ScreeningResult, term: str):
    [finding] = [f for f in result.findings if f.term == term]
    return finding


@pytest.fixture
def data(tmp_path):
    """A private, editable copy of the shipped dictionaries."""
    target = tmp_path / "dictionaries"
    shutil.copytree(DICTIONARY_DIR, target)
    return target


def test_shipped_dictionaries_load_with_their_categories_and_actions():
    screener = Screener.from_directory()
    sizes = screener.sizes()
    assert set(sizes) == {"商业广告", "赌博", "色情", "违禁物品", "诈骗", "不规范表述"}
    assert all(size >= 15 for size in sizes.values()) and sum(sizes.values()) > 200
    actions = {category.name: category.action for category in screener.config.categories}
    assert actions["赌博"] == actions["色情"] == actions["违禁物品"] == actions["诈骗"] == Action.BLOCK
    assert actions["商业广告"] == actions["不规范表述"] == Action.FLAG


@pytest.mark.rule("CON-05")
@pytest.mark.parametrize(
    ("text", "term", "start", "category", "action"),
    [
        ("本店全场包邮，欢迎选购", "全场包邮", 2, "商业广告", Action.FLAG),
        ("欢迎来到网上赌场试试手气", "网上赌场", 4, "赌博", Action.BLOCK),
        ("同城提供裸聊服务", "裸聊", 4, "色情", Action.BLOCK),
        ("长期代开发票，量大从优", "代开发票", 2, "违禁物品", Action.BLOCK),
        ("在家刷单返利，轻松赚钱", "刷单返利", 2, "诈骗", Action.BLOCK),
        ("本品包治百病，效果显著", "包治百病", 2, "不规范表述", Action.FLAG),
    ],
)
def test_each_category_is_found_at_its_exact_offsets(text, term, start, category, action):
    finding = only(screen(text), term)
    assert (finding.start, finding.end) == (start, start + len(term))
    assert text[finding.start : finding.end] == term == finding.matched
    assert (finding.category, finding.action, finding.position) == (category, action, start + 1)
    assert term in finding.context


@pytest.mark.rule("CON-05")
def test_banned_words_block_and_advertising_needs_acknowledgement():
    banned = screen("本站提供网络赌博服务")
    assert banned.blocked and not banned.passed
    advert = screen("本店促销，买一送一")
    assert not advert.blocked and advert.needs_acknowledgement
    assert [(f.term, f.position) for f in advert.flagged] == [("促销", 3), ("买一送一", 6)]
    assert screen(CLEAN_ARTICLE).passed


@pytest.mark.rule("CON-05")
def test_a_term_can_be_stricter_than_its_category():
    finding = only(screen("本站广告位招租，价格面议"), "广告位招租")
    assert finding.category == "商业广告" and finding.action == Action.BLOCK


@pytest.mark.rule("CON-05")
def test_a_longer_term_swallows_the_shorter_one_inside_it():
    result = screen("本站提供网络赌博服务")
    assert [(f.term, f.start, f.end) for f in result.findings] == [("网络赌博", 4, 8)]


@pytest.mark.rule("CON-05")
@pytest.mark.parametrize(
    ("text", "term", "span"),
    [
        ("快来赌*博吧", "赌博", (2, 5)),
        ("快来赌 博吧", "赌博", (2, 5)),
        ("请加 微 信详聊", "加微信", (1, 6)),
        ("请加🔥微🔥信详聊", "加微信", (1, 6)),
        ("快来赌\u200b\u200d博吧", "赌博", (2, 6)),
        ("快来赌\x00博吧", "赌博", (2, 5)),
        ("快来赌-_-博吧", "赌博", (2, 7)),
        ("提供ＰＫ１０玩法", "pk10", (2, 6)),
        ("提供Pk10玩法", "pk10", (2, 6)),
        ("出售Ｋ粉", "k粉", (2, 4)),
    ],
)
def test_evasion_is_found_with_offsets_in_the_original_text(text, term, span):
    finding = only(screen(text), term)
    assert (finding.start, finding.end) == span
    assert finding.matched == text[span[0] : span[1]].replace("\u200b", "").replace("\u200d", "").replace("\x00", "")
    if span[1] - span[0] > len(term):
        assert "规避" in finding.note


@pytest.mark.rule("CON-05")
@pytest.mark.parametrize(
    "text",
    [
        "我赌。博物馆",  # clause punctuation ends a word
        "快来赌    博物馆",  # more than three fillers between two letters
        "我是pk粉丝",  # "k粉" continues a Latin word
        "传承红色情怀，结合特色情况",  # 色情 inside ordinary words
        "欢迎参加微信投票，打包邮寄到家",
        "主犯以开设赌场罪被提起公诉",
        "纳税人可向税务机关代开发票",
    ],
)
def test_ordinary_words_and_clause_boundaries_are_not_findings(text):
    assert screen(text).findings == ()


@pytest.mark.rule("CON-05")
def test_enforcement_news_is_downgraded_to_info_not_blocked():
    result = screen("严厉打击赌博违法犯罪活动")
    finding = only(result, "赌博")
    assert (finding.start, finding.end, finding.action) == (4, 6, Action.INFO)
    assert "严厉打击" in finding.note
    assert not result.blocked and result.passed
    after = only(screen("这类刷单返利骗局专骗学生"), "刷单返利")
    assert after.action == Action.INFO and "骗局" in after.note


@pytest.mark.rule("CON-05")
def test_allow_context_stays_within_its_sentence_and_window():
    other_sentence = screen("我们严厉打击违法犯罪。网上赌博注册就送钱")
    assert only(other_sentence, "网上赌博").action == Action.BLOCK
    too_far = screen("严厉打击" + "各类违法行为维护社会稳定保障人民安居乐业" + "，网上赌博")
    assert only(too_far, "网上赌博").action == Action.BLOCK


@pytest.mark.rule("CON-05")
def test_ad_heuristics_are_never_downgraded_by_context():
    result = screen("防范诈骗，加V：shop8888")
    finding = only(result, "微信/QQ联系方式")
    assert finding.action == Action.FLAG and finding.matched == "加V：shop8888"


@pytest.mark.rule("CON-05")
@pytest.mark.parametrize(
    ("text", "term", "matched"),
    [
        ("有需要请加V：shop8888", "微信/QQ联系方式", "加V：shop8888"),
        ("详情咨询ＶＸ ａｂｃ１２３４５", "微信/QQ联系方式", "ＶＸ ａｂｃ１２３４５"),
        ("老板微信号：abc_12345", "微信/QQ联系方式", "微信号：abc_12345"),
        ("订购热线138-1234-5678，先到先得", "销售电话", "138-1234-5678"),
        ("正品低价，电话 0351 1234567", "销售电话", "0351 1234567"),
        ("新款到货￥99元包邮", "商品标价", "￥99元包邮"),
        ("限量仅售39.9元", "商品标价", "仅售39.9元"),
        ("长按识别二维码购买", "扫码引流", "长按识别二维码购买"),
        ("链接 https://item.taobao.com/item.htm?id=1", "电商链接", "taobao.com"),
    ],
)
def test_advertising_heuristics_are_flagged_as_commercial_ads(text, term, matched):
    finding = only(screen(text), term)
    assert (finding.category, finding.action) == ("商业广告", Action.FLAG)
    assert text[finding.start : finding.end] == matched == finding.matched


@pytest.mark.rule("CON-05")
@pytest.mark.parametrize(
    "text",
    [
        "咨询电话：0351-1234567，办公时间为工作日。",
        "全年财政收入1234亿元，同比增长5%。",
        "预算金额：¥1,200,000.00",
        "欢迎扫码关注政务公众号",
        "增加vr2024体验区，参加vip12345活动",
        "官方微信公众号：sxzwfw",
    ],
)
def test_government_contacts_and_figures_are_not_ads(text):
    assert screen(text).findings == ()


@pytest.mark.rule("CON-05")
def test_html_text_across_tags_and_references_maps_to_the_source():
    html = "<p>欢迎<b>赌</b><i>博</i>，另有&#36172;&#21338;</p>"
    result = screen_html(html)
    first, second = sorted(result.findings, key=lambda f: f.start)
    assert html[first.start : first.end] == "赌</b><i>博" and first.matched == "赌博"
    assert (first.position, first.where) == (3, "text")
    assert html[second.start : second.end] == "&#36172;&#21338;" and second.position == 8


@pytest.mark.rule("CON-05")
def test_html_link_targets_and_image_texts_are_screened():
    html = (
        "<p>详见<a href='https://example.com/?q=%E5%8A%A0%E5%BE%AE%E4%BF%A1' title='点击购买'>这里</a>"
        "<img src='a.png' alt='限时特价'></p>"
        '<a href="https://shop.tmall.com/x">更多</a>'
    )
    result = screen_html(html)
    href, title, alt, shop = (only(result, t) for t in ("加微信", "点击购买", "限时特价", "电商链接"))
    assert (href.where, html[href.start : href.end]) == ("href", "%E5%8A%A0%E5%BE%AE%E4%BF%A1")
    assert (title.where, html[title.start : title.end]) == ("title", "点击购买")
    assert (alt.where, html[alt.start : alt.end]) == ("alt", "限时特价")
    assert (shop.where, html[shop.start : shop.end]) == ("href", "tmall.com")
    assert href.position == title.position == 3 and alt.position == 5
    assert "第3字处的链接地址“加微信”" in summary(result)


@pytest.mark.rule("CON-05")
def test_hidden_text_is_reported_as_suspicious_and_screened():
    html = '<p>正文内容</p><div style="DISPLAY: none !important">澳门赌场<a href="/x">入口</a></div><p>结尾</p>'
    result = screen_html(html)
    hidden = only(result, "隐藏文本")
    assert (hidden.category, hidden.action, hidden.where) == ("隐藏文本", Action.FLAG, "hidden")
    assert html[hidden.start : hidden.end].startswith("<div style=") and html[hidden.start : hidden.end].endswith("</div>")
    assert hidden.matched == "澳门赌场入口" and hidden.position == 6
    casino = only(result, "澳门赌场")
    assert (casino.where, casino.action, html[casino.start : casino.end]) == ("hidden", Action.BLOCK, "澳门赌场")
    for other in ('<span hidden>博彩</span>', '<span style="font-size:0px">博彩</span>', '<b style="opacity:0">博彩</b>'):
        assert {f.where for f in screen_html(other).findings} == {"hidden"}
    assert screen_html('<span style="display:none"> </span><p>正文</p>').findings == ()


def test_html_that_is_never_rendered_is_not_screened():
    html = "<script>var a='赌博';</script><style>.x{content:'加微信'}</style><!-- 博彩 --><p>正文</p>"
    assert screen_html(html).findings == ()
    assert only(screen_html('<meta name="keywords" content="博彩,赌场">'), "博彩").where == "meta"


@pytest.mark.rule("CON-05")
def test_a_realistic_government_article_passes_as_text_and_as_html():
    result = screen(CLEAN_ARTICLE)
    assert result.passed and not result.blocked and not result.needs_acknowledgement
    assert {f.action for f in result.findings} == {Action.INFO}  # the enforcement paragraph
    html = "<h1>" + CLEAN_ARTICLE.replace("\n\n", "</p><p>", 1) + "</p>"
    html += '<p><img src="/img/1.jpg" alt="会议现场"> <a href="/zwgk/2024/03/15/123.html" title="返回列表">返回</a></p>'
    assert screen_html(html).passed


def cpu_seconds(function, *args):
    """CPU time, not wall time: a sanity bound that a busy test machine does not break."""
    started = time.process_time()
    result = function(*args)
    return time.process_time() - started, result


def test_two_megabytes_screen_quickly_and_completely():
    paragraph = "为深入贯彻落实省委省政府决策部署，进一步优化营商环境，市政府办公室召开专题会议。联系电话：0351-1234567。\n"
    text = paragraph * (2_000_000 // len(paragraph)) + "网上赌博"
    elapsed, result = cpu_seconds(screen, text)
    assert elapsed < 3, f"2 MB of text took {elapsed:.1f} s"
    assert [(f.term, f.start) for f in result.findings] == [("网上赌博", len(text) - 4)]
    block = '<p>' + paragraph * 3 + '<a href="/zwgk/2024/123.html" title="详情">详情</a><img src="/1.jpg" alt="会议现场"></p>\n'
    html = block * (2_000_000 // len(block)) + "<p>网上赌博</p>"
    elapsed, result = cpu_seconds(screen_html, html)
    assert elapsed < 3, f"2 MB of HTML took {elapsed:.1f} s"
    assert [(f.term, f.start) for f in result.findings] == [("网上赌博", len(html) - 8)]


@pytest.mark.rule("CON-05")
def test_a_flood_of_matches_stops_screening_and_blocks():
    result = screen("严厉打击赌博！" * 20_000)
    assert result.blocked and only(result, "未完整检查").action == Action.BLOCK
    assert len(result.informational) == 500 and result.omitted > 0
    assert "另有" in summary(result)


@pytest.mark.rule("CON-05")
def test_input_beyond_the_size_limit_is_not_published_unscreened(data):
    limits = data / "categories.toml"
    limits.write_text(limits.read_text(encoding="utf-8").replace("max_chars = 8_000_000", "max_chars = 100"), "utf-8")
    result = Screener.from_directory(data).screen("正" * 100 + "网上赌博")
    finding = only(result, "未完整检查")
    assert (finding.start, finding.end, finding.position, finding.action) == (100, 104, 101, Action.BLOCK)
    assert result.screened_chars == 100 and "超过100字" in finding.note


ODD_INPUTS = [
    (None, set()),
    ("", set()),
    (12345, set()),
    (b"\xff\xfe\xe8\xb5\x8c\xe5\x8d\x9a", {"赌博"}),
    ("\ud800赌\udfff博\x00", {"赌博"}),
    ("\x00" * 1000 + "网上赌博", {"网上赌博"}),
    ("<![if 网上赌博", {"网上赌博"}),  # unfinished markup is screened as text: better safe
    ("<![foo[ x ]]> 网上赌博", {"网上赌博"}),  # the stdlib parser raises here; the tag stripper takes over
    ("<div>" * 50_000 + "网上赌博" + "</div>" * 50_000, {"网上赌博"}),
    ("<div>" * 20_000 + "</span>" * 20_000 + "网上赌博", {"网上赌博"}),
    ("<" * 10_000 + "网上赌博", {"网上赌博"}),
    ("&#99999999999;&#xD800;&#0;&bogus; 网上赌博", {"网上赌博"}),
    ("<a href='网上赌博", {"网上赌博"}),
    ("<p style='display:none'>网上赌博", {"隐藏文本", "网上赌博"}),
    ("<p title=\"网上赌博\" title='加微信'>x</p>", {"网上赌博", "加微信"}),
]


@pytest.mark.parametrize(("value", "terms"), ODD_INPUTS)
def test_odd_input_never_raises_and_is_still_screened(value, terms):
    result = screen_html(value)
    assert isinstance(result, ScreeningResult)
    assert {f.term for f in result.findings} == terms
    for finding in result.findings:
        assert "\ud800" not in finding.context + finding.matched
    assert isinstance(screen(value), ScreeningResult)


def test_an_internal_error_fails_closed(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "Normalised", broken)
    result = get_screener().screen("正常内容")
    assert result.blocked and only(result, "检查异常").action == Action.BLOCK
    assert "内部错误" in summary(result)


@pytest.mark.rule("CON-05")
def test_summary_tells_the_editor_what_and_where_in_chinese():
    result = screen("本站提供网络赌博，全场包邮，加V：shop8888。严厉打击赌博")
    assert summary(result) == (
        "发现1处禁止发布的内容：第5字“网络赌博”（赌博）；"
        "2处疑似商业广告需确认：第10字“全场包邮”、第15字“加V：shop8888”；"
        "1处出现在打击、防范等报道语境中，仅作提示。请修改后再提交。"
    )
    assert summary(screen("本店促销")) == "1处疑似商业广告需确认：第3字“促销”。需审核人员确认后方可发布。"
    assert summary(screen(CLEAN_ARTICLE)).endswith("仅作提示。不影响发布。")
    assert summary(screen("今天天气很好")) == "未发现违禁内容和商业广告。"
    many = screen("，".join(f"网上赌博{i}" for i in range(7)))
    assert summary(many).startswith("发现7处禁止发布的内容：第1字“网上赌博”（赌博）、第7字") and "等。" in summary(many)


def test_invalid_dictionaries_are_refused_with_file_and_line(data):
    (data / "gambling.txt").write_text("赌博\n赌\n网上赌博\tblok\n赌 博\n", encoding="utf-8")
    (data / "fraud.txt").write_text("包邮\n", encoding="utf-8")
    with pytest.raises(DictionaryError) as error:
        Screener.from_directory(data)
    message = str(error.value)
    assert "gambling.txt 第2行" in message and "不足2个字" in message
    assert "gambling.txt 第3行" in message and "blok" in message
    assert "gambling.txt 第4行" in message and "重复" in message
    assert "fraud.txt 第1行" in message and "advertising.txt" in message


def test_the_process_screener_is_rebuilt_when_a_dictionary_changes(data):
    first = get_screener(data)
    assert get_screener(data) is first
    assert screen("一起玩跑得快赢钱").passed
    gambling = data / "gambling.txt"
    gambling.write_text(gambling.read_text(encoding="utf-8") + "跑得快赢钱\n", encoding="utf-8")
    second = get_screener(data)
    assert second is not first and second.screen("一起玩跑得快赢钱").blocked
    gambling.write_text("赌\n", encoding="utf-8")  # invalid: the last good dictionaries stay
    assert get_screener(data) is second


def test_the_package_exports_the_documented_api():
    assert {"screen", "screen_html", "summary", "Screener", "Finding", "ScreeningResult"} <= set(screening.__all__)
    assert screening.screen is screen and callable(screening.describe)
