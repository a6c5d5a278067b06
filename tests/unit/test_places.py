"""Where the shipped matters are handled: 市本级 offices, functional areas, and browsing by any place."""

from __future__ import annotations

import pytest

from counterdesk.catalog import load_catalog
from counterdesk.domain.errors import InvalidInput

EXAMPLE = "ZC-JYKN-001"
RESALE = "GR-ESFZY-001"
"""二手房转移登记: the city's real-estate registry (市不动产登记中心) handles it at 市本级."""
FUND = "GR-GJJTQ-001"
"""住房公积金提取: the city's housing fund centre (市公积金中心)."""
DIBAO = "GR-DBSQ-001"
"""最低生活保障: decided by the county's civil affairs bureau, never at 市本级."""


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("code", [RESALE, FUND, "GR-XCSP-001", "QY-KBQY-001"])
def test_matters_of_city_level_offices_can_be_chosen_at_every_city_s_own_level(catalog, code):
    matter = catalog.matter(code)
    assert matter.city_level
    assert all(matter.handled_in(city.code) for city in catalog.cities)


@pytest.mark.parametrize("code", [EXAMPLE, DIBAO])
def test_county_matters_are_not_offered_at_the_city_s_own_level(catalog, code):
    matter = catalog.matter(code)
    assert not matter.handled_in("430100") and not matter.handled_in("430600")
    assert matter.handled_in("430626") and matter.handled_in("430671")


def test_the_city_policies_are_offered_by_their_city_s_own_level_too(catalog):
    anju = catalog.matter("ZC-RCAJ-001")
    assert anju.handled_in("430100") and anju.handled_in("430102") and not anju.handled_in("430600")
    gaoxin = catalog.matter("ZC-GXJL-001")
    assert gaoxin.handled_in("430200") and not gaoxin.handled_in("430100")


def test_browsing_a_city_s_own_level_lists_only_what_its_offices_handle(catalog):
    own = {m.code for m in catalog.search(place="430100")}
    assert {RESALE, FUND} <= own and EXAMPLE not in own and DIBAO not in own
    assert all(catalog.matter(code).handled_in("430100") for code in own)


def test_browsing_the_whole_city_lists_what_any_of_its_places_handle(catalog):
    city = {m.code for m in catalog.search(region="430100")}
    assert {RESALE, FUND, EXAMPLE, DIBAO} <= city
    assert {m.code for m in catalog.search(place="430100")} < city


def test_browsing_a_functional_area_lists_the_county_matters(catalog):
    area = {m.code for m in catalog.search(place="430671")}
    assert EXAMPLE in area and DIBAO in area
    assert area == {m.code for m in catalog.search(region="430671")}


def test_browsing_an_unknown_place_is_refused_with_a_chinese_sentence(catalog):
    with pytest.raises(InvalidInput) as refused:
        catalog.search(place="430699")
    assert refused.value.code == "unknown_region" and "430699" in refused.value.message


def test_where_a_matter_is_handled_reads_as_the_portal_says_it(catalog):
    assert catalog.where_handled(catalog.matter(RESALE)) == "全省通办（各区县、功能区及市本级）"
    assert catalog.where_handled(catalog.matter(EXAMPLE)) == "全省通办（各区县、功能区）"
    anju = catalog.matter("ZC-RCAJ-001")
    assert catalog.where_handled(anju).startswith("长沙市本级、芙蓉区、")
