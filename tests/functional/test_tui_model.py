"""A clerk who presses anything: generated key sequences against the real App, checked after every step.

Each example starts a counter with one draft open at 确认信息 and plays a list of actions on it —
typing (Chinese, rare characters, markup, escape-ish characters), ID numbers of every 证件类型 valid
and not, credit codes, F-keys and Ctrl-keys wherever the clerk happens to be, bursts of keys with no
pause between them (a wedge reader, a paste), resizes between 80×24 and 160×50, new drafts, and going
home to resume a draft it made. After every action:

- nothing escaped and the error guard caught nothing,
- no traceback text is on the screen,
- on 确认信息, once the debounced save has run, the draft in the database is what the form shows.

The budget is ``COUNTERDESK_MODEL_EXAMPLES`` examples (default 8, under a minute on two quiet
cores); a failing example prints its actions and hypothesis prints how to reproduce it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from textual import events
from textual.widgets import Input, OptionList, TextArea

from counterdesk.domain.idnumbers import ID_TYPES
from counterdesk.services.applications import get, saved_form
from counterdesk.tui.screens.applicant import FIELD_ORDER, ApplicantScreen
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.widgets.fields import field_value
from tests.factories import resident_id
from tests.functional.test_tui_applicant_kinds import VALID_NUMBERS, new_draft
from tests.functional.tui_helpers import desk_app, logged_in, open_step, settle

EXAMPLES = int(os.environ.get("COUNTERDESK_MODEL_EXAMPLES", "8"))
"""How many key sequences one run tries; raise it for a long hunt (see the README's testing section)."""
MAX_ACTIONS = 20
SETTLE_ROUNDS = 50
"""Bound on the rounds of waiting for keys, workers and the debounced save to come to rest."""

SIZES = st.tuples(st.integers(80, 160), st.integers(24, 50))
TEXT = st.text(st.sampled_from([*"aZ09 -.@#", *"张王李三丰䶮𠮷·", *"[]\\/{}%&<>'\"`—_＿０１"]), min_size=1, max_size=12)
MARKUP = st.sampled_from(["[b]", "[/b]", "[red]粗体[/]", "\\[b]", "[link=x]", "${x}", "%s", "\\n"])
KEYS = st.sampled_from(["f2", "f3", "f6", "f8", "f9", "f10", "ctrl+left", "ctrl+right", "tab", "shift+tab", "enter",
                        "escape", "up", "down", "home", "end", "backspace", "delete", "ctrl+u", "ctrl+l",
                        *"nrdlqoyjsc"])
"""Lone keys; the letters are home's (new, resume, discard, lookup, queue, log out, 寄递, 签收, 出件) and a
dialog's yes; Ctrl+L locks the screen (what is typed next is a wrong password)."""
CREDIT_CODES = ["91350100M000100Y43", "91350100M000100Y44", "9135010AM000100Y43", "12345", "统一代码"]


def invalid_numbers(number: str) -> list[str]:
    """Typos of a valid number: a wrong last character, cut short, with dashes, or no number at all."""
    last = "0" if number[-1] != "0" else "1"
    return [number[:-1] + last, number[:-3], f"{number[:6]}—{number[6:]}", f"{number[:4]}_{number[4:]}",
            "12345", "张三丰"]


@dataclass(frozen=True)
class Type:
    """Type text key by key, as a person does."""

    text: str

    async def run(self, app, pilot, drafts) -> None:
        await pilot.press(*self.text)


@dataclass(frozen=True)
class Press:
    """One key: an F-key, a Ctrl-key, Tab, Enter, Esc, a cursor key."""

    key: str

    async def run(self, app, pilot, drafts) -> None:
        await pilot.press(self.key)


@dataclass(frozen=True)
class Palette:
    """Open the command palette and close it again."""

    async def run(self, app, pilot, drafts) -> None:
        await pilot.press("ctrl+p")
        await pilot.press("escape")


@dataclass(frozen=True)
class Burst:
    """Every key queued at once, as a wedge reader types (Tab and Enter included)."""

    text: str

    async def run(self, app, pilot, drafts) -> None:
        for char in self.text:
            name = {"\t": "tab", "\r": "enter"}.get(char)
            app.post_message(events.Key(name or char, None if name else char))
        await pilot.pause()


@dataclass(frozen=True)
class Paste:
    text: str

    async def run(self, app, pilot, drafts) -> None:
        app.post_message(events.Paste(self.text))
        await pilot.pause()


@dataclass(frozen=True)
class IdNumber:
    """On 确认信息: choose the 证件类型 and type a number into 证件号码 (replacing what was there)."""

    id_type: str
    number: str

    async def run(self, app, pilot, drafts) -> None:
        screen = app.screen
        if not isinstance(screen, ApplicantScreen) or screen._loading or screen.kind != "personal":
            return
        screen.query_one("#f-id_type").value = self.id_type
        await pilot.pause()
        screen.query_one("#f-id_number").focus()
        await pilot.press("end", "ctrl+u", *self.number)


@dataclass(frozen=True)
class CreditCode:
    """On 确认信息 for an enterprise: type a code into 统一社会信用代码 (replacing what was there)."""

    code: str

    async def run(self, app, pilot, drafts) -> None:
        screen = app.screen
        if not isinstance(screen, ApplicantScreen) or screen._loading or screen.kind != "enterprise":
            return
        screen.query_one("#f-credit_code").focus()
        await pilot.press("end", "ctrl+u", *self.code)


@dataclass(frozen=True)
class Resize:
    width: int
    height: int

    async def run(self, app, pilot, drafts) -> None:
        await pilot.resize_terminal(self.width, self.height)


@dataclass(frozen=True)
class NewDraft:
    """Another citizen: a new draft, opened at 确认信息 from home."""

    async def run(self, app, pilot, drafts) -> None:
        await go_home(app, pilot)
        drafts.append(new_draft(app))
        await open_step(app, pilot, "applicant", drafts[-1])


@dataclass(frozen=True)
class Resume:
    """Home (F10), then resume the n-th draft this example made, picked from the list with the keys."""

    which: int

    async def run(self, app, pilot, drafts) -> None:
        await go_home(app, pilot)
        wanted = str(drafts[self.which % len(drafts)])
        await pilot.press("r")
        listing = app.screen.query_one("#drafts", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        if wanted not in ids:
            return  # submitted or discarded: no longer a draft of this window
        while listing.get_option_at_index(listing.highlighted).id != wanted:
            await pilot.press("down")
        await pilot.press("enter")


async def go_home(app, pilot) -> None:
    """Back to home the way a clerk would: F10 in the wizard, Esc out of dialogs; logged in again if need be."""
    for _ in range(8):
        await at_rest(pilot)
        if isinstance(app.screen, HomeScreen):
            return
        if app.ctx.actor is None:
            await logged_in(app, pilot)
            continue
        await pilot.press("f10" if hasattr(app.screen, "draft") else "escape")
    while len(app.screen_stack) > 1 and not isinstance(app.screen, HomeScreen):
        app.pop_screen()  # a screen that ignores Esc (the lock, a question): leave it as a restart would
        await at_rest(pilot)
    if not isinstance(app.screen, HomeScreen):
        await logged_in(app, pilot)
    await at_rest(pilot)


def actions(drafts_made: int = 1):
    id_numbers = st.sampled_from(sorted(ID_TYPES)).flatmap(
        lambda id_type: st.builds(IdNumber, st.just(id_type),
                                  st.sampled_from([VALID_NUMBERS[id_type], *invalid_numbers(VALID_NUMBERS[id_type])])))
    return st.one_of(
        st.builds(Type, TEXT), st.builds(Type, MARKUP), st.builds(Press, KEYS), st.just(Palette()),
        st.builds(Burst, st.builds(lambda n, name, phone: f"{n}\t{name}\t{phone}\r",
                                   st.sampled_from([resident_id(71), resident_id(72), "E12345678", "123"]),
                                   st.sampled_from(["李四", "䶮", "[b]王[/b]"]),
                                   st.sampled_from(["13900001111", "+86 731 82214464", "1390000"]))),
        st.builds(Burst, TEXT), st.builds(Paste, TEXT.map(lambda t: f"{t}\t{t}")),
        id_numbers, st.builds(CreditCode, st.sampled_from(CREDIT_CODES)),
        st.builds(Resize, SIZES.map(lambda s: s[0]), SIZES.map(lambda s: s[1])),
        st.just(NewDraft()), st.builds(Resume, st.integers(0, 3)),
    )


async def at_rest(pilot) -> None:
    """Wait until the keys have been applied, the workers are done and no save is pending."""
    app = pilot.app
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        await app.keys.idle.wait()
        await settle(pilot)
        screen = app.screen
        saving = isinstance(screen, ApplicantScreen) and screen._saver.pending
        if app.keys.idle.is_set() and not saving and not any(w.is_running for w in app.workers):
            return
    raise AssertionError("the app never came to rest")


def screen_text(app) -> str:
    """Every character on the terminal, notifications included (the compositor has no public view)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def check(app) -> None:
    assert not app.unexpected_errors, f"the error guard caught: {app.unexpected_errors!r}"
    assert "Traceback" not in screen_text(app), "a traceback reached the screen"
    screen = app.screen
    if isinstance(screen, ApplicantScreen) and not screen._loading and not screen._form_closed:
        stored = app.ctx.call(lambda session: saved_form(get(session, actor=app.ctx.actor,
                                                             application_id=screen.draft.application_id)))
        shown = screen.raw_form()
        if stored:
            assert {key: stored.get(key) for key in shown} == shown, "the stored draft differs from the form"
        else:
            typed = {key: field_value(screen.widget(key)) for key in FIELD_ORDER
                     if isinstance(screen.widget(key), (Input, TextArea))}
            assert not any(typed.values()), f"typing {typed!r} was never saved"


async def drive(home: Path, catalog, steps: list) -> None:
    app = desk_app(home, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        drafts = [new_draft(app)]
        await open_step(app, pilot, "applicant", drafts[0])
        await at_rest(pilot)
        for number, step in enumerate(steps):
            note(f"step {number}: {step!r} on {type(app.screen).__name__}")
            await step.run(app, pilot, drafts)
            await at_rest(pilot)
            check(app)


@settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(steps=st.lists(actions(), min_size=1, max_size=MAX_ACTIONS))
def test_any_key_sequence_keeps_the_counter_up_and_the_draft_as_shown(catalog, steps):
    print(f"actions: {steps!r}")
    with tempfile.TemporaryDirectory(prefix="counterdesk-model-") as home:
        asyncio.run(drive(Path(home), catalog, steps))
