"""``govsites census``: check the registry's running sites (or a given list) against the national
indicators, store the results and findings, and write the findings export (JSON lines)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govsites.audit.context import Actor
from govsites.monitoring.census import CensusOptions, run_census
from govsites.monitoring.checks.catalogue import FAMILIES
from govsites.monitoring.crawler.fetch import parse_resolve
from govsites.monitoring.export import write_jsonl
from govsites.monitoring.models import CensusKind, Finding, FindingStatus
from govsites.monitoring.sitelist import SiteListError, read_site_list, registry_sites


class Command(BaseCommand):
    help = "对登记的网站（或给定清单）进行检查，保存结果，并导出问题清单（JSON Lines）。"

    def add_arguments(self, parser):
        parser.add_argument("--sites", type=Path, help="网站清单：JSON（SiteFacts 字段）或每行一个域名/首页地址；默认为登记在册的运行中网站")
        parser.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDR",
                            help="像 curl --resolve 一样把域名解析到指定地址（可重复）")
        parser.add_argument("--resolve-file", type=Path, help="每行一个 HOST:PORT:ADDR")
        parser.add_argument("--export", type=Path, help="问题清单输出文件（JSON Lines）；'-' 为标准输出")
        parser.add_argument("--kind", choices=CensusKind.values, default=CensusKind.ADHOC)
        parser.add_argument("--note", default="")
        parser.add_argument("--only", action="append", choices=FAMILIES, help="只检查这些类别（可重复）")
        parser.add_argument("--skip", action="append", choices=FAMILIES, default=[], help="不检查这些类别（可重复）")
        parser.add_argument("--max-pages", type=int, help="每个网站最多抓取的页面数")
        parser.add_argument("--max-depth", type=int, help="从首页起的最大链接深度")
        parser.add_argument("--per-host", type=int, help="每个网站同时进行的请求数")
        parser.add_argument("--delay", type=float, help="对同一网站两次请求之间的间隔（秒）")
        parser.add_argument("--concurrency", type=int, help="全部网站同时进行的请求数")
        parser.add_argument("--scheme", choices=("http", "https"), default="https",
                            help="登记网站首页使用的协议（默认 https）")

    def handle(self, *args, **options):
        resolve = list(options["resolve"])
        if options["resolve_file"]:
            try:
                resolve += [line.strip() for line in options["resolve_file"].read_text(encoding="utf-8").splitlines()
                            if line.strip() and not line.lstrip().startswith("#")]
            except OSError as exc:
                raise CommandError(f"无法读取 {options['resolve_file']}：{exc}") from None
        try:
            parse_resolve(resolve)
        except ValueError as exc:
            raise CommandError(f"--resolve 格式应为 HOST:PORT:ADDR：{exc}") from None
        try:
            sites = read_site_list(options["sites"]) if options["sites"] else registry_sites(options["scheme"])
        except SiteListError as exc:
            raise CommandError(str(exc)) from None
        if not sites:
            raise CommandError("没有需要检查的网站。")
        families = tuple(f for f in (options["only"] or FAMILIES) if f not in options["skip"])
        fetcher = {key: options[name] for key, name in (("per_host_concurrency", "per_host"), ("host_delay", "delay"),
                                                        ("concurrency", "concurrency")) if options[name] is not None}
        census_options = CensusOptions(resolve=resolve, families=families, max_pages=options["max_pages"],
                                       max_depth=options["max_depth"], fetcher=fetcher)
        verbose = options["verbosity"] > 0

        def progress(done, total, host):
            if verbose:
                self.stderr.write(f"[{done}/{total}] {host}")

        try:
            census = run_census(sites, Actor.cli(None), kind=options["kind"], note=options["note"],
                                options=census_options, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        findings = (Finding.objects.filter(last_census=census, status=FindingStatus.OPEN)
                    .order_by("host", "check_type", "url", "target"))
        if options["export"]:
            if str(options["export"]) == "-":
                count = write_jsonl(findings.iterator(), sys.stdout)
            else:
                with options["export"].open("w", encoding="utf-8") as stream:
                    count = write_jsonl(findings.iterator(), stream)
        else:
            count = findings.count()
        results = census.results.all()
        failed = sum(1 for r in results if r.passed is False)
        self.stderr.write(self.style.SUCCESS(
            f"检查完成：{results.count()} 个网站，不合格 {failed} 个，问题 {count} 条，用时 {census.stats.get('seconds')} 秒"
            + (f"；问题清单：{options['export']}" if options["export"] and str(options["export"]) != "-" else "")))
