import io
import os
import time
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.registry import importing
from govsites.registry.errors import NotAllowed
from govsites.registry.importing import import_registry
from govsites.registry.models import Institution, Site, SiteStatus, SiteType
from govsites.registry.sheets import INSTITUTIONS, SITES
from tests.registry.spreadsheets import (
    INSTITUTION_HEADERS,
    SITE_HEADERS,
    csv_bytes,
    estate_rows,
    institution,
    site,
    xlsx_bytes,
)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("sysadmin", password="x")


def row_counts() -> dict[str, int]:
    """Rows of every model the registry, accounts and audit apps own."""
    models = [m for label in ("registry", "accounts", "audit") for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: m.objects.count() for m in models}


# -- a whole estate --------------------------------------------------------------------------


@pytest.mark.rule("REG-01", "REG-03")
def test_whole_estate_with_external_closed_and_township_sites_imports_fully(superuser):
    insts, sites, facts = estate_rows()
    assert len(insts) > 600 and len(sites) > 480

    started = time.perf_counter()
    result = import_registry(xlsx_bytes(insts, sites), "全省政府网站.xlsx", Actor.cli(superuser))
    elapsed = time.perf_counter() - started

    assert result.ok, result.messages()[:10]
    assert elapsed < 60
    assert (result.institutions, result.sites) == (len(insts), len(sites))
    assert Institution.objects.count() == len(insts)
    # REG-01: every site is in the registry, those hosted elsewhere and those closed too
    assert Site.objects.count() == len(sites)
    assert Site.objects.filter(hosted=False).count() == facts["external"]
    assert Site.objects.filter(status=SiteStatus.CLOSED).count() == facts["closed"]
    assert Site.objects.filter(site_type=SiteType.PORTAL).count() == 1 + 20 + 60 + 20
    # REG-03: townships' and county departments' existing sites are recorded and flagged, not refused
    assert len(result.flagged) == facts["flagged"] == Site.objects.needing_integration().count()
    township = next(f for f in result.flagged if "镇人民政府" in f.institution)
    assert township.reason.startswith("【REG-03】乡镇政府")
    # the hierarchy is rebuilt from the names
    county = Institution.objects.get(name="青溪市岚水县人民政府")
    assert county.parent.name == "青溪市人民政府" and county.parent.parent.name == "澜川省人民政府"
    assert Institution.objects.get(name="青溪市岚水县第1镇人民政府").path.startswith(county.path)
    # one summary entry besides the actions' own entries
    summary = AuditLogEntry.objects.get(action="registry.import")
    assert summary.data["institutions"] == len(insts) and summary.data["sites"] == len(sites)
    assert summary.user == superuser and summary.via == "cli"
    assert AuditLogEntry.objects.filter(action="registry.institution.create").count() == len(insts)
    assert AuditLogEntry.objects.filter(action="registry.site.register").count() == len(sites)


@pytest.mark.rule("REG-01")
def test_parents_may_come_after_their_children_in_the_file(superuser):
    province = institution("澜川省人民政府", "人民政府", "省级", code="990000", abbreviation="澜")
    city = institution("青岚市人民政府", "人民政府", "市级", "澜川省人民政府", code="990100")
    dept = institution("青岚市统计局", "政府部门", "市级", "青岚市人民政府", short="市统计局")
    sites = [site("青岚市统计局", "青岚市统计局网站", "tjj.qinglan.gov.cn", "9901000002", seq=2),
             site("青岚市人民政府", "青岚市人民政府", "www.qinglan.gov.cn", "9901000001", seq=1)]

    result = import_registry(xlsx_bytes([dept, city, province], sites), "x.xlsx", Actor.cli(superuser))

    assert result.ok, result.messages()
    assert Site.objects.get(domain="tjj.qinglan.gov.cn").institution.parent.name == "青岚市人民政府"


# -- bad rows: all reported, nothing kept ----------------------------------------------------


