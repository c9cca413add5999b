"""Admin forms for library items. They only collect input: every check and every write is the
content actions' (``content.actions``), so the admin, the API and the CLI refuse the same things
with the same Chinese messages. Field errors the actions raise are put back next to their field.
"""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .disclosure import classification
from .models import Item, ItemKind

#: Fields every kind of item has, in form order.
COMMON_FIELDS = ("title", "summary", "body", "source_name", "author")
#: Fields only some kinds have.
KIND_FIELDS = {
    ItemKind.ARTICLE: ("is_important_policy",),
    ItemKind.POLICY: (
        "is_important_policy", "is_major_policy", "issuing_body", "document_number", "written_on",
        "subject", "index_number", "validity", "validity_changed_on",
    ),
    ItemKind.INTERPRETATION: ("interpretation_form",),
    ItemKind.RESPONSE: ("response_kind",),
    ItemKind.ANNOUNCEMENT: (),
    ItemKind.MAP: ("is_standard_map", "map_approval_number"),
}
SCHEDULE_FIELDS = ("go_live_at", "expire_at")
HELP = {
    "index_number": _("留空则按本省索引号规则自动编号。"),
    "document_number": _("如：澜政办发〔2026〕12号。"),
    "go_live_at": _("审核通过后于此时间自动发布；留空则审核通过即发布。"),
    "expire_at": _("到此时间自动下线；留空则长期有效。"),
    "is_important_policy": _("在本级政府门户或上级网站发布后，下级网站须在规定时限内转载。"),
    "is_major_policy": _("重大政策须同步发布政策解读。"),
}


class UnreadableBody(str):
    """What the body widget yields for a post that is not Draftail's JSON (an empty editor)."""


def guard_rich_text_widget(widget):
    """Draftail's widget decodes the posted editor state without a guard, so a hand-crafted POST
    would end in a server error; here it reads as :class:`UnreadableBody`, reported by the form
    as a field error ("the body could not be read") like any other bad value."""
    original = widget.value_from_datadict

    def value_from_datadict(data, files, name):
        try:
            return original(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError):
            return UnreadableBody("")

    widget.value_from_datadict = value_from_datadict
    return widget


def _date_input(field: forms.Field, kind: str) -> forms.Field:
    field.widget = forms.DateTimeInput(attrs={"type": kind}) if kind == "datetime-local" else forms.DateInput(
        attrs={"type": kind}
    )
    return field


class ItemForm(forms.Form):
    """The fields of one item kind. ``data_for_action()`` is what the create/edit actions take."""

    def __init__(self, *args, kind: str, policy_widget=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        names = (*COMMON_FIELDS, *KIND_FIELDS.get(kind, ()), *SCHEDULE_FIELDS)
        model_fields = fields_for_model(Item, fields=names)
        for name in names:
            field = model_fields[name]
            field.required = name == "title"
            if name in HELP:
                field.help_text = HELP[name]
            if name == "body":
                guard_rich_text_widget(field.widget)
            if name in ("written_on", "validity_changed_on"):
                _date_input(field, "date")
            if name in SCHEDULE_FIELDS:
                field = forms.DateTimeField(label=field.label, required=False, help_text=field.help_text,
                                            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
            self.fields[name] = field
        if kind == ItemKind.POLICY:
            self.fields["subject"] = forms.ChoiceField(
                label=_("主题分类"), required=False, choices=[("", "—"), *classification.choices()]
            )
            self.fields["org_code"] = forms.CharField(
                label=_("发文机关代码"), required=False, max_length=40,
                help_text=_("统一社会信用代码或组织机构代码，自动编制索引号时使用。"),
            )
            self.fields["superseded_by_title"] = forms.CharField(label=_("替代文件标题"), required=False, max_length=150)
            self.fields["superseded_by_number"] = forms.CharField(label=_("替代文件字号"), required=False, max_length=60)
        if kind == ItemKind.INTERPRETATION:
            self.fields["policies"] = forms.ModelChoiceField(
                label=_("所解读的政策文件"), queryset=Item.objects.none(), required=False,
                widget=policy_widget, help_text=_("更多政策文件可在保存后于信息详情页关联。"),
            )

    def clean_body(self):
        if isinstance(self["body"].data, UnreadableBody):
            raise forms.ValidationError(_("正文内容无法识别，请在编辑器中重新输入。"), code="invalid")
        return self.cleaned_data["body"]

    def set_policy_queryset(self, queryset) -> None:
        if "policies" in self.fields:
            self.fields["policies"].queryset = queryset

    def data_for_action(self, *, existing_policies=()) -> dict:
        """The cleaned input in the actions' shape (``policies`` is a list of ids)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "policies"}
        if "policies" in self.cleaned_data:
            chosen = self.cleaned_data["policies"]
            ids = list(dict.fromkeys([*existing_policies, *([chosen.pk] if chosen else [])]))
            data["policies"] = ids
        return data


class NewItemForm(forms.Form):
    """Where a new item goes: a column of a site the user edits, and its kind."""

    kind = forms.ChoiceField(label=_("信息类型"), choices=ItemKind.choices)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RepostForm(forms.Form):
    """Which of the user's columns a repost (or use) of another site's item goes into."""

    column = forms.ModelChoiceField(label=_("转载到栏目"), queryset=None, empty_label=None)

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = columns
