"""Security headers of the admin side and the production settings (CSP, HSTS, cookies)."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_sameorigin

from govsites.security.headers import AdminCSPMiddleware, PermissionsPolicyMiddleware

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.fixture
def admin_client(client, estate):
    client.force_login(estate.province_office)
    return client


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/registry/inbox/", "/api/v1/docs"])
def test_every_django_page_gets_a_strict_csp(client, estate, path):
    if path != "/admin/login/":
        client.force_login(estate.province_office)
    response = client.get(path)
    assert response.status_code == 200, path
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_api_docs_load_swagger_from_our_own_static_files(admin_client):
    body = admin_client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in body
    assert "/static/ninja/swagger-ui-bundle.js" in body


def test_csrf_and_session_cookies_are_same_site(client, estate):
    response = client.get("/admin/login/")
    assert response.cookies["csrftoken"]["samesite"] == "Strict"
    # a real sign-in (factory password "x") sets the session cookie
    login = client.post("/admin/login/", {"username": "province_office", "password": "x"})
    assert login.status_code == 302
    assert login.cookies["sessionid"]["samesite"] == "Lax"
    assert login.cookies["sessionid"]["httponly"]


def test_a_view_framed_by_the_admin_itself_gets_frame_ancestors_self():
    """Django's ``xframe_options_sameorigin`` (Wagtail's page preview) and the CSP agree."""
    request = RequestFactory().get("/admin/pages/1/edit/preview/")

    @xframe_options_sameorigin
    def preview(request):
        return HttpResponse("ok")

    response = AdminCSPMiddleware(preview)(request)
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]
    plain = AdminCSPMiddleware(lambda r: HttpResponse("ok"))(request)
    assert directives(plain["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_a_view_may_send_its_own_permissions_policy():
    request = RequestFactory().get("/")

    def view(request):
        response = HttpResponse("ok")
        response["Permissions-Policy"] = "camera=(self)"
        return response

    assert PermissionsPolicyMiddleware(view)(request)["Permissions-Policy"] == "camera=(self)"


# -- production settings --------------------------------------------------------------------------


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def production_env(tmp_path, **extra):
    """What production settings require from the environment (README "Deployment shapes")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVSITES_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="govsites.settings.production",
        GOVSITES_SECRET_KEY=secrets.token_urlsafe(60),
        GOVSITES_PII_KEYS=f"k1:{key()}",
        GOVSITES_PII_INDEX_KEY=key(),
        GOVSITES_AUDIT_KEY=f"a1:{secrets.token_urlsafe(48)}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        GOVSITES_ALLOWED_HOSTS="admin.example.gov.cn",
        GOVSITES_FRONT_TARGETS="[]",
        GOVSITES_MEDIA_ROOT=str(tmp_path / "media"),
        GOVSITES_STATIC_ROOT=str(tmp_path / "static"),
        PYTHONPATH=str(ROOT / "src"),
    )
    env.update(extra)
    # a variable production settings came to require since: an "id:secret" value (the keys' form)
    source = (ROOT / "src" / "govsites" / "settings" / "production.py").read_text()
    for name in re.findall(r'require\("([A-Z0-9_]+)"\)', source):
        env.setdefault(name, f"k1:{key()}")
    return env


SHOW = """
import json
from django.conf import settings
names = ["DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
         "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
         "SECURE_PROXY_SSL_HEADER", "MIDDLEWARE", "CONTENT_SECURITY_POLICY"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def test_production_settings_are_hardened(tmp_path):
    env = production_env(tmp_path)
    code = "import django; django.setup()\n" + SHOW
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SAMESITE"] == "Strict"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    middleware = values["MIDDLEWARE"]
    assert middleware.index("govsites.security.headers.AdminCSPMiddleware") == (
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    )
    assert "govsites.security.headers.PermissionsPolicyMiddleware" in middleware
    assert "'unsafe-inline'" not in values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"]


@pytest.fixture(scope="module")
def production_db(tmp_path_factory):
    """A migrated SQLite database for production settings (the account checks read it)."""
    folder = tmp_path_factory.mktemp("production")
    result = subprocess.run(
        [sys.executable, "-m", "govsites.manage", "migrate", "--noinput", "-v", "0"],
        env=production_env(folder), capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.mark.parametrize(("preload", "expected"), [("0", {"security.W021"}), ("1", set())])
def test_check_deploy_passes_with_production_settings(production_db, preload, expected):
    """``check --deploy`` finds nothing but, unless preloading is opted into, W021 (documented)."""
    env = production_env(production_db, GOVSITES_HSTS_PRELOAD=preload)
    result = subprocess.run(
        [sys.executable, "-m", "govsites.manage", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    found = {token.strip("():") for token in output.split() if token.startswith("(") and "." in token}
    assert found == expected, output


# -- the published fronts (static files: the front server and nginx send the headers) ----------------


def test_front_server_and_nginx_send_a_strict_policy_and_the_other_headers():
    from govsites.publishing.frontserver import security_headers
    from govsites.publishing.nginx import NginxSite, render_config

    headers = dict(security_headers(https=True))
    csp = directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]  # no inline code at all
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in headers["Permissions-Policy"]

    config = render_config([NginxSite(key="www.example.gov.cn", domain="www.example.gov.cn")], "/srv/front")
    for name, value in headers.items():
        assert f'add_header {name} "{value}" always;' in config
