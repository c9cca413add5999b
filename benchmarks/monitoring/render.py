"""Pages of the simulated estate, rendered from the model on demand.

One :class:`Renderer` serves two callers: the server (``record=None``: just the HTML) and the
ground-truth derivation in :mod:`.estate` (a :class:`Record` collects every link the page carries,
with its kind, and the 47号 meta tags it declares). Because both go through the same code, a link
in the truth is exactly a link in the served bytes.

Four layouts (``table`` — old table markup; ``list`` — div/ul lists; ``nav`` — a navigation-only
home page; ``card`` — a modern card grid) share the page furniture; what differs is the home
page, the list markup and where the date sits.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache

from .model import ENQUIRY, GUIDES, PAGE_SIZE, Column, Estate, Item, Site, parse_local, stable_seed
from .text import GUIDE_ELEMENTS, Text, person

DATE_STYLES = ("iso", "slash", "cn", "bracket", "dot", "md_heading", "md", "iso_time", "fullwidth")
#: Styles that show no year: every dated item on such a site is less than 330 days old, so the
#: indicator's rule (current year, one year back if that would be in the future) reads it right.
YEARLESS = ("bracket", "md")
STATIC_PAGES = {"/jgzn/": "机构职能", "/ldxx/": "领导信息", "/lxwm/": "联系我们", "/search/": "站内搜索"}
ASSETS = (
    "/css/table.css", "/css/list.css", "/css/nav.css", "/css/card.css", "/js/jquery.min.js", "/images/logo.png",
    "/images/dzjg.png", "/images/gaba.png", "/images/spacer.gif", "/images/banner1.jpg", "/images/banner2.jpg",
    "/images/banner3.jpg", *(f"/images/icon{k}.png" for k in range(1, 13)),
)
#: Footer elements as the truth names them (``footer_missing`` / ``identity_mismatch`` targets).
FOOTER_ELEMENTS = ("主办单位", "联系方式", "网站标识码", "ICP备案号", "公安机关备案号", "党政机关网站标识")
SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
COLUMN_TYPE = {"dynamic": "工作动态", "notice": "通知公告", "personnel": "人事信息", "": "专题信息",
               ENQUIRY: "政务咨询", GUIDES: "办事指南"}
_FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
HOME_BLOCK = 6


@dataclass
class Record:
    """What a page carries, for the truth: links ``(absolute url, kind)`` and meta ``name -> value``."""

    links: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    page_type: str = ""  # home | list | article


def fmt_date(style: str, d: dt.datetime) -> str:
    if style == "iso":
        return f"{d:%Y-%m-%d}"
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "bracket":
        return f"[{d:%m-%d}]"
    if style == "dot":
        return f"{d:%Y.%m.%d}"
    if style in ("md", "md_heading"):
        return f"{d:%m-%d}"
    if style == "iso_time":
        return f"{d:%Y-%m-%d %H:%M}"
    if style == "fullwidth":
        return f"{d:%Y-%m-%d}".translate(_FULLWIDTH)
    raise ValueError(style)


def media(site: Site, item: Item) -> tuple[int, tuple[str, ...]]:
    """(number of images, attachment extensions) of an article — fixed by the page's seed."""
    if item.kind != "article":
        return 0, ()
    r = stable_seed(site.seed, item.id, "media")
    images = (r % 7 == 0) + (r % 11 == 0)
    attachments = ("pdf",) if r % 5 == 0 else ("doc", "xls") if r % 13 == 0 else ()
    return images + item.flags.get("noalt", 0), attachments


def home_columns(site: Site) -> list[Column]:
    """The columns whose newest items the home page lists (none on a navigation-only home)."""
    if site.layout == "nav":
        return []
    dynamic = [c for c in site.columns_of("dynamic") if c.items]
    notice = [c for c in site.columns_of("notice") if c.items]
    return (dynamic[:2] + notice[:2])[:3]


def routes(site: Site) -> dict[str, tuple]:
    """Every path the site answers (``path`` or ``path?query``) and what it is."""
    table: dict[str, tuple] = {"/": ("home",)}
    for col in site.columns:
        for n in range(col.page_count()):
            table[col.page_path(n)] = ("list", col.slug, n)
    for item in site.items.values():
        table[item.path] = ("item", item.id)
        images, attachments = media(site, item)
        for k in range(images):
            table[item.image_path(k)] = ("asset", "jpg")
        for k, ext in enumerate(attachments):
            table[item.attachment_path(k, ext)] = ("asset", ext)
    for path in STATIC_PAGES:
        table[path] = ("static", path)
    for path in ASSETS:
        table[path] = ("asset", path.rsplit(".", 1)[1])
    for path, spec in site.specials.items():
        table[path] = tuple(spec)
    return table


