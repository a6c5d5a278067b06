"""The keys of the two-column place pickers (选择办理地点, 选择浏览地区): a search box over a column of
cities and a column of their places, all by keyboard.

Typing anywhere goes on with the search; ↑/↓ move in the places and PgUp/PgDn in the cities while
the clerk types; Tab, → and ← move between the columns; Enter on a city moves to its places, Enter
(or a click) on a place takes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList

COLUMN_BINDINGS = [
    Binding("down", "place(1)", show=False),
    Binding("up", "place(-1)", show=False),
    Binding("pagedown", "city(1)", "下一市州", show=False),
    Binding("pageup", "city(-1)", "上一市州", show=False),
    Binding("right", "focus_places", show=False),
    Binding("left", "focus_cities", show=False),
]


if TYPE_CHECKING:
    _Screen = Screen[Any]
else:
    _Screen = object


class ColumnKeys(_Screen):
    """Mixed into a screen (before it) that has a search ``Input`` and two ``OptionList`` columns."""

    SEARCH = ""
    """Selector of the search box."""
    CITIES = ""
    """Selector of the cities column."""
    PLACES = ""
    """Selector of the places column."""
    NOTHING = ""
    """What Enter says when no place is listed."""

    def take(self, option_id: str) -> None:
        """Act on the place chosen (its option id): the screen's own step."""
        raise NotImplementedError

    def action_pick(self) -> None:
        """Enter: on the cities it moves to the places; elsewhere it takes the highlighted place."""
        if self.focused is self.query_one(self.CITIES, OptionList):
            self.action_focus_places()
            return
        places = self.query_one(self.PLACES, OptionList)
        if places.highlighted is None:
            self.notify(self.NOTHING, severity="warning")
            return
        self.take(places.get_option_at_index(places.highlighted).id or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list is self.query_one(self.PLACES, OptionList):
            self.action_pick()

    def on_key(self, event: events.Key) -> None:
        # Typing while a column has focus goes on with the filter.
        search = self.query_one(self.SEARCH, Input)
        if self.focused is search:
            return
        if event.is_printable and event.character:
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
        elif event.key == "backspace":
            search.focus()
            search.action_delete_left()
            event.stop()

    def _move(self, selector: str, step: int) -> None:
        options = self.query_one(selector, OptionList)
        if options.option_count:
            options.highlighted = max(0, min((options.highlighted or 0) + step, options.option_count - 1))

    def action_place(self, step: int) -> None:
        self._move(self.PLACES, step)

    def action_city(self, step: int) -> None:
        self._move(self.CITIES, step)

    def action_focus_places(self) -> None:
        self.query_one(self.PLACES, OptionList).focus()

    def action_focus_cities(self) -> None:
        self.query_one(self.CITIES, OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Left and right move the text cursor while the clerk is typing.
        if action in ("focus_places", "focus_cities"):
            return not isinstance(self.focused, Input)
        return True
