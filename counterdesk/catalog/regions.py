"""Hunan's divisions from ``regions.toml`` and the location picker's search over them.

Where matters are handled (办理地) follows the provincial portal's picker: under each city, the
city's own level (市本级, its departments, keyed by the city's code), its counties and the functional
areas (功能区) that have a code in the 统计用区划代码 because they run their own streets and townships.

Pinyin is stored in the file (checked by hand for polyphones such as 长沙 or 耒阳) rather than
computed, so the picker needs no pinyin library and starts instantly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from counterdesk.catalog.problems import Problem
from counterdesk.domain.matter import City, Region, is_city_level

_CODE = re.compile(r"\d{6}\Z")
_PINYIN = re.compile(r"[a-z]+\Z")


@dataclass(frozen=True)
class Regions:
    """The province, its cities (市州) and their places: 市本级, counties (区县) and functional areas (功能区)."""

    province: Region
    cities: tuple[City, ...]


def parse_regions(data: dict, file: str) -> tuple[Regions | None, list[Problem]]:
    """Build the divisions from a parsed ``regions.toml``, or say what is wrong with it.

    A city's own level (市本级) is not written in the file: every city has one, under its code.
    """
    problems: list[Problem] = []
    seen: set[str] = set()

    def region(table: object, where: str, level: str = "county") -> Region | None:
        if not isinstance(table, dict):
            problems.append(Problem(file, where, "应为表（含 code、name、pinyin、initials）"))
            return None
        values = {}
        for key, pattern in (("code", _CODE), ("name", None), ("pinyin", _PINYIN), ("initials", _PINYIN)):
            value = table.get(key)
            if not isinstance(value, str) or not value or (pattern and not pattern.match(value)):
                problems.append(Problem(file, f"{where}.{key}", "缺少或格式不正确"))
                return None
            values[key] = value
        if values["code"] in seen:
            problems.append(Problem(file, f"{where}.code", f"区划代码 {values['code']} 重复"))
        seen.add(values["code"])
        return Region(**values, level=level)

    province = region(data.get("province"), "province", "province")
    cities: list[City] = []
    raw_cities = data.get("cities")
    if not isinstance(raw_cities, list) or not raw_cities:
        problems.append(Problem(file, "cities", "缺少市州列表"))
        raw_cities = []
    for number, table in enumerate(raw_cities, 1):
        where = f"cities[#{number}]"
        city = region(table, where)
        raw_counties = table.get("counties") if isinstance(table, dict) else None
        if not isinstance(raw_counties, list) or not raw_counties:
            problems.append(Problem(file, f"{where}.counties", "缺少区县列表"))
            continue
        read_counties = [region(county, f"{where}.counties[#{n}]") for n, county in enumerate(raw_counties, 1)]
        raw_areas = table.get("areas", [])
        if not isinstance(raw_areas, list):
            problems.append(Problem(file, f"{where}.areas", "应为功能区的列表"))
            raw_areas = []
        read_areas = [region(area, f"{where}.areas[#{n}]", "area") for n, area in enumerate(raw_areas, 1)]
        counties = [county for county in read_counties if county is not None]
        areas = [area for area in read_areas if area is not None]
        if city is None or len(counties) != len(read_counties) or len(areas) != len(read_areas):
            continue
        for field, places in (("counties", counties), ("areas", areas)):
            for place in places:
                if place.code[:4] != city.code[:4] or is_city_level(place.code):
                    problems.append(Problem(file, f"{where}.{field}", f"{place.name} {place.code} 不属于 {city.name}"))
        cities.append(City(city.code, city.name, city.pinyin, city.initials, tuple(counties), tuple(areas)))
    if problems or province is None:
        return None, problems
    return Regions(province, tuple(cities)), problems


def _score(place: Region | City, query: str) -> int:
    name = place.name.lower()
    if query in (name, place.code):
        return 100
    if name.startswith(query):
        return 90
    if place.initials.startswith(query) or place.pinyin.startswith(query):
        return 80
    if query in name:
        return 60
    if query in place.initials or query in place.pinyin:
        return 40
    return 0


def search_places(places: Iterable[Region | City], query: str) -> list[Region | City]:
    """Places whose name, code, pinyin or initials match, best first; cities before counties."""
    query = "".join(query.split()).lower().replace("'", "")
    if not query:
        return list(places)
    ranked = []
    for order, place in enumerate(places):
        score = _score(place, query)
        if score:
            ranked.append((-score, not isinstance(place, City), len(place.name), order, place))
    ranked.sort(key=lambda row: row[:4])
    return [row[-1] for row in ranked]
