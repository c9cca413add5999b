"""Bulk onboarding: record an existing estate from one spreadsheet (REG-01), all or nothing.

Every row goes through the same actions as the admin forms (:class:`CreateInstitution`,
:class:`RegisterSite`), so the rules and their Chinese messages are exactly the UI's. The whole
file runs in one transaction; each row in its own savepoint, so one bad row does not stop the
next from being checked. Any error rolls everything back and the user sees every problem at once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from govsites.audit.context import Actor
from govsites.audit.log import record

from . import permissions
from .actions import CreateInstitution, RegisterSite
from .errors import NotAllowed, messages_of
from .models import LIVE_STATUSES, Institution
from .rules import integration_reason
from .sheets import INSTITUTIONS, SHEETS, SITES, Column, Sheet, cell_text, normalise_header
from .validation import estate_root

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
#: an .xlsx is a zip: refuse one that unpacks to more than this (a "zip bomb")
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: a name lookup per this many names (below every database's bound-parameter limit)
_CHUNK = 500

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LONG_QUOTE = re.compile(r"“([^”]{60})[^”]{20,}”")


def max_bytes() -> int:
    return getattr(settings, "GOVSITES_IMPORT_MAX_BYTES", MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "GOVSITES_IMPORT_MAX_ROWS", MAX_ROWS)


def size_label(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return _("{size} 字节").format(size=size)


def too_large_message(size: int) -> str:
    return _("文件大小为 {size}，超过上限 {limit}，请拆分后分批导入。").format(
        size=size_label(size), limit=size_label(max_bytes())
    )


def may_import(user) -> bool:
    """Superusers, and supervisors of the estate root (who may register anywhere in the estate)."""
    if getattr(user, "is_superuser", False):
        return True
    root = estate_root()
    return root is not None and permissions.may_register_sites(user, root)


@dataclass(frozen=True)
class Problem:
    """One error: of the file, of a sheet, or of one row (and column) of a sheet."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    @property
    def text(self) -> str:
        """The message with any long quoted value cut short (a 30,000-character cell stays readable)."""
        return _LONG_QUOTE.sub(r"“\1…”", self.message)

    def __str__(self) -> str:
        message = self.text
        place = f"「{self.sheet}」" if self.sheet else ""
        if self.row is not None:
            place += _("第 {row} 行").format(row=self.row)
        if self.column:
            place += f" · {self.column}"
        return f"{place}：{message}" if place else message


@dataclass(frozen=True)
class FlaggedSite:
    """An existing site recorded although its institution may not have one: to be integrated (REG-03)."""

    row: int
    site: str
    institution: str
    reason: str


@dataclass
class ImportResult:
    filename: str
    created: dict[str, int] = field(default_factory=lambda: {sheet.title: 0 for sheet in SHEETS})
    errors: list[Problem] = field(default_factory=list)
    flagged: list[FlaggedSite] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def institutions(self) -> int:
        return self.created[INSTITUTIONS.title]

    @property
    def sites(self) -> int:
        return self.created[SITES.title]

    def messages(self) -> list[str]:
        return [str(problem) for problem in self.errors]


class FileProblem(Exception):
    """The file cannot be read as a registry spreadsheet at all."""

    def __init__(self, *problems: Problem | str):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(eq=False)
class Row:
    """One data row; rows are compared by identity (two rows may hold the same values)."""

    sheet: Sheet
    number: int
    values: dict[str, str]


# -- reading ----------------------------------------------------------------------------------


