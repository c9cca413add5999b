import asyncio
import socket
import time

from govsites.monitoring.counterfeit.dns import DomainResolver, Resolution

from .servers import dns_server

RECORDS = {
    "jinzhong-gov.com": {"A": ["127.0.0.1", "127.0.0.2"], "AAAA": ["::1"], "MX": ["10 mx.jinzhong-gov.com."],
                         "NS": ["ns1.example.net.", "ns2.example.net."]},
    "parked.example.com": {"NS": ["ns1.parking.example."]},
}


def resolve(names, **options):
    async def main():
        async with dns_server(RECORDS) as (port, responder):
            resolver = DomainResolver(["127.0.0.1"], port=port, timeout=1, lifetime=2, **options)
            return await resolver.resolve_many(names), responder.questions

    return asyncio.run(main())


def test_records_and_nxdomain():
    found, questions = resolve(["jinzhong-gov.com", "JinZhong-Gov.com.", "nothing.example.com", "parked.example.com"])
    live = found["jinzhong-gov.com"]
    assert live == Resolution("jinzhong-gov.com", a=("127.0.0.1", "127.0.0.2"), aaaa=("::1",),
                              mx=("mx.jinzhong-gov.com",), ns=("ns1.example.net", "ns2.example.net"))
    assert live.registered and live.addresses == ("127.0.0.1", "127.0.0.2", "::1")
    assert found["nothing.example.com"] == Resolution("nothing.example.com", error="nxdomain")
    assert not found["nothing.example.com"].registered
    parked = found["parked.example.com"]
    assert parked.registered and parked.addresses == () and parked.error == ""
    # NXDOMAIN costs one query; a live name all four types.
    assert [q for q in questions if q[0] == "nothing.example.com"] == [("nothing.example.com", "A")]
    assert sorted(t for n, t in questions if n == "jinzhong-gov.com") == ["A", "A", "AAAA", "AAAA", "MX", "MX", "NS", "NS"]


def test_record_types_can_be_limited():
    found, questions = resolve(["jinzhong-gov.com"], record_types=["A"])
    assert found["jinzhong-gov.com"].mx == () and found["jinzhong-gov.com"].a
    assert {t for _, t in questions} == {"A"}


def test_a_silent_nameserver_times_out_quickly():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        async def main():
            resolver = DomainResolver(["127.0.0.1"], port=silent.getsockname()[1], timeout=0.2, lifetime=0.4,
                                      concurrency=10)
            return await resolver.resolve_many([f"name{i}.example.com" for i in range(20)])

        started = time.monotonic()
        found = asyncio.run(main())
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert {r.error for r in found.values()} == {"timeout"}
    assert elapsed < 3  # 20 names, 10 at a time, 0.4 s each


def test_invalid_names_are_reported_not_raised():
    found, _ = resolve(["a" * 70 + ".com"])
    assert found["a" * 70 + ".com"].error == "invalid"
