"""The loaded catalog: Hunan's divisions and the matters, with lookups and search."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from counterdesk.catalog.regions import search_places
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import AUDIENCES, THEMES, TYPES, City, Matter, MatterEntry, Region, is_city_level
from counterdesk.domain.workdays import WEEKENDS_ONLY, WorkCalendar

if TYPE_CHECKING:
    # Search and its filters need numpy; a command that only names matters never loads it.
    import numpy as np

    from counterdesk.catalog.search import MatterIndex


class Catalog:
    """Regions and matters of one catalog folder; built by ``load_catalog``, never changed.

    It keeps every matter's list entry; ``matter(code)`` gives the full matter with its guide, read
    through ``guide`` (which may read it again from its file).
    """

    def __init__(
        self,
        directory: Path,
        province: Region,
        cities: tuple[City, ...],
        matters: Mapping[str, MatterEntry],
        guide: Callable[[str], Matter],
        calendar: WorkCalendar = WEEKENDS_ONLY,
    ):
        self.directory = directory
        """The folder the catalog was read from."""
        self.province = province
        """湖南省 itself (430000)."""
        self.cities = cities
        """The 14 prefecture-level divisions in code order, each with its places (市本级, counties, areas)."""
        self.matters = matters
        """Matters' list entries by code, in code order."""
        self._guide = guide
        self.calendar = calendar
        """Public holidays and make-up working days, for promised dates (``holidays.toml``)."""
        self._cities = {city.code: city for city in cities}
        self._counties = {place.code: place for city in cities for place in city.places}
        self._city_of = {place.code: city for city in cities for place in city.places}
        self._index: MatterIndex | None = None
        self._index_lock = threading.Lock()
        self._filtered: dict[tuple, np.ndarray] = {}

    @classmethod
    def of(cls, directory: Path, province: Region, cities: tuple[City, ...], matters: Iterable[Matter]) -> Catalog:
        """A catalog of matters already in memory (tests, tools)."""
        full = {matter.code: matter for matter in sorted(matters, key=lambda matter: matter.code)}
        return cls(directory, province, cities, {code: matter.entry for code, matter in full.items()},
                   full.__getitem__)

    def county(self, code: str) -> Region:
        """The place where matters are handled (办理地) with this code: a county, a functional area or,
        under a city's code, that city's own level (市本级)."""
        try:
            return self._counties[code]
        except KeyError:
            raise InvalidInput(f"没有代码为 {code} 的办理地（区县、功能区或市本级）。", code="unknown_region",
                               field="county") from None

    def city(self, code: str) -> City:
        """The prefecture-level division with this code."""
        try:
            return self._cities[code]
        except KeyError:
            raise InvalidInput(f"没有代码为 {code} 的市州。", code="unknown_region", field="city") from None

    def city_of(self, county_code: str) -> City:
        """The city a place belongs to."""
        self.county(county_code)
        return self._city_of[county_code]

    def place_name(self, code: str) -> str:
        """A place's name with its city, e.g. 岳阳市平江县; a 市本级's own name already says it (长沙市本级)."""
        place = self.county(code)
        return place.name if place.level == "city" else self._city_of[code].name + place.name

    def where_handled(self, matter: Matter | MatterEntry) -> str:
        """Where a matter is handled, as the guide says it: 全省通办 with the levels, or the places."""
        if matter.counties is None:
            return "全省通办（各区县、功能区及市本级）" if matter.city_level else "全省通办（各区县、功能区）"
        return "、".join(place.name for city in self.cities for place in city.places if place.code in matter.counties)

    def region(self, code: str) -> Region | City:
        """The province, a city or a place by code (a city's code gives the city, not its 市本级)."""
        if code == self.province.code:
            return self.province
        if code in self._cities:
            return self._cities[code]
        if code in self._counties:
            return self._counties[code]
        raise InvalidInput(f"没有代码为 {code} 的行政区划。", code="unknown_region", field="region")

    def counties_in(self, code: str) -> frozenset[str]:
        """The place codes a region code covers: itself, a city's places (its 市本级 included), or all."""
        place = self.region(code)
        if isinstance(place, City):
            return frozenset(county.code for county in place.places)
        if place is self.province:
            return frozenset(self._counties)
        return frozenset((code,))

    def matter(self, code: str) -> Matter:
        """The matter with this code, with its whole guide."""
        if code not in self.matters:
            raise InvalidInput(f"事项目录中没有编码为 {code} 的事项。", code="unknown_matter", field="matter")
        return self._guide(code)

    def find(self, code: str) -> Matter | None:
        """The matter with this code, or None when the catalog does not have it (any more)."""
        return self._guide(code) if code in self.matters else None

    def material_names(self, matter_code: str) -> dict[str, str]:
        """Each material's name by its code; empty for a matter the catalog no longer has (records
        name a material by its code, and a stored code outlives a catalog edit)."""
        matter = self.find(matter_code)
        return {material.code: material.name for material in matter.materials} if matter else {}

    def prepare_search(self) -> MatterIndex:
        """Build the search index now (pinyin of every name), e.g. in a worker at start-up."""
        from counterdesk.catalog.search import MatterIndex

        with self._index_lock:
            if self._index is None:
                self._index = MatterIndex(list(self.matters.values()))
            return self._index

    def search(
        self,
        query: str = "",
        audience: str | None = None,
        theme: str | None = None,
        type: str | None = None,
        region: str | None = None,
        limit: int | None = None,
        place: str | None = None,
    ) -> list[MatterEntry]:
        """Matters matching ``query`` (Chinese, pinyin or initials) and the filters, best first.

        ``region`` is a place code, a city code (any of its places) or the province code; ``place`` is
        one place exactly (a city's code then means its 市本级). An empty query lists every matter that
        passes the filters, in code order.
        """
        allowed = self._filters(audience, theme, type, region, place)
        if not query.split():
            matters = list(self.matters.values())
            if allowed is not None:
                matters = [matters[number] for number in allowed.nonzero()[0].tolist()]
            return matters[:limit]
        return self.prepare_search().search(query, allowed, limit)

    def suggest(
        self,
        query: str,
        audience: str | None = None,
        theme: str | None = None,
        type: str | None = None,
        region: str | None = None,
        limit: int | None = None,
        place: str | None = None,
    ) -> list[MatterEntry]:
        """The nearest matters to a query that found nothing (您是不是要找), within the filters."""
        allowed = self._filters(audience, theme, type, region, place)
        if not query.split():
            return []
        index = self.prepare_search()
        return index.suggest(query, allowed) if limit is None else index.suggest(query, allowed, limit)

    def _filters(self, audience: str | None, theme: str | None, type_: str | None,
                 region: str | None, place: str | None = None) -> np.ndarray | None:
        """The filters checked, as a mask by position (None: no filter)."""
        audience = _audience(audience)
        if theme is not None and theme not in THEMES:
            raise InvalidInput(f"没有主题“{theme}”，可选：{'、'.join(THEMES)}。", code="unknown_theme", field="theme")
        if type_ is not None and type_ not in TYPES:
            raise InvalidInput(f"没有事项类型“{type_}”，可选：{'、'.join(TYPES)}。", code="unknown_type", field="type")
        counties = self.counties_in(region) if region else None
        if counties is not None and len(counties) == len(self._counties):
            counties = None
        if place:
            only = frozenset((self.county(place).code,))
            counties = only if counties is None else counties & only
        return self._allowed(audience, theme, type_, counties)

    def _allowed(
        self, audience: str | None, theme: str | None, type_: str | None, counties: frozenset[str] | None
    ) -> np.ndarray | None:
        """A mask by position of the matters passing the filters (None: no filter), kept per combination."""
        key = (audience, theme, type_, counties)
        if key == (None, None, None, None):
            return None
        known = self._filtered.get(key)
        if known is None:
            import numpy as np

            levels = {is_city_level(code) for code in counties} if counties is not None else set()
            known = np.fromiter(
                (
                    (audience is None or matter.audience == audience)
                    and (theme is None or matter.theme == theme)
                    and (type_ is None or matter.type == type_)
                    and (counties is None or _handled_in_any(matter, counties, levels))
                    for matter in self.matters.values()
                ),
                dtype=bool,
                count=len(self.matters),
            )
            if len(self._filtered) >= 32:
                self._filtered.clear()
            self._filtered[key] = known
        return known

    def search_regions(self, query: str, within: str | None = None) -> list[Region | City]:
        """Cities and places for the location picker; ``within`` a city code keeps its places only."""
        if within is not None:
            return search_places(self.city(within).places, query)
        places: list[Region | City] = list(self.cities)
        places.extend(place for city in self.cities for place in city.places)
        return search_places(places, query)

    def places_by_city(self, query: str, keep: Callable[[Region], bool] = lambda place: True,
                       ) -> list[tuple[City, list[Region]]]:
        """The pickers' two columns: cities matching ``query`` with all their places, and cities of
        the places matching it with those places, best match first; only places ``keep`` accepts."""
        shown: dict[str, list[Region]] = {}
        for found in self.search_regions(query):
            if isinstance(found, City):
                shown.setdefault(found.code, [])
                shown[found.code].extend(p for p in found.places if keep(p) and p not in shown[found.code])
            elif keep(found):
                places = shown.setdefault(self._city_of[found.code].code, [])
                if found not in places:
                    places.append(found)
        return [(self._cities[code], places) for code, places in shown.items() if places]


def _handled_in_any(matter: MatterEntry, places: frozenset[str], levels: set[bool]) -> bool:
    """``matter.handled_in`` any of ``places``, whose ``is_city_level`` values are ``levels``."""
    if matter.counties is not None:
        return not matter.counties.isdisjoint(places)
    return False in levels or (matter.city_level and True in levels)


def _audience(value: str | None) -> str | None:
    if value is None or value in AUDIENCES:
        return value
    for code, label in AUDIENCES.items():
        if value == label:
            return code
    choices = "、".join(f"{code}（{label}）" for code, label in AUDIENCES.items())
    raise InvalidInput(f"没有办事类别“{value}”，可选：{choices}。", code="unknown_audience", field="audience")
