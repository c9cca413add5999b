"""Every check type the monitor can report, named once.

A check type's ``key`` is what findings, the JSON-lines export and the benchmark's ground truth
use; its ``family`` groups types for precision/recall and for the check modules (one module per
family under ``govsites.monitoring.checks``); ``indicator`` names the national inspection
indicator it feeds (``national.md`` §2). ``severity`` is the default:

- ``veto`` — on its own enough to fail the site (单项否决);
- ``serious`` — alert at once (serious wording errors, dark links, tampering);
- ``deduction`` — counts in the 100-point part; several of them together may add up to a veto
  (e.g. five stale columns) — the scoring module applies those thresholds from the profile;
- ``warning`` — worth fixing, not scored.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("veto", "serious", "deduction", "warning")


@dataclass(frozen=True)
class CheckType:
    key: str
    family: str
    label: str  # Chinese, shown to sponsors and supervisors
    severity: str
    indicator: str = ""


_TYPES = (
    # availability (站点无法访问)
    CheckType("site_unreachable", "availability", "站点无法访问", "veto", "站点无法访问"),
    CheckType("home_unreachable", "availability", "首页无法打开", "deduction", "首页可用性"),
    # freshness (首页不更新 / 栏目不更新)
    CheckType("home_not_updated", "freshness", "首页长期未更新", "veto", "首页不更新"),
    CheckType("column_not_updated", "freshness", "栏目未按时更新", "deduction", "栏目不更新"),
    CheckType("column_empty", "empty_columns", "空白栏目", "deduction", "栏目不更新"),
    # REG-14: nothing updated for far longer than the veto window — integrate or shut it down
    CheckType("zombie_site", "freshness", "长期不更新（僵尸网站）", "veto", "首页不更新"),
    # links (链接可用性)
    CheckType("broken_link_home", "broken_links", "首页链接不可用", "deduction", "链接可用性"),
    CheckType("broken_link", "broken_links", "链接不可用", "deduction", "链接可用性"),
    # interaction (互动回应差)
    CheckType("enquiry_unanswered", "interaction", "留言超过3个月未答复", "veto", "互动回应差"),
    CheckType("no_enquiry_channel", "interaction", "无可用的咨询建议渠道", "veto", "互动回应差"),
    # services (服务不实用)
    CheckType("guide_incomplete", "service_guides", "办事指南要素缺失", "deduction", "服务不实用"),
    # identity (网页设计规范: footer and meta tags)
    CheckType("footer_missing", "identity", "页面底部标识要素缺失", "deduction", "网页设计规范"),
    CheckType("identity_mismatch", "identity", "网站标识信息与备案不符", "deduction", "网页设计规范"),
    CheckType("meta_missing", "identity", "网页标签缺失或不规范", "warning", "网页设计规范"),
    # wording (严重错误 / 错别字)
    CheckType("serious_wording", "wording", "严重表述错误", "serious", "严重错误"),
    CheckType("typo", "wording", "错别字", "deduction", "内容准确性"),
    # dark links, trojans, banned content (安全、泄密事故等严重问题; SEC-04)
    CheckType("dark_link", "dark_links", "暗链", "serious", "安全、泄密事故等严重问题"),
    CheckType("injected_code", "dark_links", "被植入外部脚本或框架", "serious", "安全、泄密事故等严重问题"),
    CheckType("banned_content", "dark_links", "违规有害内容", "serious", "安全、泄密事故等严重问题"),
    CheckType("tampered", "tampering", "页面被篡改", "serious", "安全、泄密事故等严重问题"),
    # transport and headers (安全防护)
    CheckType("https_missing", "https", "未启用HTTPS", "warning", "安全防护"),
    CheckType("certificate_invalid", "https", "HTTPS证书无效或即将过期", "deduction", "安全防护"),
    CheckType("ipv6_unreachable", "ipv6", "IPv6无法访问", "warning", "IPv6支持"),
    CheckType("security_header_missing", "security_headers", "缺少安全响应头", "warning", "安全防护"),
    # accessibility (GB/T 37668) and page design
    CheckType("a11y_lang", "accessibility", "页面未声明语言", "warning", "无障碍"),
    CheckType("a11y_title", "accessibility", "页面缺少标题", "warning", "无障碍"),
    CheckType("a11y_alt", "accessibility", "图片缺少替代文本", "warning", "无障碍"),
    CheckType("a11y_label", "accessibility", "表单控件缺少标签", "warning", "无障碍"),
    CheckType("slow_page", "performance", "页面加载超过3秒", "deduction", "网页设计规范"),
)

CHECKS: dict[str, CheckType] = {t.key: t for t in _TYPES}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(t.family for t in _TYPES))


def check_type(key: str) -> CheckType:
    """The check type named ``key``; a KeyError names the unknown key."""
    try:
        return CHECKS[key]
    except KeyError:
        raise KeyError(f"unknown check type {key!r}") from None


def family_of(key: str) -> str:
    return check_type(key).family
