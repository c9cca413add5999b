"""CI checks of the hardening part: scripts/audit-deps.sh (``make audit``), run for real with
stand-in ``pip-audit`` and ``npm`` that answer what the services would: a vulnerability fails the
build and is listed; an unreachable service warns and passes; a clean report passes."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit-deps.sh"

CLEAN_PY = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []},
                             {"name": "pillow", "version": "13.0.0", "vulns": []}], "fixes": []}
VULNERABLE_PY = {"dependencies": [
    {"name": "django", "version": "5.2.1", "vulns": [
        {"id": "PYSEC-2025-47", "fix_versions": ["5.2.2"], "aliases": ["CVE-2025-48432"], "description": "x"}]},
    {"name": "pillow", "version": "13.0.0", "vulns": []}], "fixes": []}
UNREACHABLE_PY = {"dependencies": [
    {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"},
    {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited: pillow (13.0.0)"}],
    "fixes": []}
CLEAN_NODE = {"auditReportVersion": 2, "vulnerabilities": {},
              "metadata": {"vulnerabilities": {"total": 0}, "dependencies": {"total": 1}}}
VULNERABLE_NODE = {"auditReportVersion": 2, "vulnerabilities": {"axe-core": {
    "name": "axe-core", "severity": "high", "range": "<4.10.3", "fixAvailable": {"name": "axe-core", "version": "4.10.3"},
    "via": [{"title": "Prototype pollution", "url": "https://github.com/advisories/GHSA-test-0000-0000"}]}},
    "metadata": {"vulnerabilities": {"total": 1}, "dependencies": {"total": 1}}}
UNREACHABLE_NODE = {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
                    "statusCode": 405}


def fake(tmp_path, name, payload, exit_code=0, *, output_flag=None) -> str:
    """An executable that prints ``payload`` (or writes it to the file after ``output_flag``)."""
    path = tmp_path / name
    path.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"payload = {json.dumps(json.dumps(payload))}\n"
        f"args = sys.argv[1:]\n"
        f"if {output_flag!r} and {output_flag!r} in args:\n"
        f"    open(args[args.index({output_flag!r}) + 1], 'w').write(payload)\n"
        f"else:\n    print(payload)\n"
        f"sys.exit({exit_code})\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def run_audit(tmp_path, python_report, node_report, *, python_exit=0, node_exit=0, **env):
    environ = {
        **os.environ,
        "PY": sys.executable,
        "PIP_AUDIT": fake(tmp_path, "pip-audit", python_report, python_exit, output_flag="-o"),
        "NPM": fake(tmp_path, "npm", node_report, node_exit),
        **env,
    }
    return subprocess.run(["bash", str(SCRIPT)], env=environ, capture_output=True, text=True, timeout=300,
                          check=False, cwd=ROOT)


def test_a_clean_report_passes(tmp_path):
    result = run_audit(tmp_path, CLEAN_PY, CLEAN_NODE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no known vulnerabilities" in result.stdout and "WARNING" not in result.stderr


@pytest.mark.parametrize(("python_report", "node_report", "listed"), [
    (VULNERABLE_PY, CLEAN_NODE, "Python django 5.2.1: PYSEC-2025-47 (fixed in: 5.2.2)"),
    (CLEAN_PY, VULNERABLE_NODE, "Node axe-core <4.10.3: high https://github.com/advisories/GHSA-test-0000-0000"),
])
def test_a_known_vulnerability_fails_and_is_listed(tmp_path, python_report, node_report, listed):
    result = run_audit(tmp_path, python_report, node_report, python_exit=1, node_exit=1)
    assert result.returncode == 1, result.stdout + result.stderr
    assert listed in result.stdout


def test_an_accepted_vulnerability_can_be_ignored(tmp_path):
    result = run_audit(tmp_path, VULNERABLE_PY, CLEAN_NODE, AUDIT_IGNORE="CVE-2025-48432")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unreachable_service_warns_but_does_not_fail(tmp_path):
    result = run_audit(tmp_path, UNREACHABLE_PY, UNREACHABLE_NODE, node_exit=1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING: dependency audit incomplete" in result.stderr
    assert "Python" in result.stderr and "Node" in result.stderr and "405" in result.stderr


def test_pip_audit_crashing_on_the_network_warns_but_does_not_fail(tmp_path):
    result = run_audit(tmp_path, None, CLEAN_NODE, python_exit=1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-audit gave no report" in result.stderr


def test_make_test_runs_the_audit():
    makefile = (ROOT / "Makefile").read_text()
    assert "\naudit:" in makefile and "scripts/audit-deps.sh" in makefile
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "audit" in test_target
