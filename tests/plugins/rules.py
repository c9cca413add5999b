"""Rule traceability: ``@pytest.mark.rule("REG-07")`` and ``--rules-report=PATH``.

Every rule ID used must exist in ``requirements.md`` (a typo fails collection). The report lists
every rule of the catalogue with how many marked tests passed and failed, and which tests.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

RULE_ROW = re.compile(r"^\|\s*([A-Z]{3}-\d{2})\s*\|")


def requirements_path(rootdir: Path) -> Path:
    configured = os.environ.get("GOVSITES_REQUIREMENTS")
    if configured:
        return Path(configured)
    return rootdir.parent / "shared" / "spec" / "requirements.md"


def catalogue(rootdir: Path) -> list[str]:
    path = requirements_path(rootdir)
    if not path.is_file():
        return []
    return [m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := RULE_ROW.match(line))]


def pytest_addoption(parser):
    parser.addoption("--rules-report", default=None, help="write the rule coverage report (JSON) to this path")


def pytest_configure(config):
    config._rules_catalogue = catalogue(Path(str(config.rootpath)))
    config._rules_results = defaultdict(lambda: {"passed": 0, "failed": 0, "tests": []})
    config._rules_outcomes = {}


def rule_ids(item) -> list[str]:
    return [rule for mark in item.iter_markers("rule") for rule in mark.args]


def pytest_collection_modifyitems(session, config, items):
    known = set(config._rules_catalogue)
    for item in items:
        ids = rule_ids(item)
        if any(not isinstance(i, str) for i in ids):
            raise pytest.UsageError(f"{item.nodeid}: rule IDs must be strings")
        unknown = [i for i in ids if known and i not in known]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown rule ID(s) {unknown} (not in requirements.md)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    ids = rule_ids(item)
    if not ids:
        return
    outcomes = item.config._rules_outcomes
    failed = report.failed or (report.when == "call" and report.skipped and not hasattr(report, "wasxfail"))
    if report.when == "call" and report.passed:
        outcomes.setdefault(item.nodeid, (ids, "passed"))
    if failed:
        outcomes[item.nodeid] = (ids, "failed" if report.failed else "skipped")


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    path = config.getoption("--rules-report")
    if not path:
        return
    results = {rule: {"passed": 0, "failed": 0, "tests": []} for rule in config._rules_catalogue}
    for nodeid, (ids, outcome) in sorted(config._rules_outcomes.items()):
        for rule in ids:
            entry = results.setdefault(rule, {"passed": 0, "failed": 0, "tests": []})
            if outcome == "passed":
                entry["passed"] += 1
            elif outcome == "failed":
                entry["failed"] += 1
            entry["tests"].append(nodeid)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    config._rules_summary = results


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = getattr(config, "_rules_summary", None)
    if results is None:
        return
    write = terminalreporter.write_line
    write("")
    write("rule     passed  failed  status")
    proven = 0
    for rule in sorted(results):
        entry = results[rule]
        status = "proven" if entry["passed"] and not entry["failed"] else ("FAILING" if entry["failed"] else "-")
        proven += status == "proven"
        write(f"{rule:<8} {entry['passed']:>6}  {entry['failed']:>6}  {status}")
    write(f"{proven} of {len(results)} rules proven; report in {config.getoption('--rules-report')}")
