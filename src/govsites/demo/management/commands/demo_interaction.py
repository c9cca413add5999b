"""``govsites demo_interaction``: interaction columns for every online demo site, message-handling
roles for the demo accounts and two months of messages, surveys, interviews and knowledge base
entries (run after ``demo_accounts``; the second run only completes columns and roles)."""

from django.core.management.base import BaseCommand, CommandError

from govsites.interaction.models import MessageStatus

from ... import interaction
from ...estate import DemoError


class Command(BaseCommand):
    help = "Set up the demo's interaction platform and play its messages, surveys and interviews (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=interaction.DEFAULT_SEED, help="same seed, same messages")

    def handle(self, *args, seed, **options):
        try:
            made = interaction.play(seed)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已为演示网站设置互动栏目 {made.channels} 个，新增演示账号办理职责 {made.roles} 项。")
        if not made.messages:
            self.stdout.write("演示互动数据已存在，未重复生成。")
            return
        states = "，".join(f"{MessageStatus(s).label} {n}" for s, n in made.states.items() if n)
        self.stdout.write(f"已生成留言 {made.messages} 条（{states}），征集调查 {made.surveys} 项（答卷 {made.responses} 份），"
                          f"在线访谈 {made.interviews} 场，知识库条目 {made.entries} 条。")
        for line in interaction.role_summary():
            self.stdout.write(line)
