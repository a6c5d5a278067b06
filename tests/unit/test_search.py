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


# -- the citizen's own words ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize("query", ["就业人员困难补助", "困难补助", "灵活就业补贴"])
def test_the_portal_s_titles_for_the_guide_example_rank_it_first(shipped, query):
    assert codes(shipped.search(query))[0] == "ZC-JYKN-001"


@pytest.mark.parametrize("query", ["开饭店", "餐馆", "kaifandian", "kfd"])
def test_a_citizen_who_wants_to_open_a_restaurant_finds_the_restaurant_matter(shipped, query):
    assert shipped.search(query)[0].name == "我要开餐饮店"


@pytest.mark.parametrize("query", ["kaifandain", "kaifandan", "kaifanndian", "kaifandiam"])
def test_one_letter_off_in_the_pinyin_still_finds_the_restaurant(shipped, query):
    assert shipped.search(query)[0].name == "我要开餐饮店"


@pytest.mark.parametrize("query", ["jiuyekunan", "jiuyekunnna", "jiyuekunnan"])
def test_one_letter_off_in_the_guide_example_s_pinyin_still_finds_it(shipped, query):
    assert codes(shipped.search(query))[0] == "ZC-JYKN-001"


def test_short_pinyin_is_never_read_as_a_slip(catalog):
    # Four letters or fewer would find nearly everything one letter away.
    assert catalog.search("qqqq") == [] and catalog.search("jiuy") != []


@pytest.mark.parametrize("query", ["困难就业", "人员就业困难", "困难 就业"])
def test_chinese_words_in_another_order_find_the_guide_example(shipped, query):
    assert codes(shipped.search(query))[0] == "ZC-JYKN-001"


def test_an_alias_said_in_full_ranks_between_the_exact_name_and_a_name_that_starts_with_it(catalog):
    small = Catalog.of(catalog.directory, catalog.province, catalog.cities, [
        matter("X-1", "餐饮服务", keywords=("饭店",)),
        matter("X-2", "我要开餐饮店", aliases=("饭店",)),
        matter("X-3", "饭店登记"),
        matter("X-4", "饭店"),
        matter("X-5", "酒楼", aliases=("饭店酒楼",)),
    ])
    assert codes(small.search("饭店")) == ["X-4", "X-2", "X-3", "X-5", "X-1"]


def test_a_query_that_finds_nothing_suggests_the_nearest_matters(shipped):
    assert shipped.search("火星开饭馆") == []
    assert shipped.suggest("火星开饭馆")[0].name == "我要开餐饮店"
    assert shipped.suggest("kaifanguan")[0].name == "我要开餐饮店"
    assert shipped.suggest("火星移民") == []


def test_suggestions_keep_the_filters(shipped):
    assert shipped.suggest("火星开饭馆", audience="personal") == []
    assert all(m.audience == "enterprise" for m in shipped.suggest("火星开饭馆", audience="enterprise"))


def test_every_shipped_matter_has_aliases_and_a_mode(shipped):
    for entry in shipped.matters.values():
        assert entry.aliases, entry.code
        assert entry.mode in ("online", "remote", "joint", "in_person"), entry.code


# -- the index against a plain, obviously right scorer -------------------------------------------

