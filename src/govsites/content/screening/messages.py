"""The message an editor reads after screening, in Simplified Chinese."""

from __future__ import annotations

from .results import Finding, ScreeningResult

MAX_LISTED = 5  # findings named per group; the rest are counted
MAX_QUOTED = 20  # characters of a finding quoted in the message


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…"


def describe(finding: Finding, with_category: bool = True) -> str:
    """``第35字“赌博”（赌博）`` or ``第12字处的链接地址“…”（商业广告）``."""
    place = f"第{finding.position}字" if finding.position else ""
    if finding.where != "text":
        place += f"处的{finding.where_label}"
    quoted = f"“{_quote(finding.matched)}”" if finding.matched else ""
    if not finding.matched and finding.note:
        label = f"（{finding.category}：{finding.note}）"
    else:
        label = f"（{finding.category}）" if with_category else ""
    return f"{place}{quoted}{label}" or finding.category


def _listing(findings: tuple[Finding, ...] | list[Finding], with_category: bool) -> str:
    named = "、".join(describe(f, with_category) for f in findings[:MAX_LISTED])
    return named + ("等" if len(findings) > MAX_LISTED else "")


def summary(result: ScreeningResult) -> str:
    """One paragraph for the editor: what blocks publishing, what needs confirming, where."""
    if not result.findings and not result.omitted:
        return "未发现违禁内容和商业广告。"
    parts = []
    blocking = result.blocking
    if blocking:
        parts.append(f"发现{len(blocking)}处禁止发布的内容：{_listing(blocking, with_category=True)}")
    by_category: dict[str, list[Finding]] = {}
    for finding in result.flagged:
        by_category.setdefault(finding.category, []).append(finding)
    for category, findings in by_category.items():
        parts.append(f"{len(findings)}处疑似{category}需确认：{_listing(findings, with_category=False)}")
    informational = result.informational
    if informational:
        parts.append(f"{len(informational)}处出现在打击、防范等报道语境中，仅作提示")
    if result.omitted:
        parts.append(f"另有{result.omitted}处未逐一列出")
    if blocking:
        advice = "请修改后再提交。"
    elif result.flagged:
        advice = "需审核人员确认后方可发布。"
    else:
        advice = "不影响发布。"
    return "；".join(parts) + "。" + advice

