"""确认信息 (step 6): the applicant, personal or enterprise, an optional agent, remark and queue ticket.

The ID number comes first: once it is valid a returning applicant is prefilled, and an open
application of theirs for the same matter is pointed out before a second one is started.
Everything typed is saved as typed (``save_form``) once typing pauses for a tenth of a second, by
a worker (see ``autosave``), and whenever the screen is left in any direction, so a crash or a
power cut loses nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static, TextArea

from counterdesk.domain.applicant import (
    AGENT_FIELDS,
    ENTERPRISE_LABELS,
    LABELS,
    SEXES,
    resident_facts,
    validate_form,
)
from counterdesk.domain.clock import show
from counterdesk.domain.contact import REMARK_MAX
from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.idcard import IDENTITY_CHECKS
from counterdesk.domain.idnumbers import ID_TYPES, validate_credit_code, validate_id_number
from counterdesk.domain.windows import window_label
from counterdesk.domain.workflow import status_label
from counterdesk.tui.autosave import DebouncedSave
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.fields import FieldRow, FormInput, field_value, set_field_value
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import PlacedDraft, leave

if TYPE_CHECKING:
    from counterdesk.store.models import Application

FIELD_ORDER = ("identity_check", "id_type", "id_number", "credit_code", "name", "sex", "legal_representative",
               "mobile", "email", "household_address", "residence_address", *AGENT_FIELDS, "remark", "ticket_no")
"""Every field on the form, in the order the clerk meets them. The form opens on the ID number;
the two choices above it are made with Shift+Tab, so Enter runs down the typed fields alone."""
PERSONAL_ONLY = {"id_type", "id_number", "sex", "household_address"}
ENTERPRISE_ONLY = {"credit_code", "legal_representative"}

_WATCHED = (Input.Changed, Select.Changed, TextArea.Changed)


@dataclass(frozen=True)
class Returning:
    """A stored applicant found by the number on the form, and their open applications of this matter."""

    key: tuple[str, str]
    """(证件类型, number) as looked up: stale once the form holds another number."""
    applicant_id: int
    values: dict[str, str]
    """The stored applicant as form values."""
    others: list[Application]


class ApplicantScreen(WizardScreen):
    """The applicant form with live validation beside every field."""

    STEP = "applicant"
    TITLE_TEXT = "确认信息"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("f9", "next", "继续", priority=True),
        Binding("f8", "back", "返回", priority=True),
        Binding("f2", "switch_kind", "个人/企业"),
        Binding("f3", "toggle_agent", "经办人"),
        Binding("f10", "home", "回首页", priority=True),
    ]

    def __init__(self, draft: PlacedDraft) -> None:
        super().__init__(draft)
        self.kind = "personal"
        """``personal`` or ``enterprise`` (F2)."""
        self.agent_on = False
        """Whether the 经办人 block is open (F3)."""
        self.touched: set[str] = set()
        """Fields the clerk has typed in: only those show their problems until continuing is tried."""
        self.show_all = False
        self._loading = True
        self._saver = DebouncedSave(self.write_form, self._start_saver)
        """Writes the form within a few hundred milliseconds of the last key, off the UI thread."""
        self._rows: dict[str, FieldRow] = {}
        self._fields: dict[str, object] = {}
        self._shown_extras: dict[str, object] = {}
        """The derived line and remark count as last drawn, so an unchanged one is not redrawn."""
        self._latest: dict[str, str] | None = None
        """The form as last changed, kept for saving when the widgets are already gone."""
        self._looked_up: tuple[str, str] | None = None
        self._acknowledged: set[int] = set()
        self._store_lock = threading.Lock()
        self._form_closed = False
        """Set once the form is confirmed or left: later autosaves must not move the draft's step back."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="applicant-form", classes="wizard-body"):
            yield Static(id="kind-line")
            yield FieldRow("identity_check", LABELS["identity_check"], Select(
                [(label, code) for code, label in IDENTITY_CHECKS.items()], value="original", allow_blank=False,
                compact=True, id="f-identity_check"))
            id_types = [(label, code) for code, label in ID_TYPES.items()]
            yield FieldRow("id_type", LABELS["id_type"], Select(id_types, value="resident_id", allow_blank=False,
                                                     compact=True, id="f-id_type"))
            yield FieldRow("id_number", LABELS["id_number"], self._input("id_number", "先录此项，老用户自动调出"))
            yield FieldRow("credit_code", LABELS["credit_code"], self._input("credit_code", "18 位代码"))
            yield FieldRow("name", LABELS["name"], self._input("name"))
            yield FieldRow("sex", LABELS["sex"], Select([(label, code) for code, label in SEXES.items()], prompt="请选择",
                                               compact=True, id="f-sex"))
            yield Static(id="derived", markup=False)
            yield FieldRow("legal_representative", LABELS["legal_representative"], self._input("legal_representative"))
            yield FieldRow("mobile", LABELS["mobile"], self._input("mobile", "11 位手机号码"))
            yield FieldRow("email", LABELS["email"], self._input("email", "选填"))
            yield FieldRow("household_address", LABELS["household_address"], self._input("household_address", "选填"))
            yield FieldRow("residence_address", LABELS["residence_address"], self._input("residence_address", "选填"))
            yield Static(id="agent-line")
            with Vertical(id="agent-block"):
                yield FieldRow("agent_id_type", LABELS["agent_id_type"], Select(id_types, value="resident_id",
                                                                 allow_blank=False, compact=True,
                                                                 id="f-agent_id_type"))
                yield FieldRow("agent_id_number", LABELS["agent_id_number"], self._input("agent_id_number"))
                yield FieldRow("agent_name", LABELS["agent_name"], self._input("agent_name"))
                yield FieldRow("agent_phone", LABELS["agent_phone"], self._input("agent_phone"))
            yield FieldRow("remark", LABELS["remark"], TextArea(id="f-remark", compact=True, soft_wrap=True,
                                                    tab_behavior="focus"))
            yield FieldRow("ticket_no", LABELS["ticket_no"], self._input("ticket_no", "选填，回车进入下一步"))
        yield KeyBar()

    @staticmethod
    def _input(key: str, placeholder: str = "") -> Input:
        return FormInput(id=f"f-{key}", placeholder=placeholder, compact=True)

    # -- showing -------------------------------------------------------------------------------

    def row(self, key: str) -> FieldRow:
        return self._rows[key]

    def widget(self, key: str):
        return self._fields[key]

    def on_mount(self) -> None:
        # Every key re-reads and re-checks the whole form: looking the fields up once keeps a
        # keystroke from walking the DOM some forty times.
        self._rows = {key: self.query_one(f"#row-{key}", FieldRow) for key in FIELD_ORDER}
        self._fields = {key: self.query_one(f"#f-{key}") for key in FIELD_ORDER}
        self.apply_kind()
        self.apply_agent()
        self.load_form()

    def visible_keys(self) -> list[str]:
        """The fields that apply to the applicant kind and agent choice, in order."""
        hidden = ENTERPRISE_ONLY if self.kind == "personal" else PERSONAL_ONLY
        keys = [k for k in FIELD_ORDER if k not in hidden and (self.agent_on or k not in AGENT_FIELDS)]
        if self.kind == "personal" and self.id_type == "resident_id":
            keys.remove("sex")
        return keys

    @property
    def id_type(self) -> str:
        return field_value(self.widget("id_type")) or "resident_id"

    def apply_kind(self) -> None:
        """Show the fields of a personal or an enterprise applicant."""
        enterprise = self.kind == "enterprise"
        for key in PERSONAL_ONLY | ENTERPRISE_ONLY:
            self.row(key).display = (key in ENTERPRISE_ONLY) == enterprise
        self.row("sex").display = not enterprise and self.id_type != "resident_id"
        self.query_one("#derived").display = not enterprise and self.id_type == "resident_id"
        for key, label in ENTERPRISE_LABELS.items():
            self.row(key).relabel(label if enterprise else LABELS[key])
        self.widget("mobile").placeholder = "手机或固话 0730-1234567" if enterprise else "11 位手机号码"
        line = Text(" 申请人类型：", style="bold")
        line.append("企业" if enterprise else "个人", style="bold reverse")
        line.append("   F2 切换为" + ("个人" if enterprise else "企业"), style="dim")
        self.query_one("#kind-line", Static).update(line)

    def apply_agent(self) -> None:
        """Open or close the 经办人 block."""
        self.query_one("#agent-block").display = self.agent_on
        line = Text(" 经办人：", style="bold")
        line.append("代为办理（填写经办人信息）" if self.agent_on else "无，申请人本人办理")
        line.append("   F3 " + ("移除经办人" if self.agent_on else "添加经办人"), style="dim")
        self.query_one("#agent-line", Static).update(line)

    def raw_form(self) -> dict[str, str]:
        """Everything on the form exactly as typed (what is saved to the draft)."""
        form = {key: field_value(self.widget(key)) for key in FIELD_ORDER}
        form.update(kind=self.kind, agent_on="1" if self.agent_on else "")
        return form

    def checked_form(self) -> dict[str, str]:
        """The form as the services check it: closed blocks left out, sex derived from a resident ID."""
        form = self.raw_form()
        del form["agent_on"]
        if self.kind == "personal" and self.id_type == "resident_id":
            form["sex"] = ""
        if not self.agent_on:
            form.update({key: "" for key in AGENT_FIELDS})
        return form

    def refresh_checks(self) -> dict[str, str]:
        """Validate the whole form and show each field's problem beside it; returns the problems."""
        form = self.checked_form()
        errors = validate_form(form)[1]
        for key in FIELD_ORDER:
            shown = self.show_all or key in self.touched
            self.row(key).show(errors.get(key) if shown else None,
                               ok=shown and bool(form[key].strip()) and key not in errors)
        self.show_derived(form)
        self.show_remark_count(form["remark"])
        return errors

    def show_derived(self, form: dict[str, str]) -> None:
        person = resident_facts(form)
        if self._shown_extras.get("derived", ()) == person:
            return
        self._shown_extras["derived"] = person
        text = Text("性别、出生日期：", style="bold")
        if person is not None:
            text.append(f"{SEXES[person.sex]}，{person.birth_date:%Y年%m月%d日}")
            text.append("（由身份证号码得出）", style="dim")
        else:
            text.append("由身份证号码自动得出", style="dim")
        self.query_one("#derived", Static).update(text, layout=False)  # one line, as wide as the form

    def show_remark_count(self, remark: str) -> None:
        count = len(remark.replace("\r\n", "\n"))
        if self._shown_extras.get("remark") == count:
            return
        self._shown_extras["remark"] = count
        self.row("remark").relabel(f"备注 {count}/{REMARK_MAX}")
        self.row("remark").query_one(".field-label").set_class(count > REMARK_MAX, "over")

    # -- loading and saving --------------------------------------------------------------------

    def load_form(self) -> None:
        from counterdesk.services.applications import get, saved_form, set_step

        def load() -> dict[str, str]:
            with self.ctx.session() as session:
                values = saved_form(get(session, actor=self.actor, application_id=self.draft.application_id))
                set_step(session, actor=self.actor, application_id=self.draft.application_id, step="applicant")
            return values

        self.run_service(load, self.fill, group="applicant-load", exclusive=True)

    def fill(self, values: dict[str, str]) -> None:
        """Put a saved form back, exactly as it was typed."""
        self.kind = values.get("kind") or "personal"
        self.agent_on = values.get("agent_on") == "1" or any(values.get(k) for k in AGENT_FIELDS[1:])
        with self.prevent(*_WATCHED):
            for key in FIELD_ORDER:
                if key in values:
                    set_field_value(self.widget(key), values[key] or "")
        self.apply_kind()
        self.apply_agent()
        self.touched = {key for key in FIELD_ORDER if (values.get(key) or "").strip()}
        self._looked_up = self.lookup_key()
        self._loading = False
        self.refresh_checks()
        self.widget("id_number" if self.kind == "personal" else "credit_code").focus()

    def mark_changed(self) -> None:
        """Something on the form changed: hand it to the saver, which writes it once typing pauses."""
        self._latest = self.raw_form()
        if not self._loading and not self._form_closed:
            self._saver.put(self._latest)

    def _start_saver(self, run: Callable[[], None]) -> None:
        # Not run_service: the saver is one worker that writes for as long as typing goes on.
        self.run_worker(run, thread=True, group="applicant-save")

    def write_form(self, form: dict[str, str]) -> None:
        """Store the form as typed (in the saver's thread; ``notify`` is thread-safe)."""
        from counterdesk.services.applications import save_form

        with self._store_lock:
            if self._form_closed:
                return
            try:
                self.ctx.call(save_form, actor=self.actor, application_id=self.draft.application_id, form=form)
            except CounterdeskError as error:
                self.notify(error.message, severity="error", markup=False)

    def save_and_close(self, step: str | None = None) -> None:
        """Save what is typed before leaving the screen (right now: the screen is about to go)."""
        from counterdesk.services.applications import save_form, set_step

        ctx = self.ctx
        with self._store_lock:
            if self._form_closed or self._loading:
                self._form_closed = True
                return
            self._form_closed = True
            self._saver.drop()
            form = self._latest if self._latest is not None else self.raw_form()
            with ctx.session() as session:
                save_form(session, actor=self.actor, application_id=self.draft.application_id, form=form)
                if step:
                    set_step(session, actor=self.actor, application_id=self.draft.application_id, step=step)

    def on_unmount(self) -> None:
        # Quitting the app (Ctrl+Q) with unsaved typing: the widgets are gone, the snapshot is not.
        if not self._form_closed and self._saver.pending:
            self.save_and_close()

    # -- typing --------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def changed(self, event) -> None:
        widget_id = event.control.id or ""
        if self._loading or not widget_id.startswith("f-") or not self.is_attached:
            return
        key = widget_id[2:]
        self.mark_changed()
        self.touched.add(key)
        if key == "id_type":
            self.apply_kind()
        self.refresh_checks()
        if key in ("id_type", "id_number", "credit_code"):
            self.maybe_look_up()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        keys = self.visible_keys()
        key = (event.input.id or "")[2:]
        if key == keys[-1]:
            self.action_next()
        else:
            self.focus_next()

    def action_switch_kind(self) -> None:
        self.kind = "enterprise" if self.kind == "personal" else "personal"
        self.mark_changed()
        self.apply_kind()
        self.refresh_checks()
        self.widget("id_number" if self.kind == "personal" else "credit_code").focus()

    def action_toggle_agent(self) -> None:
        self.agent_on = not self.agent_on
        self.mark_changed()
        self.apply_agent()
        self.refresh_checks()
        if self.agent_on:
            self.widget("agent_id_number").focus()

    def fill_from_card(self, values: dict[str, str]) -> None:
        """A card from the ID-card reader: its fields replace what was typed, identity 读卡器."""
        if self._loading or self._form_closed:
            return
        if self.kind != "personal":
            self.notify("企业申请人请填写统一社会信用代码；读卡信息未填入（经办人可按 F3 添加）。",
                        title="读卡", markup=False)
            return
        with self.prevent(*_WATCHED):
            for key, value in values.items():
                if key in FIELD_ORDER:
                    set_field_value(self.widget(key), value)
        self.touched.update(key for key in values if key in FIELD_ORDER)
        self.mark_changed()
        self.apply_kind()
        self.refresh_checks()
        self.notify(f"已读取身份证：{values['name']}，请核对。", title="读卡", markup=False)
        self.widget("mobile").focus()
        self.maybe_look_up()

    # -- returning applicants ------------------------------------------------------------------

    def lookup_key(self) -> tuple[str, str] | None:
        """(证件类型, normalised number) once the number on the form is valid, else None."""
        try:
            if self.kind == "enterprise":
                return "credit_code", validate_credit_code(field_value(self.widget("credit_code")))
            id_type = self.id_type
            return id_type, validate_id_number(id_type, field_value(self.widget("id_number")))
        except CounterdeskError:
            return None

    def maybe_look_up(self) -> None:
        key = self.lookup_key()
        if key is not None and key != self._looked_up:
            self._looked_up = key
            self.look_up(*key)

    def look_up(self, id_type: str, number: str) -> None:
        from counterdesk.services.applications import applicant_form_values, find_applicant, open_applications_for
        from counterdesk.store.models import id_of

        def find() -> Returning | None:
            with self.ctx.session() as session:
                applicant = find_applicant(session, id_type, number)
                if applicant is None:
                    return None
                others = open_applications_for(session, applicant_id=id_of(applicant),
                                               matter_code=self.draft.matter_code, exclude_id=self.draft.application_id)
                return Returning((id_type, number), id_of(applicant), applicant_form_values(applicant), others)

        self.run_service(find, self.prefill, group="applicant-lookup", exclusive=True)

    def prefill(self, found: Returning | None) -> None:
        """Fill the empty fields from the stored applicant; what the clerk typed is kept.

        Waits for the keys already on their way (a card reader's burst) to reach their fields.
        """
        if found is not None:
            self.app.keys.after_keys(lambda: self._prefill(found))

    def _prefill(self, found: Returning) -> None:
        if found.key != self._looked_up or not self.is_attached:
            return
        filled = []
        with self.prevent(*_WATCHED):
            for name, value in found.values.items():
                if name in FIELD_ORDER and value and not field_value(self.widget(name)).strip():
                    set_field_value(self.widget(name), value)
                    filled.append(name)
        self.touched.update(filled)
        self.mark_changed()
        self.apply_kind()
        self.refresh_checks()
        self.notify("已调出老用户信息，请与申请人核对。" if filled else "老用户：已填写的信息保持不变。",
                    title="老用户", markup=False)
        self.warn_open_applications(found.applicant_id, found.others)

    def warn_open_applications(self, applicant_id: int, others: list[Application],
                               then: Callable[[], object] | None = None) -> None:
        """Say which open application or draft of this matter the applicant already has.

        Beside a draft the clerk may go on; beside a submitted application still under way, going on
        to 材料提交 (``then``) needs a supervisor's authorisation, recorded with the draft.
        """
        submitted = [other for other in others if other.number]
        needs_supervisor = bool(submitted) and then is not None
        if not others or (applicant_id in self._acknowledged and not needs_supervisor):
            if then:
                then()
            return
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        body = Text("该申请人已有本事项尚未办结的办件：\n\n")
        for other in others:
            if other.number:
                body.append(f"  办件编号 {other.number}（{status_label(other.status)}）\n", style="bold")
            else:
                body.append(f"  草稿（{window_label(other.window)}，最后修改 {show(other.updated_at)}）\n", style="bold")
        if needs_supervisor:
            body.append("\n再申请一件须值班长授权，授权记入审计日志；返回则保留本草稿，回首页处理原办件。")
        elif submitted:
            body.append("\n可以继续填写；进入材料提交前须值班长授权。")
        else:
            body.append("\n继续办理将再开一件；返回则保留本草稿，回首页处理原办件。")

        def answered(go_on: bool | None) -> None:
            if not go_on:
                self.action_home()
            elif needs_supervisor:
                self.ask_supervisor(applicant_id, then)
            else:
                self._acknowledged.add(applicant_id)
                if then:
                    then()

        yes = "值班长授权" if needs_supervisor else "继续办理"
        self.app.push_screen(ConfirmDialog("已有办件", body, yes=yes, no="返回首页"), answered)

    def ask_supervisor(self, applicant_id: int, then) -> None:
        """A supervisor's own account authorises at once; a clerk's window asks for the supervisor's password."""
        if self.actor.is_supervisor:
            self.authorize(applicant_id, None, then)
            return
        from counterdesk.tui.dialogs.authorize import AuthorizeDialog

        def given(credentials: tuple[str, str] | None) -> None:
            if credentials is not None:
                self.authorize(applicant_id, credentials, then)

        self.app.push_screen(AuthorizeDialog("值班长授权：同一事项再申请一件",
                                             "授权记入审计日志。"), given)

    def authorize(self, applicant_id: int, credentials: tuple[str, str] | None, then) -> None:
        from counterdesk.services.applications import authorize_repeat, override_repeat

        def record() -> None:
            if credentials is None:
                self.ctx.call(override_repeat, actor=self.actor, application_id=self.draft.application_id,
                              supervisor=self.actor)
            else:
                self.ctx.call(authorize_repeat, actor=self.actor, application_id=self.draft.application_id,
                              supervisor_id=credentials[0], password=credentials[1])

        self.run_service(record, lambda _: self.authorized(applicant_id, then), group="applicant-authorize",
                         refused=lambda error: self.notify(error.message, title="未获授权", severity="error",
                                                           markup=False))

    def authorized(self, applicant_id: int, then) -> None:
        self._acknowledged.add(applicant_id)
        self.notify("值班长已授权，已记入审计日志。", title="已有办件", markup=False)
        then()

    # -- leaving -------------------------------------------------------------------------------

    def action_next(self) -> None:
        """Check the form; when it is valid, store the applicant and go on to 材料提交."""
        if self._loading:
            return
        errors = validate_form(self.checked_form())[1]
        if errors:
            self.refuse(errors)
            return
        self.confirm({**self.checked_form(), "agent_on": "1" if self.agent_on else ""})

    def confirm(self, form: dict[str, str]) -> None:
        from counterdesk.services.applications import confirm_applicant, open_applications_for, repeat_overridden
        from counterdesk.store.models import id_of

        def store() -> tuple[int | None, dict[str, str], list[Application]]:
            with self._store_lock, self.ctx.session() as session:
                applicant, errors = confirm_applicant(session, actor=self.actor,
                                                      application_id=self.draft.application_id, form=form)
                if applicant is None:
                    return None, errors, []
                self._form_closed = True
                others = open_applications_for(session, applicant_id=id_of(applicant),
                                               matter_code=self.draft.matter_code, exclude_id=self.draft.application_id)
                if repeat_overridden(session, self.draft.application_id):
                    others = [other for other in others if not other.number]
                return id_of(applicant), errors, others

        self.run_service(store, self.confirmed, group="applicant-confirm", exclusive=True)

    def confirmed(self, stored: tuple[int | None, dict[str, str], list[Application]]) -> None:
        applicant_id, errors, others = stored
        if errors or applicant_id is None:
            self.refuse(errors)
            return
        self.warn_open_applications(applicant_id, others, then=lambda: self.go("materials"))

    def refuse(self, errors: dict[str, str]) -> None:
        """Show every problem, focus the first invalid field and name them all (and keep what is typed)."""
        self.show_all = True
        self.refresh_checks()
        keys = [key for key in self.visible_keys() if key in errors]
        if keys:
            self.widget(keys[0]).focus()
            self.row(keys[0]).scroll_visible()
        names = "、".join(self.row(key).label for key in keys) or "、".join(errors.values())
        self.notify(f"请更正：{names}", title="还不能进入下一步", severity="error", markup=False)

    def action_back(self) -> None:
        self.save_and_close(step="guide")
        self.go("guide")

    def action_home(self) -> None:
        self.save_and_close()
        leave(self.app)
