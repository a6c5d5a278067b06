"""选择办理地点 (choose where it is handled): city, then the place, filtered as the clerk types
(岳阳 · yueyang · pj). A city's places are its own level (市本级), its counties and functional areas,
as in the provincial portal's picker; only those where the matter is handled are listed. The hall's
own place is highlighted at the start, so Enter alone is enough for most citizens.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.matter import City, Matter, Region
from counterdesk.tui.columns import COLUMN_BINDINGS, ColumnKeys
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import PlacingScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import Draft, PlacedDraft, go


class LocationScreen(ColumnKeys, PlacingScreen):
    """Two columns, 市州 and 办理地, over the matter's places; Enter on a place starts the draft."""

    STEP = "location"
    TITLE_TEXT = "选择办理地点"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("enter", "pick", "确认办理地", priority=True),
        Binding("escape", "back", "返回找事项"),
        *COLUMN_BINDINGS,
    ]
    SEARCH, CITIES, PLACES = "#location-search", "#location-cities", "#location-counties"
    NOTHING = "请先选择办理地。"

    def __init__(self, draft: Draft) -> None:
        super().__init__(draft)
        if draft.matter_code is None:
            raise ValueError("the place is chosen for a matter: find the matter first")
        self.matter_code: str = draft.matter_code
        """The matter chosen on the step before."""
        self.places: list[tuple[City, list[Region]]] = []
        """The cities on screen, each with its places on screen."""
        self._wanted: str | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="location-box"):
            yield Static(id="location-matter")
            yield Input(placeholder="输入市州、区县或功能区名称、全拼或首字母，如 岳阳 / pingjiang / pjx",
                        id="location-search", select_on_focus=False)
            with Horizontal(id="location-columns"):
                with Vertical(id="location-city-column"):
                    yield Static("市州（PgUp/PgDn）", classes="column-title")
                    yield OptionList(id="location-cities")
                with Vertical(id="location-county-column"):
                    yield Static("办理地（↑/↓，回车确认）", classes="column-title")
                    yield OptionList(id="location-counties")
            yield Static(id="location-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        ctx = self.ctx
        matter = self.matter
        handled = (self.catalog.where_handled(matter) if matter.counties is None
                   else f"在 {len(matter.counties)} 个办理地办理")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("事项：")
        text.append(matter.name, style="bold")
        text.append(f"（{handled}）", style="dim")
        self.query_one("#location-matter", Static).update(text)
        home = ctx.hall.county_code if ctx.hall else None
        self._wanted = self.draft.county_code or home
        self.refresh_places()
        self.query_one("#location-search", Input).focus()

    @property
    def matter(self) -> Matter:
        return self.catalog.matter(self.matter_code)

    # -- filtering -------------------------------------------------------------------------

    @on(Input.Changed, "#location-search")
    def query_changed(self) -> None:
        self._wanted = None
        self.refresh_places()

    def refresh_places(self) -> None:
        """List the cities and places matching the query where the matter is handled."""
        matter = self.matter
        query = self.query_one("#location-search", Input).value
        self.places = self.catalog.places_by_city(query, lambda place: matter.handled_in(place.code))
        cities = self.query_one("#location-cities", OptionList)
        cities.set_options(Option(Text(city.name), id=city.code) for city, _ in self.places)
        chosen = 0
        if self._wanted:
            chosen = next((i for i, (city, counties) in enumerate(self.places)
                           if any(c.code == self._wanted for c in counties)), 0)
        if self.places:
            cities.highlighted = chosen
        self._show_counties(chosen)
        self._hint()

    @on(OptionList.OptionHighlighted, "#location-cities")
    def city_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_counties(event.option_index)

    def _show_counties(self, city_index: int) -> None:
        counties = self.query_one("#location-counties", OptionList)
        if not self.places:
            counties.clear_options()
            return
        city_index = min(city_index, len(self.places) - 1)
        shown = self.places[city_index][1]
        if [o.id for o in counties.options] == [c.code for c in shown]:
            return
        counties.set_options(Option(Text(c.name), id=c.code) for c in shown)
        counties.highlighted = next((i for i, c in enumerate(shown) if c.code == self._wanted), 0)

    def _hint(self) -> None:
        hint = self.query_one("#location-hint", Static)
        if self.places:
            home = self.ctx.hall.county_code if self.ctx.hall else None
            if home and not self.matter.handled_in(home):
                hint.update(Text("注意：本大厅所在县区不办理此事项，请为群众选择可办理的地方。", style="bold"))
            else:
                hint.update(Text("输入可筛选；PgUp/PgDn 换市州，↑/↓ 选办理地，回车确认。", style="dim"))
        else:
            hint.update(Text("没有匹配的可办理地，请修改输入（Esc 返回找事项）。", style="bold"))

    def take(self, option_id: str) -> None:
        """Start the draft at the place chosen, once (a second Enter while it starts is ignored)."""
        if not self._busy:
            self._busy = True
            self.place(option_id)

    def place(self, county_code: str) -> None:
        """Start the draft (or keep the one in hand) in the chosen county."""
        from counterdesk.services.applications import answers_of
        from counterdesk.services.drafts import place_draft
        from counterdesk.store.models import id_of

        def place() -> PlacedDraft:
            with self.ctx.session() as session:
                application = place_draft(session, actor=self.actor, catalog=self.catalog,
                                          application_id=self.draft.application_id,
                                          matter_code=self.matter_code, county_code=county_code)
                return PlacedDraft(self.matter_code, county_code, id_of(application),
                                   answers_of(session, id_of(application)))

        self.run_service(place, self._placed, refused=self._refused, group="place", exclusive=True)

    def _refused(self, error: CounterdeskError) -> None:
        self._busy = False
        self.notify(error.message, severity="error")

    def _placed(self, placed: PlacedDraft) -> None:
        go(self.app, "guidance", placed)

    def action_back(self) -> None:
        self.go("matter")
