"""Column types (栏目类型) and the standard columns every site is created with (CON-02)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnType(models.TextChoices):
    OVERVIEW = "overview", _("概况信息")
    FUNCTIONS = "functions", _("机构职能")
    LEADERS = "leaders", _("领导信息")
    POLICIES = "policies", _("政策文件")
    INTERPRETATIONS = "interpretations", _("政策解读")
    NEWS = "news", _("政务动态")
    NOTICES = "notices", _("通知公告")
    DISCLOSURE_GUIDE = "disclosure_guide", _("政府信息公开指南")
    DISCLOSURE_CATALOGUE = "disclosure_catalogue", _("政府信息公开目录")
    DISCLOSURE_ANNUAL_REPORT = "disclosure_annual_report", _("政府信息公开年报")
    STATISTICS = "statistics", _("统计信息")
    PERSONNEL = "personnel", _("人事信息")
    PLANS = "plans", _("规划计划")
    SPECIAL_TOPICS = "special_topics", _("专栏专题")
    SPECIAL_TOPIC = "special_topic", _("专题")
    RESPONSES = "responses", _("回应关切")
    INTERACTION = "interaction", _("互动交流")
    SERVICES = "services", _("办事服务")
    ANNOUNCEMENTS = "announcements", _("网站公告")
    FREE = "free", _("自定义栏目")


# (column type, slug, title, description). Slugs follow common gov-site practice (pinyin initials).
STANDARD_COLUMNS = (
    (ColumnType.OVERVIEW, "gk", "概况信息", "本地区、本部门的基本情况。"),
    (ColumnType.FUNCTIONS, "jgzn", "机构职能", "机构设置、主要职责和联系方式。"),
    (ColumnType.LEADERS, "ldxx", "领导信息", "负责人姓名、照片、简历和分工。"),
    (ColumnType.POLICIES, "zcwj", "政策文件", "规章、规范性文件和其他主动公开文件。"),
    (ColumnType.INTERPRETATIONS, "zcjd", "政策解读", "与政策文件同步发布的解读材料。"),
    (ColumnType.NEWS, "zwdt", "政务动态", "重要会议、活动和工作动态。"),
    (ColumnType.NOTICES, "tzgg", "通知公告", "通知、公告和公示。"),
    (ColumnType.DISCLOSURE_GUIDE, "xxgkzn", "政府信息公开指南", "政府信息公开的方式、程序和联系方式。"),
    (ColumnType.DISCLOSURE_CATALOGUE, "xxgkml", "政府信息公开目录", "主动公开的政府信息目录。"),
    (ColumnType.DISCLOSURE_ANNUAL_REPORT, "xxgknb", "政府信息公开年报", "历年政府信息公开工作年度报告。"),
    (ColumnType.STATISTICS, "tjxx", "统计信息", "统计数据和统计公报。"),
    (ColumnType.PERSONNEL, "rsxx", "人事信息", "人事任免、招录和公示。"),
    (ColumnType.PLANS, "ghjh", "规划计划", "发展规划和年度计划。"),
    (ColumnType.SPECIAL_TOPICS, "ztzl", "专栏专题", "重大活动和专项工作的专栏专题。"),
    (ColumnType.RESPONSES, "hygz", "回应关切", "突发事件回应、热点回应和辟谣信息。"),
    (ColumnType.INTERACTION, "hdjl", "互动交流", "咨询、投诉、建议、领导信箱、在线访谈和征集调查。"),
    (ColumnType.SERVICES, "bsfw", "办事服务", "政务服务事项目录和办事指南。"),
    (ColumnType.ANNOUNCEMENTS, "wzgg", "网站公告", "网站开通、下线、迁移和域名变更等公告。"),
)
