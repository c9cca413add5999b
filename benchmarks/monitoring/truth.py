"""Scoring a findings export against the estate's ground truth (the matching rule in code).

    .venv/bin/python -m benchmarks.monitoring.truth --estate /tmp/estate --findings findings.jsonl

A finding matches a truth line when site, check, normalised URL and target are equal (target
normalised as a URL when it looks like one, else compared as written; ``""`` for site- and
page-level checks). Findings on hazard pages (``hazards.jsonl`` with ``scored: false``: as URL or
as target) and findings of the families the loopback estate cannot show (``https``, ``ipv6``,
``tampering``) are left out of the score. Precision and recall per check and per family; decoy
hits are counted separately (they are also false positives).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from govsites.monitoring.checks.catalogue import CHECKS, FAMILIES, family_of

#: Families a plain-HTTP server on loopback cannot exhibit: not scored.
UNSCORED_FAMILIES = ("https", "ipv6", "tampering")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, default port dropped, fragment dropped, empty path → ``/``.

    Path and query are kept as written (no re-ordering, no percent-decoding).
    """
    url = url.strip()
    if "://" not in url:
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def key(row: dict) -> tuple[str, str, str, str]:
    """(site, check, url, target) of a truth line or a finding, normalised."""
    site = (row.get("site") or row.get("host") or row.get("site_host") or "").lower()
    check = row.get("check") or row.get("check_type") or ""
    target = row.get("target") or ""
    return site, check, normalise_url(row.get("url") or ""), normalise_url(target) if "://" in target else target


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(findings: list[dict], truth: list[dict], *, decoys: list[dict] = (), hazards: list[dict] = ()) -> dict:
    """Per-check and per-family counts (tp, fp, fn), precision and recall; decoy hits; unscored count."""
    ignored = {normalise_url(h["url"]) for h in hazards if not h.get("scored")}
    truth_keys = {key(r) for r in truth}
    found: set[tuple] = set()
    unscored = 0
    for row in findings:
        k = key(row)
        if k[1] not in CHECKS or family_of(k[1]) in UNSCORED_FAMILIES or k[2] in ignored or k[3] in ignored:
            unscored += 1
            continue
        found.add(k)
    targets_at: dict[tuple, set[str]] = {}
    for f in found - truth_keys:
        targets_at.setdefault(f[:3], set()).add(f[3])
    decoy_hits = []
    for d in decoys:
        k = key(d)
        hit = targets_at.get(k[:3], set())
        if hit and (not k[3] or k[3] in hit):
            decoy_hits.append(d)
    per_check: dict[str, Counter] = {}
    misses: dict[str, list] = {"false_positives": sorted(found - truth_keys), "false_negatives": sorted(truth_keys - found)}
    for k in found | truth_keys:
        c = per_check.setdefault(k[1], Counter())
        c["tp" if k in found and k in truth_keys else "fp" if k in found else "fn"] += 1
    per_family: dict[str, Counter] = {}
    for check, c in per_check.items():
        per_family.setdefault(family_of(check), Counter()).update(c)

    def rates(c: Counter) -> dict:
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else None,
                "recall": tp / (tp + fn) if tp + fn else None}

    return {
        "checks": {k: rates(per_check[k]) for k in CHECKS if k in per_check},
        "families": {f: rates(per_family[f]) for f in FAMILIES if f in per_family},
        "decoy_hits": decoy_hits,
        "unscored": unscored,
        **misses,
    }


def score_estate(estate_dir: Path, findings: list[dict]) -> dict:
    return score(findings, load_jsonl(estate_dir / "ground_truth.jsonl"), decoys=load_jsonl(estate_dir / "decoys.jsonl"),
                 hazards=load_jsonl(estate_dir / "hazards.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a findings export against the estate's ground truth.")
    parser.add_argument("--estate", type=Path, required=True)
    parser.add_argument("--findings", type=Path, required=True, help="JSON lines: site, check, url, target, …")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--details", action="store_true",
                        help="also print per-check counts and every false positive and false negative")
    args = parser.parse_args(argv)
    result = score_estate(args.estate, load_jsonl(args.findings))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0

    def pct(value: float | None) -> str:
        return "   -  " if value is None else f"{value:6.3f}"

    print(f"{'family':<18} {'tp':>5} {'fp':>5} {'fn':>5}  precision  recall")
    for family, r in result["families"].items():
        print(f"{family:<18} {r['tp']:>5} {r['fp']:>5} {r['fn']:>5}     {pct(r['precision'])}  {pct(r['recall'])}")
    print(f"decoy hits: {len(result['decoy_hits'])}; unscored findings: {result['unscored']}")
    if args.details:
        print()
        for check, r in result["checks"].items():
            print(f"  {check:<24} {r['tp']:>5} {r['fp']:>5} {r['fn']:>5}     {pct(r['precision'])}  {pct(r['recall'])}")
        for label in ("false_positives", "false_negatives"):
            for _site, check, url, target in result[label]:
                print(f"{label[:14]:<15} {check:<22} {url}  {target}")
        for d in result["decoy_hits"]:
            print(f"decoy hit      {d['check']:<22} {d['url']}  {d.get('target', '')}  ({d.get('note', '')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
