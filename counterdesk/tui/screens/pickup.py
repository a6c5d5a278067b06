"""取件方式 (step 7, second half): on-site pickup, or courier delivery to a checked address.

The courier fields start from the applicant (name, mobile, residence address) and stay editable;
they are checked as they are typed by the same rule the batch importer uses (``validate_pickup``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, RadioButton, RadioSet, Static

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.pickup import COURIER_LABELS, PICKUP_METHODS
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.fields import FieldRow
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import PlacedDraft, leave


class PickupScreen(WizardScreen):
    """Choose how the citizen gets the result."""

    STEP = "pickup"
    TITLE_TEXT = "取件方式"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("f9", "next", "继续：确认提交", priority=True),
        Binding("f8", "back", "返回材料提交", priority=True),
        Binding("f10", "home", "回首页", priority=True),
    ]

    def __init__(self, draft: PlacedDraft) -> None:
        super().__init__(draft)
        self.method = "onsite"
        """``onsite`` or ``courier``."""
        self._loading = True

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="pickup-form", classes="wizard-body"):
            yield Static("请选择办理结果的取件方式（↑↓ 选择，回车确定）", classes="section-title")
            with RadioSet(id="method"):
                yield RadioButton(PICKUP_METHODS["onsite"] + "：到本大厅窗口领取", id="onsite", value=True)
                yield RadioButton(PICKUP_METHODS["courier"] + "：邮寄到申请人指定地址", id="courier")
            with Vertical(id="courier-block"):
                for key, label in COURIER_LABELS.items():
                    yield FieldRow(key, label, Input(id=f"f-{key}", compact=True))
            yield Static(id="pickup-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#courier-block").display = False
        self.query_one("#method", RadioSet).focus()
        self.load()

    def load(self) -> None:
        from counterdesk.services.applications import set_step
        from counterdesk.services.review import pickup_defaults

        def load() -> dict[str, str]:
            with self.ctx.session() as session:
                values = pickup_defaults(session, actor=self.actor, application_id=self.draft.application_id)
                set_step(session, actor=self.actor, application_id=self.draft.application_id, step="pickup")
            return values

        self.run_service(load, self.fill, group="pickup-load", exclusive=True)

    def fill(self, values: dict[str, str]) -> None:
        with self.prevent(Input.Changed, RadioSet.Changed):
            for key in COURIER_LABELS:
                self.query_one(f"#f-{key}", Input).value = values.get(key, "")
            self.query_one(f"#{values['method']}", RadioButton).value = True
        self.set_method(values["method"])
        self._loading = False
        self.check()

    def set_method(self, method: str) -> None:
        self.method = method
        self.query_one("#courier-block").display = method == "courier"
        hint = Text()
        if method == "courier":
            hint.append("收件信息已按申请人信息预填，可修改。Tab 进入收件人，回车逐项确认。", style="dim")
        else:
            hint.append("办结后凭收件凭证和有效身份证件到本大厅窗口领取。F9 进入确认提交。", style="dim")
        self.query_one("#pickup-hint", Static).update(hint)

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key in COURIER_LABELS}

    def check(self) -> InvalidInput | None:
        """Check the choice live; the problem is shown beside its field."""
        from counterdesk.services.applications import validate_pickup

        problem = None
        try:
            validate_pickup(self.method, **self.values())
        except InvalidInput as error:
            problem = error
        for key, value in self.values().items():
            row = self.query_one(f"#row-{key}", FieldRow)
            mine = problem.message if problem is not None and problem.field == key else None
            row.show(mine, ok=mine is None and bool(value.strip()))
        return problem

    @on(RadioSet.Changed, "#method")
    def method_changed(self, event: RadioSet.Changed) -> None:
        if not self._loading:
            self.set_method(event.pressed.id or "onsite")
            self.check()

    @on(Input.Changed)
    def typed(self) -> None:
        if not self._loading:
            self.check()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "f-address":
            self.action_next()
        else:
            self.focus_next()

    def action_next(self) -> None:
        if self._loading:
            return
        problem = self.check()
        if problem is not None:
            if problem.field in COURIER_LABELS:
                self.query_one(f"#f-{problem.field}", Input).focus()
            self.notify(problem.message, title="还不能进入下一步", severity="error", markup=False)
            return
        self.store(self.method, self.values(), "review")

    def action_back(self) -> None:
        if self._loading or self.check() is not None:
            self.go("materials")
            return
        self.store(self.method, self.values(), "materials")

    def action_home(self) -> None:
        if self._loading or self.check() is not None:
            leave(self.app)
            return
        self.store(self.method, self.values(), None)

    def store(self, method: str, values: dict[str, str], then: str | None) -> None:
        """Keep the choice, then show ``then`` (None: home)."""
        from counterdesk.services.applications import set_pickup, set_step

        courier = values if method == "courier" else {}

        def store() -> None:
            with self.ctx.session() as session:
                set_pickup(session, actor=self.actor, application_id=self.draft.application_id, method=method,
                           **courier)
                if then != "review":
                    set_step(session, actor=self.actor, application_id=self.draft.application_id,
                             step=then or "pickup")

        def stored(_: None) -> None:
            if then:
                self.go(then)
            else:
                leave(self.app)

        self.run_service(store, stored, group="pickup-store", exclusive=True)
