"""Generate a simulated government-website estate with planted defects and its ground truth.

    .venv/bin/python -m benchmarks.monitoring.estate --sites 500 --pages 200 --seed 1 --out /tmp/estate

writes into ``--out``: ``estate.json`` (the model the server renders from), ``sites.json`` (the
registry: one ``SiteFacts`` per site), ``ground_truth.jsonl`` (one line per planted defect),
``decoys.jsonl`` (things that must NOT be reported), ``hazards.jsonl`` (malformed inputs),
``resolve.txt`` (``host:port:addr`` for every host the estate mentions) and ``summary.json``.
The README beside this file defines the truth's fields and the matching rule.

The truth is *derived* from the finished model, not written down while planting: every page is
rendered once (by the same renderer the server uses) and its links, meta tags, dates and flags are
read back, so cross-effects (a friend link to a site that is down, a stale home page making its
news column stale too) are in the truth without anyone remembering them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from govsites.monitoring.checks.catalogue import CHECKS, family_of

from .model import (
    ARTICLE_KINDS,
    ENQUIRY,
    GUIDES,
    PAGE_SIZE,
    WINDOWS,
    Column,
    Estate,
    External,
    Item,
    Site,
    fmt_local,
    parse_local,
    stable_seed,
)
from .render import (
    ARTICLE_TAGS,
    COLUMN_TAGS,
    DARK_STYLES,
    FOOTER_ELEMENTS,
    HOME_BLOCK,
    SITE_TAGS,
    SPAM_WORDS,
    STATIC_PAGES,
    YEARLESS,
    Record,
    Renderer,
    home_columns,
)
from .text import GUIDE_ELEMENTS, SERVICES, Text

TZ = ZoneInfo("Asia/Shanghai")
CLOSED_ADDRESS = "127.0.0.2"  # nothing listens there: connection refused (the server binds 127.0.0.1 only)
DOWN_TIMEOUT = 20.0  # seconds a "timeout" site keeps every request waiting (> the indicator's 15 s)
YEARLESS_MAX_AGE = 330  # days
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")

#: Serious wording errors planted: (target as the truth names it, sentence containing it).
SERIOUS = [
    ("习进平", "会议传达学习了习进平总书记在座谈会上的重要讲话精神，研究部署贯彻落实举措。"),
    ("李墙", "国务院总理李墙主持召开国务院常务会议，研究部署进一步稳就业工作。"),
    ("习近平新时代中国特色社会主意思想", "全体党员干部要坚持以习近平新时代中国特色社会主意思想为指导，扎实做好各项工作。"),
    ("全过程人民明主", "要坚持和发展全过程人民明主，广泛听取群众意见建议。"),
    ("中华民族伟大复新", "为实现中华民族伟大复新的中国梦贡献力量。"),
    ("坚持党的全面领到", "必须坚持党的全面领到，确保各项决策部署落地见效。"),
]
#: Typos planted (high-precision confusion pairs): (wrong form, sentence).
TYPOS = [
    ("布署", "会议对下一阶段重点工作进行了布署，明确了时间表和路线图。"),
    ("按装", "今年为辖区老旧小区免费按装电动自行车充电设施120处。"),
    ("再接再励", "希望各单位再接再励，在新的起点上取得更大成绩。"),
    ("变本加利", "坚决防止形式主义、官僚主义问题变本加利、反弹回潮。"),
    ("一股作气", "要一股作气抓好项目建设，确保按期竣工投用。"),
    ("迫不急待", "不少企业迫不急待地咨询新政策的申报条件。"),
]
#: Decoy sentences: correct forms next to look-alikes. (check they must not trigger, target, sentence)
DECOY_TEXTS = [
    ("serious_wording", "李蔷", "副区长李蔷带队检查防汛工作，强调要压实各方责任。"),
    ("serious_wording", "李强", "国务院总理李强主持召开国务院常务会议，部署推动经济持续回升向好。"),
    ("serious_wording", "习近平", "深入学习贯彻习近平总书记重要讲话精神，近平时期以来各项工作稳步推进。"),
    ("typo", "", "截至目前，已完成设备安装和系统部署，工作人员将再接再厉，确保按期上线。"),
    ("typo", "", "申报截止日期为本月30日，其他事项另行通知。"),
]
SPAM_LABELS = ("bocai", "duchang", "yulecheng", "qipai", "caipiao", "baijiale", "zhenren", "sese")


class Generator:
    """Builds an :class:`Estate`; ``plants`` below add the defects, decoys and hazards."""

    def __init__(self, *, sites: int, pages: int, seed: int, now: dt.datetime, port: int):
        self.n_sites, self.n_pages, self.seed, self.port = sites, pages, seed, port
        self.now = now.replace(second=0, microsecond=0, tzinfo=None)
        self.rng = random.Random(seed)  # noqa: S311  (benchmark data, no secrets)
        self.decoys: list[dict] = []
        self.hazards: list[dict] = []
        self.estate = Estate(seed=seed, now=fmt_local(self.now), port=port, pages=pages, sites=[], externals=[])

    # -- helpers ----------------------------------------------------------------------------------
    def url(self, site: Site, path: str) -> str:
        return self.estate.url(site.host, path)

    def ago(self, days: float, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        day = (self.now - dt.timedelta(days=days)).date()
        return f"{day:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"

    def age(self, date: str) -> float:
        return (self.now - parse_local(date)).total_seconds() / 86400

    def decoy(self, site: Site, check: str, url: str, target: str, note: str) -> None:
        self.decoys.append({"site": site.host, "check": check, "url": url, "target": target, "note": note})

    def new_item(self, site: Site, col: Column, title: str, date: str, kind: str = "article", **flags) -> Item:
        item = Item(id=max(site.items, default=100000) + 1, col=col.slug, title=title, date=date, kind=kind, flags=flags)
        site.items[item.id] = item
        col.items.append(item.id)
        self.sort(site, col)
        return item

    def sort(self, site: Site, col: Column) -> None:
        col.items.sort(key=lambda i: (site.items[i].date, i), reverse=True)

    def articles(self, site: Site) -> list[Item]:
        return [it for it in site.items.values() if it.kind == "article" and not it.flags.get("hazard")]

    def plain_articles(self, site: Site) -> list[Item]:
        """Articles nothing was planted on: where a decoy cannot be mistaken for a defect's page."""
        plain = [it for it in self.articles(site) if not it.extras and not it.flags]
        return plain or self.articles(site)

    # -- the estate's shape -------------------------------------------------------------------------
    def build(self) -> Estate:
        names = _demo_names()
        self.estate.externals = self._externals()
        portals, departments = self._institutions(names)
        order: list[dict] = []
        while len(order) < self.n_sites and (portals or departments):
            if portals:
                order.append(portals.pop(0))
            for _ in range(2):
                if departments and len(order) < self.n_sites:
                    order.append(departments.pop(0))
        for k, inst in enumerate(order):
            self.estate.sites.append(self._site(k, inst, names))
        for site in self.estate.sites:
            self._friends(site)
        self.plant()
        return self.estate

    def _externals(self) -> list[External]:
        rng = self.rng
        fixed = [
            External("www.gov.cn", "gov", ["/zhengce/content/2019-03/01/content_5369588.htm"]),
            External("zfwzgl.www.gov.cn", "jiucuo"), External("bszs.conac.cn", "badge"),
            External("beian.miit.gov.cn", "gov"), External("www.beian.gov.cn", "gov"),
            External("www.news.cn", "news"), External("www.people.com.cn", "news"),
            External("fwtj.lanchuan.gov.cn", "analytics"),
        ]
        spam = []
        for label in SPAM_LABELS:
            spam.append(External(f"www.{label}{rng.randint(100, 9999)}.{rng.choice(['com', 'net', 'cc', 'vip'])}", "spam"))
        scripts = [External(f"js.{w}{rng.randint(10, 99)}.{tld}", "script")
                   for w, tld in (("tongji-cdn", "cc"), ("static-jq", "top"), ("cnzz-stat", "xyz"), ("gbk-ad", "club"))]
        return fixed + spam + scripts

    def _institutions(self, names) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        province = names.PROVINCE + "省"
        portals = [dict(host=f"www.{names.PROVINCE_PINYIN}.gov.cn", name=f"{province}人民政府门户网站",
                        sponsor=f"{province}人民政府办公厅", site_type="portal", division=names.PROVINCE_CODE,
                        place=province, area="600")]
        departments = []
        for d in names.DEPARTMENTS:
            if d.province:
                full, _short, label = d.province
                sponsor = province + full
                departments.append(dict(host=f"{label}.{names.PROVINCE_PINYIN}.gov.cn", name=sponsor, sponsor=sponsor,
                                        site_type="department", division=names.PROVINCE_CODE, place=province, area="600"))
        places = names.PlaceNames(rng)
        capital = names.Place(names.CAPITAL, names.CAPITAL_PINYIN)
        city_departments: list[list[dict]] = []
        k = 0
        while k < 1 or (len(portals) + len(departments) + sum(map(len, city_departments)) < self.n_sites * 1.3 and k < 89):
            k += 1
            city = capital if k == 1 else places.take()
            city_name, division, area = city.name + "市", f"99{k:02d}00", f"{600 + k % 31:03d}"
            portals.append(dict(host=f"www.{city.pinyin}.gov.cn", name=f"{city_name}人民政府门户网站",
                                sponsor=f"{city_name}人民政府办公室", site_type="portal", division=division,
                                place=city_name, area=area))
            for j in range(1, rng.randint(3, 6)):
                county = places.take()
                suffix = rng.choice("县县区")
                portals.append(dict(host=f"www.{county.pinyin}.gov.cn", name=f"{county.name}{suffix}人民政府门户网站",
                                    sponsor=f"{county.name}{suffix}人民政府办公室", site_type="portal",
                                    division=f"99{k:02d}{j:02d}", place=county.name + suffix, area=area))
            chosen = [d for d in names.DEPARTMENTS if d.city]
            chosen = rng.sample(chosen, min(len(chosen), rng.randint(18, 30)))
            city_departments.append([
                dict(host=f"{d.city[2]}.{city.pinyin}.gov.cn", name=city_name + d.city[0], sponsor=city_name + d.city[0],
                     site_type="department", division=division, place=city_name, area=area)
                for d in chosen
            ])
        # province departments first, then the cities' (round robin), as a real estate grows
        for group in city_departments:
            group.reverse()
        while any(city_departments):
            for group in city_departments:
                if group:
                    departments.append(group.pop())
        return portals, departments

    def _site(self, k: int, inst: dict, names) -> Site:
        rng = self.rng
        sequence = sum(1 for s in self.estate.sites if s.division == inst["division"]) + 1
        layout = ("table", "list", "nav", "card")[k % 4] if k < 8 else rng.choices(
            ("table", "list", "nav", "card"), (25, 35, 15, 25))[0]
        styles = ("iso", "slash", "cn", "bracket", "dot", "md_heading", "md", "iso_time", "fullwidth")
        style = styles[k % len(styles)] if k < 9 else rng.choices(styles, (30, 12, 12, 10, 10, 8, 5, 8, 5))[0]
        place = {"table": "td", "card": "time", "nav": rng.choice(("dd", "span"))}.get(layout) or \
            rng.choices(("span", "plain", "em", "none"), (60, 20, 12, 8))[0]
        site = Site(
            host=inst["host"], name=inst["name"], sponsor=inst["sponsor"], site_type=inst["site_type"],
            division=inst["division"], code=f"{inst['division']}{sequence:04d}",
            icp=f"澜ICP备{rng.randint(10000000, 99999999)}号",
            police=f"澜公网安备 {inst['division']}{rng.randint(10000000, 99999999)}号",
            phone=names.phone(rng, inst["area"]), address=names.address(rng, inst["place"]), place=inst["place"],
            layout=layout, date_style=style, date_place=place, footer_style=rng.choice((0, 0, 1, 2, 3)),
            guide_style=rng.choice(("table", "table", "dl")), search_style=rng.choices(("label", "aria", "title"), (80, 12, 8))[0],
            conac=rng.random() < 0.85, jiucuo=inst["site_type"] == "portal" or rng.random() < 0.5,
            dropdown=layout in ("list", "card") and rng.random() < 0.5, seed=stable_seed(self.seed, inst["host"]),
        )
        site.allowed = ["zfwzgl.www.gov.cn"] if site.jiucuo else []
        self._columns(site)
        return site

    def _columns(self, site: Site) -> None:
        rng = self.rng
        pick = rng.sample
        spec = [
            *pick([("gzdt", "工作动态"), ("yw", "要闻动态"), ("bmdt", "部门动态"), ("jcdt", "基层动态")], rng.randint(1, 2)),
            rng.choice([("tzgg", "通知公告"), ("gsgg", "公示公告")]),
            rng.choice([("zcwj", "政策文件"), ("gfxwj", "规范性文件")]),
            rng.choice([("rsxx", "人事信息"), ("rsrm", "人事任免")]),
            *([("ghjh", "规划计划")] if rng.random() < 0.6 else []),
            *pick([("zcjd", "政策解读"), ("ztzl", "专题专栏"), ("sjfb", "数据发布")], rng.randint(1, 2)),
        ]
        kinds = {"gzdt": "dynamic", "yw": "dynamic", "bmdt": "dynamic", "jcdt": "dynamic", "tzgg": "notice",
                 "gsgg": "notice", "zcwj": "notice", "gfxwj": "notice", "rsxx": "personnel", "rsrm": "personnel",
                 "ghjh": "personnel"}
        site.columns = [Column(slug, name, kinds.get(slug, "")) for slug, name in spec]
        site.columns.append(Column("bszn", "办事指南", GUIDES))
        site.columns.append(Column("zwzx", rng.choice(["政务咨询", "咨询投诉", "在线咨询"]), ENQUIRY))
        self._fill(site)

    def _fill(self, site: Site) -> None:
        """Items per column so that home + statics + list pages + items ≈ ``--pages``."""
        rng = self.rng
        fixed = 1 + len(STATIC_PAGES)
        articles = [c for c in site.columns if c.kind in ARTICLE_KINDS]
        weights = {"dynamic": 5, "notice": 3, "personnel": 1.2, "": 1.5}
        budget = max(self.n_pages - fixed - len(site.columns), len(site.columns) + 4)
        while True:
            guides = max(2, round(budget * 0.08))
            messages = max(3, round(budget * 0.12))
            rest = max(len(articles), budget - guides - messages)
            total_w = sum(weights[c.kind] for c in articles)
            counts = [max(1, math.floor(rest * weights[c.kind] / total_w)) for c in articles]
            lists = sum(-(-n // PAGE_SIZE) for n in counts) + -(-guides // PAGE_SIZE) + -(-messages // PAGE_SIZE)
            total = fixed + lists + sum(counts) + guides + messages
            if total <= self.n_pages or budget <= len(site.columns) + 4:
                break
            budget -= total - self.n_pages
        next_id = 100001
        text = Text(rng, place=site.place, org=site.sponsor, gov=site.place + "人民政府", level=site.place[-1],
                    phone=site.phone, year=self.now.year)
        title_kind = {"dynamic": "dynamic", "personnel": "personnel", "": "other"}
        for col, count in zip(articles, counts, strict=True):
            fresh, gap = {"dynamic": (7, 5), "notice": (60, 20), "personnel": (150, 60), "": (7, 15)}[col.kind]
            age = rng.uniform(1, fresh)
            for _ in range(count):
                kind = title_kind.get(col.kind) or ("policy" if col.slug in ("zcwj", "gfxwj") else
                                                    "planning" if col.slug == "ghjh" else "notice")
                site.items[next_id] = Item(next_id, col.slug, text.title(kind), self.ago(age))
                col.items.append(next_id)
                next_id += 1
                age += rng.uniform(0.3, gap)
            self.sort(site, col)
        guide_col, enquiry = site.column("bszn"), site.column("zwzx")
        for service in rng.sample(SERVICES, min(guides, len(SERVICES))):
            site.items[next_id] = Item(next_id, "bszn", service, self.ago(rng.uniform(400, 900)), kind="guide")
            guide_col.items.append(next_id)
            next_id += 1
        age = rng.uniform(1, 10)
        for _ in range(messages):
            title = text.question()[0]
            date = self.ago(age)
            flags = {}
            if age > 30 or rng.random() < 0.7:
                reply_age = max(age - rng.uniform(1, 20), 1)  # never later than now
                flags["reply"] = self.ago(reply_age)
                if flags["reply"] < date:
                    flags["reply"] = date
            site.items[next_id] = Item(next_id, "zwzx", title, date, kind="message", flags=flags)
            enquiry.items.append(next_id)
            next_id += 1
            age += rng.uniform(2, 340 / messages)
        self.sort(site, enquiry)
        self.clamp(site)

    def clamp(self, site: Site) -> None:
        """Sites that show no year keep every dated item younger than ``YEARLESS_MAX_AGE`` days."""
        if site.date_style not in YEARLESS:
            return
        for item in site.items.values():
            if item.kind in ("article", "banned") and self.age(item.date) > YEARLESS_MAX_AGE:
                item.date = self.ago(YEARLESS_MAX_AGE - self.rng.uniform(0, 20))
        for col in site.columns:
            self.sort(site, col)

    def _friends(self, site: Site) -> None:
        rng = self.rng
        others = [s.host for s in self.estate.sites if s.host != site.host]
        portals = [s.host for s in self.estate.sites if s.site_type == "portal" and s.host != site.host]
        chosen = portals[:1] + rng.sample(others, min(len(others), rng.randint(2, 5)))
        site.friends = ["www.gov.cn", *dict.fromkeys(chosen)]

    # -- planting -----------------------------------------------------------------------------------
    def count(self, rate: float, minimum: int = 1) -> int:
        return max(minimum, round(rate * self.n_sites))

    def choose(self, rate: float, eligible: Callable[[Site], bool], minimum: int = 1) -> list[Site]:
        pool = [s for s in self.estate.sites if not s.down and eligible(s)]
        return self.rng.sample(pool, min(len(pool), self.count(rate, minimum)))

    def plant(self) -> None:
        rng = self.rng
        sites = self.estate.sites
        # availability first: a site that is down carries nothing else
        pool = [s for s in sites if s.site_type == "department"] or sites[1:]
        for k, site in enumerate(rng.sample(pool, min(len(pool), self.count(0.02)))):
            site.down = ("503", "refused", "timeout")[k % 3]
        # Dates settle before any plant records a URL (an item's URL carries its date).
        for _name, rate, eligible, fn in PLANTS:
            for site in self.choose(rate, eligible):
                fn(self, site)
        for site in sites:
            self._natural_decoys(site)

    def _natural_decoys(self, site: Site) -> None:
        """Decoys that come with a site's variant rather than being planted."""
        if site.down:
            return
        home = self.url(site, "/")
        if site.dropdown:
            first = next(c for c in site.columns if c.kind not in (ENQUIRY, GUIDES))
            self.decoy(site, "dark_link", home, self.url(site, first.page_path(0)), "导航下拉菜单用 display:none 隐藏的站内链接")
        if site.date_style in ("fullwidth", "iso_time") and site.date_place != "none":
            for col in site.columns_of("dynamic")[:1]:
                latest = newest([site.items[i] for i in col.items[:PAGE_SIZE]])
                if fresh(self.now, latest, WINDOWS["dynamic"]):
                    url = self.url(site, col.page_path(0))
                    self.decoy(site, "column_not_updated", url, url, f"少见但可解析的日期格式（{site.date_style}），最新信息在窗口内")
        latest = home_latest(site)
        if site.layout == "nav" and fresh(self.now, latest, 14):
            self.decoy(site, "home_not_updated", home, "", "仅导航的首页本身没有日期；二级栏目在更新")
        if site.search_style != "label":
            self.decoy(site, "a11y_label", home, "", f"搜索框以 {site.search_style} 属性而非 <label> 标注")
        planted = {*site.footer_missing, *site.footer_shown}
        if site.footer_style == 1 and "主办单位" not in planted:
            self.decoy(site, "footer_missing", home, "主办单位", "页脚写作“主办：”")
        if site.footer_style == 3 and "网站标识码" not in planted:
            self.decoy(site, "footer_missing", home, "网站标识码", "页脚写作“网站标识码”后无冒号")
        if site.csp_only:
            self.decoy(site, "security_header_missing", home, "X-Frame-Options", "CSP frame-ancestors 代替 X-Frame-Options")
        if site.guide_style == "dl":
            for i in site.column("bszn").items[:1]:
                if not site.items[i].flags.get("missing"):
                    self.decoy(site, "guide_incomplete", self.url(site, site.items[i].path), "", "要素齐全，以 dl/dt/dd 排列")
        for col in site.columns_of(ENQUIRY):
            for n, i in enumerate(col.items):
                it = site.items[i]
                if not it.flags.get("reply") and self.age(it.date) < 90:
                    url = self.url(site, col.page_path(n // PAGE_SIZE))
                    self.decoy(site, "enquiry_unanswered", url, self.url(site, it.path), "未回复但留言不足3个月")

    # -- derivation of the truth ----------------------------------------------------------------------
    def derive(self) -> list[dict]:
        renderer = Renderer(self.estate)
        rows: dict[tuple, dict] = {}

        def add(site: Site, check: str, url: str, target: str, evidence: str) -> None:
            key = (site.host, check, url, target)
            if key not in rows:
                rows[key] = {"site": site.host, "check": check, "family": family_of(check), "url": url,
                             "target": target, "severity": CHECKS[check].severity, "evidence": evidence}

        for site in self.estate.sites:
            home = self.url(site, "/")
            if site.down:
                evidence = {"503": "HTTP 503", "refused": "连接被拒绝", "timeout": f"首页超过15秒无响应（{DOWN_TIMEOUT:.0f}秒）"}
                add(site, "site_unreachable", home, "", evidence[site.down])
                continue
            self._derive_pages(site, renderer, add)
            self._derive_site(site, add)
        return sorted(rows.values(), key=lambda r: (r["site"], r["check"], r["url"], r["target"]))

    def _derive_pages(self, site: Site, renderer: Renderer, add) -> None:
        home = self.url(site, "/")
        missing_tags: dict[str, str] = {}
        for path, route in renderer.routes(site).items():
            if route[0] not in ("home", "list", "item", "static"):
                continue
            item = site.items.get(route[1]) if route[0] == "item" else None
            if item is not None and item.flags.get("hazard"):
                continue
            url = self.url(site, path)
            rec = Record()
            renderer.render(site, route, path, rec)
            seen = set()
            for target, kind in rec.links:
                if kind == "form" or target in seen:
                    continue
                seen.add(target)
                state, evidence = renderer.lookup(target)
                if state == "broken":
                    add(site, "broken_link_home" if path == "/" else "broken_link", url, target, f"{kind}: {evidence}")
            required = SITE_TAGS + COLUMN_TAGS + (ARTICLE_TAGS if rec.page_type == "article" else ())
            for tag in required:
                if tag not in rec.meta:
                    missing_tags.setdefault(tag, f"{url} 缺少 {tag}")
            pub = rec.meta.get("PubDate")
            if pub is not None:
                try:
                    dt.datetime.strptime(pub, "%Y-%m-%d %H:%M")
                except ValueError:
                    missing_tags.setdefault("PubDate", f"PubDate 格式不规范：{pub}")
            code = rec.meta.get("SiteIDCode")
            if code is not None and code != site.code:
                add(site, "identity_mismatch", home, "SiteIDCode", f"SiteIDCode {code}，备案为 {site.code}")
            flags = item.flags if item else site.page_flags.get(path, {})
            if flags.get("nolang"):
                add(site, "a11y_lang", url, "", "<html> 无 lang 属性")
            if flags.get("notitle"):
                add(site, "a11y_title", url, "", "<title> 为空")
            if flags.get("noalt"):
                add(site, "a11y_alt", url, "", "图片无 alt 属性")
            if flags.get("nolabel"):
                add(site, "a11y_label", url, "", "检索输入框无标签")
            if flags.get("slow", 0) >= 3:
                add(site, "slow_page", url, "", f"响应耗时约 {flags['slow']:.1f} 秒")
            extras = site.home_extras if path == "/" else item.extras if item else []
            for extra in extras:
                self._derive_extra(site, url, extra, add)
            if item is not None and item.kind == "banned":
                add(site, "banned_content", url, "", "页面充斥赌博色情推广内容")
        for tag, evidence in missing_tags.items():
            add(site, "meta_missing", home, tag, evidence)

    def _derive_extra(self, site: Site, url: str, extra: list, add) -> None:
        kind = extra[0]
        if kind == "text" and not extra[4]:
            add(site, extra[1], url, extra[2], extra[3][:40])
        elif kind == "dark":
            for href, text in extra[2]:
                add(site, "dark_link", url, href, f"{extra[1]} 隐藏链接：{text}")
        elif kind == "inject":
            add(site, "injected_code", url, extra[2], f"外部{extra[1]}：{extra[2]}")

    def _derive_site(self, site: Site, add) -> None:
        home = self.url(site, "/")
        now = self.now
        for element in site.footer_missing:
            add(site, "footer_missing", home, element, f"页脚缺少{element}")
        for element, value in site.footer_shown.items():
            add(site, "identity_mismatch", home, element, f"页脚为 {value}")
        for header in site.missing_headers:
            add(site, "security_header_missing", home, header, f"响应缺少 {header}")
        if site.site_type == "portal" and not site.columns_of(ENQUIRY):
            add(site, "no_enquiry_channel", home, "", "门户网站无政务咨询栏目")

        latest = home_latest(site)
        if not fresh(now, latest, 14):
            add(site, "home_not_updated", home, "", f"首页最新信息 {latest:%Y-%m-%d}" if latest else "首页信息均无日期")
        for col in site.columns:
            url = self.url(site, col.page_path(0))
            if col.empty:
                add(site, "column_empty", url, url, "栏目无内容")
                continue
            if col.kind in WINDOWS:
                latest = newest([site.items[i] for i in col.items[:PAGE_SIZE]])
                if not fresh(now, latest, WINDOWS[col.kind]):
                    evidence = f"最新信息 {latest:%Y-%m-%d}，超过{WINDOWS[col.kind]}天" if latest else "栏目信息均无发布日期"
                    add(site, "column_not_updated", url, url, evidence)
            if col.kind == ENQUIRY:
                for n, i in enumerate(col.items):
                    it = site.items[i]
                    age = self.age(it.date)
                    if not it.flags.get("reply") and 90 < age <= 365:
                        add(site, "enquiry_unanswered", self.url(site, col.page_path(n // PAGE_SIZE)),
                            self.url(site, it.path), f"{it.date[:10]} 留言，{int(age)} 天未回复")
            if col.kind == GUIDES:
                for i in col.items:
                    missing = site.items[i].flags.get("missing")
                    if missing:
                        add(site, "guide_incomplete", self.url(site, site.items[i].path), "", "缺少：" + "、".join(missing))

    # -- outputs ------------------------------------------------------------------------------------
    def registry(self) -> list[dict]:
        out = []
        for s in self.estate.sites:
            out.append({
                "host": s.host, "home_url": self.url(s, "/"), "name": s.name, "sponsor": s.sponsor,
                "identifier_code": s.code, "icp_number": s.icp, "police_filing": s.police,
                "contact": s.phone, "hosted": False, "allowed_domains": s.allowed,
                "is_portal": s.site_type == "portal", "has_site_mark": s.conac,
                "extra": {"site_type": "政府门户网站" if s.site_type == "portal" else "部门网站",
                          "division_code": s.division, "conac_badge": s.conac, "address": s.address},
            })
        return out

    def resolve_lines(self, address: str = "127.0.0.1") -> list[str]:
        return resolve_lines(self.estate, address)


def fresh(now: dt.datetime, latest: dt.datetime | None, days: int) -> bool:
    """Whether the newest date is inside a window of ``days``, counted in calendar days as list
    pages show dates (an item 14 days old is fresh in a 14-day window, one 15 days old is not)."""
    return latest is not None and (now.date() - latest.date()).days <= days


def newest(items: list[Item]) -> dt.datetime | None:
    """The newest visible date among ``items`` (undated items count as not updated)."""
    return max((parse_local(it.date) for it in items if not it.flags.get("undated")), default=None)


def home_latest(site: Site) -> dt.datetime | None:
    """The newest date the home page shows — for a navigation-only home, the second-level pages'."""
    if site.layout == "nav":
        shown = [site.items[i] for c in site.columns if c.kind in ARTICLE_KINDS for i in c.items[:PAGE_SIZE]]
    else:
        shown = [site.items[i] for c in home_columns(site) for i in c.items[:HOME_BLOCK]]
    return newest(shown)


def resolve_lines(estate: Estate, address: str = "127.0.0.1") -> list[str]:
    """curl-style ``host:port:addr`` for every host the estate mentions; refused sites go nowhere."""
    lines = []
    for s in estate.sites:
        lines.append(f"{s.host}:{estate.port}:{CLOSED_ADDRESS if s.down == 'refused' else address}")
    lines.extend(f"{x.host}:{estate.port}:{address}" for x in estate.externals)
    return lines


# -- the plants ---------------------------------------------------------------------------------------
def _shift(g: Generator, site: Site, col: Column, newest_age: float) -> None:
    """Make ``col``'s newest item ``newest_age`` days old, keeping the gaps between items."""
    if not col.items:
        return
    delta = math.ceil(newest_age - g.age(site.items[col.items[0]].date))  # whole days: office hours stay
    if delta <= 0:
        return
    for i in col.items:
        it = site.items[i]
        it.date = fmt_local(parse_local(it.date) - dt.timedelta(days=delta))
    g.clamp(site)


def _home_stale(g: Generator, site: Site) -> None:
    """Nothing new anywhere for 25–60 days: every article column moves back by the same amount."""
    columns = [c for c in site.columns if c.kind in ARTICLE_KINDS and c.items]
    delta = g.rng.uniform(25, 60) - min(g.age(site.items[c.items[0]].date) for c in columns)
    for col in columns:
        _shift(g, site, col, g.age(site.items[col.items[0]].date) + delta)


def _stale(kind: str, low: float, high: float):
    def plant(g: Generator, site: Site) -> None:
        cols = [c for c in site.columns_of(kind) if c.items]
        _shift(g, site, g.rng.choice(cols), g.rng.uniform(low, high))
    return plant


def _undated(g: Generator, site: Site) -> None:
    col = g.rng.choice([c for c in site.columns_of("dynamic", "notice") if c.items])
    for i in col.items:
        site.items[i].flags["undated"] = 1


def _empty(g: Generator, site: Site) -> None:
    cols = [c for c in site.columns_of("") if c.items]
    for col in g.rng.sample(cols, min(len(cols), g.rng.choice((1, 1, 2)))):
        for i in col.items:
            del site.items[i]
        col.items, col.empty = [], True


def _broken_target(g: Generator, site: Site) -> tuple[str, str, str]:
    """(link kind, href, text) of a link that does not work."""
    rng = g.rng
    variant = rng.choice(("404", "404", "500", "img", "att", "external", "gov"))
    stamp = g.ago(rng.uniform(400, 1500))[:10].replace("-", "")
    if variant == "404":
        col = rng.choice([c for c in site.columns if c.kind in ARTICLE_KINDS])
        return "a", f"/{col.slug}/{stamp[:6]}/t{stamp}_{rng.randint(900000, 999999)}.html", "相关文件"
    if variant == "500":
        path = f"/cms/infoview.jsp?id={rng.randint(1000, 99999)}"
        site.specials[path] = ["status", 500]
        return "a", path, "信息查看"
    if variant == "img":
        return "img", f"/images/{stamp[:4]}/banner_old{rng.randint(1, 99)}.jpg", "专题图片"
    if variant == "att":
        return "att", f"/uploadfile/{stamp[:4]}/{stamp[4:]}/{rng.randint(10000, 99999)}.pdf", "附件下载.pdf"
    if variant == "gov":
        gov = next(x for x in g.estate.externals if x.host == "www.gov.cn")
        path = f"/zhengce/content/{stamp[:4]}-{stamp[4:6]}/{stamp[6:]}/content_{rng.randint(1000000, 9999999)}.htm"
        gov.missing.append(path)
        return "a", f"http://www.gov.cn:{g.port}{path}", "国务院相关文件"
    other = rng.choice([s for s in g.estate.sites if s.host != site.host])
    return "a", f"http://{other.host}:{g.port}/xxgk/{stamp[:6]}/t{stamp}_{rng.randint(100, 999)}.html", f"{other.name}相关信息"


def _broken_home(g: Generator, site: Site) -> None:
    for _ in range(g.rng.randint(1, 3)):
        site.home_extras.append(["link", *_broken_target(g, site)])


def _broken_pages(g: Generator, site: Site) -> None:
    for item in g.rng.sample(g.articles(site), min(3, g.rng.randint(1, 3))):
        item.extras.append(["link", *_broken_target(g, site)])


def _enquiry(g: Generator, site: Site) -> None:
    col = site.column("zwzx")
    for i in g.rng.sample(col.items, min(len(col.items), g.rng.randint(1, 3))):
        it = site.items[i]
        if g.age(it.date) < 120:
            it.date = g.ago(g.rng.uniform(120, 300))
        it.flags.pop("reply", None)
    g.sort(site, col)


def _no_enquiry(g: Generator, site: Site) -> None:
    col = site.column("zwzx")
    for i in col.items:
        del site.items[i]
    site.columns.remove(col)


def _guide(g: Generator, site: Site) -> None:
    for i in g.rng.sample(site.column("bszn").items, g.rng.choice((1, 1, 2))):
        missing = g.rng.sample(GUIDE_ELEMENTS[1:], g.rng.randint(3, 6))
        site.items[i].flags["missing"] = [e for e in GUIDE_ELEMENTS if e in missing]


def _footer(g: Generator, site: Site) -> None:
    elements = [e for e in FOOTER_ELEMENTS if (e != "党政机关网站标识" or site.conac) and e not in site.footer_shown]
    site.footer_missing = sorted(g.rng.sample(elements, g.rng.choice((1, 1, 2))), key=FOOTER_ELEMENTS.index)


def _wrong_code(g: Generator, code: str) -> str:
    digits = list(code)
    i = g.rng.randint(6, 9)
    digits[i] = str((int(digits[i]) + g.rng.randint(1, 9)) % 10)
    return "".join(digits)


def _identity(g: Generator, site: Site) -> None:
    rng = g.rng
    variant = rng.choice(("footer_code", "meta_code", "both_code", "icp", "police", "sponsor"))
    if variant in ("meta_code", "both_code") and site.meta == "none":
        variant = "footer_code"
    if variant == "sponsor" and site.site_type != "portal":
        variant = "icp"  # a department site's name is its sponsor's: it would still be on every page
    if variant in ("footer_code", "both_code"):
        site.footer_shown["网站标识码"] = _wrong_code(g, site.code)
    if variant in ("meta_code", "both_code"):
        site.meta_code = _wrong_code(g, site.code)
    if variant == "icp":
        site.footer_shown["ICP备案号"] = f"澜ICP备{rng.randint(10000000, 99999999)}号"
    if variant == "police":
        site.footer_shown["公安机关备案号"] = f"澜公网安备 {site.division}{rng.randint(10000000, 99999999)}号"
    if variant == "sponsor":
        old = {"办公室": "办公厅", "办公厅": "办公室"}
        site.footer_shown["主办单位"] = next(site.sponsor.replace(a, b) for a, b in old.items() if a in site.sponsor)
    for element in site.footer_shown:
        if element in site.footer_missing:
            site.footer_missing.remove(element)


def _meta(variant: str):
    def plant(g: Generator, site: Site) -> None:
        if site.meta == "full":
            site.meta = variant
    return plant


def _text(pool: list[tuple[str, str]], check: str):
    def plant(g: Generator, site: Site) -> None:
        target, sentence = g.rng.choice(pool)
        g.rng.choice(g.articles(site)).extras.append(["text", check, target, sentence, 0])
    return plant


def _spam_hosts(g: Generator, role: str) -> list[str]:
    return [x.host for x in g.estate.externals if x.role == role]


def _dark(g: Generator, site: Site) -> None:
    rng = g.rng
    links = [[f"http://{h}:{g.port}/?from={site.host.split('.')[0]}", rng.choice(SPAM_WORDS)]
             for h in rng.sample(_spam_hosts(g, "spam"), rng.randint(1, 3))]
    extra = ["dark", rng.choice(sorted(DARK_STYLES)), links]
    (site.home_extras if rng.random() < 0.7 else rng.choice(g.articles(site)).extras).append(extra)


def _inject(g: Generator, site: Site) -> None:
    rng = g.rng
    variant = rng.choice(("script", "script", "iframe", "docwrite"))
    if variant == "iframe":
        src = f"http://{rng.choice(_spam_hosts(g, 'spam'))}:{g.port}/ad.html"
    else:
        src = f"http://{rng.choice(_spam_hosts(g, 'script'))}:{g.port}/{rng.choice(['tj', 'js', 'common'])}.js"
    extra = ["inject", variant, src]
    (site.home_extras if rng.random() < 0.6 else rng.choice(g.articles(site)).extras).append(extra)


def _older(g: Generator, site: Site, col: Column) -> str:
    """A date older than every item of ``col``: a page slipped in that never counts as an update."""
    return g.ago(math.ceil(g.age(site.items[col.items[-1]].date)) + g.rng.randint(3, 30))


def _banned(g: Generator, site: Site) -> None:
    col = g.rng.choice([c for c in site.columns if c.kind in ARTICLE_KINDS and c.items])
    g.new_item(site, col, g.rng.choice(["澳门新葡京娱乐场官网", "在线真人百家乐平台", "注册即送彩金的体育投注网站"]),
               _older(g, site, col), kind="banned")
    g.clamp(site)


def _headers(g: Generator, site: Site) -> None:
    site.missing_headers = sorted(g.rng.sample(SECURITY_HEADERS, g.rng.choice((1, 1, 2))), key=SECURITY_HEADERS.index)


def _flag(flag: str, value=1, pages: tuple[int, int] = (1, 1), statics: bool = False):
    def plant(g: Generator, site: Site) -> None:
        n = g.rng.randint(*pages)
        if statics and g.rng.random() < 0.5:
            site.page_flags.setdefault(g.rng.choice(["/lxwm/", "/jgzn/", "/ldxx/"]), {})[flag] = 1
            n -= 1
        for item in g.rng.sample(g.articles(site), max(0, n)):
            item.flags[flag] = value(g) if callable(value) else value
    return plant


def _nolabel(g: Generator, site: Site) -> None:
    site.page_flags.setdefault("/search/", {})["nolabel"] = 1


def _hazard(kind: str, expect: str):
    def plant(g: Generator, site: Site) -> None:
        cols = [c for c in site.columns if c.kind in ARTICLE_KINDS and c.items and not c.empty]
        col = g.rng.choice(cols)
        item = g.new_item(site, col, Text(g.rng, place=site.place, org=site.sponsor, gov=site.place, level="市",
                                          phone=site.phone, year=g.now.year).title("other"),
                          _older(g, site, col), hazard=kind)
        g.clamp(site)
        g.hazards.append({"site": site.host, "url": g.url(site, item.path), "kind": kind, "scored": False, "expect": expect})
    return plant


def _loop(g: Generator, site: Site) -> None:
    a, b = "/xxgk/jump_a.html", "/xxgk/jump_b.html"
    site.specials[a] = ["redirect", b, 302]
    site.specials[b] = ["redirect", a, 302]
    item = g.rng.choice(g.articles(site))
    item.extras.append(["link", "a", a, "政务公开专栏"])
    g.hazards.append({"site": site.host, "url": g.url(site, a), "kind": "redirect_loop", "scored": True,
                      "expect": f"redirect_loop; the link on {g.url(site, item.path)} is a broken_link in the truth"})


# decoys that are planted
def _d_outside(g: Generator, site: Site) -> None:
    host = g.rng.choice(_spam_hosts(g, "news"))
    href = f"http://{host}:{g.port}/politics/{g.now.year}/index.htm"
    site.home_extras.append(["outside", href, "新华网" if "news" in host else "人民网"])
    g.decoy(site, "dark_link", g.url(site, "/"), href, "可见的外部新闻网站链接")


def _d_analytics(g: Generator, site: Site) -> None:
    site.analytics = True
    site.allowed.append("fwtj.lanchuan.gov.cn")
    g.decoy(site, "injected_code", g.url(site, "/"), f"http://fwtj.lanchuan.gov.cn:{g.port}/tj.js?sid={site.code}",
            "白名单内的访问统计脚本")


def _d_text(g: Generator, site: Site) -> None:
    check, target, sentence = g.rng.choice(DECOY_TEXTS)
    item = g.rng.choice(g.plain_articles(site))
    item.extras.append(["text", check, target, sentence, 1])
    g.decoy(site, check, g.url(site, item.path), target, sentence)


def _d_crackdown(g: Generator, site: Site) -> None:
    item = g.rng.choice(g.plain_articles(site))
    item.title = f"{site.place}开展打击治理跨境赌博专项行动"
    item.extras.append(["crackdown"])
    g.decoy(site, "banned_content", g.url(site, item.path), "", "打击赌博的新闻报道")


def _d_comment_link(g: Generator, site: Site) -> None:
    item = g.rng.choice(g.plain_articles(site))
    href = f"/old/{g.rng.randint(1000, 9999)}.html"
    item.extras.append(["comment_link", href, "原专题页面"])
    g.decoy(site, "broken_link", g.url(site, item.path), g.url(site, href), "HTML 注释中的失效链接")


def _d_dark_comment(g: Generator, site: Site) -> None:
    href = f"http://{g.rng.choice(_spam_hosts(g, 'spam'))}:{g.port}/"
    site.home_extras.append(["dark_comment", href, g.rng.choice(SPAM_WORDS)])
    g.decoy(site, "dark_link", g.url(site, "/"), href, "已注释掉的隐藏链接（不生效）")


def _d_redirect(g: Generator, site: Site) -> None:
    target = g.rng.choice(g.articles(site))
    old = f"/old/{target.stamp}/{target.id}.htm"
    site.specials[old] = ["redirect", target.path, 301]
    holder = g.rng.choice([it for it in g.articles(site) if it.id != target.id] or [target])
    holder.extras.append(["link", "a", old, target.title])
    g.decoy(site, "broken_link", g.url(site, holder.path), g.url(site, old), "301 永久重定向到现有页面")


def _d_decor(g: Generator, site: Site) -> None:
    item = g.rng.choice(g.plain_articles(site))
    item.flags["decor"] = 1
    g.decoy(site, "a11y_alt", g.url(site, item.path), "", "装饰性图片 alt=\"\"")


def _d_slowish(g: Generator, site: Site) -> None:
    item = g.rng.choice(g.plain_articles(site))
    item.flags["slow"] = round(g.rng.uniform(1.8, 2.3), 1)
    g.decoy(site, "slow_page", g.url(site, item.path), "", f"响应约 {item.flags['slow']} 秒，未超过3秒")


def _d_nodates(g: Generator, site: Site) -> None:
    url = g.url(site, "/jgzn/")
    g.decoy(site, "column_not_updated", url, url, "机构职能页：无日期，不是列表页")
    g.decoy(site, "column_empty", url, url, "机构职能页：不是栏目列表")


def _d_csp(g: Generator, site: Site) -> None:
    site.csp_only = True


def _any(site: Site) -> bool:
    return True


def _has(kind: str):
    return lambda site: any(c.items for c in site.columns_of(kind))


_SLOW = _flag("slow", lambda g: round(g.rng.uniform(3.5, 4.2), 1))

#: (name, share of sites, which sites qualify, plant). Order matters where plants interact.
PLANTS: list[tuple[str, float, Callable[[Site], bool], Callable[[Generator, Site], None]]] = [
    ("meta_none", 0.05, _any, _meta("none")),
    ("meta_bad_pubdate", 0.02, lambda s: s.meta == "full", _meta("bad_pubdate")),
    ("meta_no_source", 0.015, lambda s: s.meta == "full", _meta("no_source")),
    ("meta_no_column_type", 0.015, lambda s: s.meta == "full", _meta("no_column_type")),
    ("home_not_updated", 0.02, _any, _home_stale),
    ("stale_dynamic", 0.04, _has("dynamic"), _stale("dynamic", 25, 80)),
    ("stale_notice", 0.04, _has("notice"), _stale("notice", 200, 320)),
    ("stale_personnel", 0.03, lambda s: _has("personnel")(s) and s.date_style not in YEARLESS, _stale("personnel", 400, 700)),
    ("undated_column", 0.01, lambda s: s.layout != "nav", _undated),
    ("empty_column", 0.03, _has(""), _empty),
    ("broken_home", 0.05, _any, _broken_home),
    ("broken_pages", 0.08, _any, _broken_pages),
    ("enquiry_unanswered", 0.03, lambda s: any(c.kind == ENQUIRY for c in s.columns), _enquiry),
    ("no_enquiry_channel", 0.01, lambda s: s.site_type == "portal" and bool(s.columns_of(ENQUIRY)), _no_enquiry),
    ("guide_incomplete", 0.03, _any, _guide),
    ("identity_mismatch", 0.03, _any, _identity),
    ("footer_missing", 0.03, _any, _footer),
    ("serious_wording", 0.02, _any, _text(SERIOUS, "serious_wording")),
    ("typo", 0.03, _any, _text(TYPOS, "typo")),
    ("dark_link", 0.02, _any, _dark),
    ("injected_code", 0.02, _any, _inject),
    ("banned_content", 0.01, _any, _banned),
    ("decoy_csp_only", 0.03, _any, _d_csp),
    ("security_headers", 0.05, lambda s: not s.csp_only, _headers),
    ("a11y_lang", 0.02, _any, _flag("nolang", pages=(1, 2), statics=True)),
    ("a11y_title", 0.02, _any, _flag("notitle")),
    ("a11y_alt", 0.03, _any, _flag("noalt", pages=(1, 2))),
    ("a11y_label", 0.02, _any, _nolabel),
    ("slow_page", 0.01, _any, _SLOW),
    ("hazard_gbk_header", 0.01, _any, _hazard("gbk_header", "decode as GB18030 (Content-Type charset=GBK)")),
    ("hazard_gbk_meta", 0.01, _any, _hazard("gbk_meta", "decode as GB18030 (<meta charset=gb2312>, no header charset)")),
    ("hazard_gbk_none", 0.01, _any, _hazard("gbk_none", "decode by detection (no charset anywhere)")),
    ("hazard_malformed", 0.01, _any, _hazard("malformed", "parse without crashing")),
    ("hazard_binary", 0.01, _any, _hazard("binary", "not_html: binary body under .html")),
    ("hazard_huge", 0.01, _any, _hazard("huge", "too_large: 12 MB body, cut at the byte cap")),
    ("hazard_slowloris", 0.01, _any, _hazard("slowloris", "slow_body: 1 byte/s, cut at the body deadline")),
    ("hazard_redirect_loop", 0.01, _any, _loop),
    ("decoy_outside_link", 0.05, _any, _d_outside),
    ("decoy_analytics", 0.05, _any, _d_analytics),
    ("decoy_text", 0.05, _any, _d_text),
    ("decoy_crackdown", 0.02, _any, _d_crackdown),
    ("decoy_comment_link", 0.03, _any, _d_comment_link),
    ("decoy_dark_comment", 0.02, _any, _d_dark_comment),
    ("decoy_redirect", 0.03, _any, _d_redirect),
    ("decoy_decorative_img", 0.03, _any, _d_decor),
    ("decoy_slowish", 0.01, _any, _d_slowish),
    ("decoy_no_dates", 0.05, _any, _d_nodates),
]


def _demo_names():
    """The demo's fictional province (澜川省, division prefix 99) — so no host is a real government's.

    ``govsites.demo.names`` imports the registry's identifier helpers, which need Django set up;
    nothing here touches a database.
    """
    from django.conf import settings

    if not settings.configured:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsites.settings.test")
        django.setup()
    from govsites.demo import names

    return names


def generate(out: Path, *, sites: int, pages: int, seed: int, now: dt.datetime, port: int = 8800) -> dict:
    """Generate the estate into ``out``; returns the summary (counts and timings)."""
    started = time.perf_counter()
    gen = Generator(sites=sites, pages=pages, seed=seed, now=now, port=port)
    estate = gen.build()
    built = time.perf_counter()
    truth = gen.derive()
    derived = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    estate.save(out / "estate.json")
    (out / "sites.json").write_text(json.dumps(gen.registry(), ensure_ascii=False, indent=1), encoding="utf-8")
    _jsonl(out / "ground_truth.jsonl", truth)
    # a decoy never shares its page and check with a defect (a target-less decoy would match it)
    defects = {(r["site"], r["check"], r["url"]) for r in truth}
    decoys = sorted((d for d in gen.decoys if (d["site"], d["check"], d["url"]) not in defects),
                    key=lambda d: (d["site"], d["check"], d["url"], d["target"]))
    _jsonl(out / "decoys.jsonl", decoys)
    _jsonl(out / "hazards.jsonl", sorted(gen.hazards, key=lambda h: (h["site"], h["url"])))
    (out / "resolve.txt").write_text("\n".join(gen.resolve_lines()) + "\n", encoding="utf-8")
    renderer = Renderer(estate)
    page_count = sum(1 for s in estate.sites for r in renderer.routes(s).values() if r[0] in ("home", "list", "item", "static"))
    by_check: dict[str, int] = {}
    for row in truth:
        by_check[row["check"]] = by_check.get(row["check"], 0) + 1
    summary = {
        "seed": seed, "now": estate.now, "port": port, "sites": len(estate.sites), "pages": page_count,
        "down": {s.host: s.down for s in estate.sites if s.down}, "truth": len(truth), "truth_by_check": by_check,
        "decoys": len(decoys), "hazards": len(gen.hazards),
        "seconds": {"build": round(built - started, 2), "derive": round(derived - built, 2),
                    "total": round(time.perf_counter() - started, 2)},
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows), encoding="utf-8")


def parse_now(value: str | None) -> dt.datetime:
    """``--now``: ``YYYY-MM-DD`` (noon) or ``YYYY-MM-DDTHH:MM``, Asia/Shanghai; default today noon."""
    if not value:
        return dt.datetime.now(TZ).replace(hour=12, minute=0, second=0, microsecond=0, tzinfo=None)
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(hour=12) if fmt == "%Y-%m-%d" else parsed
    raise argparse.ArgumentTypeError(f"--now 应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，收到 {value!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the simulated estate for the monitoring benchmark.")
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--pages", type=int, default=200, help="pages per site (approximately; at least 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", type=parse_now, default=parse_now(None), help="YYYY-MM-DD[THH:MM], Asia/Shanghai")
    parser.add_argument("--port", type=int, default=8800, help="the port serve.py will listen on (URLs carry it)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.sites < 1 or args.pages < 20:
        parser.error("--sites ≥ 1 and --pages ≥ 20")
    summary = generate(args.out, sites=args.sites, pages=args.pages, seed=args.seed, now=args.now, port=args.port)
    print(json.dumps({k: summary[k] for k in ("sites", "pages", "truth", "decoys", "hazards", "seconds")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