def bad_file(estate) -> bytes:
    """Rows 2 and 3 of each sheet are right; every other row breaks one rule."""
    city = "青岚市人民政府"
    insts = [
        institution("青岚市教育局", "政府部门", "市级", city, short="市教育局"),           # 2 fine
        institution("青岚市财政局", "政府部门", "市级", city, short="市财政局"),           # 3 fine
        institution("青岚市审计局", "政府部门", "市级", "青岚市不存在的政府"),             # 4 unknown parent
        institution("青岚市教育局", "政府部门", "市级", city),                             # 5 twice in the file
        institution(city, "人民政府", "市级", "澜川省人民政府", code="990100"),            # 6 already registered
        institution("青岚市商务局", "政府部门", "地级", city),                             # 7 no such level
    ]
    sites = [
        site("青岚市教育局", "青岚市教育局网站", "jyj.qinglan.gov.cn", "9901000101", seq=1),           # 2
        site("澜川省教育厅", "澜川省教育厅网站", "jyt.lanchuan.gov.cn", "9900000101", seq=2),          # 3
        site("青岚市财政局", "青岚市财政局网站", "czj.lanchuan.gov.cn", "9901000102", seq=3),          # 4
        site("青岚市水利局", "青岚市水利局网站", "http://slj.qinglan.gov.cn/", "12345", seq=4),        # 5
        site("青岚市石泉县人民政府", "青岚市石泉县人民政府", "www.shiquan.gov.cn", "9901220001", seq=5),  # 6
        site("青岚市审计局", "青岚市审计局网站", "sjj.qinglan.gov.cn", "9901000103", seq=6),           # 7
        site("青岚市水利局水文站", "青岚市水利局水文站网站", "JYJ.qinglan.gov.cn", "9901000101", seq=7),  # 8
        site("溪口县教育局", "溪口县教育局" + "网" * 120, "jyj.xikou.gov.cn", "9901210101", seq=8),     # 9
        site("不存在的机构", "不存在的机构网站", "bcz.qinglan.gov.cn", "9901000104", seq=9),           # 10
        site("溪口县桃源镇人民政府", "溪口县桃源镇人民政府", "www.taoyuan.gov.cn", "", seq=10,
             status="运营中"),                                                                       # 11
    ]
    sites[4]["ICP备案号"] = "晋ICP备12345678号"
    return xlsx_bytes(insts, sites)


@pytest.mark.rule("REG-07", "REG-09", "REG-05")
def test_every_bad_row_is_reported_in_chinese_and_nothing_is_imported(estate, as_user):
    before = row_counts()

    result = import_registry(bad_file(estate), "登记表.xlsx", as_user(estate.province_office))

    assert not result.ok
    assert row_counts() == before
    assert result.created == {"机构": 0, "网站": 0} and result.flagged == []
    messages = result.messages()
    expected = [
        "「机构」第 4 行 · 上级机构：上级机构“青岚市不存在的政府”不存在：既不在本文件的“机构”表中，也未在平台登记。",
        "「机构」第 5 行 · 机构全称：机构“青岚市教育局”在本文件中重复出现（另见「机构」第 2 行）。",
        "「机构」第 6 行 · 机构全称：机构“青岚市人民政府”已存在。",
        "「机构」第 7 行 · 层级：“层级”须为：省级、市级、县级、乡镇级之一。",
        "「网站」第 4 行 · 英文域名：【REG-07】部门网站英文域名须使用本级政府门户网站的下级域名，"
        "结构为“部门拼音或英文.qinglan.gov.cn”，“czj.lanchuan.gov.cn”不符合。",
        "「网站」第 5 行 · 英文域名：【REG-07】请只填写域名本身，不要包含 http://、路径或空格。",
        "「网站」第 5 行 · 网站标识码：【REG-09】网站标识码须为10位：行政区划代码6位加4位顺序号（如 1401000001），"
        "或 bm 加8位数字；“12345”不符合。",
        "「网站」第 6 行 · ICP备案号：【REG-09】ICP备案号须以本省简称“澜”开头，“晋ICP备12345678号”不符合。",
        "「网站」第 7 行 · 开办机构：开办机构“青岚市审计局”（「机构」第 4 行）未能导入，请先更正该行。",
        "「网站」第 8 行 · 英文域名：【REG-07】英文域名 JYJ.qinglan.gov.cn 在本文件中重复出现（另见「网站」第 2 行）。",
        "「网站」第 8 行 · 网站标识码：【REG-09】网站标识码 9901000101 在本文件中重复出现（另见「网站」第 2 行）。",
        "「网站」第 9 行 · 网站全称：“网站全称”不能超过100个字符。",
        "「网站」第 10 行 · 开办机构：开办机构“不存在的机构”不存在：既不在本文件的“机构”表中，也未在平台登记。",
        "「网站」第 11 行 · 状态：登记已有网站时，状态须为：运行中、临时下线、不可抗力断网、关停迁移中、已关停。",
    ]
    assert messages == expected
    # the right rows were checked too, and passed: no message for rows 2 and 3 of either sheet
    assert not [p for p in result.errors if p.row in (2, 3)]


