"""Forms of the 安全管理 admin. They only parse input; the actions apply the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from govsites.media import validators as upload_checks

from . import permissions
from .models import (
    CounterfeitOutcome,
    CounterfeitState,
    FoundVia,
    GradedProtectionLevel,
    HostingFacts,
    IncidentGrade,
    IncidentKind,
    IncidentState,
    ScanScope,
    Severity,
    VulnerabilitySource,
    VulnerabilityState,
)

PLAN_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "wps")
SCREENSHOT_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
SCREENSHOT_MAX_SIZE = 10 * 1024 * 1024


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": _("请输入有效的日期，例如 2026-03-02。")}, **kwargs)


def datetime_field(label, required=True, **kwargs):
    return forms.DateTimeField(
        label=label, required=required, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": _("请输入有效的时间，例如 2026-03-02 09:30。")}, **kwargs,
    )


def text(label, required=True, max_length=None, rows=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    messages = {"max_length": _("不能超过%(limit_value)d个字（现有%(show_value)d个）。")}
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget,
                           error_messages=messages, **kwargs)


class ClearRequiredMixin:
    """Name the missing field in its error ("请填写“漏洞名称”。") instead of a generic message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                verb = "选择" if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) else "填写"
                field.error_messages["required"] = _("请%(verb)s“%(label)s”。") % {"verb": verb, "label": field.label}


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.domain}）" if obj.domain else obj.name


class SitesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.domain}）" if obj.domain else obj.name


