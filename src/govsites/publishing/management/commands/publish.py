"""``govsites publish``: publish queued changes, rebuild sites, or run the publisher loop.

    govsites publish                      # publish every queued change once
    govsites publish --all [--site ID …]  # full rebuild (the estate or some sites), both cores
    govsites publish --verify             # one integrity watch cycle (SEC-04)
    govsites publish --watch              # loop: queued changes every second, scheduled
                                          # publishing every minute, integrity watch every minute,
                                          # and every app's scheduled jobs (govsites.scheduling)
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from govsites.content.models import SiteHomePage
from govsites.registry.models import Site


def _rebuild(site_id: int) -> tuple[int, int, int, int, float]:
    """Runs in a worker process: one site's full rebuild."""
    from govsites.publishing.pipeline import publish_site

    result = publish_site(Site.objects.get(pk=site_id), full=True, reason="rebuild")
    return result.site_id, result.rendered, result.written, result.removed, result.seconds


def _worker_init() -> None:
    connections.close_all()  # never share the parent's database connection across a fork


class Command(BaseCommand):
    help = "发布网站：发布待发布变更、全量重建或持续运行发布进程"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="全量重建（默认全部网站，可用 --site 指定）")
        parser.add_argument("--site", type=int, action="append", default=[], help="网站ID（可多次指定）")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="全量重建使用的进程数")
        parser.add_argument("--verify", action="store_true", help="执行一次防篡改检查")
        parser.add_argument("--watch", action="store_true", help="持续运行：发布变更、定时发布、防篡改检查")
        parser.add_argument("--interval", type=float, default=1.0, help="--watch 检查待发布变更的间隔（秒）")
        parser.add_argument("--integrity-every", type=float, default=60.0, help="--watch 防篡改检查间隔（秒）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["all"]:
            return self.rebuild(options)
        if options["verify"]:
            return self.verify()
        if options["watch"]:
            return self.watch(options)
        from govsites.publishing.pipeline import publish_pending

        for result in publish_pending():
            self.report(result)

    def rebuild(self, options) -> None:
        from tqdm import tqdm

        sites = Site.objects.filter(pk__in=SiteHomePage.objects.values("registry_site_id"))
        if options["site"]:
            sites = sites.filter(pk__in=options["site"])
            missing = set(options["site"]) - set(sites.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"这些网站没有可发布的内容树：{sorted(missing)}")
        site_ids = list(sites.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        pages = written = 0
        bar = tqdm(total=len(site_ids), unit="站", disable=options["no_progress"], desc="全量重建")
        workers = max(1, min(options["workers"], len(site_ids)))
        if workers == 1:
            results = (_rebuild(site_id) for site_id in site_ids)
            for result in results:
                pages, written = pages + result[1], written + result[2]
                bar.update(1)
                bar.set_postfix(files=pages)
        else:
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
                futures = [pool.submit(_rebuild, site_id) for site_id in site_ids]
                for future in as_completed(futures):
                    result = future.result()
                    pages, written = pages + result[1], written + result[2]
                    bar.update(1)
                    bar.set_postfix(files=pages)
        bar.close()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"重建 {len(site_ids)} 个网站：渲染 {pages} 个文件，写入 {written} 个，用时 {seconds:.1f} 秒"
            f"（{pages / seconds if seconds else 0:.0f} 个/秒）"
        )

    def verify(self) -> None:
        from govsites.publishing.integrity import check_all

        incidents = check_all()
        for incident in incidents:
            self.stdout.write(
                f"网站 {incident.site_id} @ {incident.target}：篡改 {len(incident.modified)}，多出 {len(incident.added)}，"
                f"缺失 {len(incident.removed)} — {incident.get_status_display()}"
            )
        self.stdout.write(f"防篡改检查完成：{len(incidents)} 个事件。")

    def watch(self, options) -> None:
        from govsites import clock
        from govsites.publishing.announcements import queue_due
        from govsites.publishing.integrity import check_all
        from govsites.publishing.pipeline import publish_pending
        from govsites.scheduling import Scheduler

        last_integrity = last_scheduled = 0.0
        notices_checked = clock.now() - dt.timedelta(minutes=1)
        other_jobs = Scheduler()  # the other apps' periodic jobs (audit verification, retention, …)
        self.stdout.write("发布进程已启动（Ctrl-C 停止）")
        while True:
            now = time.monotonic()
            other_jobs.run_due(now)
            if now - last_scheduled >= 60:
                call_command("publish_scheduled", verbosity=0)  # Wagtail's scheduled go-live / expiry
                checked_until = clock.now()
                queue_due(notices_checked, checked_until)  # registry notices starting or ending
                notices_checked = checked_until
                last_scheduled = now
            for result in publish_pending():
                self.report(result)
            if now - last_integrity >= options["integrity_every"]:
                check_all()
                last_integrity = now
            time.sleep(options["interval"])

    def report(self, result) -> None:
        if result.release is not None:
            self.stdout.write(
                f"网站 {result.site_id} 发布版本 {result.release.number}：渲染 {result.rendered}，"
                f"写入 {result.written}，删除 {result.removed}，{result.seconds * 1000:.0f} 毫秒"
            )
