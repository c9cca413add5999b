"""Labels for the demo's entries in the audit trail."""

from wagtail import hooks

ACTION_LABELS = {
    "govsites.demo.estate": "生成演示网站群",
    "govsites.demo.reset": "清空演示网站群",
    "govsites.demo.account": "设置演示账号一次性密码",
    "govsites.demo.content_history": "生成演示网站历史信息",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, label in ACTION_LABELS.items():
        actions.register_action(action, label, label)