class ScopedForm(ClearRequiredMixin, forms.Form):
    """A form whose site / institution choices are those the user may manage."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        sites = permissions.sites(user, permissions.MANAGE).select_related("institution").order_by(
            "institution__path", "pk"
        )
        for name in ("site", "sites", "imitated_site"):
            if name in self.fields:
                self.fields[name].queryset = sites
        if "institution" in self.fields:
            self.fields["institution"].queryset = permissions.institutions(user, permissions.MANAGE).order_by("path")


# -- SEC-05 --------------------------------------------------------------------------------------


class ScanForm(ScopedForm):
    sites = SitesChoiceField(label=_("扫描网站"), queryset=None, error_messages={"required": _("请选择扫描涉及的网站。")})
    performed_on = date_field(_("扫描日期"))
    scope = forms.ChoiceField(label=_("扫描对象"), choices=ScanScope.choices)
    tool = text(_("扫描工具"), max_length=100)
    findings_count = forms.IntegerField(label=_("发现问题数"), min_value=0, max_value=100000, initial=0)
    summary = text(_("扫描结论"), required=False, max_length=5000, rows=3)


class NoticeForm(ScopedForm):
    sites = SitesChoiceField(label=_("涉及网站"), queryset=None, error_messages={"required": _("请选择漏洞涉及的网站。")})
    source = forms.ChoiceField(label=_("来源"), choices=VulnerabilitySource.choices)
    reference = text(_("通报编号"), required=False, max_length=100)
    title = text(_("漏洞名称"), max_length=200)
    description = text(_("漏洞描述"), required=False, max_length=10000, rows=4)
    severity = forms.ChoiceField(label=_("危险等级"), choices=Severity.choices)
    notified_on = date_field(_("发现/通报日期"))
    deadline = date_field(_("整改期限"), required=False,
                          help_text=_("不填则按危险等级自动计算；通报规定了更短期限时填写。"))


class NoteForm(ClearRequiredMixin, forms.Form):
    note = text(_("说明"), required=False, max_length=5000, rows=2)


class FixForm(ClearRequiredMixin, forms.Form):
    description = text(_("修复情况"), max_length=5000, rows=3)


class VerifyForm(ClearRequiredMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("验证结果"), choices=[("1", _("验证通过，关闭")), ("0", _("未通过，退回整改"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = text(_("验证说明"), required=False, max_length=5000, rows=2)


class RiskForm(ClearRequiredMixin, forms.Form):
    reason = text(_("接受风险的理由与缓解措施"), max_length=5000, rows=3)


class TimelineNoteForm(ClearRequiredMixin, forms.Form):
    text = text(_("处置情况"), max_length=5000, rows=2)
    occurred_at = datetime_field(_("发生时间"), required=False, help_text=_("不填则为现在。"))


# -- SEC-06 --------------------------------------------------------------------------------------


class PlanForm(ScopedForm):
    institution = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    site = SiteChoiceField(label=_("网站"), queryset=None, required=False, empty_label=_("本单位所有网站"))
    title = text(_("预案名称"), max_length=200)
    version = text(_("版本"), max_length=32)
    document = forms.FileField(label=_("预案文件"), help_text=_("PDF、OFD、Word或WPS文件。"),
                               error_messages={"required": _("请上传预案文件。")})
    adopted_on = date_field(_("印发日期"))
    filed_with_supervisor_on = date_field(_("向主管单位备案日期"), required=False)
    supervisor_reference = text(_("主管单位备案编号"), required=False, max_length=100)
    filed_with_cyberspace_on = date_field(_("向网信部门备案日期"), required=False)
    cyberspace_reference = text(_("网信部门备案编号"), required=False, max_length=100)
    reviewed_on = date_field(_("最近评审日期"), required=False)

    def clean_document(self):
        f = self.cleaned_data["document"]
        extension = upload_checks.extension_of(getattr(f, "name", ""))
        if extension not in PLAN_EXTENSIONS:
            raise ValidationError(_("预案文件须为PDF、OFD、Word或WPS文件。"))
        upload_checks.validate_document_upload(f)
        return f


class FilingForm(ClearRequiredMixin, forms.Form):
    authority = forms.ChoiceField(label=_("备案机关"), choices=[("supervisor", _("主管单位（政府办公厅/室）")),
                                                            ("cyberspace", _("网信部门"))])
    filed_on = date_field(_("备案日期"))
    reference = text(_("备案编号"), required=False, max_length=100)


class ReviewForm(ClearRequiredMixin, forms.Form):
    reviewed_on = date_field(_("评审日期"))


class DrillForm(ScopedForm):
    institution = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    site = SiteChoiceField(label=_("网站"), queryset=None, required=False, empty_label=_("本单位所有网站"))
    held_on = date_field(_("演练日期"))
    scenario = text(_("演练场景"), max_length=200)
    participants = text(_("参加人员"), max_length=2000, rows=2)
    findings = text(_("发现问题与改进措施"), required=False, max_length=10000, rows=3)


# -- SEC-06 incidents ----------------------------------------------------------------------------


class IncidentForm(ScopedForm):
    site = SiteChoiceField(label=_("网站"), queryset=None)
    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices)
    grade = forms.ChoiceField(label=_("事件级别"), choices=IncidentGrade.choices, initial=IncidentGrade.GENERAL)
    title = text(_("事件名称"), max_length=200)
    description = text(_("事件描述"), required=False, max_length=10000, rows=4)
    detected_at = datetime_field(_("发现时间"))
    personal_data = forms.BooleanField(label=_("涉及个人信息泄露"), required=False)


class AdvanceForm(ClearRequiredMixin, forms.Form):
    at = datetime_field(_("时间"), required=False, help_text=_("不填则为现在。"))
    note = text(_("采取的处置措施"), max_length=5000, rows=2)


class ReportForm(ClearRequiredMixin, forms.Form):
    authority = forms.ChoiceField(label=_("报告对象"), choices=[
        ("supervisor", _("主管单位")), ("cyberspace", _("网信部门")), ("public_security", _("公安机关"))])
    reported_on = date_field(_("报告日期"))
    note = text(_("说明"), required=False, max_length=2000)


class RemedyForm(ClearRequiredMixin, forms.Form):
    remedied_on = date_field(_("补救完成日期"))
    note = text(_("补救措施"), max_length=5000, rows=2)


# -- SEC-07 --------------------------------------------------------------------------------------


class CounterfeitForm(ScopedForm):
    domain = text(_("假冒网站域名"), max_length=300, help_text=_("例如 www.example.com，可直接粘贴网址。"))
    name = text(_("假冒网站名称"), required=False, max_length=200)
    imitated_site = SiteChoiceField(label=_("被假冒网站"), queryset=None)
    found_via = forms.ChoiceField(label=_("发现途径"), choices=FoundVia.choices)
    found_on = date_field(_("发现日期"))
    evidence_url = text(_("证据网址"), required=False, max_length=500)
    evidence_notes = text(_("证据说明"), required=False, max_length=10000, rows=3)
    screenshot = forms.ImageField(label=_("页面截图"), required=False, help_text=_("PNG、JPG或WebP图片，不超过10MB。"),
                                  error_messages={"invalid_image": _("请上传有效的图片文件（PNG、JPG或WebP）。")})

    def clean_screenshot(self):
        f = self.cleaned_data.get("screenshot")
        if not f:
            return f
        if upload_checks.extension_of(f.name) not in SCREENSHOT_EXTENSIONS:
            raise ValidationError(_("页面截图须为PNG、JPG或WebP图片。"))
        if f.size > SCREENSHOT_MAX_SIZE:
            raise ValidationError(_("页面截图不能超过%(limit)s。") % {"limit": filesizeformat(SCREENSHOT_MAX_SIZE)})
        upload_checks.validate_image_upload(f)
        return f


class HandOverForm(ClearRequiredMixin, forms.Form):
    handed_over_on = date_field(_("移交网信部门日期"))
    reference = text(_("移交文号"), required=False, max_length=100)
    office_filed_on = date_field(_("报政府办公厅备案日期"), required=False)
    note = text(_("说明"), required=False, max_length=2000)


class CloseCaseForm(ClearRequiredMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=CounterfeitOutcome.choices)
    closed_on = date_field(_("结案日期"))
    office_filed_on = date_field(_("报政府办公厅备案日期"), required=False)
    note = text(_("说明"), required=False, max_length=2000)


# -- SEC-09 --------------------------------------------------------------------------------------


class HostingForm(ClearRequiredMixin, forms.ModelForm):
    in_mainland = forms.TypedChoiceField(
        label=_("服务器位于境内"), choices=[("1", _("是（中国大陆境内）")), ("0", _("否（境外）"))],
        coerce=lambda v: v == "1", widget=forms.RadioSelect,
        error_messages={"required": _("请选择服务器是否位于境内。")},
    )
    graded_level = forms.TypedChoiceField(
        label=_("等级保护级别"), choices=[("", _("未定级")), *GradedProtectionLevel.choices], coerce=int,
        empty_value=None, required=False,
    )

    class Meta:
        model = HostingFacts
        fields = list(HostingFacts.RECORD_FIELDS)
        widgets = {
            "graded_assessed_on": forms.DateInput(attrs={"type": "date"}),
            "security_tested_on": forms.DateInput(attrs={"type": "date"}),
            "ip_addresses": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self):
        """Uniqueness per site is the action's business (it updates the one row)."""


#: list filters: the state choices of each record type
STATE_CHOICES = {
    "notice": VulnerabilityState.choices,
    "incident": IncidentState.choices,
    "counterfeit": CounterfeitState.choices,
}


class FilterForm(forms.Form):
    """The GET filter above each list: site and state (and an "overdue / flagged" switch)."""

    site = SiteChoiceField(label=_("网站"), queryset=None, required=False, empty_label=_("全部网站"))
    state = forms.ChoiceField(label=_("状态"), required=False)
    flag = forms.BooleanField(label=_("只看需关注"), required=False)

    def __init__(self, *args, user=None, states=None, flag_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = permissions.sites(user).order_by("institution__path", "pk")
        if states:
            self.fields["state"].choices = [("", _("全部状态")), *states]
        else:
            del self.fields["state"]
        if flag_label:
            self.fields["flag"].label = flag_label
        else:
            del self.fields["flag"]
