"""Forms of the registry admin.

They only collect and shape input. The actions in :mod:`govsites.registry.actions` check every
rule, so these forms never save anything; a refused action's messages are put back on the form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from govsites.policy.profiles import active as active_profile

from .actions.applications import MATERIAL_LABELS
from .models import Checklist, Institution, OutageCause, Site

#: Site fields an open-site application proposes (identifiers come later, with the launch checklist).
OPEN_SITE_FIELDS = (
    "name", "short_name", "domain", "chinese_domain", "sponsor_name", "operator_name",
    "responsible_person", "responsible_phone", "responsible_email",
    "contact_phone", "contact_email", "contact_address", "hosted", "hosting_notes",
)
PURPOSES = [
    ("institution", _("本机构的政府网站")),
    ("event", _("重大活动或专项工作的网站")),
]


def textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


REASON = _("申请理由")


def reason_field(label=REASON, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=textarea(4))


class InstitutionChoiceField(forms.ModelChoiceField):
    """Institutions indented by depth, so the choice reads like the estate's hierarchy."""

    def label_from_instance(self, obj: Institution) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return f"{'　' * depth}{obj.name}"


class InstitutionChoiceForm(forms.Form):
    """Step one of an application about an institution: which one."""

    institution = InstitutionChoiceField(
        label=_("申请单位"), queryset=Institution.objects.none(), empty_label=_("请选择申请单位")
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = queryset


class OpenSiteForm(forms.Form):
    purpose = forms.ChoiceField(label=_("开设目的"), choices=PURPOSES, initial="institution", widget=forms.RadioSelect)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Site, fields=OPEN_SITE_FIELDS))
        domain = self.fields["domain"]
        domain.widget.attrs.update({"list": "domain-suggestions", "autocomplete": "off"})
        if suggestions:
            domain.help_text = _("建议（按机构名称拼音生成）：%(domains)s") % {"domains": "、".join(suggestions)}
        self.material_keys = list(active_profile().get("registry.open_application_materials"))
        for key in self.material_keys:
            self.fields[key] = forms.CharField(label=MATERIAL_LABELS[key], required=False, widget=textarea(4))
        self.fields["reason"] = reason_field(required=True)

    def site_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in OPEN_SITE_FIELDS}

    def materials(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.material_keys}


class PeriodForm(forms.Form):
    start_date = forms.DateField(label=_("开始日期"), widget=AdminDateInput)
    end_date = forms.DateField(label=_("结束日期"), widget=AdminDateInput)


class TemporaryOfflineForm(PeriodForm):
    reason = reason_field(_("临时下线理由"))


class OutageForm(PeriodForm):
    outage_cause = forms.ChoiceField(label=_("断网原因"), choices=OutageCause.choices, widget=forms.RadioSelect)
    reason = reason_field(_("断网情况说明"))
    field_order = ["outage_cause", "start_date", "end_date", "reason"]


class PermanentOfflineForm(forms.Form):
    migration_target = forms.ModelChoiceField(
        label=_("迁移目标网站"), queryset=Site.objects.none(), required=False, empty_label=_("请选择迁移目标网站"),
        help_text=_("原有内容整合迁移到的另一个正在运行的政府网站。"),
    )
    safeguards = forms.CharField(label=_("保障措施"), required=False, widget=textarea(4))
    reason = reason_field(_("永久下线理由"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["migration_target"].queryset = targets


class ChangeForm(forms.Form):
    """A change filing: the current values are shown; only what differs is filed."""

    def __init__(self, *args, site: Site, **kwargs):
        kwargs["initial"] = {**model_to_dict(site, fields=Site.CHANGEABLE_FIELDS), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Site, fields=Site.CHANGEABLE_FIELDS))
        for field in self.fields.values():
            field.required = False
        self.fields["structure_note"] = forms.CharField(
            label=_("栏目结构或地址变更说明"), required=False, widget=textarea(3)
        )
        self.fields["reason"] = reason_field(_("变更原因"))

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*Site.CHANGEABLE_FIELDS, "structure_note")}


class SpecialTopicForm(forms.Form):
    topic_title = forms.CharField(label=_("专栏专题名称"), required=False)
    topic_institutions = forms.ModelMultipleChoiceField(
        label=_("涉及部门"), queryset=Institution.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选则视为只涉及申请单位。"),
    )
    lead = forms.ModelChoiceField(
        label=_("牵头部门"), queryset=Institution.objects.none(), required=False, empty_label=_("（无）")
    )
    topic_host_site = forms.ModelChoiceField(
        label=_("开设专栏的网站"), queryset=Site.objects.none(), required=False, empty_label=_("请选择网站"),
        help_text=_("只涉及一个部门的，开在该部门网站；涉及多个部门的，开在本级政府门户网站或牵头部门网站。"),
    )
    reason = reason_field()

    def __init__(self, *args, institutions, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_institutions"].queryset = institutions
        self.fields["lead"].queryset = institutions
        self.fields["topic_host_site"].queryset = hosts


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("同意")), ("reject", _("驳回"))], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("审批意见"), required=False, widget=textarea(2), help_text=_("驳回时必须填写审批意见。")
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), required=False)


class ChecklistForm(forms.Form):
    checklist = forms.ChoiceField(choices=Checklist.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reference = forms.CharField(label=_("证明或编号"), max_length=200, required=False)


class PagesField(forms.CharField):
    """One archived page per line: its address, a space, its title."""

    widget = textarea(4, placeholder="https://old.example.gov.cn/news/1.html 页面标题")

    def clean(self, value):
        text = super().clean(value) or ""
        pages, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            parts = line.strip().split(None, 1)
            if not parts:
                continue
            if len(parts) != 2:
                problems.append(_("第%(n)d行须为“网址 页面标题”（以空格分隔）。") % {"n": number})
                continue
            pages.append({"url": parts[0], "title": parts[1].strip()})
        if problems:
            raise ValidationError(problems)
        return pages


class MigrationNoticeForm(forms.Form):
    body = forms.CharField(
        label=_("公告正文"), required=False, widget=textarea(3), help_text=_("留空则使用平台生成的迁移公告。")
    )


class CompleteMigrationForm(forms.Form):
    pages = PagesField(label=_("归档页面"), required=False, help_text=_("每行一个有价值的旧页面：网址、空格、页面标题。"))
    note = forms.CharField(label=_("迁移说明"), required=False)


class ArchivePagesForm(forms.Form):
    pages = PagesField(label=_("归档页面"), required=False, help_text=_("每行一个页面：网址、空格、页面标题。"))
    reason = forms.CharField(label=_("归档原因"), required=False, help_text=_("如：网站改版。"))
    new_base = forms.CharField(label=_("归档页面的新地址前缀"), required=False, help_text=_("如 https://www.example.gov.cn。"))
