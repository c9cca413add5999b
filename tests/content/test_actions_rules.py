"""The kind rules the item actions enforce: disclosure metadata and index numbers of policy
documents (CON-10), maps (CON-06), responses (CON-08), and archiving (REG-15)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Revision, WorkflowState

from govsites.audit.models import AuditLogEntry
from govsites.content.actions import (
    ArchiveColumn,
    ArchiveItem,
    ConflictError,
    LockItem,
    NotAllowed,
    RuleViolation,
    SubmitItem,
)
from govsites.content.columns import ColumnType
from govsites.content.disclosure import document_numbers
from govsites.content.models import ColumnPage, IndexCounter, Item, Placement, SiteRole
from govsites.registry.errors import messages_of, rule_of
from tests.conftest import actor
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow
from tests.content.test_actions import create, edit, review_through

ORG = "000014349"
OTHER_ORG = "700000001"
POLICY = {
    "kind": "policy",
    "title": "青岚市统计局关于印发《统计数据质量管理办法》的通知",
    "issuing_body": "青岚市统计局",
    "org_code": ORG,
    "document_number": "青统发〔2026〕3号",
    "written_on": "2026-02-20",
    "published_on": "2026-03-01",
    "subject": "02.01",
}


@pytest.fixture
def desk(estate):
    a, b = estate.stats_site, estate.city_portal
    site_workflow(a, two_step_workflow())
    return {
        "a": a,
        "b": b,
        "news_a": column(a, ColumnType.NEWS),
        "policies_a": column(a, ColumnType.POLICIES),
        "policies_b": column(b, ColumnType.POLICIES),
        "editor": member("stats_editor", a, SiteRole.EDITOR),
        "reviewer": member("stats_reviewer", a, SiteRole.REVIEWER),
        "secrecy": member("stats_secrecy", a, SiteRole.CONFIDENTIALITY_REVIEWER),
        "admin": member("stats_admin", a, SiteRole.SITE_ADMIN),
        "editor_b": member("portal_editor", b, SiteRole.EDITOR),
        "admin_b": member("portal_admin", b, SiteRole.SITE_ADMIN),
    }


def policy(d, user="editor", site="a", col="policies_a", **data):
    return create(d[user], d[site], d[col], **{**POLICY, **data})


def rows():
    """Everything a create writes; a refused create must leave all of it unchanged."""
    return (Item.objects.count(), Revision.objects.count(), Placement.objects.count(),
            IndexCounter.objects.count(), AuditLogEntry.objects.filter(action__startswith="content.").count())


# -- CON-10 -----------------------------------------------------------------------------------

@pytest.mark.rule("CON-10")
def test_index_numbers_are_allocated_per_issuing_body_and_year(desk, clock):
    d = desk
    first, second = policy(d), policy(d, document_number="青统发〔2026〕4号")
    other = policy(d, org_code=OTHER_ORG, issuing_body="青岚市统计局普查中心")
    assert [first.index_number, second.index_number, other.index_number] == [
        f"{ORG}/2026-00001", f"{ORG}/2026-00002", f"{OTHER_ORG}/2026-00001",
    ]
    clock.set(dt.date(2027, 1, 4))
    new_year = policy(d, document_number="青统发〔2027〕1号", written_on="2027-01-04", published_on="2027-01-04")
    assert new_year.index_number == f"{ORG}/2027-00001"
    assert dict(IndexCounter.objects.values_list("scope", "last_seq")) == {
        f"org={ORG};year=2026": 2, f"org={OTHER_ORG};year=2026": 1, f"org={ORG};year=2027": 1,
    }
    # the metadata is stored normalised: the subject code, the document number as written
    assert (first.subject, first.document_number, first.validity) == ("02.01", "青统发〔2026〕3号", "valid")
    assert first.written_on == dt.date(2026, 2, 20)
    assert AuditLogEntry.objects.get(action="content.item.create", object_id=str(first.pk)).data["index_number"] == (
        f"{ORG}/2026-00001"
    )


@pytest.mark.rule("CON-10")
def test_a_manual_index_number_is_unique_within_its_site(desk, clock):
    d = desk
    manual = policy(d, index_number=f"{ORG}/2026-00001")
    assert manual.index_number == f"{ORG}/2026-00001"
    before = rows()
    with pytest.raises(RuleViolation) as excinfo:
        policy(d, index_number=f"{ORG}/2026-00001", document_number="青统发〔2026〕9号")
    assert excinfo.value.field == "index_number" and rule_of(excinfo.value) == "CON-10"
    assert "索引号在本网站内已被使用" in str(excinfo.value)
    assert rows() == before
    # automatic numbering steps over the number typed by hand
    assert policy(d, document_number="青统发〔2026〕5号").index_number == f"{ORG}/2026-00002"
    # another site may use the same number for its own document
    other = policy(d, user="editor_b", site="b", col="policies_b", index_number=f"{ORG}/2026-00001")
    assert other.index_number == f"{ORG}/2026-00001"


@pytest.mark.rule("CON-10")
def test_a_malformed_document_number_is_refused_with_the_disclosure_message(desk, clock):
    d = desk
    before = rows()
    with pytest.raises(ValidationError) as excinfo:
        policy(d, document_number="青统发 [2026] 003")
    with pytest.raises(ValidationError) as expected:
        document_numbers.parse("青统发 [2026] 003", current_year=2026)
    assert messages_of(excinfo.value) == {"document_number": expected.value.messages}
    assert "应写作“青统发〔2026〕3号”" in messages_of(excinfo.value)["document_number"][0]
    assert rows() == before


@pytest.mark.rule("CON-10")
def test_missing_metadata_is_reported_field_by_field_at_once(desk, clock):
    d = desk
    before = rows()
    with pytest.raises(ValidationError) as excinfo:
        create(d["editor"], d["a"], d["policies_a"], kind="policy", title="关于统计工作的通知", published_on="2026-03-30")
    errors = messages_of(excinfo.value)
    assert set(errors) == {"issuing_body", "document_number", "written_on", "published_on", "subject"}
    assert errors["issuing_body"] == ["【CON-10】请填写发文机关。"]
    with pytest.raises(ValidationError) as excinfo:
        policy(d, title="")
    assert messages_of(excinfo.value) == {"title": ["请填写标题。"]}
    assert "晚于今天" in errors["published_on"][0]
    # dates as people write them are read; an unreadable one is reported once, on its field
    assert policy(d, written_on="2026年2月20日").written_on == dt.date(2026, 2, 20)
    with pytest.raises(ValidationError) as excinfo:
        policy(d, written_on="二月二十日", document_number="青统发〔2026〕6号")
    assert messages_of(excinfo.value) == {"written_on": ["成文日期“二月二十日”不是有效的日期，应写作“2017-05-15”或“2017年5月15日”。"]}
    # an automatic index number needs the issuing body's code
    with pytest.raises(ValidationError) as excinfo:
        policy(d, org_code="")
    assert "发文机关尚未登记统一社会信用代码或组织机构代码" in messages_of(excinfo.value)["index_number"][0]
    assert rows()[0] == before[0] + 1  # only the well-formed one


@pytest.mark.rule("CON-10")
def test_editing_a_policy_checks_its_metadata_again(desk, clock):
    d = desk
    item = policy(d)
    with pytest.raises(ValidationError) as excinfo:
        edit(d["editor"], item, document_number="青统发〔2026〕第3号")
    assert "document_number" in messages_of(excinfo.value)
    assert item.revisions.count() == 1
    edited = edit(d["editor"], item, validity="repealed", validity_changed_on="2026-03-01",
                  superseded_by_title="青岚市统计局关于废止部分规范性文件的决定",
                  superseded_by_number="青统发〔2026〕8号")
    assert edited.validity == "repealed" and edited.validity_changed_on == dt.date(2026, 3, 1)
    assert edited.superseded_by == "《青岚市统计局关于废止部分规范性文件的决定》（青统发〔2026〕8号）"
    # a later edit of another field keeps the stored reference valid
    assert edit(d["editor"], item, summary="已废止").superseded_by == edited.superseded_by
    with pytest.raises(ValidationError) as excinfo:
        edit(d["editor"], item, validity="partly_expired")
    assert "有效性暂只能标注为" in messages_of(excinfo.value)["validity"][0]


# -- CON-06, CON-08 ---------------------------------------------------------------------------

@pytest.mark.rule("CON-06")
def test_a_map_needs_its_approval_number_unless_it_is_a_standard_map(desk):
    d = desk
    before = rows()
    with pytest.raises(RuleViolation) as excinfo:
        create(d["editor"], d["a"], d["news_a"], kind="map", title="青岚市行政区划图")
    assert str(excinfo.value) == "【CON-06】地图须填写审图号；使用标准地图的，请勾选“标准地图”。"
    assert excinfo.value.field == "map_approval_number" and rows() == before
    numbered = create(d["editor"], d["a"], d["news_a"], kind="map", title="青岚市行政区划图",
                      map_approval_number="澜S（2026）012号")
    assert numbered.map_approval_number == "澜S（2026）012号"
    assert create(d["editor"], d["a"], d["news_a"], kind="map", title="中国地图", is_standard_map=True).pk
    # API input arrives as text: "false" is not a standard map
    with pytest.raises(RuleViolation, match="CON-06"):
        create(d["editor"], d["a"], d["news_a"], kind="map", title="青岚市地图", is_standard_map="false")
    with pytest.raises(RuleViolation, match="CON-06"):
        edit(d["editor"], numbered, map_approval_number="")


@pytest.mark.rule("CON-08")
def test_a_response_states_what_it_responds_to(desk):
    d = desk
    responses = column(d["a"], ColumnType.RESPONSES)
    before = rows()
    with pytest.raises(RuleViolation) as excinfo:
        create(d["editor"], d["a"], responses, kind="response", title="关于网传“统计数据造假”的说明")
    assert rule_of(excinfo.value) == "CON-08" and excinfo.value.field == "response_kind"
    assert "突发事件回应、热点回应、辟谣" in str(excinfo.value) and rows() == before
    item = create(d["editor"], d["a"], responses, kind="response", response_kind="rumour",
                  title="关于网传“统计数据造假”的说明")
    assert item.response_kind == "rumour"


# -- REG-15 -----------------------------------------------------------------------------------

def _live(d, col="news_a", **data):
    item = create(d["editor"], d["a"], d[col] if isinstance(col, str) else col, **data)
    SubmitItem(actor(d["editor"]), item).execute()
    return review_through(d, item)


@pytest.mark.rule("REG-15")
def test_an_archived_item_stays_live_read_only_and_marked(desk, clock):
    d = desk
    item = _live(d)
    assert item.archive_banner is None
    with pytest.raises(NotAllowed):
        ArchiveItem(actor(d["editor"]), item).execute()
    clock.set(dt.date(2026, 4, 1))
    item = ArchiveItem(actor(d["admin"]), item).execute()
    assert item.live and item.archived_on == dt.date(2026, 4, 1)
    assert item.archive_banner == "已归档\u3000归档时间：2026-04-01"
    with pytest.raises(RuleViolation) as excinfo:
        edit(d["editor"], item, title="改标题")
    assert str(excinfo.value) == "【REG-15】该信息已于2026-04-01归档，归档信息只读，不能修改。"
    with pytest.raises(RuleViolation, match="不能提交审核"):
        SubmitItem(actor(d["editor"]), item).execute()
    with pytest.raises(ConflictError, match="已于2026-04-01归档"):
        ArchiveItem(actor(d["admin"]), item).execute()
    assert item.revisions.count() == 1
    entry = AuditLogEntry.objects.get(action="content.item.archive")
    assert entry.site_ref == d["a"].pk and entry.data == {"archived_on": "2026-04-01"}


@pytest.mark.rule("REG-15")
def test_archiving_a_column_archives_its_own_items_in_every_sub_column(desk, clock):
    d = desk
    news = d["news_a"]
    sub = news.add_child(instance=ColumnPage(title="2019年动态", slug="2019", live=True))
    shown = _live(d, title="2019年统计工作会议召开")
    in_sub = _live(d, col=sub, title="2019年统计公报发布")
    in_review = create(d["editor"], d["a"], sub, title="2019年统计年鉴出版（待审）")
    SubmitItem(actor(d["editor"]), in_review).execute()
    elsewhere = _live(d, col="policies_a", title="另一栏目的信息", kind="article")
    # an item of another site used in this column belongs to that site: it is left alone
    foreign = draft(d["b"], column(d["b"], ColumnType.NEWS), d["editor_b"], title="市政府动态")
    foreign.live = True
    foreign.save()
    Placement.objects.create(item=foreign, column=news, site=d["a"], is_repost=True)

    with pytest.raises(NotAllowed):
        ArchiveColumn(actor(d["editor"]), news).execute()
    with pytest.raises(NotAllowed):
        ArchiveColumn(actor(d["admin_b"]), news).execute()
    archived = ArchiveColumn(actor(d["admin"]), news).execute()

    assert {i.pk for i in archived} == {shown.pk, in_sub.pk, in_review.pk}
    for item in (shown, in_sub, in_review):
        item.refresh_from_db()
        assert item.archived_on == dt.date(2026, 3, 2)
        assert item.archive_banner == "已归档\u3000归档时间：2026-03-02"
    assert shown.live and in_sub.live
    # the review in progress is withdrawn: an archived item can no longer change
    assert in_review.current_workflow_state is None
    assert WorkflowState.objects.for_instance(in_review).get().status == WorkflowState.STATUS_CANCELLED
    for item in (elsewhere, foreign):
        item.refresh_from_db()
        assert item.archived_on is None
    entry = AuditLogEntry.objects.get(action="content.column.archive")
    assert entry.site_ref == d["a"].pk and sorted(entry.data["items"]) == sorted(i.pk for i in archived)
    with pytest.raises(RuleViolation, match="REG-15"):
        edit(d["editor"], in_sub, title="改标题")
    with pytest.raises(RuleViolation, match="不能锁定编辑"):
        LockItem(actor(d["editor"]), in_sub).execute()

