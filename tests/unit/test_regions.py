"""Hunan's divisions (GB/T 2260), the 市本级 and 功能区 the portal's picker adds, and the picker's search."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin

from counterdesk.catalog import Catalog, load_regions
from counterdesk.domain.errors import InvalidInput


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    regions = load_regions()
    return Catalog.of(tmp_path_factory.mktemp("catalog"), regions.province, regions.cities, [])


def test_hunan_has_14_cities_and_122_counties_under_the_province(catalog):
    assert (catalog.province.code, catalog.province.name) == ("430000", "湖南省")
    assert len(catalog.cities) == 14
    assert sum(len(city.counties) for city in catalog.cities) == 122


def test_every_code_is_unique_and_a_county_code_starts_with_its_city_prefix(catalog):
    codes = [city.code for city in catalog.cities] + [c.code for city in catalog.cities for c in city.counties]
    assert len(codes) == len(set(codes)) == 136
    for city in catalog.cities:
        assert city.code.endswith("00")
        assert all(county.code[:4] == city.code[:4] for county in city.counties)


@pytest.mark.parametrize(
    ("code", "name", "city"),
    [
        ("430626", "平江县", "岳阳市"),
        ("430121", "长沙县", "长沙市"),
        ("430212", "渌口区", "株洲市"),
        ("430582", "邵东市", "邵阳市"),
        ("431181", "祁阳市", "永州市"),
        ("431229", "靖州苗族侗族自治县", "怀化市"),
        ("433101", "吉首市", "湘西土家族苗族自治州"),
        ("433130", "龙山县", "湘西土家族苗族自治州"),
    ],
)
def test_known_counties_carry_their_official_codes(catalog, code, name, city):
    assert catalog.county(code).name == name
    assert catalog.city_of(code).name == city


def test_polyphones_in_place_names_are_spelt_as_locals_say_them(catalog):
    assert catalog.city("430100").pinyin == "changshashi"
    assert catalog.county("430481").pinyin == "leiyangshi"
    assert catalog.county("430681").pinyin == "miluoshi"
    assert catalog.county("430723").pinyin == "lixian"
    assert catalog.county("431224").pinyin == "xupuxian"
    assert catalog.county("433126").initials == "gzx"


HAND_CHECKED = {"回龙圩管理区": ["hui", "long", "xu", "guan", "li", "qu"]}
"""Names pypinyin reads wrongly: 圩 is xu (a market town) in 永州's place names, as in 上江圩."""


def test_stored_pinyin_and_initials_agree_with_the_name(catalog):
    places = [catalog.province, *catalog.cities, *(c for city in catalog.cities for c in city.places)]
    for place in places:
        syllables = HAND_CHECKED.get(place.name) or lazy_pinyin(place.name)
        assert place.pinyin == "".join(syllables), place.name
        assert place.initials == "".join(s[0] for s in syllables), place.name


def test_an_unknown_county_is_refused_with_a_chinese_sentence(catalog):
    with pytest.raises(InvalidInput) as refused:
        catalog.county("430699")
    assert refused.value.code == "unknown_region"
    assert "430699" in refused.value.message
    with pytest.raises(InvalidInput):
        catalog.city_of("439900")


def test_a_city_code_covers_its_own_level_counties_and_areas_and_the_province_covers_all(catalog):
    assert {"430626", "430671", "430600"} <= catalog.counties_in("430600")
    assert len(catalog.counties_in("430600")) == 9 + 1 + 1
    assert catalog.counties_in("430626") == frozenset({"430626"})
    assert len(catalog.counties_in("430000")) == 122 + 14 + 12


def test_every_city_has_its_own_level_under_the_city_s_code(catalog):
    for city in catalog.cities:
        own = catalog.county(city.code)
        assert (own.name, own.level, own.authority) == (city.name + "本级", "city", city.name)
        assert city.places[0] == own and catalog.city_of(city.code) == city
    assert catalog.place_name("430100") == "长沙市本级"
    assert catalog.place_name("430626") == "岳阳市平江县"
    assert catalog.place_name("430671") == "岳阳市屈原管理区"


