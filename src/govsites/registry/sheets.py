"""The registry spreadsheet format: one column table drives the import, the export and the template.

Headers and choice labels are a file format, not UI text: they stay Chinese whatever the admin
language is, so a file exported anywhere imports anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .actions.onboarding import RegisterSite
from .models import InstitutionKind, Level, SiteStatus

YES, NO = "是", "否"


@dataclass(frozen=True, eq=False)
class Column:
    """One column of the format (a constant: compared by identity)."""

    header: str
    #: the model field, or ``parent`` / ``institution`` (referenced by full name)
    field: str
    #: the header must be present in an imported sheet
    required: bool = False
    choices: type[models.TextChoices] | None = None
    #: the choice values a file may carry (all of ``choices`` if empty)
    allowed: tuple[str, ...] = ()
    boolean: bool = False
    example: str = ""
    #: the instructions-sheet text (lazily translated)
    note: str = ""
    width: int = 16

    @cached_property
    def labels(self) -> dict[str, str]:
        """Choice value → its Chinese label."""
        with translation.override("zh-hans"):
            return {value: str(label) for value, label in self.choices.choices} if self.choices else {}

    def describe(self) -> str:
        """The instructions-sheet text: the note, and the labels a choice column accepts."""
        if not self.choices:
            return str(self.note)
        labels = [label for value, label in self.labels.items() if not self.allowed or value in self.allowed]
        return str(self.note) + gettext_now("可填：{labels}").format(labels="、".join(labels))

    def to_value(self, text: str) -> str:
        """A choice label (or the stored value itself) → the stored value; anything else unchanged
        so the action reports it with its own message."""
        for value, label in self.labels.items():
            if text in (label, value):
                return value
        return text

    def export(self, obj) -> str:
        value = getattr(obj, self.field)
        if self.field in ("parent", "institution"):
            return value.name if value is not None else ""
        if self.choices:
            return self.labels.get(value, value)
        if self.boolean:
            return YES if value else NO
        return "" if value is None else str(value)


@dataclass(frozen=True, eq=False)
class Sheet:
    """One worksheet of the format: its title and columns, in file order."""

    title: str
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)

    @property
    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def example_row(self) -> list[str]:
        return [c.example for c in self.columns]

    def export_row(self, obj) -> list[str]:
        return [c.export(obj) for c in self.columns]


INSTITUTIONS = Sheet("机构", (
    Column("机构全称", "name", required=True, example="青岚市统计局", note=_("平台内唯一，网站表按此名称引用。"),
           width=30),
    Column("规范简称", "short_name", example="市统计局"),
    Column("机构类别", "kind", required=True, choices=InstitutionKind, example="政府部门"),
    Column("层级", "level", required=True, choices=Level, example="市级", width=10),
    Column("行政区划代码", "division_code", example="", note=_("政府填写6位代码；部门留空。")),
    Column("省级简称", "abbreviation", example="", note=_("仅省级政府填写，如“晋”“渝”。"), width=10),
    Column("拼音或英文标识", "pinyin", example="tjj", note=_("小写字母、数字和连字符。")),
    Column("上级机构", "parent", example="青岚市人民政府",
           note=_("上级机构的全称：可在本表中（顺序不限），也可已在平台登记；省级政府留空。"), width=30),
    Column("主要负责人", "head_name", example="张明"),
    Column("办公厅（室）名称", "office_name", example="", note=_("政府填写，为门户网站的主办单位。"), width=24),
))

SITES = Sheet("网站", (
    Column("开办机构", "institution", required=True, example="青岚市统计局",
           note=_("机构全称：可在“机构”表中，也可已在平台登记。"), width=30),
    Column("网站全称", "name", required=True, example="青岚市统计局网站", note=_("须包含机构全称或规范简称。"), width=30),
    Column("网站简称", "short_name", example=""),
    Column("英文域名", "domain", required=True, example="tjj.qinglan.gov.cn",
           note=_("门户网站为 www.地名拼音.gov.cn；部门网站为本级门户网站的下级域名。"), width=26),
    Column("中文域名", "chinese_domain", example="青岚市统计局.政务", note=_("机构全称或规范简称.政务"), width=24),
    Column("网站标识码", "site_code", example="9901000002", note=_("运行中的网站必填。")),
    Column("ICP备案号", "icp_number", example="澜ICP备12345678号-2", width=22),
    Column("公安机关备案号", "public_security_number", example="澜公网安备 99010002000123号", width=28),
    Column("党政机关网站标识证书号", "site_mark_number", example="", width=22),
    Column("主办单位", "sponsor_name", required=True, example="青岚市统计局", width=24),
    Column("承办单位", "operator_name", example="青岚市统计局信息中心", width=24),
    Column("网站负责人", "responsible_person", required=True, example="李华"),
    Column("负责人电话", "responsible_phone", example="0351-1234567"),
    Column("负责人邮箱", "responsible_email", example="lihua@tjj.qinglan.gov.cn", width=24),
    Column("对外联系电话", "contact_phone", example="0351-7654321"),
    Column("对外联系邮箱", "contact_email", example="tjj@qinglan.gov.cn", width=24),
    Column("联系地址", "contact_address", example="青岚市府前路1号", width=30),
    Column("部署在本平台", "hosted", required=True, boolean=True, example=YES,
           note=_("填“是”或“否”；未部署在本平台的网站也须登记。"), width=12),
    Column("托管情况", "hosting_notes", example="", width=24),
    Column("状态", "status", required=True, choices=SiteStatus, example="运行中",
           allowed=tuple(RegisterSite.ALLOWED), width=12),
))

SHEETS = (INSTITUTIONS, SITES)
NOTES_TITLE = "填写说明"


def normalise_header(value) -> str:
    """Tolerate what people do to headers: spaces, a required-marker star, half-width brackets."""
    text = cell_text(value).replace(" ", "").replace("\u3000", "")
    text = text.rstrip("*＊")
    return text.replace("(", "（").replace(")", "）")


def cell_text(value) -> str:
    """One cell as the text the actions expect (numbers typed into Excel keep their digits)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def workbook_bytes(rows_by_sheet: dict[Sheet, Iterable[list[str]]], *, notes: bool = False) -> bytes:
    """Write the sheets (header row first) as an .xlsx; ``notes`` adds the instructions sheet."""
    workbook = Workbook(write_only=True)
    for sheet, rows in rows_by_sheet.items():
        ws = workbook.create_sheet(sheet.title)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns):
            ws.column_dimensions[get_column_letter(index + 1)].width = column.width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
            cell.fill = _HEADER_FILL
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_text_cell(ws, value) for value in row])
    if notes:
        ws = workbook.create_sheet(NOTES_TITLE)
        for letter, width in zip("ABCD", (12, 24, 10, 70), strict=True):
            ws.column_dimensions[letter].width = width
        ws.append([gettext_now("工作表"), gettext_now("列名"), gettext_now("是否必填"), gettext_now("说明")])
        for sheet in rows_by_sheet:
            for column in sheet.columns:
                ws.append([sheet.title, column.header, YES if column.required else "", column.describe()])
        ws.append([])
        ws.append(["", gettext_now("第 1 行为表头，请勿改动列名；数据从第 2 行开始。整个文件要么全部导入，"
                                   "要么（有任何错误时）什么都不导入，错误会逐行列出。")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(ws, value: str) -> WriteOnlyCell:
    """Always a text cell: a value starting with ``=`` must never become a live formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    return cell