class _Ctx:
    __slots__ = ("dir", "origin", "path", "rec", "site")

    def __init__(self, site: Site, origin: str, path: str, rec: Record | None):
        self.site, self.origin, self.path, self.rec = site, origin, path, rec
        self.dir = path.rsplit("/", 1)[0] + "/"

    def link(self, href: str, kind: str) -> None:
        if self.rec is None:
            return
        if href.startswith("http"):
            url = href
        elif href.startswith("./"):
            url = self.origin + self.dir + href[2:]
        else:
            url = self.origin + href
        self.rec.links.append((url.replace("&amp;", "&"), kind))


def _a(ctx: _Ctx, href: str, text: str, attrs: str = "") -> str:
    ctx.link(href, "a")
    return f'<a href="{href}"{attrs}>{text}</a>'


def _img(ctx: _Ctx, src: str, alt: str | None, attrs: str = "") -> str:
    ctx.link(src, "img")
    alt_attr = "" if alt is None else f' alt="{alt}"'
    return f'<img src="{src}"{alt_attr}{attrs}>'


class Renderer:
    def __init__(self, estate: Estate):
        self.estate = estate
        self.port = estate.port
        self.now = estate.now_dt
        self.sites = {s.host: s for s in estate.sites}
        self.externals = {x.host: x for x in estate.externals}
        self._routes: dict[str, dict[str, tuple]] = {}

    # -- lookup -------------------------------------------------------------------------------
    def routes(self, site: Site) -> dict[str, tuple]:
        table = self._routes.get(site.host)
        if table is None:
            table = self._routes[site.host] = routes(site)
        return table

    def ext(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def lookup(self, url: str) -> tuple[str, str]:
        """What fetching ``url`` gives: ``("ok" | "broken" | "hazard", evidence)``.

        The model's answer, used for the truth; the server implements the same table.
        """
        scheme, _, rest = url.partition("://")
        hostport, slash, path = rest.partition("/")
        path = slash + path or "/"
        host, _, port = hostport.partition(":")
        if scheme != "http" or int(port or 80) != self.port:
            return "broken", "connection refused"
        site = self.sites.get(host)
        if site is None:
            ext = self.externals.get(host)
            if ext is None:
                raise KeyError(f"{url}: host {host} is not part of the estate")
            return ("broken", "HTTP 404") if path in ext.missing else ("ok", "")
        if site.down:
            return "broken", {"503": "HTTP 503", "refused": "connection refused", "timeout": "timeout"}[site.down]
        seen = set()
        table = self.routes(site)
        while True:
            route = table.get(path)
            if route is None:
                return "broken", "HTTP 404"
            if route[0] == "status":
                return "broken", f"HTTP {route[1]}"
            if route[0] == "redirect":
                if path in seen:
                    return "broken", "redirect loop"
                seen.add(path)
                path = route[1]
                continue
            if route[0] == "item" and site.items[route[1]].flags.get("hazard"):
                return "hazard", site.items[route[1]].flags["hazard"]
            return "ok", ""

    # -- pages --------------------------------------------------------------------------------
    def render(self, site: Site, route: tuple, path: str, record: Record | None = None) -> str:
        """The HTML of ``route`` (from :meth:`routes`) at ``path``."""
        ctx = _Ctx(site, self.ext(site.host), path, record)
        kind = route[0]
        if kind == "home":
            return self._home(ctx)
        if kind == "list":
            return self._list(ctx, site.column(route[1]), route[2])
        if kind == "item":
            return self._item(ctx, site.items[route[1]])
        if kind == "static":
            return self._static(ctx, route[1])
        raise ValueError(f"not a page: {route}")

    def not_found(self, site: Site | None) -> str:
        name = site.name if site else "页面不存在"
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
            f"<body><h1>您访问的页面不存在或已被删除</h1><p>{name}</p></body></html>"
        )

    def text(self, site: Site, path: str) -> Text:
        rng = random.Random(stable_seed(site.seed, path))  # noqa: S311  (benchmark text, no secrets)
        level = site.place[-1] if site.place[-1] in "省市县区" else "市"
        return Text(rng, place=site.place, org=site.shown_sponsor, gov=site.place + "人民政府", level=level,
                    phone=site.phone, year=self.now.year)

    # -- furniture ------------------------------------------------------------------------------
    def _head(self, ctx: _Ctx, title: str, page_type: str, column: Column | None = None,
              item: Item | None = None, flags: dict | None = None) -> str:
        site, flags = ctx.site, flags or {}
        rec = ctx.rec
        if rec is not None:
            rec.page_type = page_type
        out = ["<!DOCTYPE html>\n", "<html>" if flags.get("nolang") else '<html lang="zh-CN">', "\n<head>\n"]
        if site.layout == "table":
            out.append('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n')
        else:
            out.append('<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        meta = self._meta(site, page_type, column, item, title)
        for name, value in meta.items():
            out.append(f'<meta name="{name}" content="{value}">\n')
        if rec is not None:
            rec.meta = meta
        out.append("<title></title>\n" if flags.get("notitle") else f"<title>{title}_{site.name}</title>\n")
        out.append(f'<link rel="stylesheet" href="/css/{site.layout}.css">\n')
        ctx.link(f"/css/{site.layout}.css", "css")
        out.append('<script src="/js/jquery.min.js"></script>\n')
        ctx.link("/js/jquery.min.js", "script")
        if site.analytics:
            src = f"{self.ext('fwtj.lanchuan.gov.cn')}/tj.js?sid={site.code}"
            out.append(f'<script src="{src}"></script>\n')
            ctx.link(src, "script")
        out.append("</head>\n")
        return "".join(out)

    def _meta(self, site: Site, page_type: str, column: Column | None, item: Item | None, title: str) -> dict:
        if site.meta == "none":
            return {}
        meta = {"SiteName": site.name, "SiteDomain": site.host, "SiteIDCode": site.meta_code or site.code}
        name = column.name if column else ("首页" if page_type == "home" else title)
        meta["ColumnName"] = name
        meta["ColumnDescription"] = f"{site.name}{name}栏目"
        meta["ColumnKeywords"] = name
        if site.meta != "no_column_type":
            meta["ColumnType"] = COLUMN_TYPE.get(column.kind if column else "", "专题信息")
        if page_type == "article":
            meta["ArticleTitle"] = title
            if item is None or not item.flags.get("undated"):
                date = item.date if item else "2024-03-01 09:00"
                if site.meta == "bad_pubdate":
                    date = date[:10].replace("-", "/")
                meta["PubDate"] = date
            if site.meta != "no_source":
                meta["ContentSource"] = site.shown_sponsor
        return meta

    def _header(self, ctx: _Ctx) -> str:
        site = ctx.site
        search = self._search_box(site)
        ctx.link("/search/", "form")
        ctx.link("/search/", "a")
        logo = _a(ctx, "/", _img(ctx, "/images/logo.png", site.name))
        nav = self._nav(ctx)
        if site.layout == "table":
            return (
                '<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" class="top">'
                f'<tr><td width="600">{logo}</td><td align="right">{search}</td></tr></table>\n'
                f'<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" class="nav"><tr>{nav}</tr></table>\n'
            )
        if site.layout == "nav":
            return f'<div class="top"><h1>{_a(ctx, "/", site.name)}</h1>{search}</div>\n<div class="subnav"><ul>{nav}</ul></div>\n'
        return f'<header class="header"><div class="logo">{logo}</div>{search}</header>\n<nav class="nav"><ul>{nav}</ul></nav>\n'

    def _search_box(self, site: Site) -> str:
        if site.search_style == "aria":
            field_ = '<input type="text" name="q" aria-label="站内搜索">'
        elif site.search_style == "title":
            field_ = '<input type="text" name="q" title="请输入搜索关键词">'
        else:
            field_ = '<label for="q" class="sr-only">站内搜索</label><input type="text" id="q" name="q">'
        return (f'<form class="search" action="/search/" method="get">{field_}<button type="submit">搜索</button>'
                '<a href="/search/" class="adv">高级检索</a></form>')

    def _nav(self, ctx: _Ctx) -> str:
        site = ctx.site
        cell = "td" if site.layout == "table" else "li"
        out = [f"<{cell}>{_a(ctx, '/', '首页')}</{cell}>"]
        columns = [c for c in site.columns if c.kind not in (ENQUIRY, GUIDES)]
        if site.dropdown:
            sub = "".join(f"<li>{_a(ctx, c.page_path(0), c.name)}</li>" for c in columns)
            out.append(f'<{cell} class="has-sub"><a href="javascript:;">信息公开</a><ul class="sub" style="display:none">{sub}</ul></{cell}>')
            out.extend(f"<{cell}>{_a(ctx, c.page_path(0), c.name)}</{cell}>" for c in columns[:3])
        else:
            out.extend(f"<{cell}>{_a(ctx, c.page_path(0), c.name)}</{cell}>" for c in columns)
        for c in site.columns_of(GUIDES, ENQUIRY):
            out.append(f"<{cell}>{_a(ctx, c.page_path(0), c.name)}</{cell}>")
        out.append(f"<{cell}>{_a(ctx, '/jgzn/', '机构职能')}</{cell}>")
        return "".join(out)

    def _footer(self, ctx: _Ctx) -> str:
        site, ext = ctx.site, self.ext
        style = site.footer_style
        shown = {
            "主办单位": site.sponsor, "联系方式": site.phone, "网站标识码": site.code, "ICP备案号": site.icp,
            "公安机关备案号": site.police,
        }
        shown.update(site.footer_shown)
        parts = []
        if "主办单位" not in site.footer_missing:
            parts.append(("主办单位：", "主办：", "网站主办：", "主办单位：")[style] + shown["主办单位"])
        if "联系方式" not in site.footer_missing:
            parts.append(("联系电话：", "联系方式：", f"联系地址：{site.address}　联系电话：", "联系电话：")[style] + shown["联系方式"])
        if "网站标识码" not in site.footer_missing:
            parts.append(("网站标识码：", "政府网站标识码：", "网站标识码：", "网站标识码")[style] + shown["网站标识码"])
        if "ICP备案号" not in site.footer_missing:
            icp = shown["ICP备案号"]
            parts.append(_a(ctx, f"{ext('beian.miit.gov.cn')}/", icp, ' target="_blank"') if style % 2 == 0 else icp)
        if "公安机关备案号" not in site.footer_missing:
            police = shown["公安机关备案号"]
            digits = "".join(ch for ch in police if ch.isdigit())
            icon = _img(ctx, "/images/gaba.png", "公安备案图标")
            parts.append(_a(ctx, f"{ext('www.beian.gov.cn')}/portal/registerSystemInfo?recordcode={digits}", f"{icon}{police}",
                            ' target="_blank"'))
        badge = ""
        if site.conac and "党政机关网站标识" not in site.footer_missing:
            img = _img(ctx, "/images/dzjg.png", "党政机关")
            badge = '<div class="conac">' + _a(ctx, f"{ext('bszs.conac.cn')}/sitename?method=show&amp;id={site.code[-6:]}99", img,
                                               ' target="_blank"') + "</div>"
        jiucuo = ""
        if site.jiucuo:
            src = f"{ext('zfwzgl.www.gov.cn')}/exposure/jiucuo.js"
            ctx.link(src, "script")
            jiucuo = (
                '<div class="jiucuo">'
                + _a(ctx, f"{ext('zfwzgl.www.gov.cn')}/exposure/jiucuo.html?site_code={site.code}", "我为政府网站找错")
                + f'<script id="_jiucuo_" sitecode="{site.code}" src="{src}"></script></div>'
            )
        # a footer without contact details has no "联系我们" link either, so the truth is unambiguous
        links = " | ".join(
            ([] if "联系方式" in site.footer_missing else [_a(ctx, "/lxwm/", "联系我们")])
            + [_a(ctx, "/ldxx/", "领导信息"), _a(ctx, "/jgzn/", "机构职能")]
        )
        if site.layout == "table":
            rows = "".join(f"<tr><td align=\"center\">{p}</td></tr>" for p in [links, *parts])
            return (f'<table width="1000" border="0" align="center" class="footer">{rows}'
                    f'<tr><td align="center">{badge}{jiucuo}</td></tr></table>\n</body>\n</html>\n')
        spans = "".join(f"<p>{p}</p>" for p in [links, *parts])
        return f'<footer class="footer"><div class="footer-links">{spans}</div>{badge}{jiucuo}</footer>\n</body>\n</html>\n'

    # -- dates and lists ------------------------------------------------------------------------
    def _date(self, site: Site, item: Item, on_home: bool = False) -> str:
        if item.flags.get("undated") or site.date_place == "none":
            return ""
        style = "md" if on_home and site.date_style == "md_heading" else site.date_style
        return fmt_date(style, parse_local(item.date))

    def _entry(self, ctx: _Ctx, item: Item, href: str, date: str) -> str:
        site = ctx.site
        a = _a(ctx, href, item.title, f' title="{item.title}" target="_blank"')
        place = site.date_place
        if site.layout == "table":
            return f'<tr><td class="title">·{a}</td><td class="date" width="90">{date}</td></tr>' if date else \
                f'<tr><td class="title" colspan="2">·{a}</td></tr>'
        if site.layout == "card":
            meta = f'<p class="meta"><time>{date}</time></p>' if date else ""
            return f'<article class="card"><h3>{a}</h3>{meta}</article>'
        if site.layout == "nav" and place == "dd":
            return f"<dl><dt>{a}</dt><dd>{date}</dd></dl>" if date else f"<dl><dt>{a}</dt></dl>"
        if not date:
            return f"<li>{a}</li>"
        if place == "plain":
            return f"<li>{date} {a}</li>" if site.date_style == "bracket" else f"<li>{a} {date}</li>"
        if place == "em":
            return f"<li>{a}<em>{date}</em></li>"
        return f'<li>{a}<span class="date">{date}</span></li>'

    def _entries(self, ctx: _Ctx, items: list[Item], relative: bool, on_home: bool = False) -> str:
        site = ctx.site
        rows = []
        year = None
        headed = site.date_style == "md_heading" and not on_home
        for item in items:
            if headed and not item.flags.get("undated") and site.date_place != "none":
                item_year = item.date[:4]
                if item_year != year:
                    year = item_year
                    rows.append(self._year_heading(site, year))
            href = "./" + item.path.split("/", 2)[2] if relative else item.path
            rows.append(self._entry(ctx, item, href, self._date(site, item, on_home)))
        body = "".join(rows)
        if site.layout == "table":
            return f'<table width="100%" class="list">{body}</table>'
        if site.layout == "card":
            return f'<div class="card-grid">{body}</div>'
        if site.layout == "nav" and site.date_place == "dd":
            return f'<div class="list">{body}</div>'
        return f'<ul class="list">{body}</ul>'

    def _year_heading(self, site: Site, year: str) -> str:
        """A year heading where the list's markup allows one (a row, a block, a list item)."""
        if site.layout == "table":
            return f'<tr><td colspan="2"><h3 class="year">{year}年</h3></td></tr>'
        if site.layout == "card" or (site.layout == "nav" and site.date_place == "dd"):
            return f'<h3 class="year">{year}年</h3>'
        return f'<li class="year"><h3>{year}年</h3></li>'

    def _wrap(self, ctx: _Ctx, head: str, main: str) -> str:
        site = ctx.site
        if site.layout == "table":
            main = f'<table width="1000" align="center" class="main"><tr><td valign="top">{main}</td></tr></table>\n'
        else:
            main = f'<main class="main">{main}</main>\n'
        return head + "<body>\n" + self._header(ctx) + main + self._footer(ctx)

    def _crumb(self, ctx: _Ctx, column: Column | None) -> str:
        inner = _a(ctx, "/", "首页")
        if column is not None:
            inner += " &gt; " + _a(ctx, column.page_path(0), column.name)
        return f'<div class="crumb">当前位置：{inner}</div>'

    # -- page kinds -----------------------------------------------------------------------------
    def _home(self, ctx: _Ctx) -> str:
        site = ctx.site
        head = self._head(ctx, "首页", "home")
        out = []
        if site.layout == "nav":
            tiles = []
            for k, c in enumerate(site.columns):
                icon = _img(ctx, f"/images/icon{k % 12 + 1}.png", c.name)
                tiles.append(_a(ctx, c.page_path(0), f"{icon}<span>{c.name}</span>", ' class="tile"'))
            for path, name in STATIC_PAGES.items():
                if path == "/search/":
                    continue  # the search box is in the header
                tiles.append(_a(ctx, path, f"<span>{name}</span>", ' class="tile"'))
            out.append(f'<div class="nav-grid">{"".join(tiles)}</div>')
        else:
            dynamic = site.columns_of("dynamic")
            pictures = [site.items[i] for c in dynamic for i in c.items[:1]][:3]
            if pictures:
                slides = "".join(
                    f"<li>{_a(ctx, it.path, _img(ctx, f'/images/banner{k + 1}.jpg', it.title))}</li>"
                    for k, it in enumerate(pictures)
                )
                out.append(f'<div class="slider"><ul>{slides}</ul></div>')
            for col in home_columns(site):
                items = [site.items[i] for i in col.items[:HOME_BLOCK]]
                more = _a(ctx, col.page_path(0), "更多&gt;&gt;", ' class="more"')
                out.append(f'<div class="block"><h2>{col.name}{more}</h2>{self._entries(ctx, items, False, True)}</div>')
            services = []
            for col in site.columns_of(GUIDES):
                services = [_a(ctx, site.items[i].path, site.items[i].title) for i in col.items[:5]]
                services.append(_a(ctx, col.page_path(0), "更多办事服务"))
            out.append('<div class="block service"><h2>办事服务</h2><p>' + "　".join(services) + "</p></div>")
            hd = [_a(ctx, c.page_path(0), name) for c in site.columns_of(ENQUIRY) for name in (c.name, "我要咨询")]
            if hd:
                out.append('<div class="block hudong"><h2>互动交流</h2><p>' + "　".join(hd) + "</p></div>")
        out.append(self._extras(ctx, site.home_extras))
        friends = [_a(ctx, f"{self.ext(h)}/", self.sites[h].name if h in self.sites else "中国政府网", ' target="_blank"')
                   for h in site.friends]
        out.append('<div class="friends"><h2>相关链接</h2><p>' + "　".join(friends) + "</p></div>")
        return self._wrap(ctx, head, "\n".join(out))

    def _list(self, ctx: _Ctx, col: Column, n: int) -> str:
        site = ctx.site
        head = self._head(ctx, col.name, "list", column=col)
        items = [site.items[i] for i in col.items[n * PAGE_SIZE:(n + 1) * PAGE_SIZE]]
        if col.kind == ENQUIRY:
            body = self._enquiries(ctx, items)
        elif col.kind == GUIDES:
            body = "<ul class=\"guides\">" + "".join(f"<li>{_a(ctx, it.path, it.title)}</li>" for it in items) + "</ul>"
        elif not items:
            body = '<div class="empty">暂无信息</div>' if site.seed % 2 else '<ul class="list"></ul>'
        else:
            body = self._entries(ctx, items, site.layout in ("table", "list"))
        pages = col.page_count()
        pager = ""
        if pages > 1:
            nums = " ".join(str(k + 1) if k == n else _a(ctx, col.page_path(k), str(k + 1)) for k in range(pages))
            nxt = _a(ctx, col.page_path(n + 1), "下一页") if n + 1 < pages else "下一页"
            pager = f'<div class="pager">共{pages}页 {nums} {nxt} {_a(ctx, col.page_path(pages - 1), "尾页")}</div>'
        main = f'{self._crumb(ctx, col)}<h2 class="column-title">{col.name}</h2>{body}{pager}'
        return self._wrap(ctx, head, main)

    def _enquiries(self, ctx: _Ctx, items: list[Item]) -> str:
        rows = ["<tr><th>留言标题</th><th>留言时间</th><th>办理状态</th><th>回复时间</th></tr>"]
        for it in items:
            reply = it.flags.get("reply", "")
            status = "已回复" if reply else "未回复"
            rows.append(f"<tr><td>{_a(ctx, it.path, it.title)}</td><td>{it.date[:10]}</td>"
                        f"<td>{status}</td><td>{reply[:10]}</td></tr>")
        return '<table class="enquiries" width="100%">' + "".join(rows) + "</table>"

    def _item(self, ctx: _Ctx, item: Item) -> str:
        site = ctx.site
        col = site.column(item.col)
        head = self._head(ctx, item.title, "article", column=col, item=item, flags=item.flags)
        text = self.text(site, item.path)
        if item.kind == "message":
            main = self._message(item, text)
        elif item.kind == "guide":
            main = self._guide(site, item, text)
        elif item.kind == "banned":
            main = self._spam(ctx, item)
        else:
            main = self._article(ctx, item, text)
        return self._wrap(ctx, head, self._crumb(ctx, col) + main)

    def _info(self, site: Site, item: Item) -> str:
        if item.flags.get("undated"):
            return f'<div class="info">来源：{site.shown_sponsor}</div>'
        date = item.date if site.date_style != "cn" else "{}年{}月{}日 {}".format(*item.date[:10].split("-"), item.date[11:])
        return f'<div class="info">发布时间：{date}　来源：{site.shown_sponsor}</div>'

    def _article(self, ctx: _Ctx, item: Item, text: Text) -> str:
        site = ctx.site
        paras = text.paragraphs()
        out = [f"<h1>{item.title}</h1>", self._info(site, item), '<div class="content">']
        out.extend(f"<p>{p}</p>" for p in paras)
        images, attachments = media(site, item)
        for k in range(images):
            alt = None if k == 0 and item.flags.get("noalt") else item.title
            out.append('<p style="text-align:center">' + _img(ctx, item.image_path(k), alt) + "</p>")
        if item.flags.get("decor"):
            out.append(_img(ctx, "/images/spacer.gif", "", ' width="1" height="1"'))
        out.append(self._extras(ctx, item.extras))
        out.append("</div>")
        if attachments:
            links = "".join(
                f"<li>{_a(ctx, item.attachment_path(k, ext), f'附件{k + 1}：{item.title}.{ext}')}</li>"
                for k, ext in enumerate(attachments)
            )
            out.append(f'<div class="attachments"><ul>{links}</ul></div>')
        col = site.column(item.col)
        related = [site.items[i] for i in col.items if i != item.id][:2]
        if related:
            out.append('<div class="related"><h3>相关文章</h3><ul>'
                       + "".join(f"<li>{_a(ctx, r.path, r.title)}</li>" for r in related) + "</ul></div>")
        out.append('<div class="tools"><a href="javascript:window.print()">打印本页</a> '
                   '<a href="javascript:window.close()">关闭窗口</a></div>')
        return "".join(out)

    def _message(self, item: Item, text: Text) -> str:
        question = text.question()[1]
        reply = item.flags.get("reply", "")
        out = [f"<h1>{item.title}</h1>", '<table class="message" width="100%">',
               f"<tr><th>留言人</th><td>{person(text.rng)[0]}**</td></tr>",
               f"<tr><th>留言时间</th><td>{item.date}</td></tr>", f"<tr><th>留言内容</th><td>{question}</td></tr>",
               f"<tr><th>办理状态</th><td>{'已回复' if reply else '未回复'}</td></tr>"]
        if reply:
            out.append(f"<tr><th>回复时间</th><td>{reply}</td></tr><tr><th>回复内容</th><td>{text.reply()}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _guide(self, site: Site, item: Item, text: Text) -> str:
        missing = set(item.flags.get("missing", ()))
        rows = [(e, text.guide_value(e, item.title)) for e in GUIDE_ELEMENTS if e not in missing]
        if site.guide_style == "dl":
            body = "<dl>" + "".join(f"<dt>{e}</dt><dd>{v}</dd>" for e, v in rows) + "</dl>"
        else:
            body = '<table class="guide" border="1">' + "".join(f"<tr><th>{e}</th><td>{v}</td></tr>" for e, v in rows) + "</table>"
        return f'<h1>{item.title}</h1><div class="guide-title">办事指南</div>{body}'

    def _spam(self, ctx: _Ctx, item: Item) -> str:
        rng = random.Random(stable_seed(ctx.site.seed, item.id, "spam"))  # noqa: S311  (benchmark text)
        spam = [x for x in self.externals.values() if x.role == "spam"]
        words = SPAM_WORDS
        paras = []
        for _ in range(6):
            paras.append("<p>" + "，".join(rng.choice(words) for _ in range(10)) + "！</p>")
        links = "".join(
            "<li>" + _a(ctx, f"{self.ext(x.host)}/", rng.choice(words)) + "</li>" for x in rng.sample(spam, min(3, len(spam)))
        )
        return f"<h1>{item.title}</h1>{''.join(paras)}<ul>{links}</ul>"

    def _static(self, ctx: _Ctx, path: str) -> str:
        site = ctx.site
        name = STATIC_PAGES[path]
        flags = site.page_flags.get(path, {})
        head = self._head(ctx, name, "article", flags=flags)
        text = self.text(site, path)
        if path == "/jgzn/":
            duties = "".join(f"<li>{p}</li>" for p in text.paragraphs(5))
            body = f"<h1>{name}</h1><h3>主要职责</h3><ol>{duties}</ol><h3>内设机构</h3><p>办公室、政策法规科、综合业务科、监督检查科。</p>"
        elif path == "/ldxx/":
            rows = "".join(f"<li><strong>{person(text.rng)}</strong>　{office}</li>"
                           for office in ("党组书记、局长", "党组成员、副局长", "党组成员、副局长", "二级调研员"))
            body = f"<h1>{name}</h1><ul class=\"leaders\">{rows}</ul>"
        elif path == "/lxwm/":
            mail = f"bgs@{site.host.removeprefix('www.')}"
            body = (f"<h1>{name}</h1><p>单位名称：{site.shown_sponsor}</p><p>通讯地址：{site.address}</p>"
                    f"<p>联系电话：{site.phone}</p><p>电子邮箱：<a href=\"mailto:{mail}\">{mail}</a></p>"
                    "<p>办公时间：工作日上午8:30—12:00，下午14:30—17:30</p>")
        else:
            keyword = ('<input type="text" name="keyword">' if flags.get("nolabel")
                       else '<label for="kw">关键词</label><input type="text" id="kw" name="keyword">')
            body = (f'<h1>{name}</h1><form action="/search/" method="get" class="adv-search">{keyword}'
                    '<label for="scope">范围</label><select id="scope" name="scope"><option>全部</option>'
                    '<option>标题</option></select><input type="hidden" name="site" value="1">'
                    '<button type="submit">检索</button></form><div class="help"><h3>检索说明</h3>'
                    "<p>1. 输入关键词后点击“检索”，多个关键词之间用空格分隔。</p>"
                    "<p>2. 可选择在全部内容或仅在标题中检索，检索结果按发布时间倒序排列。</p></div>")
            ctx.link("/search/", "form")
        return self._wrap(ctx, head, self._crumb(ctx, None) + body)

    # -- planted fragments ------------------------------------------------------------------------
    def _extras(self, ctx: _Ctx, extras: list[list]) -> str:
        return "".join(EXTRAS[e[0]](self, ctx, *e[1:]) for e in extras)


SPAM_WORDS = (
    "澳门赌场", "在线博彩", "百家乐", "真人娱乐", "体育投注", "注册送彩金", "六合彩", "老虎机", "棋牌游戏", "网上赌场",
    "时时彩", "娱乐城", "成人视频", "裸聊", "色情直播",
)


def _x_text(r: Renderer, ctx: _Ctx, check: str, target: str, sentence: str, decoy: int) -> str:
    return f"<p>{sentence}</p>"


def _x_link(r: Renderer, ctx: _Ctx, kind: str, href: str, text: str) -> str:
    if kind == "img":
        return "<p>" + _img(ctx, href, text) + "</p>"
    if kind == "att":
        return f"<p>附件：{_a(ctx, href, text)}</p>"
    return "<p>相关链接：" + _a(ctx, href, text, ' target="_blank"') + "</p>"


def _x_comment_link(r: Renderer, ctx: _Ctx, href: str, text: str) -> str:
    return f'<!-- 旧链接，已停用 <a href="{href}">{text}</a> -->'


DARK_STYLES = {
    "display": ('<div style="display:none">', "</div>", ""),
    "offscreen": ('<div style="position:absolute;left:-9999px;top:-9999px">', "</div>", ""),
    "fontsize": ('<div class="links">', "</div>", ' style="font-size:0"'),
    "samecolor": ('<div style="background-color:#ffffff">', "</div>", ' style="color:#ffffff"'),
    "visibility": ('<span style="visibility:hidden">', "</span>", ""),
    "class": ('<style>.lk9x{display:none}</style><div class="lk9x">', "</div>", ""),
    "textindent": ('<p style="text-indent:-9999px;overflow:hidden">', "</p>", ""),
}


def _x_dark(r: Renderer, ctx: _Ctx, style: str, links: list[list[str]]) -> str:
    opening, closing, attrs = DARK_STYLES[style]
    return opening + "".join(_a(ctx, href, text, attrs) for href, text in links) + closing


def _x_dark_comment(r: Renderer, ctx: _Ctx, href: str, text: str) -> str:
    return f'<!-- <div style="display:none"><a href="{href}">{text}</a></div> -->'


def _x_inject(r: Renderer, ctx: _Ctx, variant: str, src: str) -> str:
    if variant == "script":
        ctx.link(src, "script")
        return f'<script type="text/javascript" src="{src}"></script>'
    if variant == "iframe":
        ctx.link(src, "iframe")
        return f'<iframe src="{src}" width="0" height="0" frameborder="0" style="display:none"></iframe>'
    return f"<script>document.write('<scr'+'ipt src=\"{src}\"></scr'+'ipt>');</script>"


def _x_outside(r: Renderer, ctx: _Ctx, href: str, text: str) -> str:
    return '<p class="outside">转载自：' + _a(ctx, href, text, ' target="_blank"') + "</p>"


def _x_crackdown(r: Renderer, ctx: _Ctx) -> str:
    return (f"<p>{ctx.site.place}公安机关持续开展打击治理跨境赌博专项行动，依法严厉打击网络赌博违法犯罪活动。</p>"
            "<p>警方提醒：参与赌博违法，网络赌博平台均为诈骗陷阱，请广大群众自觉抵制，发现线索及时举报。</p>")


#: Planted fragments: an item's (or the home page's) ``extras`` entry ``[type, *args]`` is rendered
#: by ``EXTRAS[type](renderer, ctx, *args)``; ``estate.Generator._derive_extra`` reads the same
#: entries back for the truth (links are found through the record instead).
EXTRAS = {
    "text": _x_text,
    "link": _x_link,
    "comment_link": _x_comment_link,
    "dark": _x_dark,
    "dark_comment": _x_dark_comment,
    "inject": _x_inject,
    "outside": _x_outside,
    "crackdown": _x_crackdown,
}


@lru_cache(maxsize=64)
def asset_bytes(ext: str) -> tuple[bytes, str]:
    """Small, valid-looking bodies for assets: (bytes, content type)."""
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    table = {
        "css": (b"body{font-family:sans-serif;margin:0}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden}"
                b".sub{display:none}.has-sub:hover .sub{display:block}", "text/css"),
        "js": (b"/*! jQuery v1.12.4 | (c) jQuery Foundation | jquery.org/license */\nwindow.jQuery=window.$=function(){};\n",
               "application/javascript"),
        "png": (png, "image/png"),
        "gif": (gif, "image/gif"),
        "jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9", "image/jpeg"),
        "pdf": (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n", "application/pdf"),
        "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "application/msword"),
        "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "application/vnd.ms-excel"),
    }
    return table.get(ext, (b"", "application/octet-stream"))
