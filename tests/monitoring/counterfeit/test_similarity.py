import pytest

from govsites.monitoring.counterfeit.similarity import (
    Reference,
    best_match,
    compare,
    estimate_jaccard,
    government_claims,
    icp_numbers,
    police_filings,
    profile_page,
    shingles,
    signature,
)

from .pages import COPY, EDUCATION, EDUCATION_HOME, NEWS, OTHER_GOVERNMENT, SITE, UNRELATED, home_page


def exact_jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_minhash_estimate_tracks_the_exact_jaccard():
    base = "".join(NEWS * 3) + "".join(f"第{i}条政务信息发布于本网站。" for i in range(150))
    edited = base[: len(base) // 2] + "".join(f"广告{i}号彩票链接推广内容。" for i in range(120))
    exact = exact_jaccard(base, edited)
    assert 0.2 < exact < 0.8  # a real middle case, not 0 or 1
    assert len(shingles(base)) > 500  # the signature is a sample, not the whole set
    assert estimate_jaccard(signature(base), signature(edited)) == pytest.approx(exact, abs=0.12)
    assert estimate_jaccard(signature(base), signature(base)) == 1.0
    assert estimate_jaccard(signature(base), signature("完全不同的一段文字，没有共同内容。")) == 0.0
    assert estimate_jaccard((), signature(base)) == 0.0
    # Stable across processes (no per-process hash seed): the first value is fixed.
    assert signature("晋中市人民政府")[0] == signature("晋中市人民政府")[0]
    assert len(signature(base)) == 128


def test_profile_reads_the_identity_elements():
    page = profile_page(home_page())
    assert page.title == "晋中市人民政府"
    assert page.identifier_codes == {"1407000001"}
    assert page.icp_numbers == {"晋ICP备05004347"}
    assert page.police_filings == {"晋公网安备14070202000123"}
    assert page.sponsors == {"晋中市人民政府办公室"}
    assert page.badges == {"dcs.conac.cn/js/05/000/0000/60405012/CA050000000604050120001.js"}
    assert page.has_badge
    assert icp_numbers("京ICP证 030173号 苏icp备10002000号-3") == {"京ICP证030173", "苏ICP备10002000"}
    assert police_filings("川公网安备51010402000507号") == {"川公网安备51010402000507"}


def test_profile_survives_bad_markup():
    for html in ("", "<html", "<<<>>>\x00\x01", "<title>" + "很长" * 100000, "<body><script>document.write('x')"):
        page = profile_page(html)
        assert page.identifier_codes == frozenset()
    assert profile_page("<title>a</title><body>网站标识码：bm29000002</body>").identifier_codes == {"bm29000002"}


@pytest.mark.rule("SEC-07")
def test_claims_to_be_government_on_any_page():
    claims = government_claims(profile_page(OTHER_GOVERNMENT))
    assert claims == [
        "页面含政府网站标识码：9999990001",
        "页面含党政机关网站标识",
        "页面主办单位为政府机构“某某县人民政府办公室”",
        "页面标题含“人民政府”：某某县人民政府",
    ]
    assert government_claims(profile_page(UNRELATED)) == []  # a company's 主办 is no claim


@pytest.mark.rule("SEC-07")
def test_compare_copy_and_unrelated():
    reference = Reference.build(SITE, home_page())
    copy = compare(reference, profile_page(COPY))
    assert copy.text_similarity > 0.9 and copy.title_similarity == 1.0
    assert copy.shared_claims == ["identifier_code", "icp", "police", "badge"]
    assert copy.names_site
    unrelated = compare(reference, profile_page(UNRELATED))
    assert unrelated.score < 0.3 and not unrelated.shared_claims and not unrelated.names_site
    # Mentioning the government in the text is not posing as it.
    mention = compare(reference, profile_page("<title>晋中日报</title><body>晋中市人民政府召开新闻发布会</body>"))
    assert not mention.names_site


def test_best_match_picks_the_imitated_site():
    references = [Reference.build(SITE, home_page()), Reference.build(EDUCATION, EDUCATION_HOME)]
    reference, comparison = best_match(references, profile_page(EDUCATION_HOME))
    assert reference.site.host == "jyj.jinzhong.gov.cn"
    assert comparison.shared_claims == ["identifier_code"]
    assert best_match([], profile_page(COPY)) is None


def test_registry_facts_count_without_a_home_page():
    reference = Reference.build(SITE)
    comparison = compare(reference, profile_page(COPY))
    assert comparison.text_similarity == 0.0
    assert comparison.shared_claims == ["identifier_code", "icp", "police"]
    assert comparison.title_similarity == 1.0  # the registry name stands in for the title
