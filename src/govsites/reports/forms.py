"""Forms of the reports admin: they parse input and offer only the user's scopes; the actions
apply the rules and say in Chinese what is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnnualReportFacts, ReportKind
from .periods import FORMATS


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表类型"), choices=ReportKind.choices)
    period = forms.CharField(label=_("报告期"), max_length=10, help_text=_(
        "月度如 {m}，季度如 {q}，年度如 {y}。").format(m=FORMATS[ReportKind.MONTHLY], q=FORMATS[ReportKind.QUARTERLY],
                                               y=FORMATS[ReportKind.ANNUAL]))
    scope = forms.ModelChoiceField(label=_("监管单位"), queryset=None, empty_label=None)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes


class AnnualFactsForm(forms.ModelForm):
    class Meta:
        model = AnnualReportFacts
        fields = AnnualReportFacts.FILLED_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in AnnualReportFacts.FILLED_FIELDS
                   if name.endswith("_notes")} | {"filled_on": forms.DateInput(attrs={"type": "date"})}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("将记入审计日志。撤回后报表页面和首页链接在下次发布时从门户网站删除。"))
