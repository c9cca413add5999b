"""The generated nginx configuration: validated by the real ``nginx -t`` and served by a real
nginx on 127.0.0.1 from a LocalFolderTarget folder."""

import http.client
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from govsites.publishing.nginx import ConfigError, NginxSite, ascii_host_name, render_config
from govsites.publishing.targets.local import LocalFolderTarget
from govsites.registry.models import Site, SiteStatus
from tests.factories import site as make_site
from tests.publishing.targets.support import Store, free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/system-deps.sh)")

SITES = [
    NginxSite("www.example.gov.cn", "www.example.gov.cn", "示例省人民政府.政务", "示例省人民政府"),
    NginxSite("fgw.example.gov.cn", "fgw.example.gov.cn", "", "示例省发展和改革委员会网站"),
    NginxSite("site-7", "", "", "尚无域名的网站"),
]
UPSTREAMS = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass", "upstream")


def wrap(folder: Path, include: Path) -> Path:
    """A minimal nginx.conf around the generated file, everything under ``folder``."""
    mime = "include /etc/nginx/mime.types;" if os.path.exists("/etc/nginx/mime.types") else ""
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/client_body;
{temp}
    include {include};
}}
"""
    )
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run([NGINX, "-t", "-q", "-c", str(conf), "-p", str(conf.parent), "-e", str(conf.parent / "error.log")],
                          capture_output=True, text=True)


@pytest.fixture
def certs(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path / "certs"
    one = folder / "one"
    one.mkdir(parents=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(one / "privkey.pem"), "-out", str(one / "fullchain.pem"), "-days", "2",
                    "-subj", "/CN=www.example.gov.cn"], check=True, capture_output=True)
    for site in SITES:
        shutil.copytree(one, folder / site.key)
    return folder


# -- generation ------------------------------------------------------------------------------


@pytest.mark.rule("SEC-01")
def test_files_only_no_upstream_to_the_admin():
    text = render_config(SITES, "/srv/govsites/front")
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    assert not any(word in line for line in lines for word in UPSTREAMS)
    assert "return 405;" in text and "autoindex off;" in text and "server_tokens off;" in text
    assert "return 444;" in text and "ssl_reject_handshake on;" in text


def test_server_names_aliases_and_roots():
    text = render_config(SITES, "/srv/govsites/front", cert_dir="/etc/govsites/certs")
    chinese = "示例省人民政府.政务".encode("idna").decode()
    assert chinese.startswith("xn--")
    assert "server_name www.example.gov.cn;" in text
    assert f"server_name {chinese} example.gov.cn;" in text  # aliases → 301 to the canonical name
    assert f"server_name www.example.gov.cn {chinese} example.gov.cn;" in text  # HTTP → HTTPS
    assert "return 301 https://www.example.gov.cn$request_uri;" in text
    assert "root /srv/govsites/front/www.example.gov.cn;" in text
    assert "ssl_certificate /etc/govsites/certs/fgw.example.gov.cn/fullchain.pem;" in text
    assert "server_name www.fgw.example.gov.cn" not in text and "server_name fgw.example.gov.cn;" in text
    assert "Strict-Transport-Security \"max-age=31536000\"" in text
    assert "site-7" not in re.sub(r"^#.*$", "", text, flags=re.M)  # no domain: no server block


def test_bare_domain_alias_only_when_nobody_owns_it():
    sites = [NginxSite("www.example.gov.cn", "www.example.gov.cn"), NginxSite("example.gov.cn", "example.gov.cn")]
    text = render_config(sites, "/srv/front", http_only=True)
    assert re.findall(r"server_name ([^;]+);", text) == ["_", "www.example.gov.cn", "example.gov.cn"]
    alone = render_config(sites[:1], "/srv/front", http_only=True)
    assert re.findall(r"server_name ([^;]+);", alone) == ["_", "www.example.gov.cn", "example.gov.cn"]
    assert "return 301 http://www.example.gov.cn$request_uri;" in alone


def test_http_only():
    text = render_config(SITES, "/srv/front", http_only=True, http_listen=["127.0.0.1:8080"])
    assert "ssl" not in text and "Strict-Transport-Security" not in text and "443" not in text
    assert "listen 127.0.0.1:8080;" in text


@pytest.mark.parametrize(
    "domain",
    ["evil.gov.cn;", "evil.gov.cn; root /", "a.gov.cn\n}", "a.gov.cn\nserver {", "{a}.gov.cn", "a.gov.cn}",
     "a b.gov.cn", "$host.gov.cn", "a.gov.cn'", 'a.gov.cn"', "-a.gov.cn", "a..gov.cn", "localhost", "a.gov.cn#x",
     "a.gov.cn\\", "a.gov.cn\r", "*.gov.cn", "a_b.gov.cn"],
)
def test_crafted_domains_are_refused(domain):
    with pytest.raises(ConfigError):
        render_config([NginxSite("www.example.gov.cn", domain)], "/srv/front")
    with pytest.raises(ConfigError):
        render_config([NginxSite("www.example.gov.cn", "www.example.gov.cn", domain)], "/srv/front")


@pytest.mark.parametrize("chinese", ["示例;.政务", "示例\n}.政务", "示例{.政务", "示例 政务", "示例.政务;root /"])
def test_crafted_chinese_domains_are_refused(chinese):
    with pytest.raises(ConfigError):
        ascii_host_name(chinese)


@pytest.mark.parametrize(
    "kwargs",
    [{"front_root": "/srv/front;\n}"}, {"front_root": "relative"}, {"front_root": "/srv/fr ont"},
     {"front_root": "/srv/../etc"}, {"cert_dir": "/etc/x;"}, {"http_listen": ["80; include /etc/passwd"]},
     {"https_listen": ["443 ssl"]}, {"form_action_origin": "https://a.gov.cn; script-src *"},
     {"form_action_origin": 'https://a.gov.cn"'}],
)
def test_other_unsafe_values_are_refused(kwargs):
    kwargs = {"front_root": "/srv/front", **kwargs}
    with pytest.raises(ValueError):
        render_config(SITES, **kwargs)


def test_unsafe_site_key_is_refused():
    with pytest.raises(ConfigError):
        render_config([NginxSite("../etc", "www.example.gov.cn")], "/srv/front")


# -- the real nginx ----------------------------------------------------------------------------


@needs_nginx
def test_generated_https_config_passes_nginx_t(tmp_path, certs):
    include = tmp_path / "govsites.conf"
    port, tls = free_port(), free_port()
    include.write_text(render_config(SITES, str(tmp_path / "front"), cert_dir=str(certs),
                                     http_listen=[f"127.0.0.1:{port}"], https_listen=[f"127.0.0.1:{tls}"],
                                     form_action_origin="https://zwfw.example.gov.cn"))
    done = nginx_test(wrap(tmp_path, include))
    assert done.returncode == 0, done.stderr
    # and nginx -t really checks: a broken file fails
    include.write_text(include.read_text().replace("server_name www.example.gov.cn;", "server_name www.example.gov.cn"))
    assert nginx_test(wrap(tmp_path, include)).returncode != 0


def request(port, path, host, method="GET", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture
def nginx(tmp_path):
    """A real nginx serving a LocalFolderTarget folder over HTTP on 127.0.0.1."""
    if NGINX is None:
        pytest.skip("nginx is not installed (scripts/system-deps.sh)")
    store = Store(tmp_path / "store")
    front = LocalFolderTarget("local", tmp_path / "front")
    front.apply("www.example.gov.cn", None, 1, store.writes({
        "index.html": "<h1>首页 v1</h1>",
        "404.html": "<h1>本站 404</h1>",
        "zwdt/index.html": "<h1>政务动态</h1>",
        "assets/site.0123abcd.css": "body { color: #333; }\n" * 40,
        "images/logo.png": "png",
        ".well-known/security.txt": "Contact: mailto:a@example.gov.cn",
    }), [])
    (tmp_path / "front" / "secret.txt").write_text("TOP SECRET")
    port = free_port()
    include = tmp_path / "govsites.conf"
    include.write_text(render_config(SITES, str(front.path), http_only=True, http_listen=[f"127.0.0.1:{port}"]))
    conf = wrap(tmp_path, include)
    assert nginx_test(conf).returncode == 0, nginx_test(conf).stderr
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            request(port, "/", "www.example.gov.cn")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {proc.stderr.read().decode()}")
            time.sleep(0.02)
    yield port, front, store
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.rule("SEC-01")
def test_real_nginx_serves_the_front_by_host(nginx):
    port, front, store = nginx
    host = "www.example.gov.cn"
    status, headers, body = request(port, "/", host)
    assert (status, body.decode()) == (200, "<h1>首页 v1</h1>")
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert headers["content-security-policy"].startswith("default-src 'self'; img-src 'self' data:;")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["server"] == "nginx"  # no version
    assert "strict-transport-security" not in headers  # --http-only

    status, headers, _ = request(port, "/assets/site.0123abcd.css", host, headers={"Accept-Encoding": "gzip"})
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"
    assert request(port, "/images/logo.png", host)[1]["cache-control"] == "public, max-age=86400"

    status, headers, _ = request(port, "/zwdt", host)
    assert (status, headers["location"]) == (301, "/zwdt/")
    assert request(port, "/zwdt/", host)[2].decode() == "<h1>政务动态</h1>"

    status, headers, body = request(port, "/nope.html", host)
    assert (status, body.decode()) == (404, "<h1>本站 404</h1>")
    assert headers["x-content-type-options"] == "nosniff"

    etag = request(port, "/", host)[1]["etag"]
    assert request(port, "/", host, headers={"If-None-Match": etag})[0] == 304


@pytest.mark.rule("SEC-01")
def test_real_nginx_refuses_everything_but_files(nginx):
    port, front, store = nginx
    host = "www.example.gov.cn"
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        status, headers, _ = request(port, "/", host, method=method, headers={"Content-Length": "0"})
        assert status == 405 and headers["x-frame-options"] == "SAMEORIGIN"
    assert request(port, "/images/", host)[0] == 404  # no listings
    live = Path(os.path.realpath(front.path / host))
    (live / ".git").mkdir()
    (live / ".git" / "config").write_text("TOP SECRET")
    for path in ["/.git/config", "/../secret.txt", "/%2e%2e/secret.txt", "/zwdt/../../secret.txt"]:
        status, _, body = request(port, path, host)
        assert status in (400, 404) and b"TOP SECRET" not in body, path
    assert request(port, "/.well-known/security.txt", host)[0] == 200
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        request(port, "/", "unknown.example.com")  # 444: unknown names get nothing
    chinese = "示例省人民政府.政务".encode("idna").decode()
    status, headers, _ = request(port, "/zwdt/?a=1", chinese)  # an alias only redirects
    assert (status, headers["location"]) == (301, "http://www.example.gov.cn/zwdt/?a=1")


@needs_nginx
def test_real_nginx_sees_an_atomic_switch_at_once(nginx):
    port, front, store = nginx
    host = "www.example.gov.cn"
    before = request(port, "/", host)[1]["etag"]
    front.apply(host, 1, 2, store.writes({"index.html": "<h1>首页 v2</h1>"}), ["zwdt/index.html"])
    status, headers, body = request(port, "/", host)
    assert (status, body.decode()) == (200, "<h1>首页 v2</h1>")
    assert headers["etag"] != before
    assert request(port, "/zwdt/", host)[0] == 404


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def registry(estate):
    Site.objects.filter(pk=estate.city_portal.pk).update(hosted=False)  # external: not ours to serve
    Site.objects.filter(pk=estate.county_portal.pk).update(status=SiteStatus.CLOSED)
    Site.objects.filter(pk=estate.stats_site.pk).update(status=SiteStatus.TEMPORARILY_OFFLINE)
    make_site(estate.education, "jyt.lanchuan.gov.cn", status=SiteStatus.PROPOSED)
    return estate


def test_nginx_config_command(registry, tmp_path):
    """Published = hosted and online / temporarily offline / outage / closing; a crafted domain in
    the registry is skipped (and reported), never written, and does not block the other sites."""
    out = tmp_path / "conf.d" / "govsites.conf"
    call_command("nginx_config", "--front-root", "/srv/govsites/front", "--out", str(out), "--cert-dir", "/etc/certs")
    text = out.read_text()
    served = {n.split()[0] for n in re.findall(r"server_name ([^;]+);", text)}
    assert {"www.lanchuan.gov.cn", "fgw.lanchuan.gov.cn", "tjj.qinglan.gov.cn"} <= served
    assert "www.qinglan.gov.cn" not in text  # external
    assert "www.xikou.gov.cn" not in text  # closed
    assert "jyt.lanchuan.gov.cn" not in text  # only proposed
    assert "澜川省人民政府.政务".encode("idna").decode() in text
    assert "root /srv/govsites/front/www.lanchuan.gov.cn;" in text

    Site.objects.filter(pk=registry.dev_reform_site.pk).update(domain="fgw.lanchuan.gov.cn;\n}\nserver {")
    with pytest.raises(CommandError):
        call_command("nginx_config", "--front-root", "/srv/front", "--out", str(out), "--http-only")
    text = out.read_text()
    assert "fgw.lanchuan" not in text
    assert "server_name www.lanchuan.gov.cn;" in text


@needs_nginx
def test_nginx_config_command_output_passes_nginx_t(registry, tmp_path):
    out = tmp_path / "govsites.conf"
    port = free_port()
    call_command("nginx_config", "--front-root", str(tmp_path / "front"), "--out", str(out), "--http-only",
                 "--listen-http", f"127.0.0.1:{port}")
    done = nginx_test(wrap(tmp_path, out))
    assert done.returncode == 0, done.stderr


def test_site_name_cannot_break_out_of_its_comment():
    text = render_config([NginxSite("www.example.gov.cn", "www.example.gov.cn", "", "名称\n}\nserver { listen 1;\r")],
                         "/srv/front")
    assert "listen 1;" not in [line.strip() for line in text.splitlines()]
    assert "# www.example.gov.cn 名称 } server { listen 1;" in text
