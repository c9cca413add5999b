"""Forms of the interaction back office. They parse input and limit choices to what the user may
pick (departments of the site's government, subordinate sites); the actions apply the rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govsites import clock
from govsites.registry.models import Institution, InstitutionKind, Site

from .models import MessageKind, MessageStatus
from .statistics import Period

REASON_HELP = _("记入办理记录和审计日志。")


def textarea(rows: int = 3, limit: int = 500):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def departments_of(site: Site):
    """Where a message of ``site`` may be routed: the site's government, its departments and
    their subordinate units — not lower governments (INT-06 forwarding is for those)."""
    government = site.institution.government or site.institution
    return (
        Institution.objects.within(government)
        .filter(level=government.level)
        .exclude(Q(kind=InstitutionKind.GOVERNMENT) & ~Q(pk=government.pk))
        .order_by("path")
    )


def subordinate_sites(site: Site):
    """Sites of institutions below ``site``'s institution (INT-06 forwarding targets)."""
    return (
        Site.objects.filter(institution__path__startswith=site.institution.path)
        .exclude(pk=site.pk)
        .select_related("institution")
        .order_by("institution__path", "pk")
    )


def department_field(label=None, required=True, help_text=""):
    return InstitutionChoiceField(label=label or _("承办部门"), queryset=Institution.objects.none(), required=required,
                                  empty_label=_("请选择部门"), help_text=help_text)


class MessageForm(forms.Form):
    """A step's form on a message page; ``department`` choices follow the message's site."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message
        if "department" in self.fields and message is not None:
            self.fields["department"].queryset = departments_of(message.handling_site)


class ReviewForm(MessageForm):
    decision = forms.ChoiceField(choices=[("valid", _("受理")), ("invalid", _("无效"))], widget=forms.HiddenInput)
    department = department_field(required=False, help_text=_("受理时可同时交办；也可以稍后交办。"))
    reason = forms.CharField(label=_("说明或无效原因"), required=False, max_length=500, widget=textarea(2),
                             help_text=_("判定无效时必须填写原因（将记入办理记录，不公开留言人信息）。"))


class AssignForm(MessageForm):
    department = department_field()
    note = forms.CharField(label=_("交办说明"), required=False, max_length=500, widget=textarea(2))


class TransferForm(MessageForm):
    department = department_field(label=_("转办至"))
    reason = forms.CharField(label=_("转办理由"), max_length=500, widget=textarea(2), help_text=REASON_HELP,
                             error_messages={"required": _("请填写转办理由。")})


class ForwardForm(MessageForm):
    site = SiteChoiceField(label=_("转办至下级网站"), queryset=Site.objects.none(), empty_label=_("请选择网站"))
    note = forms.CharField(label=_("转办说明"), required=False, max_length=500, widget=textarea(2))

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, message=message, **kwargs)
        if message is not None:
            self.fields["site"].queryset = subordinate_sites(message.handling_site)


class PolicyForm(MessageForm):
    department = department_field(label=_("业务部门"))
    note = forms.CharField(label=_("转送说明"), required=False, max_length=500, widget=textarea(2))


class ReplyForm(MessageForm):
    body = forms.CharField(label=_("答复内容"), max_length=10000, widget=textarea(8, 10000),
                           help_text=_("答复将连同受理日期、答复日期、答复部门一并公开，请勿写入留言人的个人信息。"),
                           error_messages={"required": _("请填写答复内容。")})
    submit = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DecideForm(MessageForm):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("return", _("退回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("审核意见"), required=False, max_length=500, widget=textarea(2),
                           help_text=_("退回修改时必须填写意见。"))


class WithholdForm(MessageForm):
    reason = forms.CharField(label=_("不公开理由"), max_length=500, widget=textarea(2),
                             help_text=_("只有特殊情况（如虚假举报、涉及隐私）才可不公开，理由记入办理记录。"),
                             error_messages={"required": _("请填写不公开理由。")})


class ConfirmForm(MessageForm):
    """A step without input (publish, review above)."""


# -- list filters -------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("受理编号或标题"), required=False, max_length=50)
    site = SiteChoiceField(label=_("网站"), queryset=Site.objects.none(), required=False, empty_label=_("全部网站"))
    department = InstitutionChoiceField(label=_("承办部门"), queryset=Institution.objects.none(), required=False,
                                        empty_label=_("全部部门"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *MessageStatus.choices])
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *MessageKind.choices])
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    due_soon = forms.BooleanField(label=_("只看临期"), required=False)

    def __init__(self, *args, sites=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites if sites is not None else Site.objects.none()
        self.fields["department"].queryset = departments if departments is not None else Institution.objects.none()


PERIOD_KINDS = [("month", _("月度")), ("quarter", _("季度")), ("year", _("年度")), ("custom", _("自定义"))]
QUARTERS = [(str(q), f"第{q}季度") for q in range(1, 5)]
MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]
LONGEST_CUSTOM_DAYS = 3 * 366


class StatisticsForm(forms.Form):
    """Which messages (site, department) over which period; everything optional, sane defaults."""

    site = SiteChoiceField(label=_("网站"), queryset=Site.objects.none(), required=False, empty_label=_("全部网站"))
    department = InstitutionChoiceField(label=_("承办部门"), queryset=Institution.objects.none(), required=False,
                                        empty_label=_("全部部门"))
    period = forms.ChoiceField(label=_("统计周期"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=2000, max_value=2100,
                              error_messages={"min_value": _("年份须在2000至2100之间。"),
                                              "max_value": _("年份须在2000至2100之间。"),
                                              "invalid": _("请输入有效的年份。")})
    quarter = forms.ChoiceField(label=_("季度"), choices=QUARTERS, required=False)
    month = forms.ChoiceField(label=_("月份"), choices=MONTHS, required=False)
    first = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("请输入有效的日期，例如 2026-03-02。")})
    last = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": _("请输入有效的日期，例如 2026-03-02。")})

    def __init__(self, *args, sites=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites if sites is not None else Site.objects.none()
        self.fields["department"].queryset = departments if departments is not None else Institution.objects.none()

    def clean(self):
        data = super().clean()
        today = clock.today()
        kind = data.get("period") or "month"
        year = data.get("year") or today.year
        if kind == "custom":
            first, last = data.get("first"), data.get("last")
            if not first or not last:
                raise forms.ValidationError(_("自定义周期请填写开始日期和结束日期。"))
            if last < first:
                raise forms.ValidationError(_("结束日期不能早于开始日期。"))
            if (last - first).days > LONGEST_CUSTOM_DAYS:
                raise forms.ValidationError(_("自定义周期不能超过三年。"))
            data["period_value"] = Period.custom(first, last)
        elif kind == "quarter":
            quarter = int(data.get("quarter") or (today.month - 1) // 3 + 1)
            data["period_value"] = Period.quarter(year, quarter)
        elif kind == "year":
            data["period_value"] = Period.year(year)
        else:
            month = int(data.get("month") or today.month)
            data["period_value"] = Period.month(year, month)
        return data

    @staticmethod
    def default_period() -> Period:
        today = clock.today()
        return Period.month(today.year, today.month)
