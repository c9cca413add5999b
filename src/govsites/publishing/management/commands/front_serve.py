"""``govsites front_serve``: serve the local front folder over HTTP with the built-in server.

    govsites front_serve [--port 8001] [--host 127.0.0.1] [--root FOLDER]

For the embedded demo and single-host installs; it serves files only (no database, no Django
request handling). Production fronts use nginx (``govsites nginx_config``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def default_root() -> Path:
    """The folder of the first ``local`` target: what the publisher writes on this machine."""
    from govsites.publishing.targets import configured_targets
    from govsites.publishing.targets.local import LocalFolderTarget

    for target in configured_targets():
        if isinstance(target, LocalFolderTarget):
            return target.path
    raise CommandError("没有配置本地前台目标（kind=local），请用 --root 指定前台目录。")


class Command(BaseCommand):
    help = "用内置前台服务器发布本机前台目录中的网站（只读静态文件）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001, help="监听端口（默认 8001）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--root", default=None, help="前台目录（默认取本地前台目标的目录）")
        parser.add_argument("--quiet", action="store_true", help="不输出访问日志")

    def handle(self, *args, **options):
        from govsites.publishing.frontserver import make_front_server

        root = Path(options["root"]) if options["root"] else default_root()
        root.mkdir(parents=True, exist_ok=True)
        origin = getattr(settings, "GOVSITES_PUBLISHING", {}).get("PUBLIC_SERVICE_ORIGIN")
        try:
            server = make_front_server(
                root, options["host"], options["port"], form_action_origin=origin, quiet=options["quiet"]
            )
        except OSError as exc:
            raise CommandError(f"无法监听 {options['host']}:{options['port']}：{exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        host, port = server.server_address[:2]
        self.stdout.write(f"前台服务器已启动：http://{host}:{port}/ （目录 {root}，按 Ctrl+C 停止）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
