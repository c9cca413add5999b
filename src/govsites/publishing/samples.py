"""A small, complete sample site (青岚市人民政府门户网站) built straight from :mod:`.context`
values: every page type and variant the templates know, with every link pointing at an output that
exists. Tests, the screenshots in docs/ and a template preview render it without a database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from . import paths, render
from .context import (
    Attachment,
    ColumnMeta,
    FeedEntry,
    HomeBlock,
    ItemPage,
    ItemSummary,
    ListPage,
    NavLink,
    Page,
    SiteIdentity,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST_SIZE = 5  # items per list page: small, so the sample has stable pages

HOME = NavLink("首页", paths.HOME)


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def sample_site() -> SiteIdentity:
    return SiteIdentity(
        key="www.qinglan.gov.cn",
        name="青岚市人民政府门户网站",
        domain="www.qinglan.gov.cn",
        site_code="1401000001",
        sponsor="青岚市人民政府办公室",
        operator="青岚市政务服务和大数据中心",
        contact_phone="0351-12345678",
        contact_email="wzbgs@qinglan.gov.cn",
        contact_address="青岚市府前路1号",
        icp_number="晋ICP备12345678号",
        public_security_number="晋公网安备14010502000001号",
        public_security_url="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=14010502000001",
        site_mark_number="1401000000001",
        site_mark_url="https://bszs.conac.cn/sitename?method=show&id=1401000000001",
        error_report_url=(
            "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=1401000001"
            "&url=https%3A%2F%2Fwww.qinglan.gov.cn%2F"
        ),
        estate_name="青岚市政府网站集约化平台",
        nav=(
            NavLink("政务动态", "zwdt/index.html"),
            NavLink("政府信息公开", "xxgk/index.html"),
            NavLink("通知公告", "tzgg/index.html"),
            NavLink("地图服务", "dtfw/index.html"),
            NavLink("专题专栏", "ztzl/index.html"),
        ),
    )


def _column(name, directory, column_type, description, keywords, parents=(), archived_notice=""):
    return ColumnMeta(
        name=name,
        description=description,
        keywords=keywords,
        column_type=column_type,
        path=paths.column_index(directory),
        feed_path=paths.column_feed(directory),
        breadcrumbs=(HOME, *parents),
        archived_notice=archived_notice,
    )


XXGK = _column("政府信息公开", "xxgk/", "信息公开", "青岚市人民政府主动公开的政府信息。", "政府信息公开,政策文件,政策解读")
COLUMNS = {
    "zwdt": _column("政务动态", "zwdt/", "政务动态", "青岚市人民政府及各部门的工作动态。", "政务动态,工作动态,青岚"),
    "xxgk": XXGK,
    "zcwj": _column("政策文件", "xxgk/zcwj/", "政策文件", "市政府及市政府办公室印发的政策文件。", "政策文件,规范性文件",
                    parents=(NavLink(XXGK.name, XXGK.path),)),
    "zcjd": _column("政策解读", "xxgk/zcjd/", "政策解读", "对市政府重要政策文件的解读。", "政策解读,图解",
                    parents=(NavLink(XXGK.name, XXGK.path),)),
    "tzgg": _column("通知公告", "tzgg/", "通知公告", "市政府及各部门发布的通知公告。", "通知,公告"),
    "dtfw": _column("地图服务", "dtfw/", "便民服务", "青岚市标准地图及地图服务。", "标准地图,审图号"),
    "ztzl": _column("专题专栏", "ztzl/", "专题专栏", "市政府重点工作专题。", "专题,专栏"),
    "wmcs": _column(
        "创建全国文明城市", "ztzl/wmcs/", "专题专栏", "2025年创建全国文明城市工作专题。", "文明城市,创文",
        parents=(NavLink("专题专栏", "ztzl/index.html"),),
        archived_notice="本栏目已归档（归档时间：2026-01-15），内容仅供查阅，不再更新。",
    ),
}
COLUMN_DIRS = {key: column.path[: -len(paths.HOME)] for key, column in COLUMNS.items()}


def _item(column_key, item_id, title, published, kind="article", kind_label="文章", body=None, **fields):
    """An ItemPage with its output path and column; ``body`` may be a callable of the path (for
    links in the body, which are relative to the page)."""
    path = paths.item_page(COLUMN_DIRS[column_key], item_id, published)
    values = dict(
        title=title, kind=kind, kind_label=kind_label, published=published,
        body_html="", summary="", author="", content_source="青岚市人民政府办公室",
        source_name="", source_url="", archived_notice="", validity_notice="", disclosure=(),
        interpretations=(), policies=(), attachments=(), map_approval_number="", item_id=item_id,
    )
    values.update(fields)
    if body is None:
        body = f"<p>{title}。</p><p>（本文为示例内容。）</p>"
    values["body_html"] = body(path) if callable(body) else body
    return column_key, path, ItemPage(**values)


def _summary(path: str, item: ItemPage) -> ItemSummary:
    return ItemSummary(
        item_id=item.item_id, title=item.title, path=path, published=item.published,
        kind_label=item.kind_label, source_name=item.source_name,
        archived=bool(item.archived_notice), summary=item.summary,
    )


ARTICLE_BODY = """<p>3月3日，青岚市召开2026年优化营商环境工作推进会，总结去年工作成效，部署今年重点任务。</p>
<h2>一、2025年工作成效</h2>
<p>全市企业开办时间压缩至1个工作日以内，“一网通办”事项可网办率达到98.6%，政务服务满意度持续提升。</p>
<h2>二、2026年重点任务</h2>
<p>会议要求，各部门要围绕“高效办成一件事”，持续推进审批服务标准化、规范化、便利化。</p>
<p>详细数据见青岚市统计局网站：https://www.qinglan.gov.cn/tjj/tjsj/202603/t20260303_1234567890_qinglan_business_environment_report.html</p>
"""

POLICY_BODY = """<p>各区县人民政府，市直各单位：</p>
<p>《青岚市既有住宅加装电梯实施办法》已经市人民政府同意，现印发给你们，请认真贯彻执行。</p>
<p>第一条　为改善既有住宅居住条件，方便群众生活，根据有关法律法规，结合本市实际，制定本办法。</p>
<p>第二条　本办法适用于本市行政区域内既有住宅加装电梯的申请、审批、建设和使用管理。</p>
<table>
<caption>加装电梯财政补贴标准</caption>
<thead><tr><th scope="col">楼层数</th><th scope="col">每台补贴（万元）</th><th scope="col">申请条件</th><th scope="col">受理部门</th><th scope="col">办理时限</th></tr></thead>
<tbody>
<tr><td>4—6层</td><td>15</td><td>同一单元三分之二以上业主同意</td><td>所在区住房和城乡建设局</td><td>20个工作日</td></tr>
<tr><td>7层及以上</td><td>20</td><td>同一单元三分之二以上业主同意</td><td>所在区住房和城乡建设局</td><td>20个工作日</td></tr>
</tbody>
</table>
<p class="signature">青岚市人民政府办公室</p>
"""


def _build() -> tuple[SiteIdentity, dict[str, list[tuple[str, ItemPage]]]]:
    """The site and its items per column, newest first."""
    site = sample_site()
    entries = []

    # 政务动态: an article, a repost, and enough news for two stable list pages.
    entries.append(_item("zwdt", 1201, "青岚市召开2026年优化营商环境工作推进会", _at(2026, 3, 4, 9, 30),
                         body=ARTICLE_BODY, summary="总结2025年工作成效，部署2026年重点任务。",
                         author="市政府办公室 李明", content_source="青岚市人民政府办公室"))
    entries.append(_item("zwdt", 1202, "全省政务服务“高效办成一件事”推进会在青岚召开", _at(2026, 3, 3, 16, 5),
                         content_source="青岚省人民政府门户网站", source_name="青岚省人民政府门户网站",
                         source_url="https://www.qinglansheng.gov.cn/zwdt/202603/t20260303_8812.html",
                         body="<p>3月3日，全省政务服务“高效办成一件事”推进会在青岚市召开。</p>"
                              "<p>会议强调，要以企业和群众需求为导向，推动更多事项集成办理。</p>"))
    for n, day in enumerate(range(1, 11)):
        entries.append(_item("zwdt", 1100 + n, f"青岚市{['春季植树', '安全生产', '防汛准备', '文明交通', '农业春耕'][n % 5]}工作动态（第{n + 1}期）",
                             _at(2026, 2, 27 - day * 2, 10, 0)))

    # 政策文件 and 政策解读: a policy with its interpretation, and a repealed policy.
    policy_id, interpretation_id = 2301, 2401
    policy_time, interpretation_time = _at(2026, 3, 2, 10, 0), _at(2026, 3, 2, 15, 30)
    policy_path = paths.item_page(COLUMN_DIRS["zcwj"], policy_id, policy_time)
    interpretation_path = paths.item_page(COLUMN_DIRS["zcjd"], interpretation_id, interpretation_time)
    policy_title = "青岚市人民政府办公室关于印发青岚市既有住宅加装电梯实施办法的通知"
    interpretation_title = "《青岚市既有住宅加装电梯实施办法》政策解读"
    interpretation_summary = ItemSummary(interpretation_id, interpretation_title, interpretation_path,
                                         interpretation_time, "政策解读")
    policy_summary = ItemSummary(policy_id, policy_title, policy_path, policy_time, "政策文件")
    entries.append(_item(
        "zcwj", policy_id, policy_title, policy_time, kind="policy", kind_label="政策文件", body=POLICY_BODY,
        summary="明确既有住宅加装电梯的申请条件、审批流程和财政补贴标准。",
        disclosure=(
            ("索引号", "11140100MB1234567X/2026-00012"),
            ("主题分类", "城乡建设、环境保护\\住房保障"),
            ("发文机关", "青岚市人民政府办公室"),
            ("成文日期", "2026-02-26"),
            ("标题", policy_title),
            ("发文字号", "青政办发〔2026〕5号"),
            ("发布日期", "2026-03-02"),
            ("有效性", "有效"),
        ),
        interpretations=(interpretation_summary,),
        attachments=(
            Attachment("青岚市既有住宅加装电梯实施办法", paths.document_file(812, "jyzzjzdt-ssbf.pdf"), "1.2 MB", "PDF"),
            Attachment("既有住宅加装电梯申请表", paths.document_file(813, "jyzzjzdt-sqb.docx"), "36 KB", "DOCX"),
        ),
    ))
    entries.append(_item(
        "zcwj", 2201, "青岚市人民政府关于印发青岚市城市供热管理办法的通知", _at(2025, 10, 20, 9, 0),
        kind="policy", kind_label="政策文件",
        validity_notice="本文件已废止（2026-03-01），仅供查阅。",
        disclosure=(
            ("索引号", "11140100MB1234567X/2025-00187"),
            ("主题分类", "城乡建设、环境保护\\其他"),
            ("发文机关", "青岚市人民政府"),
            ("成文日期", "2025-10-15"),
            ("发文字号", "青政发〔2025〕21号"),
            ("发布日期", "2025-10-20"),
            ("有效性", "已废止"),
        ),
    ))
    entries.append(_item(
        "zcjd", interpretation_id, interpretation_title, interpretation_time, kind="interpretation",
        kind_label="政策解读", policies=(policy_summary,), content_source="青岚市住房和城乡建设局",
        body="<p>一、出台背景</p><p>我市建成年代较早的多层住宅大多未设电梯，群众加装意愿强烈。</p>"
             "<p>二、主要内容</p><p>办法明确了申请主体、业主表决比例、审批流程和补贴标准。</p>",
    ))

    # 通知公告
    for n, (title, when) in enumerate([
        ("关于2026年清明节期间城区交通管制的通告", _at(2026, 3, 3, 11, 0)),
        ("青岚市2026年第一批市级重点项目名单公示", _at(2026, 2, 26, 17, 0)),
        ("关于开展2026年度政府网站用户满意度调查的公告", _at(2026, 2, 20, 9, 0)),
    ]):
        entries.append(_item("tzgg", 1500 + n, title, when, kind="announcement", kind_label="通知公告"))

    # 地图服务: a map with its approval number (审图号) and the map image in the body.
    map_time = _at(2026, 2, 10, 14, 0)
    map_image = paths.image_file("qinglan-standard-map.svg")
    entries.append(_item(
        "dtfw", 3001, "青岚市标准地图（2026年版）", map_time, kind="map", kind_label="地图",
        map_approval_number="晋S〔2026〕003号", content_source="青岚市规划和自然资源局",
        body=lambda path: (
            f'<p><img src="{paths.relative(path, map_image)}" alt="青岚市标准地图（2026年版），显示各区县行政区划" '
            'width="640" height="480"></p><p>本图为青岚市标准地图，可免费下载使用，使用时须标注审图号。</p>'
        ),
    ))

    # 专题专栏 and its archived sub-column with archived items.
    entries.append(_item("ztzl", 3101, "青岚市2026年为民办实事项目进展", _at(2026, 2, 28, 10, 0)))
    for n, (title, when) in enumerate([
        ("青岚市创建全国文明城市工作总结", _at(2025, 12, 20, 10, 0)),
        ("文明城市创建志愿服务活动集锦", _at(2025, 11, 8, 15, 0)),
    ]):
        entries.append(_item(
            "wmcs", 3201 + n, title, when,
            archived_notice="本页面已归档（归档时间：2026-01-15），内容仅供查阅，不再更新。",
        ))

    by_column: dict[str, list[tuple[str, ItemPage]]] = {key: [] for key in COLUMNS}
    for column_key, path, item in entries:
        by_column[column_key].append((path, item))
    for items in by_column.values():
        items.sort(key=lambda pair: pair[1].published, reverse=True)
    return site, by_column


def _listings(key: str, summaries: list[ItemSummary]) -> list[tuple[str, ListPage]]:
    """The column index (newest items) plus stable pages of the older ones, page 1 the oldest."""
    column = COLUMNS[key]
    directory = COLUMN_DIRS[key]
    oldest_first = summaries[::-1]
    # Stable pages hold full pages of the oldest items; the index shows the newest LIST_SIZE items.
    count = len(oldest_first) // LIST_SIZE if len(oldest_first) > LIST_SIZE else 0
    stable = [(n + 1, oldest_first[n * LIST_SIZE:(n + 1) * LIST_SIZE][::-1]) for n in range(count)]
    pages = tuple((number, paths.list_page(directory, number)) for number, _ in reversed(stable))
    out = [(column.path, ListPage(0, tuple(summaries[:LIST_SIZE]), pages=pages))]
    for number, items in stable:
        newer = paths.list_page(directory, number + 1) if number < count else column.path
        older = paths.list_page(directory, number - 1) if number > 1 else ""
        out.append((paths.list_page(directory, number), ListPage(number, tuple(items), newer, older)))
    return out


def sample_pages() -> list[Page]:
    """Every page of the sample site. ``page.extra["sample"]`` names the variants tests look for:
    home, column, list, article, policy, interpretation, repost, repealed, archived-item,
    archived-column, map, not-found, server-error."""
    site, by_column = _build()
    pages: list[Page] = []
    summaries = {key: [_summary(path, item) for path, item in items] for key, items in by_column.items()}
    summaries["xxgk"] = sorted(summaries["zcwj"] + summaries["zcjd"], key=lambda s: s.published, reverse=True)
    labels = {
        "zwdt/202603/t20260304_1201.html": "article",
        "zwdt/202603/t20260303_1202.html": "repost",
        "xxgk/zcwj/202603/t20260302_2301.html": "policy",
        "xxgk/zcwj/202510/t20251020_2201.html": "repealed",
        "xxgk/zcjd/202603/t20260302_2401.html": "interpretation",
        "dtfw/202602/t20260210_3001.html": "map",
        "ztzl/wmcs/202512/t20251220_3201.html": "archived-item",
        "zwdt/index.html": "column",
        "zwdt/list_1.html": "list",
        "ztzl/wmcs/index.html": "archived-column",
    }

    pages.append(Page(
        kind="home", path=paths.HOME, site=site, title=site.name,
        blocks=tuple(HomeBlock(COLUMNS[key], tuple(summaries[key][:5])) for key in ("zwdt", "zcwj", "zcjd", "dtfw")),
        announcements=tuple(summaries["tzgg"][:5]),
        extra={"sample": "home"},
    ))
    for key, column in COLUMNS.items():
        for path, listing in _listings(key, summaries[key]):
            title = column.name if not listing.number else f"{column.name}（第{listing.number}页）"
            pages.append(Page(kind="column", path=path, site=site, title=title, column=column, listing=listing,
                              extra={"sample": labels.get(path, "")}))
    for key, items in by_column.items():
        for path, item in items:
            pages.append(Page(kind="item", path=path, site=site, title=item.title, column=COLUMNS[key], item=item,
                              extra={"sample": labels.get(path, "")}))
    pages.append(Page(kind="error", path=paths.NOT_FOUND, site=site, title="页面未找到", error_code=404,
                      extra={"sample": "not-found"}))
    pages.append(Page(kind="error", path=paths.SERVER_ERROR, site=site, title="网站暂时无法访问", error_code=503,
                      extra={"sample": "server-error"}))
    return pages


def sample_page(variant: str) -> Page:
    """The sample page of one variant (see :func:`sample_pages`)."""
    for page in sample_pages():
        if page.extra.get("sample") == variant:
            return page
    raise KeyError(variant)


def sample_feeds() -> dict[str, bytes]:
    """Every column's RSS feed, ``{output path: bytes}``."""
    site, by_column = _build()
    feeds = {}
    for key, column in COLUMNS.items():
        items = by_column[key] if key != "xxgk" else sorted(
            by_column["zcwj"] + by_column["zcjd"], key=lambda pair: pair[1].published, reverse=True)
        entries = [FeedEntry(item.title, render.site_url(site, path), item.published, item.summary)
                   for path, item in items]
        feeds[column.feed_path] = render.render_feed(site, column, entries, render.site_url(site, column.feed_path))
    return feeds


