"""``govsites nginx_config``: write the nginx configuration of every published site.

    govsites nginx_config --front-root /srv/govsites/front --out /etc/nginx/conf.d/govsites.conf \\
        [--cert-dir /etc/govsites/certs] [--http-only] [--listen-http 80 …] [--listen-https 443 …]

Published = hosted sites that are online, temporarily offline, in an outage or closing. A site
whose domain is not a valid host name is left out with a warning (and a non-zero exit), so one
bad registry row can neither inject configuration nor block every other site's configuration.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PUBLISHED_STATUSES = ("online", "temporarily_offline", "outage", "closing")


def published_sites():
    from govsites.registry.models import Site

    return Site.objects.filter(hosted=True, status__in=PUBLISHED_STATUSES).order_by("domain", "pk")


class Command(BaseCommand):
    help = "为所有已发布网站生成 nginx 配置（前台只提供静态文件）"

    def add_arguments(self, parser):
        parser.add_argument("--front-root", default=None, help="前台主机上的前台目录（默认取本地前台目标的目录）")
        parser.add_argument("--out", default="-", help="输出文件（默认标准输出）")
        parser.add_argument("--cert-dir", default="/etc/govsites/certs", help="证书目录：<目录>/<网站>/fullchain.pem")
        parser.add_argument("--http-only", action="store_true", help="只用 HTTP（演示、测试或前面另有 TLS 终结）")
        parser.add_argument("--listen-http", action="append", default=None, help="HTTP 监听地址，可多次指定")
        parser.add_argument("--listen-https", action="append", default=None, help="HTTPS 监听地址，可多次指定")
        parser.add_argument("--no-default-server", action="store_true", help="不生成拒绝未知域名的默认 server")

    def handle(self, *args, **options):
        from govsites.publishing.nginx import ConfigError, check_site, render_config, site_from_registry

        front_root = options["front_root"]
        if not front_root:
            from .front_serve import default_root

            front_root = str(default_root())
        sites, refused = [], []
        for site in published_sites():
            candidate = site_from_registry(site)
            try:
                check_site(candidate)
            except ConfigError as exc:
                refused.append(f"{site.pk} {site.name}: {exc}")
                continue
            sites.append(candidate)
        try:
            text = render_config(
                sites,
                front_root,
                cert_dir=options["cert_dir"],
                http_only=options["http_only"],
                http_listen=options["listen_http"] or ("80", "[::]:80"),
                https_listen=options["listen_https"] or ("443", "[::]:443"),
                form_action_origin=getattr(settings, "GOVSITES_PUBLISHING", {}).get("PUBLIC_SERVICE_ORIGIN"),
                default_server=not options["no_default_server"],
            )
        except (ConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["out"] == "-":
            self.stdout.write(text)
        else:
            write_atomically(Path(options["out"]), text)
            self.stdout.write(f"已为 {len(sites)} 个网站生成 nginx 配置：{options['out']}")
        for line in refused:
            self.stderr.write(f"已跳过（域名无效）：{line}")
        if refused:
            raise CommandError(f"{len(refused)} 个网站的域名无效，未写入配置（其余网站的配置已生成）。")


def write_atomically(path: Path, text: str) -> None:
    """nginx may be reloaded at any moment: it must read the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
