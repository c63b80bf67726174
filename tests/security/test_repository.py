"""Mechanical checks of what is (about to be) committed and of the templates.

- no private key, cloud access key, or password/secret written into a tracked or committable
  file (demo and test passwords are listed on purpose below);
- instance/ (the development secret key, the SQLite database, uploads) is ignored and untracked;
- templates never mark data safe (`|safe`, `{% autoescape false %}`), and Python code never
  builds Markup or renders a template from a string.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Known non-secrets: the demo password printed in the README, test passwords, the load bench's.
ALLOWED_LITERALS = {"demo1234", "test-pass-123", "test-secret-key", "load-test-pass-123",
                    "load-test-secret-key-not-for-production", "not-a-real-password"}
# Placeholders in documentation (postgresql://user:pass@host/db).
PLACEHOLDERS = {"pass", "password", "secret", "changeme", "xxx", "***"}

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in a URL": re.compile(r"\b[a-z+]+://[^/\s:@'\"]+:([^@\s/'\"]{3,})@"),
}
ASSIGNMENT = re.compile(
    r"""(?ix)\b(secret_key|password|passwd|api_key|token|secret)\b\s*[:=]\s*["']([^"'\s]{6,})["']""")


def committable_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    return [ROOT / name.decode() for name in listed if name and (ROOT / name.decode()).is_file()]


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:4096] or len(data) > 2_000_000:
        return None
    return data.decode("utf-8", errors="replace")


def test_no_secrets_in_committable_files():
    problems = []
    for path in committable_files():
        text = text_of(path)
        if text is None:
            continue
        relative = path.relative_to(ROOT)
        for name, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                secret = match.group(1) if match.groups() else match.group(0)
                if secret not in ALLOWED_LITERALS | PLACEHOLDERS and "PASSWORD" not in secret.upper():
                    problems.append(f"{relative}: {name}: {match.group(0)[:60]}")
        for match in ASSIGNMENT.finditer(text):
            value = match.group(2)
            if value in ALLOWED_LITERALS or value.startswith(("os.environ", "{", "$", "<", "%")):
                continue
            if relative.parts[0] == "tests" or "test" in relative.name:
                continue  # test fixtures use throw-away values
            problems.append(f"{relative}: {match.group(1)} = {value[:4]}… looks like a literal secret")
    assert not problems, "\n".join(problems)


def test_instance_and_local_state_are_not_tracked():
    files = [p.relative_to(ROOT) for p in committable_files()]
    assert not [f for f in files if f.parts[0] == "instance"], "instance/ must not be committed"
    assert not [f for f in files if f.suffix in (".sqlite3", ".sqlite", ".db", ".pem", ".key", ".p12", ".pfx")]
    assert not [f for f in files if f.name in (".env", "secret_key", "id_rsa", "id_ed25519")]
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/secret_key"], cwd=ROOT).returncode
    assert ignored == 0, "instance/ must be listed in .gitignore"


def test_templates_never_mark_data_safe():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\|\s*safe\b", line) or re.search(r"autoescape\s+false", line, re.I):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not problems, "\n".join(problems)


def test_python_code_never_bypasses_escaping():
    problems = []
    for path in sorted((ROOT / "inspections").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\bMarkup\(|render_template_string\(|\.autoescape\s*=\s*False|autoescape=False", line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not problems, "\n".join(problems)


def test_scripts_do_not_write_html_from_data():
    """The PWA's scripts build the DOM with textContent; innerHTML/outerHTML/insertAdjacentHTML/
    document.write are not used at all (server data includes user text)."""
    problems = []
    for path in sorted((ROOT / "static").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML\(|document\.write\("
                         r"|\beval\(|new Function\(", line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not problems, "\n".join(problems)
