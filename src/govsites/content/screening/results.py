"""What screening returns: findings with positions, and the verdict the workflow acts on."""

from __future__ import annotations

from dataclasses import dataclass

from .dictionaries import Action

WHERE_LABELS = {
    "text": "正文",
    "hidden": "隐藏文本",
    "href": "链接地址",
    "alt": "图片说明",
    "title": "提示文字",
    "meta": "网页关键词或描述",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found.

    ``start``/``end`` are offsets in the screened input as given (the text, or the HTML source
    for :meth:`Screener.screen_html`), so ``source[start:end]`` is what to highlight.
    ``position`` is the 1-based character of the visible text an editor counts to ("第35字");
    for an attribute or a hidden element it is where the element sits in the visible text.
    """

    start: int
    end: int
    term: str  # the dictionary term, or the name of the heuristic
    category: str
    action: Action
    context: str  # the surrounding text, for the editor
    matched: str = ""  # the characters as written ("赌 * 博"), invisible characters removed
    where: str = "text"  # see WHERE_LABELS
    position: int = 0
    note: str = ""  # why it was downgraded, evasion, what a heuristic saw (Chinese)

    @property
    def where_label(self) -> str:
        return WHERE_LABELS.get(self.where, self.where)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    findings: tuple[Finding, ...] = ()
    screened_chars: int = 0
    omitted: int = 0  # further findings that were counted but not listed (limits.max_findings)

    def _with(self, action: Action) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.action == action)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return self._with(Action.BLOCK)

    @property
    def flagged(self) -> tuple[Finding, ...]:
        return self._with(Action.FLAG)

    @property
    def informational(self) -> tuple[Finding, ...]:
        return self._with(Action.INFO)

    @property
    def blocked(self) -> bool:
        """The item cannot be submitted or published as it is."""
        return any(f.action == Action.BLOCK for f in self.findings)

    @property
    def needs_acknowledgement(self) -> bool:
        """A reviewer must acknowledge the flagged findings before the item goes on."""
        return any(f.action == Action.FLAG for f in self.findings)

    @property
    def passed(self) -> bool:
        """Nothing blocks and nothing needs acknowledgement (info findings may remain)."""
        return not any(f.action in (Action.BLOCK, Action.FLAG) for f in self.findings)
