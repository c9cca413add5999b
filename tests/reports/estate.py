"""An estate with two months of supervision data, written straight to the monitoring models.

The province (澜川省) supervises its own portal and the development-and-reform site (省本级), the
city 青岚市 (city portal, statistics bureau, 溪口县 portal) and the city 白河市 (its portal).

November 2026 (the numbers the tests check):
- monthly census 11-10: province 92 ✓, 发改委 85 ✓, 青岚 vetoed (首页不更新) ✗, 统计局 72 ✓,
  溪口 55 ✗ (score below 60), 白河 unreachable (not rated);
- spot check 11-20: 青岚 88 ✓ (its worst result of the month stays ✗), 白河 90 ✓;
- re-check 11-25: 溪口 ✓ (re-checks do not judge: stays ✗).
  ⇒ 6 checked, 4 passed, 2 failed, pass rate 66.7 %; 省本级 100 %, 青岚市 33.3 %, 白河市 100 %.
- findings: 青岚 首页不更新 (new 11-10, due 11-20: overdue), 统计局 broken link (since 10-05,
  fixed 11-15), 溪口 broken link (new 11-10, due 12-31), province broken link (new 11-12, closed
  11-13), 溪口 typo (09-01 … fixed 10-01: not in November).
  ⇒ new 3, fixed 1, closed 1, open at the end 2, overdue 1; top problem 链接不可用 (3 findings,
  3 sites).
- violations: 青岚 问题逾期未整改 (11-21); 溪口 僵尸网站 (10-03, October).

Registry: every site launched in 2020 except 白河 (March 2026); the education department's site
was closed and merged into the province portal on 2026-06-30.

October 2026: monthly census 10-12 — everyone passes except 溪口 (vetoed 栏目不更新).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govsites import clock
from govsites.monitoring.models import (
    Census,
    CensusKind,
    CensusStatus,
    Finding,
    FindingStatus,
    SiteResult,
    SiteResultStatus,
    Violation,
    ViolationKind,
    finding_key,
)
from govsites.registry.models import Level, Site, SiteStatus
from tests.factories import build_estate, government, site


def census(kind: str, at: dt.datetime, results: list[tuple]) -> Census:
    """``results``: (site, passed, score, veto labels[, status, error])."""
    run = Census.objects.create(kind=kind, status=CensusStatus.DONE, started_at=at, finished_at=at)
    for entry in results:
        target, passed, score, vetoes = entry[:4]
        status = entry[4] if len(entry) > 4 else SiteResultStatus.CHECKED
        SiteResult.objects.create(
            census=run, site=target, host=target.domain, home_url=f"https://{target.domain}/", status=status,
            error=entry[5] if len(entry) > 5 else "", passed=passed,
            score=Decimal(str(score)) if score is not None else None,
            vetoes=[{"check": "home_not_updated", "label": label, "count": 1, "evidence": []} for label in vetoes],
            checked_at=at,
        )
    return run


def finding(target, check: str, first_seen: dt.datetime, *, url: str = "", fixed_at=None, closed_at=None,
            due_at=None, severity: str = "deduction") -> Finding:
    url = url or f"https://{target.domain}/"
    status = FindingStatus.CLOSED if closed_at else FindingStatus.FIXED if fixed_at else FindingStatus.OPEN
    return Finding.objects.create(
        key=finding_key(target.domain, check, url, check), site=target, host=target.domain, check_type=check,
        severity=severity, url=url, target=check, status=status, assigned_to=target.institution,
        first_seen=first_seen, last_seen=fixed_at or closed_at or first_seen, due_at=due_at, fixed_at=fixed_at,
        closed_at=closed_at,
    )


def report_estate():
    e = build_estate()
    e.baihe = government("白河市人民政府", Level.CITY, "990200", e.province)
    e.baihe_portal = site(e.baihe, "www.baihe.gov.cn")
    e.province_office.email = "office@lanchuan.gov.cn"
    e.province_office.save()
    at = clock.at
    Site.objects.update(launched_at=at(2020, 1, 1))
    Site.objects.filter(pk=e.baihe_portal.pk).update(launched_at=at(2026, 3, 1))
    # the education department's old site, merged into the portal this year
    e.education_site = site(e.education, "jyt.lanchuan.gov.cn", status=SiteStatus.CLOSED, launched_at=at(2019, 5, 1),
                            closed_at=at(2026, 6, 30), migrated_to=e.province_portal)

    census(CensusKind.MONTHLY, at(2026, 10, 12), [
        (e.province_portal, True, 95, []), (e.dev_reform_site, True, 90, []), (e.city_portal, True, 86, []),
        (e.stats_site, True, 80, []), (e.county_portal, False, None, ["栏目不更新（空白栏目≥5个）"]),
        (e.baihe_portal, True, 91, []),
    ])
    census(CensusKind.MONTHLY, at(2026, 11, 10), [
        (e.province_portal, True, 92, []), (e.dev_reform_site, True, 85, []),
        (e.city_portal, False, None, ["首页不更新"]), (e.stats_site, True, 72, []),
        (e.county_portal, False, 55, []),
        (e.baihe_portal, None, None, [], SiteResultStatus.UNREACHABLE, "首页无法打开：timeout"),
    ])
    census(CensusKind.ADHOC, at(2026, 11, 20), [(e.city_portal, True, 88, []), (e.baihe_portal, True, 90, [])])
    census(CensusKind.RECHECK, at(2026, 11, 25), [(e.county_portal, True, 96, [])])

    e.stale_home = finding(e.city_portal, "home_not_updated", at(2026, 11, 10), due_at=at(2026, 11, 20),
                           severity="veto")
    finding(e.stats_site, "broken_link", at(2026, 10, 5), fixed_at=at(2026, 11, 15), due_at=at(2026, 10, 20))
    finding(e.county_portal, "broken_link", at(2026, 11, 10), due_at=at(2026, 12, 31))
    finding(e.province_portal, "broken_link", at(2026, 11, 12), closed_at=at(2026, 11, 13))
    finding(e.county_portal, "typo", at(2026, 9, 1), fixed_at=at(2026, 10, 1))

    Violation.objects.create(site=e.city_portal, kind=ViolationKind.UNFIXED, occurred_on=dt.date(2026, 11, 21),
                             description="首页长期未更新逾期未整改。")
    Violation.objects.create(site=e.county_portal, kind=ViolationKind.ZOMBIE, occurred_on=dt.date(2026, 10, 3),
                             description="网站长期不更新。")
    return e
