"""Which sites a census checks: the registry's, or a given list.

A list is either JSON (a list of objects with the fields of :class:`~.types.SiteFacts`, at least
``host`` or ``home_url``; the simulated estate's ``sites.json`` is one) or text with one host or
home-page URL a line (``#`` starts a comment). Hosts without a scheme get ``https://``.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

from govsites.registry.models import Site, SiteStatus

from .types import SiteFacts

_FIELDS = {f.name for f in fields(SiteFacts)}


class SiteListError(ValueError):
    """A site list that cannot be read; the message says where and why (Chinese)."""


def _home(value: str, scheme: str = "https") -> tuple[str, str]:
    value = value.strip()
    if "://" not in value:
        value = f"{scheme}://{value}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteListError(f"无效的网站地址：{value}")
    path = parts.path or "/"
    return parts.hostname.lower(), f"{parts.scheme}://{parts.netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def facts_from_mapping(row: dict, where: str = "") -> SiteFacts:
    if not isinstance(row, dict):
        raise SiteListError(f"{where}每一项应为对象。")
    home = row.get("home_url") or row.get("url") or row.get("host") or row.get("site") or ""
    if not home:
        raise SiteListError(f"{where}缺少 host 或 home_url。")
    host, home_url = _home(str(home))
    values = {k: v for k, v in row.items() if k in _FIELDS}
    values.update(host=str(row.get("host") or host).lower(), home_url=home_url)
    if isinstance(values.get("allowed_domains"), list):
        values["allowed_domains"] = tuple(values["allowed_domains"])
    return SiteFacts(**values)


def read_site_list(path: Path) -> list[SiteFacts]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteListError(f"无法读取网站清单 {path}：{exc}") from None
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SiteListError(f"网站清单 {path} 不是有效的 JSON：第{exc.lineno}行 {exc.msg}") from None
        rows = data.get("sites", []) if isinstance(data, dict) else data
        return [facts_from_mapping(row, f"第{i}项：") for i, row in enumerate(rows, 1)]
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            try:
                host, home_url = _home(line)
            except SiteListError as exc:
                raise SiteListError(f"第{number}行：{exc}") from None
            out.append(SiteFacts(host=host, home_url=home_url))
    return out


def facts_for_site(site: Site, scheme: str = "https") -> SiteFacts:
    """What the registry says about ``site`` (its domain must be set)."""
    host, home_url = _home(site.domain, scheme)
    return SiteFacts(
        host=host, home_url=home_url, name=site.name, sponsor=site.sponsor_name,
        identifier_code=site.site_code, icp_number=site.icp_number,
        police_filing=site.public_security_number, contact=site.contact_phone,
        hosted=site.hosted, site_id=site.pk,
    )


def registry_sites(scheme: str = "https") -> list[SiteFacts]:
    """Every site of the registry that should answer: running ones with a domain."""
    sites = Site.objects.filter(status=SiteStatus.ONLINE).exclude(domain="").select_related("institution")
    return [facts_for_site(site, scheme) for site in sites.order_by("domain")]