def read_file(data: bytes, filename: str) -> dict[Sheet, list[Row]]:
    """The rows of each sheet in the file, checked for size, shape and headers."""
    if not data:
        raise FileProblem(_("文件是空的（0 字节），请选择填写好的登记表。"))
    if len(data) > max_bytes():
        raise FileProblem(too_large_message(len(data)))
    name = (filename or "").lower()
    # the content decides, whatever the name says; the name only explains a mismatch
    if data.startswith(_XLSX_MAGIC):
        tables = _read_xlsx(data)
    elif name.endswith(".xls") or data.startswith(_XLS_MAGIC):
        raise FileProblem(_("不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV 后再导入。"))
    elif name.endswith(".xlsx"):
        raise FileProblem(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿。如为 CSV 文件，请将扩展名改为 .csv。"))
    elif name.endswith((".csv", ".txt")):
        tables = _read_csv(data)
    else:
        raise FileProblem(_("只支持 Excel 工作簿（.xlsx）和 CSV（.csv）文件，“{name}”不是这两种格式。").format(
            name=filename or "?"))
    if not any(tables.values()):
        raise FileProblem(_("文件中没有数据行：第 1 行为表头，登记数据从第 2 行开始填写。"))
    return tables


def _read_xlsx(data: bytes) -> dict[Sheet, list[Row]]:
    broken = _("文件已损坏或不完整（可能上传中断），无法作为 Excel 工作簿（.xlsx）打开。请重新保存后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise FileProblem(broken) from exc
    if "xl/workbook.xml" not in names:
        raise FileProblem(_("文件是压缩包，但不是 Excel 工作簿（.xlsx）。请上传 Excel 工作簿或 CSV 文件。"))
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(_("工作簿解压后超过 {limit}，内容过多，请拆分后分批导入。").format(
            limit=size_label(MAX_UNPACKED_BYTES)))
    try:
        # openpyxl raises many exception types on malformed parts; all mean "unreadable".
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(broken) from exc
    try:
        worksheets = {ws.title.strip(): ws for ws in workbook.worksheets}
        named = {sheet: worksheets[sheet.title] for sheet in SHEETS if sheet.title in worksheets}
        tables: dict[Sheet, list[Row]] = {}
        budget = _RowBudget()
        try:
            if named:
                for sheet, ws in named.items():
                    ws.reset_dimensions()
                    tables[sheet] = _table(ws.iter_rows(values_only=True), budget, sheet)
            else:
                for ws in workbook.worksheets:
                    ws.reset_dimensions()
                    sheet, rows = _recognised_table(ws.iter_rows(values_only=True), budget)
                    if sheet is not None and sheet not in tables:
                        tables[sheet] = rows
                if not tables:
                    raise FileProblem(_("工作簿中没有名为“机构”或“网站”的工作表，也没有可识别表头的工作表。"
                                        "请使用模板填写。"))
        except FileProblem:
            raise
        except Exception as exc:
            raise FileProblem(broken) from exc
    finally:
        workbook.close()
    return tables


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), or GBK/GB18030
    (Chinese Excel's default "CSV"); anything else is refused with the place it went wrong."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    furthest = 0
    for encoding, raw in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            furthest = max(furthest, exc.start)
    line = data[:furthest].count(b"\n") + 1
    raise FileProblem(_(
        "无法识别文件的字符编码：第 {line} 行附近有既不属于 UTF-8 也不属于 GBK（GB18030）的字节。"
        "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再导入。"
    ).format(line=line))


def _read_csv(data: bytes) -> dict[Sheet, list[Row]]:
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem(_("文件含有空字符，不是文本格式的 CSV 文件。请上传 Excel 工作簿（.xlsx）或 CSV 文件。"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    budget = _RowBudget()
    try:
        sheet, rows = _recognised_table(reader, budget)
    except csv.Error as exc:
        raise FileProblem(_("CSV 格式错误：第 {line} 行无法解析（引号不配对或单元格内容过长）。").format(
            line=reader.line_num)) from exc
    if sheet is None:
        raise FileProblem(_("无法识别 CSV 文件的内容：第 1 行应为“机构”表或“网站”表的列名（如“机构全称”或“开办机构”），"
                            "请下载模板对照填写。"))
    return {sheet: rows}


class _RowBudget:
    """Counts data rows across all sheets of one file against the row limit."""

    def __init__(self):
        self.used = 0

    def take(self) -> None:
        self.used += 1
        if self.used > max_rows():
            raise FileProblem(_("文件中的数据超过 {limit} 行的上限，请拆分后分批导入。").format(limit=max_rows()))


def _recognised_table(rows: Iterable, budget: _RowBudget) -> tuple[Sheet | None, list[Row]]:
    """Read a table whose kind is told by its header row (a CSV file, an unnamed worksheet)."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return None, []
    names = {normalise_header(value) for value in header}
    sheet = next((s for s in SHEETS if s.required[0].header in names), None)
    if sheet is None:
        return None, []
    return sheet, _table(rows, budget, sheet, header=header)


def _table(rows: Iterator, budget: _RowBudget, sheet: Sheet, header=None) -> list[Row]:
    """Check the header row of ``sheet`` and return its non-empty data rows."""
    if header is None:
        header = next(rows, None)
    headers = [normalise_header(value) for value in header or ()]
    if not any(headers):
        raise FileProblem(Problem(_("第 1 行应为表头（列名），但它是空的。请使用模板填写。"), sheet.title))
    known = sheet.by_header
    columns: dict[int, Column] = {}
    unknown, repeated, unnamed = [], [], []
    for index, name in enumerate(headers):
        if not name:
            unnamed.append(index)
        elif name not in known:
            unknown.append(name)
        elif known[name] in columns.values():
            repeated.append(name)
        else:
            columns[index] = known[name]
    problems = []
    if unknown:
        problems.append(_("表头中有无法识别的列：{names}。请使用模板中的列名。").format(names="、".join(unknown)))
    if repeated:
        problems.append(_("表头中有重复的列：{names}。").format(names="、".join(repeated)))
    missing = [c.header for c in sheet.required if c not in columns.values()]
    if missing:
        problems.append(_("表头缺少必填列：{names}。").format(names="、".join(missing)))
    if problems:
        raise FileProblem(*(Problem(p, sheet.title) for p in problems))
    out = []
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        budget.take()
        stray = [i for i in unnamed if i < len(texts) and texts[i]]
        stray += [i for i in range(len(headers), len(texts)) if texts[i]]
        if stray:
            raise FileProblem(Problem(
                _("第 {column} 列没有列名，但填写了内容。请删除该内容或补上模板中的列名。").format(column=stray[0] + 1),
                sheet.title, number,
            ))
        row = {c.field: "" for c in sheet.columns}
        row.update({column.field: texts[i] for i, column in columns.items() if i < len(texts)})
        out.append(Row(sheet, number, row))
    return out


# -- importing --------------------------------------------------------------------------------


def import_registry(data: bytes, filename: str, actor: Actor) -> ImportResult:
    """Import the file as ``actor``: everything, or — if any row is wrong — nothing."""
    if not may_import(actor.user):
        raise NotAllowed(_("只有系统管理员和省级（市级）主管单位可以批量导入登记数据。"))
    result = ImportResult(filename=filename)
    try:
        tables = read_file(data, filename)
    except FileProblem as problem:
        result.errors = problem.problems
        return result
    with transaction.atomic():
        importer = _Importer(actor, result)
        importer.institutions(tables.get(INSTITUTIONS, []), tables.get(SITES, []))
        importer.sites(tables.get(SITES, []))
        if result.errors:
            transaction.set_rollback(True)
            result.created = {sheet.title: 0 for sheet in SHEETS}
            result.flagged = []
            order = {sheet.title: i for i, sheet in enumerate(SHEETS)}
            result.errors.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
        else:
            record(actor, estate_root(), "registry.import", reason=_("批量导入：{name}").format(name=filename),
                   data={"file": filename, "sha256": hashlib.sha256(data).hexdigest(),
                         "institutions": result.institutions, "sites": result.sites,
                         "flagged": len(result.flagged)})
    return result


class _Importer:
    def __init__(self, actor: Actor, result: ImportResult):
        self.actor = actor
        self.result = result
        #: institutions by full name: the ones referenced from the registry, then the ones created
        self.by_name: dict[str, Institution] = {}
        #: the file's institution rows by full name (the first, if repeated)
        self.rows_by_name: dict[str, Row] = {}
        self.in_cycle: set[Row] = set()

    def error(self, row: Row, message: str, field_name: str | None = None) -> None:
        column = row.sheet.column(field_name) if field_name else None
        self.result.errors.append(Problem(message, row.sheet.title, row.number, column.header if column else ""))

    def run(self, row: Row, action, denied: str, skip_fields: Iterable[str] = ()):
        """Execute one row's action in its own savepoint; its errors become the row's errors."""
        try:
            with transaction.atomic():
                return action.execute()
        except NotAllowed:
            self.error(row, denied)
        except ValidationError as exc:
            for field_name, messages in messages_of(exc).items():
                if field_name in skip_fields:
                    continue
                for message in messages:
                    self.error(row, message, field_name if field_name != "__all__" else None)
        except DatabaseError:
            self.error(row, _("数据库拒绝保存本行（可能有内容超长或与已有记录冲突），请检查本行数据。"))
        return None

    def preload(self, names: set[str]) -> None:
        """One query per chunk for every referenced institution already in the registry."""
        names = sorted(n for n in names if n and n not in self.by_name)
        for start in range(0, len(names), _CHUNK):
            for institution in Institution.objects.filter(name__in=names[start : start + _CHUNK]):
                self.by_name[institution.name] = institution

    def missing_institution(self, row: Row, name: str, field_name: str, label: str) -> None:
        origin = self.rows_by_name.get(name)
        if origin is not None:
            message = _("{label}“{name}”（「机构」第 {row} 行）未能导入，请先更正该行。").format(
                label=label, name=name, row=origin.number)
        else:
            message = _("{label}“{name}”不存在：既不在本文件的“机构”表中，也未在平台登记。").format(label=label, name=name)
        self.error(row, message, field_name)

    # -- institutions: parents first --------------------------------------------------------

    def institutions(self, rows: list[Row], site_rows: list[Row]) -> None:
        duplicates: set[Row] = set()
        for row in rows:
            name = row.values["name"]
            if not name:
                continue
            if name in self.rows_by_name:
                duplicates.add(row)
                self.error(row, _("机构“{name}”在本文件中重复出现（另见「机构」第 {row} 行）。").format(
                    name=name, row=self.rows_by_name[name].number), "name")
            else:
                self.rows_by_name[name] = row
        self.preload({r.values["parent"] for r in rows} | {r.values["institution"] for r in site_rows})

        pending = [r for r in rows if r not in duplicates]
        settled: set[str] = set()
        while pending:
            # a row is ready once its parent (if the file holds it) has been tried
            ready = [r for r in pending if r.values["parent"] not in self.rows_by_name or r.values["parent"] in settled]
            if not ready:
                # what is left hangs off a cycle: report it, then let every row report its parent
                self.cycles(pending)
                ready = pending
            for row in ready:
                self.institution(row)
                settled.add(row.values["name"])
            done = set(ready)
            pending = [r for r in pending if r not in done]

    def institution(self, row: Row) -> None:
        values = row.values
        if row in self.in_cycle:
            return
        parent = None
        if values["parent"]:
            parent = self.by_name.get(values["parent"])
            if parent is None:
                self.missing_institution(row, values["parent"], "parent", _("上级机构"))
                return
        kind, level = INSTITUTIONS.column("kind"), INSTITUTIONS.column("level")
        data = {k: v for k, v in values.items() if k != "parent"}
        data.update(kind=kind.to_value(values["kind"]), level=level.to_value(values["level"]))
        denied = _("您无权登记该机构：没有上级机构的机构（省级政府）只能由系统管理员登记，其他机构须在您主管的区域内。")
        institution = self.run(row, CreateInstitution(self.actor, data=data, parent=parent), denied)
        if institution is not None:
            self.by_name[institution.name] = institution
            self.result.created[INSTITUTIONS.title] += 1

    def cycles(self, rows: list[Row]) -> None:
        """Report the rows whose chain of parents leads back to themselves (they are not tried)."""
        for row in rows:
            chain, name = [row.values["name"]], row.values["parent"]
            while name in self.rows_by_name and name not in chain:
                chain.append(name)
                name = self.rows_by_name[name].values["parent"]
            if name == row.values["name"]:
                self.error(row, _("上级机构形成循环：{chain}。").format(chain=" → ".join([*chain, name])), "parent")
                self.in_cycle.add(row)

    # -- sites: portals before department sites ---------------------------------------------

    def sites(self, rows: list[Row]) -> None:
        status = SITES.column("status")
        duplicated = self.duplicates(rows, status)

        def order(row: Row):
            institution = self.by_name.get(row.values["institution"])
            department = institution is None or not institution.is_government
            # a closed site first: it may carry the domain a live site now holds
            live = status.to_value(row.values["status"]) in LIVE_STATUSES
            return (department, live, row.number)

        for row in sorted(rows, key=order):
            values = row.values
            institution = self.by_name.get(values["institution"])
            if institution is None:
                if values["institution"]:
                    self.missing_institution(row, values["institution"], "institution", _("开办机构"))
                else:
                    self.error(row, _("“开办机构”为必填项。"), "institution")
                continue
            data = {k: v for k, v in values.items() if k not in ("institution", "status")}
            if not values["hosted"]:
                # the domain reads a blank as "no"; in a spreadsheet it is more likely forgotten
                self.error(row, _("“部署在本平台”须填写“是”或“否”。"), "hosted")
                del data["hosted"]
            action = RegisterSite(self.actor, institution, data=data, status=status.to_value(values["status"]))
            denied = _("您无权为该机构登记网站：它不在您主管的区域内。")
            site = self.run(row, action, denied, skip_fields=duplicated.get(row, ()))
            if site is None:
                continue
            self.result.created[SITES.title] += 1
            reason = integration_reason(site) if site.is_live else ""
            if reason:
                self.result.flagged.append(FlaggedSite(row.number, site.name, institution.name, reason))

    def duplicates(self, rows: list[Row], status: Column) -> dict[Row, set[str]]:
        """Report values that must be unique but repeat within the file; returns the fields so
        reported per row (the action's own "already used" message would only repeat it)."""
        checks = (
            ("domain", True, "REG-07", _("英文域名 {value} 在本文件中重复出现（另见「网站」第 {row} 行）。")),
            ("chinese_domain", True, "REG-06", _("中文域名 {value} 在本文件中重复出现（另见「网站」第 {row} 行）。")),
            ("site_code", False, "REG-09", _("网站标识码 {value} 在本文件中重复出现（另见「网站」第 {row} 行）。")),
        )
        reported: dict[Row, set[str]] = {}
        for field_name, live_only, rule, message in checks:
            seen: dict[str, Row] = {}
            for row in rows:
                value = row.values[field_name].lower().rstrip(".")
                if not value or (live_only and status.to_value(row.values["status"]) not in LIVE_STATUSES):
                    continue
                if value in seen:
                    text = message.format(value=row.values[field_name], row=seen[value].number)
                    self.error(row, f"【{rule}】{text}", field_name)
                    reported.setdefault(row, set()).add(field_name)
                else:
                    seen[value] = row
        return reported
