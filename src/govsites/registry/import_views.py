"""批量导入导出 in the admin: upload a registry spreadsheet, download the export or a blank template.

The page only collects the file and shows the outcome; reading, checking and recording are the
importer's (:mod:`.importing`), so the admin, the CLI and tests go through the same code.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from govsites.audit.context import Actor

from . import permissions
from .exporting import export_filename, export_registry, template_bytes
from .importing import import_registry, max_bytes, max_rows, may_import, size_label, too_large_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("登记数据文件"),
        allow_empty_file=True,  # the importer says so in its own words
        error_messages={"required": gettext_lazy("请选择要导入的文件。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(too_large_message(upload.size))
        return upload


def _limits() -> dict:
    return {"max_size": size_label(max_bytes()), "max_rows": max_rows()}


def _denied(request) -> TemplateResponse:
    title = _("无权访问")
    return TemplateResponse(
        request,
        "registry/denied.html",
        {"message": _("只有系统管理员和省级（市级）主管单位可以批量导入登记数据。"), "page_title": title},
        status=403,
    )


@require_http_methods(["GET", "POST"])
def import_view(request):
    if not may_import(request.user):
        return _denied(request)
    result = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_registry(upload.read(), upload.name, Actor.from_request(request))
        if result.ok:
            messages.success(request, _("导入完成：新增机构 {institutions} 个，登记网站 {sites} 个。").format(
                institutions=result.institutions, sites=result.sites))
            form = ImportForm()
        else:
            messages.error(request, _("导入失败：共 {count} 处错误，未导入任何数据。请更正后重新上传整个文件。").format(
                count=len(result.errors)))
    return TemplateResponse(request, "registry/import/upload.html", {
        "page_title": _("批量导入导出"), "form": form, "result": result, **_limits(),
    })


@require_http_methods(["GET", "POST"])
def export_view(request):
    """GET shows the page (for those who may not import too); POST downloads, audited."""
    if not may_export(request.user):
        return _denied(request)
    if request.method == "POST":
        response = HttpResponse(export_registry(Actor.from_request(request)), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, export_filename())
        return response
    return TemplateResponse(request, "registry/import/export.html", {"page_title": _("导出登记数据")})


@require_GET
def template_view(request):
    if not may_export(request.user):
        return _denied(request)
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _("政府网站登记导入模板.xlsx"))
    return response


def urls():
    patterns = [
        path("", import_view, name="import"),
        path("export/", export_view, name="export"),
        path("template/", template_view, name="template"),
    ]
    return [path("registry-import/", include((patterns, "registry_import")))]


def may_export(user) -> bool:
    """Registry work only: other roles (editors, the auditor, …) have no business with the
    estate's spreadsheet, even one filtered to their empty scope (least privilege)."""
    return bool(getattr(user, "is_superuser", False) or permissions.assignments(user))


class ImportExportMenuItem(MenuItem):
    """One entry for everyone in the registry: the import page for those who may import, the
    export page otherwise."""

    def is_shown(self, request):
        return may_export(request.user)

    def render_component(self, request):
        name = "registry_import:import" if may_import(request.user) else "registry_import:export"
        return LinkMenuItem(self.name, self.label, reverse(name), icon_name=self.icon_name,
                            classname=self.classname, attrs=self.attrs)


def menu_item() -> MenuItem:
    return ImportExportMenuItem(gettext_lazy("批量导入导出"), "", name="registry-import", icon_name="table",
                                order=900)
