"""Forms of the supervision admin. They parse input and limit choices to the user's scope; the
actions apply the rules (and say what is wrong, in Chinese)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govsites import clock
from govsites.registry.models import SiteStatus

from .checks.catalogue import CHECKS, FAMILIES
from .models import CensusKind, FindingStatus, ViolationKind

#: Chinese names of the check families (the catalogue's ``family`` keys)
FAMILY_LABELS = {
    "availability": _("站点可用性"),
    "freshness": _("更新情况"),
    "empty_columns": _("空白栏目"),
    "broken_links": _("链接可用性"),
    "interaction": _("互动回应"),
    "service_guides": _("办事服务"),
    "identity": _("标识与网页标签"),
    "wording": _("内容准确性"),
    "dark_links": _("暗链与有害内容"),
    "tampering": _("网页篡改"),
    "https": _("HTTPS与证书"),
    "ipv6": _("IPv6支持"),
    "security_headers": _("安全响应头"),
    "accessibility": _("无障碍"),
    "performance": _("访问速度"),
}

#: Chinese names of the severities (``catalogue.SEVERITIES``), most serious first
SEVERITY_LABELS = {
    "veto": _("单项否决"),
    "serious": _("严重问题"),
    "deduction": _("扣分项"),
    "warning": _("提示"),
}

VERDICTS = [("", _("全部")), ("passed", _("合格")), ("failed", _("不合格")), ("unrated", _("未评定")),
            ("unchecked", _("尚未检查"))]


def family_label(key: str) -> str:
    return str(FAMILY_LABELS.get(key, key))


ALL = _("全部")


def _choices(pairs, empty=ALL):
    return [("", empty), *pairs]


def search_field(placeholder):
    return forms.CharField(label=_("查找"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": placeholder}))


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DashboardFilterForm(forms.Form):
    SORTS = [
        ("region", _("按行政层级")),
        ("score", _("得分由低到高")),
        ("-score", _("得分由高到低")),
        ("-open", _("待整改问题最多")),
        ("-overdue", _("逾期问题最多")),
        ("-checked", _("最近检查在前")),
        ("name", _("按网站名称")),
    ]

    q = search_field(_("网站名称或域名"))
    region = RegionChoiceField(label=_("地区"), queryset=None, required=False, empty_label=_("全部地区"))
    status = forms.ChoiceField(label=_("网站状态"), required=False,
                               choices=_choices(SiteStatus.choices, _("在册网站（不含已关停）")))
    verdict = forms.ChoiceField(label=_("最近检查结论"), required=False, choices=VERDICTS)
    overdue = forms.BooleanField(label=_("只看有逾期问题的"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if not regions.exists():
            del self.fields["region"]


class FindingFilterForm(forms.Form):
    q = search_field(_("域名、页面地址或问题对象"))
    family = forms.ChoiceField(label=_("检查类别"), required=False,
                               choices=_choices([(f, family_label(f)) for f in FAMILIES]))
    check_type = forms.ChoiceField(label=_("检查项"), required=False,
                                   choices=_choices([(key, t.label) for key, t in CHECKS.items()]))
    severity = forms.ChoiceField(label=_("严重程度"), required=False, choices=_choices(SEVERITY_LABELS.items()))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(FindingStatus.choices))
    overdue = forms.BooleanField(label=_("只看逾期未整改的"), required=False)


class SiteFindingFilterForm(forms.Form):
    """The findings on a site's page: by family and status."""

    family = FindingFilterForm.base_fields["family"]
    status = FindingFilterForm.base_fields["status"]


class CloseFindingForm(forms.Form):
    reason = forms.CharField(
        label=_("关闭理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("如误报、经认定的例外情形等；记入问题记录和审计日志。"),
        error_messages={"required": _("请填写关闭理由。"), "max_length": _("关闭理由不能超过%(limit_value)d个字。")},
    )


class ViolationForm(forms.Form):
    kind = forms.ChoiceField(label=_("违规类型"), choices=_choices(ViolationKind.choices, _("请选择")),
                             error_messages={"required": _("请选择违规类型。"),
                                             "invalid_choice": _("请选择违规类型。")})
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": _("请填写发生日期。"),
                                                  "invalid": _("请输入有效的日期，例如 2026-03-02。")})
    description = forms.CharField(label=_("情况说明"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
                                  error_messages={"required": _("请填写情况说明（至少5个字）。"),
                                                  "max_length": _("情况说明不能超过%(limit_value)d个字。")})
    finding = forms.IntegerField(label=_("相关监测问题编号"), required=False, min_value=1,
                                 help_text=_("选填：本网站的监测问题编号（见问题详情页地址）。"),
                                 error_messages={"invalid": _("请填写问题编号（数字）。"),
                                                 "min_value": _("请填写问题编号（数字）。")})

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["occurred_on"].initial = clock.local(clock.now()).date()

    def clean_finding(self):
        number = self.cleaned_data.get("finding")
        if number is None:
            return None
        from .models import Finding

        finding = Finding.objects.filter(pk=number, site=self.site).first()
        if finding is None:
            raise forms.ValidationError(_("本网站没有这个编号的监测问题。"))
        return finding


class ViolationFilterForm(forms.Form):
    q = search_field(_("网站名称或域名"))
    kind = forms.ChoiceField(label=_("违规类型"), required=False, choices=_choices(ViolationKind.choices))


class StartCensusForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[(k.value, k.label) for k in (CensusKind.MONTHLY, CensusKind.ADHOC)],
                             initial=CensusKind.ADHOC, error_messages={"invalid_choice": _("请选择检查类型。")})
    note = forms.CharField(label=_("说明"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("如：2026年3月月度普查"), "maxlength": 200}),
                           error_messages={"max_length": _("说明不能超过%(limit_value)d个字。")})
