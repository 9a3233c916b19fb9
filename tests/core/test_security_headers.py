"""Headers (issue 15, defect 10): a Content-Security-Policy that runs only Hamsu's own
scripts and styles (no inline code, no CDN), HSTS and the https redirect when
HAMSU_SECURE_COOKIES=1, and `hamsu check --deploy` clean with the production settings
that README.md and docs/security.md document."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hamsu

pytestmark = pytest.mark.django_db

PACKAGE = Path(hamsu.__file__).parent


def _directive(response, name: str) -> list[str]:
    policy = response["Content-Security-Policy"]
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def test_a_page_carries_a_content_security_policy(client, rep):
    client.force_login(rep.user)
    assert "Content-Security-Policy" in client.get("/")


def test_scripts_come_only_from_hamsu_itself(client, rep):
    client.force_login(rep.user)
    assert _directive(client.get("/"), "script-src") == ["'self'"]


def test_styles_come_only_from_hamsu_itself(client, rep):
    client.force_login(rep.user)
    assert _directive(client.get("/"), "style-src") == ["'self'"]


def test_no_page_may_frame_hamsu(client, rep):
    client.force_login(rep.user)
    assert _directive(client.get("/"), "frame-ancestors") == ["'none'"]


def test_the_login_page_carries_the_policy_too(client):
    assert _directive(client.get("/login/"), "script-src") == ["'self'"]


# The policy blocks inline code, so no template may rely on it: every script is a static
# file, every style a class (a <script type="application/json"> data block is not code).
TEMPLATES = sorted(PACKAGE.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_template_has_an_inline_script(template):
    assert INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_template_has_an_inline_style(template):
    assert INLINE_STYLE.findall(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_template_has_an_inline_event_handler(template):
    assert EVENT_HANDLER.findall(template.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- the API's documentation


def test_the_api_documentation_loads_swagger_ui_from_our_static_files(client, rep):
    client.force_login(rep.user)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle" in page


def test_the_api_documentation_loads_nothing_from_elsewhere(client, rep):
    client.force_login(rep.user)
    page = client.get("/api/v1/docs").content.decode()
    assert re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', page) == []


def test_swagger_ui_is_installed_from_npm():
    root = PACKAGE.parent.parent
    assert '"swagger-ui-dist"' in (root / "package.json").read_text()


# ---------------------------------------------------------------- production settings

# The production settings documented in README.md ("Running in production").
PRODUCTION = {
    "HAMSU_SECRET_KEY": "k" * 20 + "Zq8#vR2$mW5!xT9@pL3^nB7&cF4*hJ6%",
    "HAMSU_ALLOWED_HOSTS": "hamsu.example.com",
    "HAMSU_CSRF_TRUSTED_ORIGINS": "https://hamsu.example.com",
    "HAMSU_SECURE_COOKIES": "1",
    "HAMSU_DEBUG": "0",
}


def _run(args: list[str], tmp_path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: no HAMSU_* of the test run, and not the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (which the deploy check rightly refuses).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HAMSU_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"HAMSU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "hamsu.settings", **extra})
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def _setting(name: str, tmp_path, extra: dict[str, str]) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return _run([sys.executable, "-c", code], tmp_path, extra).stdout.strip()


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, PRODUCTION
    )
    assert result.returncode == 0, result.stderr


def test_secure_cookies_turn_on_hsts_for_a_year(tmp_path):
    assert _setting("SECURE_HSTS_SECONDS", tmp_path, PRODUCTION) == "31536000"


def test_secure_cookies_turn_on_the_https_redirect(tmp_path):
    assert _setting("SECURE_SSL_REDIRECT", tmp_path, PRODUCTION) == "True"


def test_without_secure_cookies_there_is_no_hsts(tmp_path):
    # A local, plain-http install must not tell browsers to refuse http for a year.
    assert _setting("SECURE_HSTS_SECONDS", tmp_path, {}) == "0"


def test_an_https_response_carries_hsts(client, rep, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client.force_login(rep.user)
    assert client.get("/", secure=True)["Strict-Transport-Security"].startswith("max-age=31536000")
