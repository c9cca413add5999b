"""Real servers on 127.0.0.1 for the counterfeit tests: a tiny UDP DNS responder and a web server
that answers by Host header."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from aiohttp import web

Records = Mapping[str, Mapping[str, list[str]]]  # name → {"A": [...], "NS": [...]}; absent → NXDOMAIN


class DnsResponder:
    """asyncio DatagramProtocol answering from ``records``; keeps the questions it was asked."""

    def __init__(self, records: Records) -> None:
        self.records = {k.lower(): v for k, v in records.items()}
        self.questions: list[tuple[str, str]] = []
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.questions.append((name, rdtype))
        entry = self.records.get(name)
        if entry is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif entry.get(rdtype):
            response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", rdtype, entry[rdtype]))
        self.transport.sendto(response.to_wire(), addr)

    def error_received(self, exc) -> None:
        pass

    def connection_lost(self, exc) -> None:
        pass


@contextlib.asynccontextmanager
async def dns_server(records: Records) -> AsyncIterator[tuple[int, DnsResponder]]:
    responder = DnsResponder(records)
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: responder, local_addr=("127.0.0.1", 0)
    )
    try:
        yield transport.get_extra_info("sockname")[1], responder
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def web_server(routes: Mapping[str, web.StreamResponse | str]) -> AsyncIterator[int]:
    """Serve ``routes``: host → HTML (or a ready response, e.g. a redirect); others get 404."""

    async def handle(request: web.Request) -> web.StreamResponse:
        page = routes.get(request.host.split(":")[0].lower())
        if page is None:
            return web.Response(status=404, text="not here")
        if isinstance(page, str):
            return web.Response(text=page, content_type="text/html", charset="utf-8")
        return page

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()