@pytest.mark.rule("REG-07")
def test_department_site_domain_is_checked_against_its_portal_in_the_same_file(superuser):
    province = institution("澜川省人民政府", "人民政府", "省级", code="990000", abbreviation="澜")
    city = institution("青岚市人民政府", "人民政府", "市级", "澜川省人民政府", code="990100")
    dept = institution("青岚市统计局", "政府部门", "市级", "青岚市人民政府")
    sites = [site("青岚市统计局", "青岚市统计局网站", "tjj.lanchuan.gov.cn", "9901000002", seq=2),
             site("青岚市人民政府", "青岚市人民政府", "www.qinglan.gov.cn", "9901000001", seq=1),
             site("澜川省人民政府", "澜川省人民政府", "www.lanchuan.gov.cn", "9900000001", seq=3)]

    result = import_registry(xlsx_bytes([province, city, dept], sites), "x.xlsx", Actor.cli(superuser))

    assert [str(p) for p in result.errors] == [
        "「网站」第 2 行 · 英文域名：【REG-07】部门网站英文域名须使用本级政府门户网站的下级域名，"
        "结构为“部门拼音或英文.qinglan.gov.cn”，“tjj.lanchuan.gov.cn”不符合。"
    ]
    assert Institution.objects.count() == 0


@pytest.mark.rule("REG-02")
def test_a_second_live_site_of_one_institution_is_refused(estate, as_user):
    sites = [site("青岚市统计局", "青岚市统计局新网站", "tongji.qinglan.gov.cn", "9901000201", seq=1)]

    result = import_registry(xlsx_bytes([], sites), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == ["「网站」第 2 行：【REG-02】一个单位原则上最多开设一个网站；青岚市统计局已有网站“青岚市统计局网站”（运行中）。"]


def test_a_cycle_of_parents_is_reported(estate, as_user):
    insts = [institution("甲局", "政府部门", "市级", "乙局"), institution("乙局", "政府部门", "市级", "甲局"),
             institution("丙局", "部门直属单位", "市级", "甲局")]

    result = import_registry(xlsx_bytes(insts, []), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == [
        "「机构」第 2 行 · 上级机构：上级机构形成循环：甲局 → 乙局 → 甲局。",
        "「机构」第 3 行 · 上级机构：上级机构形成循环：乙局 → 甲局 → 乙局。",
        "「机构」第 4 行 · 上级机构：上级机构“甲局”（「机构」第 2 行）未能导入，请先更正该行。",
    ]


def test_a_long_value_is_cut_short_in_the_message(estate, as_user):
    sites = [site("青岚市水利局", "青岚市水利局网站", "slj.qinglan.gov.cn", "9" * 5000, seq=1)]

    result = import_registry(xlsx_bytes([], sites), "x.xlsx", as_user(estate.province_office))

    (message,) = result.messages()
    assert "【REG-09】" in message and len(message) < 200 and "…”不符合" in message


def test_the_hosted_column_must_say_yes_or_no(estate, as_user):
    row = site("青岚市水利局", "青岚市水利局网站", "slj.qinglan.gov.cn", "9901000301", seq=1, hosted="")

    result = import_registry(xlsx_bytes([], [row]), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == ["「网站」第 2 行 · 部署在本平台：“部署在本平台”须填写“是”或“否”。"]


# -- who may import --------------------------------------------------------------------------


def good_site_file() -> bytes:
    return xlsx_bytes([], [site("青岚市水利局", "青岚市水利局网站", "slj.qinglan.gov.cn", "9901000301", seq=1,
                                 hosted="否")])


@pytest.mark.rule("REG-01")
def test_an_estate_supervisor_registers_an_external_site(estate, as_user):
    result = import_registry(good_site_file(), "x.xlsx", as_user(estate.province_office))

    assert result.ok and result.sites == 1
    registered = Site.objects.get(domain="slj.qinglan.gov.cn")
    assert registered.hosted is False and registered.site_type == SiteType.DEPARTMENT
    summary = AuditLogEntry.objects.get(action="registry.import")
    assert summary.user == estate.province_office and summary.ip_address == "10.0.0.8"
    assert summary.object_id == str(estate.province.pk)


@pytest.mark.parametrize("who", ["city_office", "water_manager", "outsider"])
def test_only_superusers_and_estate_supervisors_may_import(estate, as_user, who):
    with pytest.raises(NotAllowed, match="只有系统管理员和省级（市级）主管单位"):
        import_registry(good_site_file(), "x.xlsx", as_user(getattr(estate, who)))
    assert not Site.objects.filter(domain="slj.qinglan.gov.cn").exists()


def test_a_supervisor_may_not_add_a_second_province(estate, as_user):
    insts = [institution("澄江省人民政府", "人民政府", "省级", code="980000", abbreviation="澄")]

    result = import_registry(xlsx_bytes(insts, []), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == ["「机构」第 2 行：您无权登记该机构：没有上级机构的机构（省级政府）只能由系统管理员登记，"
                                 "其他机构须在您主管的区域内。"]


# -- CSV -------------------------------------------------------------------------------------


def test_gbk_csv_files_import_one_sheet_each(estate, as_user):
    insts = [institution("青岚市教育局", "政府部门", "市级", "青岚市人民政府", short="市教育局", pinyin="jyj")]
    sites = [site("青岚市教育局", "青岚市教育局网站", "jyj.qinglan.gov.cn", "9901000101", seq=1,
                  chinese="青岚市教育局.政务")]

    first = import_registry(csv_bytes(insts, INSTITUTION_HEADERS, "gbk"), "机构.csv", as_user(estate.province_office))
    second = import_registry(csv_bytes(sites, SITE_HEADERS, "gbk"), "网站.csv", as_user(estate.province_office))

    assert first.ok and first.institutions == 1, first.messages()
    assert second.ok and second.sites == 1, second.messages()
    registered = Site.objects.get(domain="jyj.qinglan.gov.cn")
    assert registered.chinese_domain == "青岚市教育局.政务" and registered.icp_number == "澜ICP备10000001号"
    assert registered.institution.short_name == "市教育局"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings_excel_produces_are_understood(estate, as_user, encoding):
    insts = [institution("青岚市教育局", "政府部门", "市级", "青岚市人民政府")]
    data = csv_bytes(insts, INSTITUTION_HEADERS, encoding)
    if encoding == "utf-16":  # Excel's "Unicode text": tab-separated
        data = data.decode("utf-16").replace(",", "\t").encode("utf-16")

    result = import_registry(data, "机构.csv", as_user(estate.province_office))

    assert result.ok, result.messages()
    assert Institution.objects.filter(name="青岚市教育局").exists()


def test_the_content_decides_not_the_file_name(estate, as_user):
    result = import_registry(good_xlsx(), "机构.csv", as_user(estate.province_office))

    assert result.ok, result.messages()


def test_numbers_typed_into_excel_keep_their_digits(estate, as_user):
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "机构"
    ws.append(INSTITUTION_HEADERS)
    ws.append(["青岚市云溪县人民政府", "", "人民政府", "县级", 990123, "", "", "青岚市人民政府", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_registry(buffer.getvalue(), "x.xlsx", as_user(estate.province_office))

    assert result.ok, result.messages()
    assert Institution.objects.get(name="青岚市云溪县人民政府").division_code == "990123"


# -- files that are not what they claim ------------------------------------------------------


def good_xlsx() -> bytes:
    return xlsx_bytes([institution("青岚市教育局", "政府部门", "市级", "青岚市人民政府")], [])


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


BAD_FILES = {
    "empty": (lambda: b"", "x.xlsx", "文件是空的（0 字节）"),
    "random bytes named .xlsx": (lambda: os.urandom(4096), "x.xlsx", "文件扩展名为 .xlsx，但内容不是 Excel 工作簿"),
    "broken zip": (lambda: b"PK\x03\x04" + os.urandom(4096), "x.xlsx", "文件已损坏或不完整"),
    "truncated xlsx": (lambda: good_xlsx()[: len(good_xlsx()) // 2], "x.xlsx", "文件已损坏或不完整"),
    "another zip": (docx_like, "x.xlsx", "文件是压缩包，但不是 Excel 工作簿"),
    "old xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.xls", "不支持旧版 Excel（.xls）"),
    "other format": (lambda: b"%PDF-1.4", "x.pdf", "只支持 Excel 工作簿（.xlsx）和 CSV（.csv）文件"),
    "oversized": (lambda: b"a" * (21 * 1024 * 1024 // 2), "x.csv", "文件大小为 10.5 MB，超过上限 10 MB，请拆分后分批导入。"),
    "neither UTF-8 nor GBK": (lambda: "机构全称,机构类别,层级\n".encode() + b"\x80\xff\xfe,x,y\n", "x.csv",
                              "无法识别文件的字符编码：第 2 行附近有既不属于 UTF-8 也不属于 GBK（GB18030）的字节"),
    "NUL bytes": (lambda: "机构全称,机构类别,层级\n".encode() + b"a\0b,c,d\n", "x.csv", "文件含有空字符"),
    "unrecognised CSV": (lambda: "名称,地址\n甲,乙\n".encode(), "x.csv", "无法识别 CSV 文件的内容"),
    "headers only": (lambda: xlsx_bytes([], []), "x.xlsx", "文件中没有数据行"),
    "no registry sheet": (lambda: xlsx_bytes([{"a": 1}], [], titles=("Sheet1", None), headers={"Sheet1": ["a"]}),
                          "x.xlsx", "工作簿中没有名为“机构”或“网站”的工作表"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_malformed_files_get_a_clear_chinese_error(estate, as_user, kind):
    make, name, expected = BAD_FILES[kind]
    before = row_counts()

    result = import_registry(make(), name, as_user(estate.province_office))

    assert not result.ok
    assert len(result.errors) == 1 and result.errors[0].row is None
    assert expected in str(result.errors[0])
    assert row_counts() == before


def test_wrong_headers_are_named(estate, as_user):
    data = xlsx_bytes([{"机构名称": "甲"}], [], headers={"机构": ["机构名称", "层级", "层级", "机构类别"]})

    result = import_registry(data, "x.xlsx", as_user(estate.province_office))

    assert result.messages() == [
        "「机构」：表头中有无法识别的列：机构名称。请使用模板中的列名。",
        "「机构」：表头中有重复的列：层级。",
        "「机构」：表头缺少必填列：机构全称。",
    ]


def test_headers_tolerate_stars_spaces_and_half_width_brackets(estate, as_user):
    headers = [h.replace("（", "(").replace("）", ")") + ("*" if h == "机构全称" else " ") for h in INSTITUTION_HEADERS]
    row = dict(zip(headers, institution("青岚市教育局", "政府部门", "市级", "青岚市人民政府").values(), strict=True))

    result = import_registry(xlsx_bytes([row], [], headers={"机构": headers}), "x.xlsx",
                             as_user(estate.province_office))

    assert result.ok, result.messages()


def test_a_value_under_no_header_is_refused(estate, as_user):
    headers = [*INSTITUTION_HEADERS, ""]
    row = {**institution("青岚市教育局", "政府部门", "市级", "青岚市人民政府"), "": "多余"}

    result = import_registry(xlsx_bytes([row], [], headers={"机构": headers}), "x.xlsx",
                             as_user(estate.province_office))

    assert result.messages() == ["「机构」第 2 行：第 11 列没有列名，但填写了内容。请删除该内容或补上模板中的列名。"]


def test_row_limit(estate, as_user, settings):
    settings.GOVSITES_IMPORT_MAX_ROWS = 3
    insts = [institution(f"青岚市第{i}局", "政府部门", "市级", "青岚市人民政府") for i in range(4)]

    result = import_registry(xlsx_bytes(insts, []), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == ["文件中的数据超过 3 行的上限，请拆分后分批导入。"]
    assert not Institution.objects.filter(name__startswith="青岚市第").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(estate, as_user, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 1024)

    result = import_registry(good_xlsx(), "x.xlsx", as_user(estate.province_office))

    assert result.messages() == ["工作簿解压后超过 1 KB，内容过多，请拆分后分批导入。"]


# -- the template ----------------------------------------------------------------------------


def test_blank_template_has_every_column_an_example_and_instructions(estate, client):
    client.force_login(estate.province_office)

    response = client.get(reverse("registry_import:template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["机构", "网站", "填写说明"]
    for sheet in (INSTITUTIONS, SITES):
        rows = list(workbook[sheet.title].iter_rows(values_only=True))
        assert list(rows[0]) == [c.header for c in sheet.columns]
        assert len(rows) == 2 and rows[1][0]
    notes = [row for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert ("网站", "状态", "是", "可填：运行中、临时下线、不可抗力断网、关停迁移中、已关停") in notes


# -- the admin page --------------------------------------------------------------------------


def upload(client, data: bytes, name: str):
    return client.post(reverse("registry_import:import"), {"file": _named(data, name)})


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_upload_page_imports_for_an_estate_supervisor(estate, client):
    client.force_login(estate.province_office)

    page = client.get(reverse("registry_import:import"))
    assert page.status_code == 200
    assert "批量导入导出" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()

    response = upload(client, good_site_file(), "登记表.xlsx")

    assert response.status_code == 200
    assert "已全部导入" in response.content.decode()
    assert Site.objects.filter(domain="slj.qinglan.gov.cn", hosted=False).exists()
    entry = AuditLogEntry.objects.get(action="registry.import")
    assert entry.via == "web" and entry.data["file"] == "登记表.xlsx"


def test_the_upload_page_lists_every_error_and_imports_nothing(estate, client):
    client.force_login(estate.province_office)
    before = row_counts()

    response = upload(client, bad_file(estate), "登记表.xlsx")

    html = response.content.decode()
    assert response.status_code == 200
    assert "导入失败，未导入任何数据" in html
    assert "【REG-07】部门网站英文域名须使用本级政府门户网站的下级域名" in html
    start = html.index("<tbody>", html.index("errors-heading"))
    table = html[start:html.index("</tbody>", start)]
    assert table.count("<tr>") == 14
    assert row_counts() == before


def test_the_upload_page_refuses_an_oversized_file_before_reading_it(estate, client, settings):
    settings.GOVSITES_IMPORT_MAX_BYTES = 1000
    client.force_login(estate.province_office)

    response = upload(client, b"x" * 2000, "x.csv")

    assert "文件大小为 2 KB，超过上限 1000 字节" in response.content.decode()


def test_the_upload_page_asks_for_a_file(estate, client):
    client.force_login(estate.province_office)

    response = client.post(reverse("registry_import:import"), {})

    assert "请选择要导入的文件。" in response.content.decode()


@pytest.mark.parametrize("who", ["water_manager", "city_office"])
def test_the_upload_page_is_refused_to_others(estate, client, who):
    client.force_login(getattr(estate, who))

    assert client.get(reverse("registry_import:import")).status_code == 403
    response = upload(client, good_site_file(), "x.xlsx")

    assert response.status_code == 403
    assert "只有系统管理员和省级（市级）主管单位可以批量导入登记数据" in response.content.decode()
    assert not Site.objects.filter(domain="slj.qinglan.gov.cn").exists()


def test_the_upload_needs_the_csrf_token(estate):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(estate.province_office)

    response = upload(client, good_site_file(), "x.xlsx")

    assert response.status_code == 403
    assert not Site.objects.filter(domain="slj.qinglan.gov.cn").exists()


@pytest.mark.parametrize(("who", "url"), [("province_office", "/admin/registry-import/"),
                                         ("water_manager", "/admin/registry-import/export/")])
def test_the_registry_menu_leads_each_user_to_what_they_may_do(estate, client, who, url):
    client.force_login(getattr(estate, who))

    sidebar = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f'"{url}"' in sidebar and "\\u6279\\u91cf\\u5bfc\\u5165\\u5bfc\\u51fa" in sidebar  # 批量导入导出


# -- the command line ------------------------------------------------------------------------


def test_command_imports_a_file(estate, tmp_path):
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(good_site_file())
    out = io.StringIO()

    call_command("import_registry", str(path), "--as", "province_office", stdout=out)

    assert "导入完成：新增机构 0 个，登记网站 1 个。" in out.getvalue()
    assert AuditLogEntry.objects.get(action="registry.import").via == "cli"


def test_command_lists_the_errors_and_fails(estate, tmp_path):
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(bad_file(estate))
    err = io.StringIO()
    before = row_counts()

    with pytest.raises(CommandError, match="导入失败：共 14 处错误，未导入任何数据。"):
        call_command("import_registry", str(path), "--as", "province_office", stderr=err)

    assert "「网站」第 6 行 · ICP备案号：【REG-09】ICP备案号须以本省简称“澜”开头" in err.getvalue()
    assert row_counts() == before


def test_command_refuses_unknown_users_and_those_not_allowed(estate, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(good_site_file())

    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        call_command("import_registry", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="只有系统管理员"):
        call_command("import_registry", str(path), "--as", "water_manager")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_registry", str(tmp_path / "missing.xlsx"), "--as", "province_office")
