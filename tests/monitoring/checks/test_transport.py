"""HTTPS, certificate and IPv6 checks against real servers on loopback with certificates made here."""

import asyncio
import contextlib
import datetime as dt
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govsites import clock
from govsites.monitoring.checks.transport import (
    certificate_names,
    check_certificate,
    check_https,
    check_ipv6,
    check_transport,
    host_matches,
)
from govsites.monitoring.types import SiteFacts

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key, cert):
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


class CA:
    def __init__(self, cn):
        self.key = _key()
        self.name = _name(cn)
        self.cert = (
            x509.CertificateBuilder().subject_name(self.name).issuer_name(self.name)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - 3650 * DAY).not_valid_after(NOW + 3650 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def issue(self, *names, before=-30, after=365, self_signed=False):
        key = _key()
        subject = _name(names[0])
        builder = (
            x509.CertificateBuilder().subject_name(subject)
            .issuer_name(subject if self_signed else self.name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW + before * DAY).not_valid_after(NOW + after * DAY)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        )
        return key, builder.sign(key if self_signed else self.key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A test CA, a stranger CA, and a certificate per server name (chosen by SNI)."""
    ca, stranger = CA("govsites test CA"), CA("someone else's CA")
    leaves = {
        "good.test": ca.issue("good.test", "*.good.test"),
        "expired.test": ca.issue("expired.test", before=-400, after=-10),
        "notyet.test": ca.issue("notyet.test", before=5, after=400),
        "expiring.test": ca.issue("expiring.test", after=10),
        "wrong.test": ca.issue("other.test"),
        "selfsigned.test": ca.issue("selfsigned.test", self_signed=True),
        "stranger.test": stranger.issue("stranger.test"),
    }
    directory = tmp_path_factory.mktemp("pki")
    contexts = {}
    for name, (key, cert) in leaves.items():
        key_pem, cert_pem = _pem(key, cert)
        (directory / f"{name}.key").write_bytes(key_pem)
        (directory / f"{name}.crt").write_bytes(cert_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / f"{name}.crt", directory / f"{name}.key")
        contexts[name] = context

    def pick(ssl_object, server_name, _context):
        ssl_object.context = contexts.get(server_name or "", contexts["good.test"])

    front = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    front.load_cert_chain(directory / "good.test.crt", directory / "good.test.key")
    front.sni_callback = pick
    (directory / "ca.pem").write_text(ca.pem)
    return {"ca": ca, "cafile": str(directory / "ca.pem"), "server": front}


@contextlib.asynccontextmanager
async def http_server(routes=None, *, host="127.0.0.1", ssl_context=None, garbage=False):
    """Answers GET by (Host, path) from ``routes`` → (status, Location); 200 otherwise."""
    routes = {} if routes is None else routes

    async def handle(reader, writer):
        try:
            if garbage:
                writer.write(b"this is not TLS\r\n\r\n")
                return
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            path = head[0].split(" ")[1]
            name = next(line.split(":", 1)[1].strip() for line in head if line.lower().startswith("host:"))
            name = name.rsplit(":", 1)[0] if not name.endswith("]") else name
            status, location = routes.get((name, path), (200, ""))
            extra = f"Location: {location}\r\n" if location else ""
            writer.write(f"HTTP/1.1 {status} X\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nok".encode())
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, 0, ssl=ssl_context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def free_port(host="127.0.0.1", family=socket.AF_INET):
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def run(coro):
    return asyncio.run(coro)


def certificate(pki, host, **options):
    async def main():
        async with http_server(ssl_context=pki["server"]) as port:
            return await check_certificate(host, port=port, cafile=pki["cafile"], timeout=3,
                                           resolve={host: "127.0.0.1"}, **options)

    return run(main())


def reasons(observations):
    assert all(o.check == "certificate_invalid" for o in observations)
    return [r for o in observations for r in o.detail["reasons"]]


@pytest.mark.rule("SUP-03")
def test_a_valid_certificate_from_the_trusted_ca_passes(pki):
    assert certificate(pki, "good.test") == []
    assert certificate(pki, "www.good.test") == []  # the wildcard


@pytest.mark.rule("SUP-03")
@pytest.mark.parametrize(("host", "expected", "words"), [
    ("expired.test", ["expired"], "过期"),
    ("notyet.test", ["not_yet_valid"], "尚未生效"),
    ("expiring.test", ["expiring"], "剩余"),
    ("wrong.test", ["hostname_mismatch"], "other.test"),
    ("selfsigned.test", ["self_signed"], "自签名"),
    ("stranger.test", ["untrusted"], "不受信任"),
])
def test_certificate_problems_are_named(pki, host, expected, words):
    found = certificate(pki, host)
    assert reasons(found) == expected
    assert found[0].target.startswith(f"{host}:") and words in found[0].evidence
    assert found[0].url.startswith(f"https://{host}:")


def test_certificate_details_and_thresholds(pki):
    found = certificate(pki, "expiring.test")
    assert found[0].detail["days_left"] in (9, 10)
    assert found[0].detail["names"] == ["expiring.test"]
    assert certificate(pki, "expiring.test", expiry_days=5) == []
    # Dates are judged against the platform clock, not the machine's.
    with clock.frozen(NOW + 400 * DAY):
        assert reasons(certificate(pki, "good.test")) == ["expired"]
    assert reasons(certificate(pki, "good.test", now=NOW + 350 * DAY)) == ["expiring"]
    # Several problems at once are one observation listing them all.
    found = certificate(pki, "wrong.test", now=NOW + 400 * DAY)
    assert len(found) == 1 and reasons(found) == ["expired", "hostname_mismatch"]
    assert "；" in found[0].evidence


def test_without_the_test_ca_the_system_store_does_not_trust_it(pki):
    async def main():
        async with http_server(ssl_context=pki["server"]) as port:
            return await check_certificate("good.test", port=port, timeout=3, resolve={"good.test": "127.0.0.1"})

    assert reasons(run(main())) == ["untrusted"]


def test_no_https_is_not_a_certificate_finding_but_a_broken_handshake_is():
    async def main():
        closed = await check_certificate("x.test", port=free_port(), timeout=2, resolve={"x.test": "127.0.0.1"})
        async with http_server(garbage=True) as port:
            broken = await check_certificate("x.test", port=port, timeout=2, resolve={"x.test": "127.0.0.1"})
        return closed, broken

    closed, broken = run(main())
    assert closed == []
    assert reasons(broken) == ["tls_error"]


def test_host_matching():
    assert host_matches("a.good.test", ["*.good.test"])
    assert not host_matches("a.b.good.test", ["*.good.test"])
    assert not host_matches("good.test", ["*.good.test"])
    assert host_matches("WWW.Good.Test.", ["www.good.test"])
    assert host_matches("127.0.0.1", ["127.0.0.1"]) and not host_matches("127.0.0.1", ["*.0.0.1"])


def test_certificate_names_fall_back_to_the_common_name(pki):
    ca = pki["ca"]
    key = ec.generate_private_key(ec.SECP256R1())
    bare = (x509.CertificateBuilder().subject_name(_name("legacy.test")).issuer_name(ca.name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(NOW).not_valid_after(NOW + DAY)
            .sign(ca.key, hashes.SHA256()))
    assert certificate_names(bare) == ["legacy.test"]


def https(pki, routes, host, *, https_open=True, http_open=True, **options):
    """check_https against a TLS and a plain server sharing ``routes``, whose Location values may
    name the ports as ``{https}`` / ``{http}`` (known once the servers listen)."""

    async def main():
        live = {}
        async with http_server(live, ssl_context=pki["server"]) as tls_port, http_server(live) as plain_port:
            ports = {"https": tls_port if https_open else free_port(), "http": plain_port if http_open else free_port()}
            live.update({key: (status, location.format(**ports)) for key, (status, location) in routes.items()})
            return await check_https(host, https_port=ports["https"], http_port=ports["http"], timeout=2,
                                      resolve={host: "127.0.0.1"}, **options)

    return run(main())


@pytest.mark.rule("SUP-03")
def test_http_redirecting_to_https_passes(pki):
    assert https(pki, {("good.test", "/"): (301, "https://good.test:{https}/")}, "good.test") == []
    # plain-HTTP hops first, then HTTPS
    chain = {("good.test", "/"): (302, "/index.html"), ("good.test", "/index.html"): (301, "https://good.test:{https}/")}
    assert https(pki, chain, "good.test") == []
    # no plain HTTP at all: nothing served in clear text
    assert https(pki, {}, "good.test", http_open=False) == []


@pytest.mark.rule("SUP-03")
def test_http_serving_the_page_is_https_missing(pki):
    found = https(pki, {}, "good.test")
    assert [(o.check, o.detail["reason"], o.detail["status"]) for o in found] == [("https_missing", "no_redirect", 200)]
    assert found[0].target.startswith("http://good.test:")
    looping = https(pki, {("good.test", "/"): (302, "http://good.test:{http}/")}, "good.test", max_redirects=3)
    assert looping[0].detail["reason"] == "no_redirect" and len(looping[0].detail["redirects"]) == 4


@pytest.mark.rule("SUP-03")
def test_no_https_listener_is_https_missing(pki):
    found = https(pki, {}, "good.test", https_open=False)
    assert [(o.check, o.detail["reason"], o.detail["error"]) for o in found] == [("https_missing", "no_https", "connect")]
    assert "HTTPS无法访问" in found[0].evidence


def ipv6_available():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not ipv6_available(), reason="this machine cannot bind an IPv6 socket on ::1")


@needs_ipv6
@pytest.mark.rule("SUP-03")
def test_ipv6_reachable_and_unreachable():
    async def main():
        async with http_server(host="::1") as port:
            pinned = await check_ipv6(f"http://v6.test:{port}/", timeout=2, resolve={"v6.test": "[::1]"})
            literal = await check_ipv6(f"http://[::1]:{port}/", timeout=2)
        dead_port = free_port("::1", socket.AF_INET6)
        dead = await check_ipv6(f"http://dead.test:{dead_port}/", timeout=2, resolve={"dead.test": "[::1]"})
        v4_only = await check_ipv6("http://v4.test/", timeout=2, resolve={"v4.test": "127.0.0.1"})
        return pinned, literal, dead, v4_only

    pinned, literal, dead, v4_only = run(main())
    assert pinned == [] and literal == []
    assert [(o.check, o.detail["reason"]) for o in dead] == [("ipv6_unreachable", "connect_failed")]
    assert "::1" in dead[0].evidence
    assert [(o.check, o.detail["reason"], o.target) for o in v4_only] == [("ipv6_unreachable", "no_aaaa", "v4.test")]


def test_all_three_for_a_site(pki):
    async def main():
        async with http_server({("good.test", "/"): (301, "https://good.test/")}) as plain, \
                http_server(ssl_context=pki["server"]) as tls_port:
            site = SiteFacts(host="good.test", home_url="https://good.test/")
            return await check_transport(site, timeout=2, cafile=pki["cafile"], resolve=[
                f"good.test:443:127.0.0.1:{tls_port}", f"good.test:80:127.0.0.1:{plain}"])

    found = run(main())
    # HTTPS enforced, certificate fine; the override pins the host to IPv4 only.
    assert [(o.check, o.detail["reason"]) for o in found] == [("ipv6_unreachable", "no_aaaa")]