def sample_sitemaps(pages: list[Page] | None = None) -> dict[str, bytes]:
    """Monthly sitemaps of the item pages plus the sitemap index."""
    pages = pages if pages is not None else sample_pages()
    site = sample_site()
    months: dict[str, list[tuple[str, dt.datetime]]] = {}
    for page in pages:
        if page.kind == "item":
            months.setdefault(f"{page.item.published:%Y%m}", []).append(
                (render.site_url(site, page.path), page.item.published))
    out = {paths.sitemap_month(month): render.render_sitemap(urls) for month, urls in sorted(months.items())}
    index = [(render.site_url(site, paths.sitemap_month(month)), max(when for _, when in urls))
             for month, urls in sorted(months.items())]
    out[paths.SITEMAP_INDEX] = render.render_sitemap_index(index)
    return out


MAP_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480" viewBox="0 0 640 480">
<rect width="640" height="480" fill="#f4f7fb"/>
<path d="M120 80 L300 60 L480 110 L540 260 L470 400 L280 430 L130 360 L90 220 Z" fill="#dfe8f3" stroke="#1d4f91" stroke-width="4"/>
<path d="M300 60 L290 250 L470 400 M90 220 L290 250 L540 260" fill="none" stroke="#1d4f91" stroke-width="2" stroke-dasharray="8 6"/>
<circle cx="290" cy="250" r="9" fill="#b42318"/>
</svg>
"""


def sample_files() -> dict[str, bytes]:
    """Placeholder documents and images the sample pages link to."""
    files = {paths.image_file("qinglan-standard-map.svg"): MAP_SVG.encode()}
    for page in sample_pages():
        if page.item:
            for attachment in page.item.attachments:
                files[attachment.path] = f"示例附件：{attachment.title}\n".encode()
    return files


def sample_outputs() -> dict[str, bytes]:
    """The whole sample site as the publisher would write it: ``{output path: bytes}``."""
    pages = sample_pages()
    out = {page.path: render.render_page(page) for page in pages}
    out.update(sample_feeds())
    out.update(sample_sitemaps(pages))
    out.update(sample_files())
    out.update(render.asset_files())
    return out


def write_sample_site(root: Path) -> Path:
    """Write the sample site under ``root/<site key>/`` (the built-in server's layout); returns
    that folder."""
    folder = Path(root) / sample_site().key
    for path, content in sample_outputs().items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder
