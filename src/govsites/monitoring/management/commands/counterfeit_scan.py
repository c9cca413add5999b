"""``govsites counterfeit_scan --as USER``: look for counterfeits of the registry's sites (look-alike
domains and a candidate list), open a case for each counterfeit found (SEC-07), and write every
suspect to a JSON-lines report."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.monitoring.counterfeit.cases import open_cases
from govsites.monitoring.counterfeit.dns import DomainResolver
from govsites.monitoring.counterfeit.scan import read_candidate_list, scan
from govsites.monitoring.crawler.fetch import Fetcher
from govsites.monitoring.sitelist import registry_sites
from govsites.registry.models import Site


class Command(BaseCommand):
    help = "扫描假冒政府网站（仿冒域名与线索清单），对认定为假冒的网站登记案件，并输出全部可疑域名。"

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="以哪位安全管理员的名义登记案件")
        parser.add_argument("--candidates", type=Path, help="线索清单：每行一个域名或网址")
        parser.add_argument("--no-permutations", action="store_true", help="只检查线索清单，不生成仿冒域名")
        parser.add_argument("--nameserver", action="append", default=[], help="DNS 服务器地址（可重复）")
        parser.add_argument("--dns-port", type=int, default=53)
        parser.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDR")
        parser.add_argument("--report", type=Path, help="可疑域名报告（JSON Lines）")
        parser.add_argument("--scheme", choices=("http", "https"), default="https")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在或已停用。")
        candidates = []
        if options["candidates"]:
            try:
                candidates, problems = read_candidate_list(options["candidates"])
            except OSError as exc:
                raise CommandError(f"无法读取线索清单：{exc}") from None
            for problem in problems:
                self.stderr.write(f"已跳过：{problem}")
        sites = registry_sites(options["scheme"])
        if not sites:
            raise CommandError("登记在册的运行中网站为空。")
        suspects = asyncio.run(self.scan(sites, candidates, options))
        if options["report"]:
            with options["report"].open("w", encoding="utf-8") as stream:
                for suspect in suspects:
                    stream.write(json.dumps(asdict(suspect), ensure_ascii=False, default=str) + "\n")
        by_host = {s.domain.lower(): s for s in Site.objects.filter(pk__in=[f.site_id for f in sites])}
        try:
            opened = open_cases(Actor.cli(user), suspects, by_host)
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        for domain, why in opened.refused:
            self.stderr.write(f"{domain}：未登记（{why}）")
        suspicious = sum(1 for s in suspects if s.verdict == "suspicious")
        self.stdout.write(f"可疑域名 {len(suspects)} 个（其中待人工研判 {suspicious} 个），新登记假冒网站案件 "
                          f"{len(opened.cases)} 起，已有未结案件 {len(opened.already_open)} 起。")

    async def scan(self, sites, candidates, options):
        resolver = DomainResolver(options["nameserver"] or None, port=options["dns_port"])
        async with Fetcher(resolve=options["resolve"] or None) as fetcher:
            return await scan(sites, fetcher.get, resolver=resolver, candidates=candidates,
                              permute=not options["no_permutations"])
