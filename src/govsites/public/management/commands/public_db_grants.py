"""Print (and with --apply, run on PostgreSQL) the SQL giving the public service its own role."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from govsites.public import grants


class Command(BaseCommand):
    help = ("输出（加 --apply 时在 PostgreSQL 上执行）公众服务专用数据库角色的建立和授权语句："
            "只能读取栏目、留言等公众页面所需的表，写入留言、调查意见和访谈提问，不能访问账号、审计和内容表。")

    def add_arguments(self, parser):
        parser.add_argument("--role", default=grants.DEFAULT_ROLE, help="角色名（默认 govsites_public）")
        parser.add_argument("--password-env", default="",
                            help="从该环境变量读取角色的登录密码（不在命令行上写明文密码）")
        parser.add_argument("--database", default="default", help="Django 数据库别名")
        parser.add_argument("--apply", action="store_true", help="在 PostgreSQL 上执行（须以表的所有者身份连接）")

    def handle(self, *args, role, password_env, database, apply, **options):
        connection = connections[database]
        password = None
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"环境变量 {password_env} 未设置或为空。")
        sql = grants.statements(connection.settings_dict["NAME"], role, password)
        for statement in sql:
            if password and " PASSWORD " in statement:
                statement = statement.split(" PASSWORD ")[0] + " PASSWORD '***'"
            self.stdout.write(statement + ";")
        if not apply:
            return
        if connection.vendor != "postgresql":
            raise CommandError("--apply 仅适用于 PostgreSQL；嵌入式部署（SQLite）没有数据库角色。")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
        self.stderr.write(self.style.SUCCESS(f"已为角色 {role} 设置公众服务所需的最小权限。"))