@pytest.mark.parametrize(
    ("code", "name", "city"),
    [
        ("430371", "湘潭高新技术产业园区", "湘潭市"),
        ("430372", "湘潭昭山示范区", "湘潭市"),
        ("430373", "湘潭九华示范区", "湘潭市"),
        ("430473", "衡阳松木经济开发区", "衡阳市"),
        ("430476", "衡阳高新技术产业园区", "衡阳市"),
        ("430671", "屈原管理区", "岳阳市"),
        ("430771", "西洞庭管理区", "常德市"),
        ("430971", "大通湖管理区", "益阳市"),
        ("430972", "益阳高新技术产业园区", "益阳市"),
        ("431171", "永州经济技术开发区", "永州市"),
        ("431173", "回龙圩管理区", "永州市"),
        ("431271", "洪江管理区", "怀化市"),
    ],
)
def test_functional_areas_carry_their_statistical_codes(catalog, code, name, city):
    # 统计用区划代码 (2023) gives these areas a code because they run their own streets and townships.
    area = catalog.county(code)
    assert (area.name, area.level, catalog.city_of(code).name) == (name, "area", city)


def test_the_areas_are_the_twelve_the_statistics_code_list_and_none_invented(catalog):
    areas = [place.code for city in catalog.cities for place in city.areas]
    assert len(areas) == 12 and all(code[4] == "7" for code in areas)
    assert not any(place.level == "area" for city in catalog.cities for place in city.counties)


def test_places_of_a_city_list_its_own_level_first_then_counties_and_areas_by_code(catalog):
    yueyang = catalog.city("430600")
    assert [p.name for p in yueyang.places][:2] == ["岳阳市本级", "岳阳楼区"]
    codes = [p.code for p in yueyang.places[1:]]
    assert codes == sorted(codes) and "430671" in codes


@pytest.mark.parametrize("query", ["pj", "pjx", "pingjiang", "PingJiang", "平江", "平江县", "430626"])
def test_clerk_finds_pingjiang_by_initials_pinyin_name_or_code(catalog, query):
    assert catalog.search_regions(query)[0].code == "430626"


def test_city_ranks_before_its_namesake_county(catalog):
    names = [place.name for place in catalog.search_regions("岳阳")]
    assert names[:3] == ["岳阳市", "岳阳县", "岳阳楼区"]


def test_search_within_a_city_keeps_to_its_places(catalog):
    found = catalog.search_regions("x", within="430600")
    assert found and all(place.code.startswith("4306") for place in found)
    assert [p.name for p in catalog.search_regions("", within="430600")][:2] == ["岳阳市本级", "岳阳楼区"]


@pytest.mark.parametrize(("query", "name"), [
    ("屈原", "屈原管理区"), ("qygl", "屈原管理区"), ("长沙市本级", "长沙市本级"), ("cssbj", "长沙市本级"),
    ("九华", "湘潭九华示范区"), ("huilongxu", "回龙圩管理区"),
])
def test_clerk_finds_a_city_s_own_level_or_an_area_by_name_or_pinyin(catalog, query, name):
    assert catalog.search_regions(query)[0].name == name


def test_region_search_with_no_match_is_empty(catalog):
    assert catalog.search_regions("qqqq") == []


def test_a_regions_file_with_a_wrong_area_names_each_mistake():
    from counterdesk.catalog.regions import parse_regions

    def place(code, name):
        return {"code": code, "name": name, "pinyin": "x", "initials": "x"}

    yueyang = {**place("430600", "岳阳市"), "counties": [place("430626", "平江县")],
               "areas": [place("430671", "屈原管理区"), place("430771", "西洞庭管理区"), place("430600", "岳阳市本级"),
                         place("430626", "平江县")]}
    data = {"province": place("430000", "湖南省"), "cities": [yueyang, {**place("430700", "常德市"),
                                                                     "counties": [place("430702", "武陵区")],
                                                                     "areas": "430771"}]}
    regions, problems = parse_regions(data, "regions.toml")
    assert regions is None
    assert [str(p) for p in problems] == [
        "regions.toml:cities[#1].areas[#3].code: 区划代码 430600 重复",
        "regions.toml:cities[#1].areas[#4].code: 区划代码 430626 重复",
        "regions.toml:cities[#1].areas: 西洞庭管理区 430771 不属于 岳阳市",
        "regions.toml:cities[#1].areas: 岳阳市本级 430600 不属于 岳阳市",
        "regions.toml:cities[#2].areas: 应为功能区的列表",
    ]