def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance: replace, leave out, add, swap two neighbours."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _reference(matters, query: str) -> list[str]:
    """Every matter scored entry by entry in plain Python, as the ranking rules in search.py say."""
    from counterdesk.catalog.search import (
        ALIAS_SPELLING,
        ALIAS_TEXT,
        CODE,
        ITEM_TEXT,
        KEYWORD_ANY,
        NAME_SPELLING,
        NAME_TEXT,
        NEAR_MAX,
        NEAR_MIN,
        SUMMARY_TEXT,
        normalize,
    )
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

    def near_level(weights, texts, term):
        """The best level of a piece of a text, starting at a syllable, one slip away from ``term``."""
        best = 0
        for text in texts:
            starts, at = [], 0
            for syllable in spelt(text):
                starts.append(at)
                at += len(syllable)
            whole = full(text)
            for start in starts:
                for size in (len(term) - 1, len(term), len(term) + 1):
                    if start + size <= len(whole) and _osa(term, whole[start:start + size]) <= 1:
                        weight = (weights.inside if start else
                                  weights.exact if size == len(whole) else weights.prefix)
                        best = max(best, weight)
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

    def fields(matter):
        return {
            "names": [normalize(matter.name)],
            "aliases": [normalize(a) for a in matter.aliases],
            "keywords": [normalize(k) for k in matter.keywords],
            "items": [normalize(i) for i in matter.item_names],
            "summaries": [normalize(matter.summary)],
        }

    def exact(matter, term):
        texts = fields(matter)
        score = (level(NAME_TEXT, texts["names"], term) + level(CODE, [matter.code.lower()], term, prefix_only=True)
                 + level(ALIAS_TEXT, texts["aliases"], term) + level(KEYWORD_ANY, texts["keywords"], term)
                 + level(ITEM_TEXT, texts["items"], term) + level(SUMMARY_TEXT, texts["summaries"], term))
        spelling = "".join(re.findall(r"[a-z0-9]+", term)) if term.isascii() else ""
        if spelling:
            for weights, kind in ((NAME_SPELLING, "names"), (ALIAS_SPELLING, "aliases"), (KEYWORD_ANY, "keywords")):
                if len(spelling) > 1:
                    spelt_texts = {full(t): spelt(t) for t in texts[kind]}
                    score += level(weights, list(spelt_texts), spelling, syllable_starts(spelt_texts))
                score += level(weights, [initials(t) for t in texts[kind]], spelling)
        return score

    every_text = [text for matter in matters for texts in fields(matter).values() for text in texts]

    def pieces(term):
        cut, at = [], 0
        while at < len(term):
            end = at
            while end < len(term) and any(term[at:end + 1] in text for text in every_text):
                end += 1
            if end == at:
                return []
            cut.append(term[at:end])
            at = end
        return cut

    def term_scores(term):
        scores = [exact(matter, term) for matter in matters]
        if any(scores):
            return scores
        if not term.isascii():
            cut = pieces(term)
            return [sum(parts) if cut and all(parts) else 0
                    for parts in ([exact(matter, piece) for piece in cut] for matter in matters)]
        spelling = "".join(re.findall(r"[a-z0-9]+", term))
        if not NEAR_MIN <= len(spelling) <= NEAR_MAX:
            return scores
        return [sum(near_level(weights, fields(matter)[kind], spelling)
                    for weights, kind in ((NAME_SPELLING, "names"), (ALIAS_SPELLING, "aliases"),
                                          (KEYWORD_ANY, "keywords")))
                for matter in matters]

    terms = normalize(query).split()
    by_length = sorted(range(len(matters)), key=lambda n: len(matters[n].name))
    rank = {number: position for position, number in enumerate(by_length)}
    per_term = [term_scores(term) for term in terms]
    scored = [(-sum(scores[number] for scores in per_term), rank[number], matter.code)
              for number, matter in enumerate(matters) if all(scores[number] for scores in per_term)]
    return [code for *_, code in sorted(scored)]


_CHARS = "开业医保就困难银行重"
_WORDS = ["银行", "就业困难", "开业", "医保", "困难", "重开"]
_SPELLINGS = ["kai", "ye", "yi", "bao", "jiu", "kun", "nan", "yin", "hang", "chong", "k", "y", "ky", "yb", "an", "ji",
              "yiyi", "anan", "t-0", "t-01"]
_SPELT_WORDS = ["yinhang", "jiuyekunnan", "kaiye", "yibao", "kunnan", "zhongkai", "yinhangkaiye"]


@st.composite
def _slip(draw):
    """A spelling of a catalog word with one letter replaced, left out, added, or two swapped."""
    word = draw(st.sampled_from(_SPELT_WORDS))
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("aghiknuxyz"))
    return draw(st.sampled_from([
        word[:at] + letter + word[at + 1:],
        word[:at] + word[at + 1:],
        word[:at] + letter + word[at:],
        word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:],
    ]))


@st.composite
def _catalogs_and_queries(draw):
    words = st.one_of(st.text(_CHARS, min_size=1, max_size=4), st.sampled_from(_WORDS))
    matters = [
        Matter(f"T-{number:02d}", draw(words), "personal", "就业创业", "公共服务", draw(words),
               keywords=tuple(draw(st.lists(words, max_size=3))),
               aliases=tuple(draw(st.lists(words, max_size=2))),
               items=tuple(Item(name, "人社局") for name in draw(st.lists(words, max_size=2))))
        for number in range(draw(st.integers(1, 8)))
    ]
    typed = st.text(_CHARS, min_size=1, max_size=6)
    terms = draw(st.lists(st.one_of(words, typed, st.sampled_from(_SPELLINGS), _slip()), min_size=1, max_size=2))
    return matters, " ".join(terms)


@settings(max_examples=300, deadline=None)
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
