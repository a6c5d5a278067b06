"""选择浏览地区: the province, a whole city, or one place of it (市本级, a county, a functional area),
for the matter list to show what is handled there (``ModalScreen[BrowseRegion | None]``).

Two columns as in the location step: 市州 on the left (全省 first), the city's places on the right
(全市 first); typing filters both (长沙 · cssbj · 屈原).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain.matter import City
from counterdesk.tui.base import CounterDialog
from counterdesk.tui.columns import COLUMN_BINDINGS, ColumnKeys

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

PROVINCE = "province"
"""Option id of the whole province, in both columns."""


class RegionFilters(TypedDict, total=False):
    """The catalog search's keyword for a region: ``region`` for a whole city, ``place`` for one place."""

    region: str
    place: str


@dataclass(frozen=True)
class BrowseRegion:
    """Where the matter list is browsed."""

    code: str | None = None
    """A place's code (a city's code: its 市本级), a city's code with ``whole_city``; None: the province."""
    whole_city: bool = False
    """``code`` is a city, all its places together (全市)."""

    def label(self, catalog: Catalog) -> str:
        """How the matter list names the region: 全省, 长沙市（全市）, 长沙市本级, 屈原管理区."""
        if self.code is None:
            return "全省"
        if self.whole_city:
            return f"{catalog.city(self.code).name}（全市）"
        return catalog.county(self.code).name

    def filters(self) -> RegionFilters:
        """The catalog search's keyword for this region (``region`` for a city, ``place`` for a place)."""
        if self.code is None:
            return {}
        return {"region": self.code} if self.whole_city else {"place": self.code}


class RegionDialog(ColumnKeys, CounterDialog[BrowseRegion | None]):
    """Enter on a place chooses it; Esc keeps the region as it was."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", priority=True),
        Binding("enter", "pick", "选择", priority=True),
        *COLUMN_BINDINGS,
    ]
    SEARCH, CITIES, PLACES = "#region-search", "#region-cities", "#region-places"
    NOTHING = "没有匹配的地区，请修改输入。"

    def __init__(self, current: BrowseRegion) -> None:
        super().__init__()
        self.columns: list[tuple[City | None, list[tuple[str, str]]]] = []
        """The cities on screen (None: the province), each with its (option id, label) places."""
        self._wanted: str | None = _option_id(current)
        """The option to highlight: the region browsed now, until the clerk types."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="region-box"):
            yield Static("选择浏览地区：列出在该地可办理的事项", classes="dialog-title")
            yield Input(placeholder="输入市州、区县或功能区名称、全拼或首字母，如 长沙 / cssbj / 屈原",
                        id="region-search", select_on_focus=False)
            with Horizontal(id="region-columns"):
                yield OptionList(id="region-cities")
                yield OptionList(id="region-places")
            yield Static("↑/↓ 选择，Tab 或 ←/→ 换列，回车确认，Esc 取消", classes="message")

    def on_mount(self) -> None:
        self.refresh_columns()
        self.query_one("#region-search", Input).focus()

    @on(Input.Changed, "#region-search")
    def query_changed(self) -> None:
        self._wanted = None
        self.refresh_columns()

    def refresh_columns(self) -> None:
        """List the cities and places matching the query, the current region highlighted if listed."""
        catalog = self.catalog
        query = self.query_one("#region-search", Input).value
        self.columns = []
        if not query.strip():
            self.columns.append((None, [(PROVINCE, f"{catalog.province.name}（全省）")]))
        for city, places in catalog.places_by_city(query):
            whole = [(f"city:{city.code}", f"{city.name}（全市）")] if len(places) == len(city.places) else []
            self.columns.append((city, whole + [(f"place:{place.code}", place.name) for place in places]))
        cities = self.query_one("#region-cities", OptionList)
        cities.set_options(Option(Text("全省" if city is None else city.name)) for city, _ in self.columns)
        row = next((i for i, (_, places) in enumerate(self.columns) if any(p == self._wanted for p, _ in places)), 0)
        if self.columns:
            cities.highlighted = row
        self._show_places(row)

    @on(OptionList.OptionHighlighted, "#region-cities")
    def city_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_places(event.option_index)

    def _show_places(self, row: int) -> None:
        places = self.query_one("#region-places", OptionList)
        shown = self.columns[min(row, len(self.columns) - 1)][1] if self.columns else []
        if [option.id for option in places.options] != [option_id for option_id, _ in shown]:
            places.set_options(Option(Text(label), id=option_id) for option_id, label in shown)
        if shown:
            places.highlighted = next((i for i, (option_id, _) in enumerate(shown) if option_id == self._wanted), 0)

    def take(self, option_id: str) -> None:
        self.dismiss(_region_of(option_id or PROVINCE))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _option_id(region: BrowseRegion) -> str:
    if region.code is None:
        return PROVINCE
    return f"{'city' if region.whole_city else 'place'}:{region.code}"


def _region_of(option_id: str) -> BrowseRegion:
    kind, _, code = option_id.partition(":")
    return BrowseRegion(code or None, whole_city=kind == "city")

