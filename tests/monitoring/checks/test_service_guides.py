"""办事指南 elements: tables and running text, empty values, guide lists and articles are not guides."""

import pytest

from govsites.monitoring.checks import service_guides

from .sitebuild import NOW, doc, page, rows, site

FOOTER = '<div class="footer">联系电话：0351-4042000 主办单位：测试市人民政府办公室</div>'
COMPLETE = {
    "事项名称": "个体工商户设立登记",
    "设定依据": "《促进个体工商户发展条例》第八条",
    "申请条件": "有经营能力的公民",
    "申请材料": "1.个体工商户登记申请书；2.经营者身份证明",
    "办理地点": "市政务服务中心二楼市场监管窗口",
    "实施机构": "测试市市场监督管理局",
    "收费标准": "不收费",
    "办理时间": "工作日 9:00-17:00",
    "咨询电话": "0351-1234567",
    "办理流程": "申请—受理—审核—发照",
}


def table_guide(values, title="个体工商户设立登记办事指南"):
    body = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in values.items())
    return doc(f"<h1>{title}</h1><table class='guide'>{body}</table>" + FOOTER, title=title)


def check(*pages, limits=None):
    return service_guides.check_service_guides(site(), list(pages), now=NOW, limits=limits)


def test_a_complete_guide_has_no_observation():
    assert check(page("/bszn/1.html", table_guide(COMPLETE))) == []


@pytest.mark.rule("SUP-03")
def test_missing_rows_and_empty_cells_are_missing_elements():
    values = {**COMPLETE, "收费标准": "", "办理时间": "/"}
    del values["咨询电话"]
    [found] = check(page("/bszn/2.html", table_guide(values)))
    assert found.check == "guide_incomplete" and found.url == "https://www.test.gov.cn/bszn/2.html"
    assert found.target == "" and found.detail["guide"] == "个体工商户设立登记"
    assert found.detail["missing"] == ["收费标准", "办理时间", "联系电话"]
    assert found.detail["missing_count"] == 3 and found.detail["unconfirmed"] == ["收费标准", "办理时间", "联系电话"]
    assert "办理流程" in found.detail["present"]  # the footer's phone number did not fill the missing 联系电话


@pytest.mark.rule("SUP-03")
def test_guides_in_running_text_with_headings_and_numbering():
    html = doc(
        "<h1>建设工程规划许可证核发办事指南</h1>"
        "<p>一、事项名称：建设工程规划许可证核发</p><p>二、设定依据：《中华人民共和国城乡规划法》第四十条</p>"
        "<h3>三、申请条件</h3><p>已取得建设用地使用权。</p>"
        "<h3>四、申请材料</h3><p>1.申请表</p><p>2.土地权属证明</p>"
        "<p>五、办理地点：</p><p>六、收费标准：</p>" + FOOTER
    )
    [found] = check(page("/bszn/3.html", html))
    assert found.detail["guide"] == "建设工程规划许可证核发"
    assert found.detail["present"] == ["事项名称", "设定依据", "申请条件", "办理材料"]
    assert found.detail["missing"] == ["办理地点", "办理机构", "收费标准", "办理时间", "联系电话", "办理流程"]
    assert found.detail["unconfirmed"] == found.detail["missing"]


def test_guide_lists_news_articles_and_ordinary_pages_are_not_guides():
    guide_list = page("/bszn/", doc("<h2>办事指南</h2>" + rows(*((f"第{i}项事项办事指南", "2026-07-01")
                                                                 for i in range(5))), title="办事指南"))
    article = page("/xwdt/1.html", doc("<h1>我市优化营商环境</h1><p>符合申请条件的企业可在线申请，"
                                       "申请材料大幅精简，办理时间缩短一半。</p>"))
    assert check(guide_list, article) == []


def test_a_page_with_enough_labels_is_a_guide_even_without_the_word():
    values = {k: v for k, v in COMPLETE.items() if k in ("事项名称", "设定依据", "申请条件", "申请材料")}
    [found] = check(page("/fw/1.html", table_guide(values, title="个体工商户设立登记")))
    assert found.detail["missing_count"] == 6


def test_thresholds_come_from_the_profile_and_can_be_overridden():
    limits = service_guides.thresholds()
    assert [e.name for e in limits.elements][:4] == ["事项名称", "设定依据", "申请条件", "办理材料"]
    assert all(e.confirmed for e in limits.elements[:4]) and not any(e.confirmed for e in limits.elements[4:])
    assert limits.report_min_missing == 1 and "办事指南" in limits.keywords
    values = {**COMPLETE, "收费标准": ""}
    lenient = service_guides.Thresholds(limits.keywords, limits.elements, limits.min_labels, report_min_missing=2)
    assert check(page("/bszn/4.html", table_guide(values)), limits=lenient) == []
    assert len(check(page("/bszn/4.html", table_guide(values)))) == 1


@pytest.mark.rule("SUP-03")
def test_a_guide_inside_an_old_layout_table_is_read_item_by_item():
    """A table-layout site wraps the whole page in one layout row: that row is not a guide's data
    row, and the footer's 联系电话 does not stand in for the guide's own."""
    values = {k: v for k, v in COMPLETE.items() if k not in ("办理地点", "实施机构", "办理时间", "咨询电话")}
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in values.items())
    body = (f"<table width='1000' class='main'><tr><td valign='top'><h1>个体工商户设立登记</h1>"
            f"<div class='guide-title'>办事指南</div><dl>{items}</dl></td></tr></table>"
            "<table class='footer'><tr><td>联系电话：0351-4042000</td></tr></table>")
    [found] = check(page("/bszn/2.html", doc(body, title="个体工商户设立登记")))
    assert found.detail["missing"] == ["办理地点", "办理机构", "办理时间", "联系电话"]
