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


#: Chinese labels of the measured values checks keep in ``Finding.detail`` (the keys stay English:
#: the JSON-lines export and the benchmark read them). A key missing here is shown as it is.
DETAIL_LABELS = {
    "a": "A记录", "aaaa": "AAAA记录", "addresses": "地址", "anchor": "链接文字", "asked": "提问时间", "attempts": "尝试次数",
    "bytes": "页面大小（字节）", "checked_pages": "检查页面数", "column": "栏目", "contact": "联系方式",
    "correct": "正确写法", "count": "出现次数", "days": "天数", "density": "关键词密度", "dns": "域名解析",
    "element": "元素", "error": "错误", "error_detail": "错误详情", "error_report": "我为政府网站找错入口",
    "examples": "示例", "expected": "应为", "failed": "失败次数", "farm": "链接数量", "final_url": "最终地址",
    "found": "实际", "guide": "办事指南", "head_terms": "页头关键词", "host": "域名", "how": "方式",
    "https": "HTTPS", "icp": "ICP备案号", "identifier_code": "网站标识码", "invalid": "不符合要求",
    "invisible": "不可见", "items": "条目数", "keywords": "关键词", "kind": "类型", "last_date": "最近更新日期",
    "level": "栏目层级", "limit": "限值", "missing": "缺少", "missing_count": "缺少要素数", "months": "月数",
    "mx": "MX记录", "name": "名称", "navigation_only": "仅导航链接", "note": "说明", "ns": "NS记录",
    "office": "职务", "pages": "页面数", "pages_checked": "检查页面数", "percent": "比例（%）",
    "placeholder": "占位内容", "police_filing": "公安机关备案号", "present": "已有要素", "probes": "探测次数",
    "reason": "原因", "reasons": "原因", "redirects": "跳转", "replied": "已答复", "score": "可疑程度评分",
    "seconds": "耗时（秒）", "served": "实际内容摘要", "site_mark": "党政机关网站标识", "sponsor": "主办单位",
    "status": "HTTP状态码", "technique": "隐藏手段", "terms": "命中关键词", "text": "文字", "title": "标题",
    "unconfirmed": "待确认要素", "undated_items": "无日期条目数", "value": "值", "via": "来源",
    "where": "位置", "window": "统计期（天）",
}
