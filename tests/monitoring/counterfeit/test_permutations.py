import re
from collections import Counter

import pytest

from govsites.monitoring.counterfeit.permutations import (
    FUZZERS,
    normalise_host,
    parse_chinese_name,
    permutations,
    pinyin_stems,
    split_host,
)

HOST = "www.jinzhong.gov.cn"
NAME = "晋中市人民政府"
VALID = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@pytest.fixture(scope="module")
def candidates():
    return permutations(HOST, NAME, limit=5000)


@pytest.fixture(scope="module")
def by_domain(candidates):
    return {c.domain: c.fuzzer for c in candidates}


@pytest.mark.rule("SEC-07")
@pytest.mark.parametrize(("domain", "fuzzer"), [
    ("jinzhng.gov.cn", "omission"),
    ("jinzhhong.gov.cn", "repetition"),
    ("jinzhnog.gov.cn", "transposition"),
    ("jinzhomg.gov.cn", "replacement"),
    ("jinzhiong.gov.cn", "insertion"),
    ("jinzh0ng.gov.cn", "homoglyph"),
    ("j1nzhong.gov.cn", "homoglyph"),
    ("jlnzhong.gov.cn", "homoglyph"),
    ("xn--jinzhng-ejg.gov.cn", "homoglyph"),  # Cyrillic о
    ("jinzhonw.gov.cn", "bitsquatting"),
    ("jin-zhong.gov.cn", "hyphenation"),
    ("janzhong.gov.cn", "vowel-swap"),
    ("jin.zhong.gov.cn", "subdomain"),
    ("jinzhongs.gov.cn", "addition"),
    ("jinzhong.gov.com", "gov-suffix"),
    ("jinzhong-gov.cn", "gov-suffix"),
    ("jinzhong.gov-cn.com", "gov-suffix"),
    ("jinzhong-gov-cn.com", "gov-suffix"),
    ("jinzhong.govcn.com", "gov-suffix"),
    ("jinzhonggovcn.com", "gov-suffix"),
    ("jinzhong.gov.cn.com", "gov-suffix"),
    ("jinzhong.com.cn", "gov-suffix"),
    ("jinzhong.org.cn", "gov-suffix"),
    ("jinzhong.com", "gov-suffix"),  # also a pinyin spelling: the host-derived fuzzer owns it
    ("jzszf.com", "pinyin"),
    ("jinzhongshi.net", "pinyin"),
    ("jz.cn", "pinyin"),
    ("jin-zhong.com", "pinyin"),
])
def test_expected_look_alikes_with_their_fuzzer(by_domain, domain, fuzzer):
    assert by_domain.get(domain) == fuzzer


def test_never_the_original_always_valid_and_unique(candidates):
    domains = [c.domain for c in candidates]
    assert HOST not in domains and "jinzhong.gov.cn" not in domains
    assert len(domains) == len(set(domains))
    assert all(VALID.match(d) for d in domains), [d for d in domains if not VALID.match(d)]
    assert {c.origin for c in candidates} == {HOST}
    assert set(Counter(c.fuzzer for c in candidates)) == set(FUZZERS)


def test_the_cap_is_shared_round_robin_between_fuzzers():
    capped = permutations(HOST, NAME, limit=40)
    assert len(capped) == 40
    counts = Counter(c.fuzzer for c in capped)
    assert set(counts) == set(FUZZERS)  # nobody starved
    assert max(counts.values()) - min(counts.values()) <= 1
    assert permutations(HOST, NAME, limit=0) == []


def test_exclude_keeps_the_rest_of_the_estate_out():
    every = {c.domain for c in permutations(HOST, NAME, limit=5000)}
    kept = {c.domain for c in permutations(HOST, NAME, limit=5000, exclude=["WWW.JinZhong-Gov.com", "jz.com"])}
    assert "jinzhong-gov.com" in every and "jz.com" in every
    assert "jinzhong-gov.com" not in kept and "jz.com" not in kept


def test_fuzzer_subset_and_unknown_fuzzer():
    only = permutations(HOST, NAME, fuzzers=["omission", "pinyin"])
    assert {c.fuzzer for c in only} == {"omission", "pinyin"}
    with pytest.raises(ValueError, match="nonsense"):
        permutations(HOST, NAME, fuzzers=["nonsense"])


def test_department_sites_keep_their_label_and_get_flat_forms():
    domains = {c.domain: c.fuzzer for c in permutations("slj.bd.gov.cn", "保定市水利局", limit=5000)}
    assert domains["slj.bdd.gov.cn"] == "repetition"
    assert domains["sljbd-gov.com"] == "gov-suffix"
    assert domains["slj.bd.gov-cn.com"] == "gov-suffix"
    assert domains["bdslj.com"] == "pinyin"


def test_unusable_hosts_give_only_pinyin():
    assert {c.fuzzer for c in permutations("not a host", NAME)} == {"pinyin"}
    assert {c.fuzzer for c in permutations("xn--fiq228c.xn--zfr164b", NAME)} == {"pinyin"}


def test_host_parsing():
    assert split_host("www.jinzhong.gov.cn").name == "jinzhong"
    assert split_host("slj.bd.gov.cn").sub == ("slj",)
    assert split_host("www.example.sx.cn").suffix == "sx.cn"
    assert split_host("example.com").suffix == "com"
    idn = normalise_host("WWW.晋中.政务.")
    assert idn.startswith("www.xn--") and idn.endswith(".xn--zfr164b")
    assert normalise_host("a..com") == "" and normalise_host("http://x.com") == "" and normalise_host("x") == ""


@pytest.mark.rule("SEC-07")
def test_pinyin_variants_of_site_names():
    stems = pinyin_stems(NAME)
    assert stems[:4] == ["jinzhong", "jz", "jinzhongshi", "jzs"]
    assert {"jzszf", "jinzhongzf", "jzrmzf", "jin-zhong", "jinzhongshirenminzhengfu"} <= set(stems)
    department = pinyin_stems("保定市水利局")
    assert {"bdslj", "baodingslj", "bdsslj", "baodingshuiliju"} <= set(department)
    assert "baoding" not in department  # that is the city government, not its water bureau
    assert set(pinyin_stems("内蒙古自治区人民政府门户网站")) >= {"neimenggu", "nmg", "nmgzzq", "nmgzf"}
    assert set(pinyin_stems("重庆市人民政府")) >= {"chongqing", "cq", "cqszf"}
    assert "xiaodian" in pinyin_stems("太原市小店区人民政府")
    assert pinyin_stems("国家税务总局") == ["guojiashuiwuzongju", "gjswzj"]
    assert pinyin_stems("") == [] and pinyin_stems("ABC") == []
    assert len(pinyin_stems(NAME, max_stems=3)) == 3


def test_chinese_name_parsing():
    assert parse_chinese_name("晋中市人民政府") == ([("晋中", "市")], "人民政府")
    assert parse_chinese_name("内蒙古自治区人民政府门户网站") == ([("内蒙古", "自治区")], "人民政府")
    assert parse_chinese_name("太原市小店区人民政府") == ([("太原", "市"), ("小店", "区")], "人民政府")
