import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.registry.exporting import export_registry
from govsites.registry.importing import import_registry
from govsites.registry.models import Institution, Site, SiteStatus
from govsites.registry.sheets import INSTITUTIONS, SITES
from tests import factories
from tests.registry.spreadsheets import INSTITUTION_HEADERS, SITE_HEADERS, estate_rows, xlsx_bytes


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("sysadmin", password="x")


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [tuple("" if v is None else v for v in row) for row in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets}


def as_rows(rows: list[dict], headers: list[str]) -> list[tuple]:
    return [tuple(row[h] for h in headers) for row in rows]


def wipe_registry() -> None:
    """Empty the registry (children before parents), as on a freshly installed platform."""
    Site.objects.all().delete()
    for institution in Institution.objects.order_by("-path"):
        institution.delete()


@pytest.mark.rule("REG-01")
def test_an_imported_estate_exports_cell_for_cell_as_it_came_in(superuser):
    insts, sites, _ = estate_rows(cities=4)
    assert import_registry(xlsx_bytes(insts, sites), "in.xlsx", Actor.cli(superuser)).ok

    exported = sheets(export_registry(Actor.cli(superuser)))

    assert exported["机构"][0] == tuple(INSTITUTION_HEADERS) and exported["网站"][0] == tuple(SITE_HEADERS)
    assert sorted(exported["机构"][1:]) == sorted(as_rows(insts, INSTITUTION_HEADERS))
    assert sorted(exported["网站"][1:]) == sorted(as_rows(sites, SITE_HEADERS))


@pytest.mark.rule("REG-01", "REG-03")
def test_export_then_import_into_an_empty_registry_round_trips(estate, superuser):
    factories.site(estate.township, "www.taoyuan.gov.cn", site_code="9901210009", hosted=False,
                   hosting_notes="县里托管")
    factories.site(estate.water, "slj.qinglan.gov.cn", status=SiteStatus.CLOSED, icp_number="澜ICP备12345678号-3",
                   public_security_number="澜公网安备 99010002000123号", responsible_email="wang@qinglan.gov.cn")
    first = export_registry(Actor.cli(superuser))
    records = {s.domain: (s.institution.name, s.status, s.hosted, s.site_code) for s in Site.objects.all()}

    wipe_registry()
    result = import_registry(first, "export.xlsx", Actor.cli(superuser))

    assert result.ok, result.messages()
    assert {s.domain: (s.institution.name, s.status, s.hosted, s.site_code) for s in Site.objects.all()} == records
    assert [f.institution for f in result.flagged] == ["溪口县桃源镇人民政府"]
    assert Institution.objects.get(name="青岚市水利局水文站").parent.name == "青岚市水利局"
    again, before = sheets(export_registry(Actor.cli(superuser))), sheets(first)
    assert {title: sorted(rows) for title, rows in again.items()} == {t: sorted(r) for t, r in before.items()}


def test_only_existing_sites_are_exported(estate, superuser):
    factories.site(estate.water, "slj.qinglan.gov.cn", status=SiteStatus.PROPOSED, site_code="")

    exported = sheets(export_registry(Actor.cli(superuser)))

    domains = [row[SITE_HEADERS.index("英文域名")] for row in exported["网站"][1:]]
    assert "slj.qinglan.gov.cn" not in domains and "tjj.qinglan.gov.cn" in domains


@pytest.mark.parametrize(
    ("who", "institutions", "sites"),
    [
        ("province_office", 11, 5),
        ("city_office", 8, 3),
        ("county_office", 3, 1),
        ("stats_manager", 1, 1),
        ("outsider", 0, 0),
    ],
)
def test_export_holds_only_what_the_user_may_see(estate, as_user, who, institutions, sites):
    exported = sheets(export_registry(as_user(getattr(estate, who))))

    assert len(exported["机构"]) - 1 == institutions
    assert len(exported["网站"]) - 1 == sites


def test_stats_manager_sees_the_own_site_and_its_parent_by_name(estate, as_user):
    exported = sheets(export_registry(as_user(estate.stats_manager)))

    assert exported["机构"][1][:4] == ("青岚市统计局", "市统计局", "政府部门", "市级")
    assert exported["机构"][1][INSTITUTION_HEADERS.index("上级机构")] == "青岚市人民政府"
    site_row = dict(zip(SITE_HEADERS, exported["网站"][1], strict=True))
    assert site_row["开办机构"] == "青岚市统计局" and site_row["状态"] == "运行中" and site_row["部署在本平台"] == "是"


def test_each_export_is_audited(estate, as_user):
    export_registry(as_user(estate.city_office))

    entry = AuditLogEntry.objects.get(action="registry.export")
    assert entry.user == estate.city_office and entry.ip_address == "10.0.0.8"
    assert entry.data["institutions"] == 8 and entry.data["sites"] == 3


def test_a_value_that_looks_like_a_formula_stays_text(estate, superuser):
    Institution.objects.filter(pk=estate.water.pk).update(head_name="=HYPERLINK(\"http://evil\",\"x\")")

    content = export_registry(Actor.cli(superuser))

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for row in workbook["机构"].iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_every_column_is_exported_in_the_import_order():
    assert [c.header for c in INSTITUTIONS.columns] == INSTITUTION_HEADERS
    assert [c.header for c in SITES.columns] == SITE_HEADERS
    assert len(set(INSTITUTION_HEADERS)) == len(INSTITUTION_HEADERS)


# -- the admin page and the command ----------------------------------------------------------


def test_admin_export_downloads_what_a_site_manager_may_see(estate, client):
    client.force_login(estate.stats_manager)

    page = client.get(reverse("registry_import:export"))
    response = client.post(reverse("registry_import:export"))

    assert page.status_code == 200 and "导出登记数据" in page.content.decode()
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    exported = sheets(response.content)
    assert [row[0] for row in exported["网站"][1:]] == ["青岚市统计局"]
    assert AuditLogEntry.objects.get(action="registry.export").via == "web"


def test_admin_export_needs_a_login(db, client):
    response = client.post(reverse("registry_import:export"))

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not AuditLogEntry.objects.filter(action="registry.export").exists()


def test_command_exports_a_file(estate, tmp_path):
    path = tmp_path / "登记数据.xlsx"
    out = io.StringIO()

    call_command("export_registry", str(path), "--as", "city_office", stdout=out)

    assert "已导出到" in out.getvalue()
    assert len(sheets(path.read_bytes())["网站"]) - 1 == 3


def test_command_wants_an_xlsx_path(estate, tmp_path):
    with pytest.raises(CommandError, match="扩展名须为 .xlsx"):
        call_command("export_registry", str(tmp_path / "x.csv"), "--as", "city_office")
