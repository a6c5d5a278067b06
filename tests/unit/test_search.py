"""Matter search: Chinese text, full pinyin, initials, ranking and the picker's filters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counterdesk.catalog import Catalog, load_catalog, load_regions
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Item, Matter, MatterEntry


def matter(code: str, name: str, **fields) -> Matter:
    defaults = dict(audience="personal", theme="社保医保", type="公共服务", summary="")
    return Matter(code=code, name=name, **{**defaults, **fields})


MATTERS = [
    matter("A-01", "基本医疗保险关系转移接续", keywords=("医保", "转移"), summary="职工医保跨省转移。"),
    matter("A-02", "社会保障卡申领", keywords=("社保卡",), summary="首次申领社保卡。"),
    matter("A-03", "职工退休一件事", theme="退休养老", type="行政确认", keywords=("养老金",)),
    matter("A-04", "灵活就业人员参保登记", summary="灵活就业人员办理医保和养老保险参保。", keywords=("参保",)),
    matter("A-05", "异地就医备案", keywords=("医保", "异地"), counties=frozenset({"430626"})),
    matter("B-01", "开办企业一件事", audience="enterprise", theme="开办企业", type="行政许可",
           items=(Item("设立登记", "市场监管局"), Item("社保登记", "人社局"))),
    matter("B-02", "我要开药店", audience="enterprise", theme="经营许可", type="行政许可",
           counties=frozenset({"430102", "430103"})),
    matter("C-01", "我要申请认定为就业困难人员", audience="policy", theme="就业创业", type="行政确认",
           keywords=("就业困难", "灵活就业")),
    matter("C-02", "南岳区安居补贴", audience="policy", theme="住房", type="行政给付"),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    regions = load_regions()
    return Catalog.of(tmp_path_factory.mktemp("catalog"), regions.province, regions.cities, MATTERS)


def codes(found):
    return [m.code for m in found]


@pytest.mark.parametrize("query", ["就业困难", "jiuye", "jykn", "JYKN", "jiuyekunnan", "jiu ye", "ｊｙｋｎ"])
def test_the_guide_example_is_found_by_text_pinyin_and_initials(catalog, query):
    assert codes(catalog.search(query))[0] == "C-01"


def test_the_guide_example_ranks_first_for_its_initials_in_the_shipped_catalog():
    assert codes(load_catalog().search("jykn"))[0] == "ZC-JYKN-001"


@pytest.mark.parametrize(("query", "first"), [("医保", "A-01"), ("社保", "A-02"), ("退休", "A-03")])
def test_two_character_queries_work(catalog, query, first):
    assert codes(catalog.search(query))[0] == first


def test_a_name_match_ranks_above_keyword_and_summary_matches(catalog):
    found = codes(catalog.search("医保"))
    assert found[:2] == ["A-01", "A-05"]
    assert found.index("A-04") > found.index("A-05")


def test_keywords_items_and_summary_are_searched(catalog):
    assert codes(catalog.search("养老金")) == ["A-03"]
    assert codes(catalog.search("市场监管")) == []
    assert codes(catalog.search("设立登记")) == ["B-01"]
    assert codes(catalog.search("跨省")) == ["A-01"]


def test_an_exact_name_beats_a_prefix_and_a_prefix_beats_a_match_inside(catalog):
    assert codes(catalog.search("异地就医备案"))[0] == "A-05"
    assert codes(catalog.search("yd"))[0] == "A-05"


def test_pinyin_matches_start_at_a_syllable(catalog):
    # "nan" is a syllable of 南岳 but only the tail of "...kunnan": both still match by syllable.
    assert set(codes(catalog.search("nanyue"))) == {"C-02"}
    assert "A-03" not in codes(catalog.search("ian"))


def test_every_word_of_a_query_must_match(catalog):
    assert codes(catalog.search("医保 转移")) == ["A-01"]
    assert codes(catalog.search("医保 开办")) == []


def test_a_matter_code_is_found(catalog):
    assert codes(catalog.search("b-02")) == ["B-02"]


def test_filters_by_audience_theme_and_type(catalog):
    assert codes(catalog.search(audience="enterprise")) == ["B-01", "B-02"]
    assert codes(catalog.search(audience="企业办事")) == ["B-01", "B-02"]
    assert codes(catalog.search(theme="退休养老")) == ["A-03"]
    assert codes(catalog.search(type="行政确认")) == ["A-03", "C-01"]
    # 异地就医备案 has "yb" (医备) in its name's initials; A-01 only in its keyword 医保.
    assert codes(catalog.search("yb", audience="personal")) == ["A-05", "A-01"]


def test_a_county_filter_keeps_matters_handled_there(catalog):
    found = codes(catalog.search(region="430626"))
    assert "A-05" in found and "B-02" not in found and "A-01" in found


def test_a_city_filter_means_any_of_its_counties(catalog):
    assert "B-02" in codes(catalog.search(region="430100"))
    assert "A-05" in codes(catalog.search(region="430600"))
    assert "A-05" not in codes(catalog.search(region="430100"))
    assert len(catalog.search(region="430000")) == len(MATTERS)


def test_no_query_lists_everything_in_code_order_and_limit_cuts(catalog):
    assert codes(catalog.search()) == sorted(m.code for m in MATTERS)
    assert len(catalog.search("", limit=3)) == 3
    assert len(catalog.search("yi", limit=1)) == 1


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        ({"audience": "citizen"}, "unknown_audience"),
        ({"theme": "杂项"}, "unknown_theme"),
        ({"type": "许可"}, "unknown_type"),
        ({"region": "999999"}, "unknown_region"),
    ],
)
def test_an_unknown_filter_value_is_refused(catalog, filters, code):
    with pytest.raises(InvalidInput) as refused:
        catalog.search("", **filters)
    assert refused.value.code == code


def test_nothing_found_is_an_empty_list(catalog):
    assert catalog.search("火星移民") == []
    assert catalog.search("qqqqq") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_search_never_raises_on_arbitrary_text(catalog, query):
    found = catalog.search(query)
    assert all(isinstance(m, MatterEntry) for m in found)
    assert isinstance(catalog.search_regions(query), list)


def test_a_remembered_query_still_honours_each_call_s_filters(catalog):
    assert codes(catalog.search("yb", audience="personal")) == ["A-05", "A-01"]
    assert codes(catalog.search("yb", audience="enterprise")) == []
    assert set(codes(catalog.search("yb"))) >= {"A-05", "A-01"}


def test_a_single_letter_finds_names_with_a_syllable_starting_with_it(catalog):
    found = codes(catalog.search("k"))
    assert found[0] == "B-01"  # 开办企业一件事 starts with kai
    assert "C-01" in found  # ...困难 (kun) inside
    assert "A-05" not in found  # 异地就医备案: no syllable starts with k


# -- the index against a plain, obviously right scorer -------------------------------------------

def _reference(matters, query: str) -> list[str]:
    """Every matter scored entry by entry in plain Python, as the ranking rules in search.py say."""
    from counterdesk.catalog.search import (CODE, ITEM_TEXT, KEYWORD_ANY, NAME_SPELLING, NAME_TEXT, SUMMARY_TEXT,
                                            normalize)
    from counterdesk.catalog.spelling import spell_here

    def level(weights, texts, term, starts_of=None, prefix_only=False):
        best = 0
        for text in texts:
            if text == term:
                best = max(best, weights.exact)
            elif text.startswith(term):
                best = max(best, weights.prefix)
            elif not prefix_only and any(
                    text.startswith(term, at) for at in (starts_of(text) if starts_of else range(len(text)))):
                best = max(best, weights.inside)
        return best

    def spelt(text):
        return spell_here([text])[0].split()

    def full(text):
        return "".join(spelt(text))

    def initials(text):
        return "".join(s[0] for s in spelt(text))

    def syllable_starts(spelling_of):
        def starts(text):
            offsets, at = [], 0
            for syllable in spelling_of[text]:
                offsets.append(at)
                at += len(syllable)
            return offsets
        return starts

    terms = normalize(query).split()
    by_length = sorted(range(len(matters)), key=lambda n: len(matters[n].name))
    rank = {number: position for position, number in enumerate(by_length)}
    scored = []
    for number, matter in enumerate(matters):
        names = [normalize(matter.name)]
        keywords = [normalize(k) for k in matter.keywords]
        total, every_term = 0, True
        for term in terms:
            score = (level(NAME_TEXT, names, term) + level(CODE, [matter.code.lower()], term, prefix_only=True)
                     + level(KEYWORD_ANY, keywords, term)
                     + level(ITEM_TEXT, [normalize(i) for i in matter.item_names], term)
                     + level(SUMMARY_TEXT, [normalize(matter.summary)], term))
            spelling = "".join(re.findall(r"[a-z0-9]+", term)) if term.isascii() else ""
            if spelling:
                for weights, texts in ((NAME_SPELLING, names), (KEYWORD_ANY, keywords)):
                    if len(spelling) > 1:
                        spelt_texts = {full(t): spelt(t) for t in texts}
                        score += level(weights, list(spelt_texts), spelling, syllable_starts(spelt_texts))
                    score += level(weights, [initials(t) for t in texts], spelling)
            total += score
            every_term = every_term and score > 0
        if every_term:
            scored.append((-total, rank[number], matter.code))
    return [code for *_, code in sorted(scored)]


_CHARS = "开业医保就困难银行重"
_SPELLINGS = ["kai", "ye", "yi", "bao", "jiu", "kun", "nan", "yin", "hang", "chong", "k", "y", "ky", "yb", "an", "ji",
              "yiyi", "anan", "t-0", "t-01"]


@st.composite
def _catalogs_and_queries(draw):
    words = st.text(_CHARS, min_size=1, max_size=4)
    matters = [
        Matter(f"T-{number:02d}", draw(words), "personal", "就业创业", "公共服务", draw(words),
               keywords=tuple(draw(st.lists(words, max_size=3))),
               items=tuple(Item(name, "人社局") for name in draw(st.lists(words, max_size=2))))
        for number in range(draw(st.integers(1, 8)))
    ]
    terms = draw(st.lists(st.one_of(words, st.sampled_from(_SPELLINGS)), min_size=1, max_size=2))
    return matters, " ".join(terms)


@settings(max_examples=200, deadline=None)
@given(_catalogs_and_queries())
def test_the_index_ranks_exactly_like_a_plain_scorer(catalog, generated):
    from counterdesk.catalog import search
    from counterdesk.catalog.spelling import spell_here

    matters, query = generated
    small = Catalog.of(catalog.directory, catalog.province, catalog.cities, matters)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "spell", spell_here)  # the child process is tested in test_spelling
        found = codes(small.search(query))
    assert found == _reference(list(small.matters.values()), query)


def test_an_overlapping_match_that_starts_a_syllable_is_not_skipped():
    import numpy as np

    from counterdesk.catalog.search import NAME_SPELLING, _Field

    # "xna|nan": "nan" first occurs inside the first syllable, then again, overlapping, at the second.
    field = _Field(NAME_SPELLING, [(0, "xnanan")], [[0, 3]])
    best = np.zeros(1, dtype=np.int32)
    field.scores("nan", best)
    assert best[0] == NAME_SPELLING.inside
