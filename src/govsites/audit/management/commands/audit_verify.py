"""``govsites audit_verify [--archive FILE] [--batch N]``: verify the audit chain (SEC-03).

Prints every problem (seq, id, time, action) and exits 1; prints a one-line summary and exits 0
when the chain is intact."""

import sys

from django.core.management.base import BaseCommand

from govsites.audit.verify import verify_archive, verify_chain


class Command(BaseCommand):
    help = "校验审计日志的哈希链（或一个归档文件），指出被修改、插入或删除的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--archive", help="校验一个归档文件而不是数据库")
        parser.add_argument("--batch", type=int, default=5000, help="每批读取的记录数")

    def handle(self, *args, archive=None, batch=5000, **options):
        result = verify_archive(archive) if archive else verify_chain(batch_size=max(100, batch))
        for problem in result.problems:
            self.stdout.write(problem.line())
        if result.problem_count > len(result.problems):
            self.stdout.write(f"……另有 {result.problem_count - len(result.problems)} 处问题未列出")
        self.stdout.write(result.summary())
        if not result.ok:
            sys.exit(1)
