"""材料提交 (step 7): the portal's materials table, the scanner inbox beside it, reuse and pre-check.

The inbox refreshes itself every two seconds (in a worker), so a page the scanner drops appears
without a key being pressed. Places are kept by identity (material code, file path), never by row
number. While the clerk works in the materials table a new scan takes the inbox highlight, since it
is the paper just fed in; while the clerk is choosing in the inbox the chosen file keeps it, and A
asks before attaching it if a newer scan arrived that the clerk has not looked at. Missing materials do not stop the clerk
going on to pickup (submit is the hard stop); N hands the citizen the 一次性告知单 instead. R marks a
material the catalog allows to follow later as 容缺 (with the working days the citizen has), C marks
a certificate replaced by a signed 告知承诺, and W prints the 承诺书 the citizen signs for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain.text import shown
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.inboxline import inbox_line
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.rowtable import RowTable
from counterdesk.tui.widgets.timeline import precheck_text
from counterdesk.tui.wizard import leave

if TYPE_CHECKING:
    from counterdesk.documents.inbox import InboxEntry

INBOX_SECONDS = 2
"""How often the inbox listing is read again."""
COLUMNS = (("序号", 4), ("材料名称", 0), ("份数", 4), ("材料\n类型", 6), ("是否\n提交", 6), ("提交\n方式", 8),
           ("是否\n必填", 4), ("预审", 6))
"""The portal's columns with their widths; 0 is the name, which takes what is left."""


class MaterialsScreen(WizardScreen):
    """Attach, reuse, detach and pre-check the materials that apply to the answers."""

    STEP = "materials"
    TITLE_TEXT = "材料提交"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("a,A", "attach", "附加", key_display="A"),
        Binding("u,U", "reuse", "复用", key_display="U"),
        Binding("d,D", "detach", "移除", key_display="D"),
        Binding("y,Y", "passed", "通过", key_display="Y"),
        Binding("x,X", "failed", "不通过", key_display="X"),
        Binding("n,N", "notice", "告知单", key_display="N"),
        # Offered in the material's detail when they apply: the key bar stays within 80 columns.
        Binding("r,R", "tolerate", "容缺", key_display="R", show=False),
        Binding("c,C", "commit", "承诺", key_display="C", show=False),
        Binding("w,W", "commitment", "承诺书", key_display="W", show=False),
        Binding("enter", "next", "继续", priority=True),
        Binding("ctrl+right", "next", show=False, priority=True),
        Binding("escape", "back", "返回"),
        Binding("ctrl+left", "back", show=False, priority=True),
        Binding("f10", "home", "回首页", priority=True),
    ]

    def __init__(self, draft) -> None:
        super().__init__(draft)
        self.rows: list = []
        """``MaterialRow``s from the services, in table order."""
        self.entries: dict[str, InboxEntry] = {}
        """Inbox entries by path, as last listed."""
        self._inbox_seen: tuple | None = None
        self._listed: set[str] | None = None
        """Paths of every inbox file listed so far (None before the first listing)."""
        self._unseen: set[str] = set()
        """Files that arrived after the first listing and have not been highlighted yet."""
        self._inbox_created = False
        """The inbox folder did not exist and this screen created it."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(classes="wizard-body", id="materials-body"):
            yield RowTable(id="materials", cursor_type="row", header_height=2, zebra_stripes=True)
            with Horizontal(id="materials-lower"):
                with Vertical(id="inbox-pane"):
                    yield Static(id="inbox-title", classes="pane-title", markup=False)
                    yield OptionList(id="inbox")
                with Vertical(id="material-pane"):
                    yield Static(id="material-detail", markup=False)
            yield Static(id="materials-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#materials", DataTable).focus()
        self.call_after_refresh(self.show_inbox_title)
        self.load_rows(set_step=True)
        self.refresh_inbox()
        self.set_interval(INBOX_SECONDS, self.refresh_inbox)

    # -- the materials table -------------------------------------------------------------------

    def load_rows(self, set_step: bool = False, advance: bool = False) -> None:
        from counterdesk.services.applications import get
        from counterdesk.services.applications import set_step as store_step
        from counterdesk.services.attachments import MaterialRow, material_rows

        def read() -> list[MaterialRow]:
            with self.ctx.session() as session:
                if set_step:
                    store_step(session, actor=self.actor, application_id=self.draft.application_id, step="materials")
                application = get(session, actor=self.actor, application_id=self.draft.application_id)
                return material_rows(session, self.catalog, application)

        self.run_service(read, lambda rows: self.show_rows(rows, advance), group="materials-rows", exclusive=True)

    def show_rows(self, rows: list, advance: bool = False) -> None:
        table = self.query_one("#materials", DataTable)
        before = self.current()
        codes = [row.material.code for row in rows]
        current = codes.index(before.material.code) if before and before.material.code in codes else table.cursor_row
        self.rows = rows
        self.build_table()
        if advance:
            after = [i for i, row in enumerate(rows) if i > current and not row.submitted]
            current = after[0] if after else current
        if rows:
            table.move_cursor(row=min(max(current, 0), len(rows) - 1))
        self.show_detail()
        self.show_status()

    def build_table(self) -> None:
        table = self.query_one("#materials", DataTable)
        table.clear(columns=True)
        fixed = sum(width + 2 * table.cell_padding for _, width in COLUMNS if width)
        name_width = max(12, table.size.width - fixed - 2 * table.cell_padding - 2)
        for label, width in COLUMNS:
            table.add_column(Text(label, style="bold"), width=width or name_width)
        for row in self.rows:
            m = row.material
            table.add_row(
                str(row.index),
                Text(m.name, no_wrap=True, overflow="ellipsis"),
                str(m.copies),
                m.kind_label,
                _submitted(row),
                row.how or _promised_how(row),
                Text("必填", style="bold") if m.required else "选填",
                precheck_text(row.precheck, short=True) if row.submitted else "—",
                key=m.code,
            )

    @on(DataTable.RowHighlighted, "#materials")
    def highlighted(self) -> None:
        self.show_detail()

    def current(self):
        """The material row under the table cursor, or None."""
        table = self.query_one("#materials", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def show_detail(self) -> None:
        row = self.current()
        text = Text()
        if row is not None:
            m = row.material
            text.append(f"{m.name}\n", style="bold")
            text.append(f"{m.kind_label} {m.copies} 份 · {'必填' if m.required else '选填'}")
            if m.file_kinds:
                text.append(" · " + "/".join(k.upper() for k in m.file_kinds))
            text.append("\n")
            if m.note:
                text.append(m.note + "\n", style="dim")
            for attachment in row.attachments:
                text.append("▸ ")
                text.append(shown(attachment.original_name, markup=False))
                text.append("  ")
                text.append_text(precheck_text(attachment.precheck, short=True))
                if attachment.precheck_reason:
                    text.append(f"：{attachment.precheck_reason}", style="red")
                text.append("\n")
            if row.attachments:
                text.append("Y 预审通过　X 预审不通过　D 移除文件", style="dim")
            elif row.promise is not None and row.promise.kind == "tolerated":
                text.append(f"容缺：收件之日起 {row.promise.days} 个工作日内补交；R 取消容缺，W 打印承诺书",
                            style="bold yellow")
            elif row.promise is not None:
                text.append("告知承诺：以签字承诺代替，事后核查；C 取消承诺，W 打印承诺书", style="bold yellow")
            else:
                text.append("尚未提交：A 附加收件箱中选中的扫描件，U 资料复用", style="yellow")
                if row.tolerable:
                    text.append("，R 容缺受理", style="yellow")
                if m.commitment:
                    text.append("，C 告知承诺", style="yellow")
        self.query_one("#material-detail", Static).update(text)

    def show_status(self) -> None:
        outstanding = [row for row in self.rows if row.outstanding]
        text = Text(no_wrap=True, overflow="ellipsis")
        if outstanding:
            text.append(f"尚缺 {len(outstanding)} 项（N 告知单）：", style="bold yellow")
            text.append("、".join(row.material.name for row in outstanding))
        elif self.rows:
            text.append("材料已齐全，回车进入取件方式。", style="bold green")
        self.query_one("#materials-status", Static).update(text)

    # -- the scanner inbox ---------------------------------------------------------------------

    def show_inbox_title(self) -> None:
        """Where the scanner must put its files: relative to the working home when inside it, else
        the full path shortened from the left to fit (the empty-inbox line gives it in full)."""
        settings = self.ctx.settings
        title = self.query_one("#inbox-title", Static)
        inbox = Path(settings.scans_dir)
        where = f"{inbox.relative_to(settings.home)}/" if inbox.is_relative_to(settings.home) else str(inbox)
        room = max(8, title.size.width - 16) if title.size.width else len(where)
        if len(where) > room:
            where = "…" + where[-(room - 1):]
        title.update(Text(f"扫描收件箱 {where}" + ("（已新建）" if self._inbox_created else "（新→旧）"),
                          no_wrap=True, overflow="ellipsis"))

    def on_resize(self) -> None:
        self.show_inbox_title()
        if self.rows:
            self.show_rows(self.rows)

    @work(thread=True, exclusive=True, group="materials-inbox")
    def refresh_inbox(self) -> None:
        from counterdesk.services.attachments import ensure_inbox, inbox

        settings = self.ctx.settings
        if ensure_inbox(settings):
            self._inbox_created = True
            self.app.call_from_thread(self.show_inbox_title)
        entries = inbox(settings, wait=False)
        self.app.call_from_thread(self.show_inbox, entries)

    def show_inbox(self, entries: list[InboxEntry]) -> None:
        seen = tuple((str(e.path), e.size, e.modified, e.refusal) for e in entries)
        if seen == self._inbox_seen:
            return
        self._inbox_seen = seen
        ids = [str(e.path) for e in entries]
        arrived = [] if self._listed is None else [i for i in ids if i not in self._listed]
        self._listed = (self._listed or set()) | set(ids)
        self._unseen = (self._unseen | set(arrived)) & set(ids)
        options = self.query_one("#inbox", OptionList)
        kept = self.selected_entry()
        self.entries = {str(e.path): e for e in entries}
        options.clear_options()
        for entry in entries:
            options.add_option(Option(inbox_line(entry, new=str(entry.path) in self._unseen), id=str(entry.path),
                                      disabled=not entry.accepted))
        if not entries:
            options.add_option(Option(Text(f"（收件箱为空，请扫描材料到 {self.ctx.settings.scans_dir}）",
                                           style="dim"), disabled=True))
            return
        accepted = [i for i, e in enumerate(entries) if e.accepted]
        if not accepted:
            return
        fresh = [ids.index(i) for i in arrived if self.entries[i].accepted]
        if fresh and not options.has_focus:
            # The clerk is at the table: the paper just fed into the scanner is the one meant.
            options.highlighted = min(fresh)
            return
        index = ids.index(str(kept.path)) if kept is not None and str(kept.path) in ids else 0
        options.highlighted = min(accepted, key=lambda i: (abs(i - index), i))

    @on(OptionList.OptionHighlighted, "#inbox")
    def inbox_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._unseen.discard(event.option.id or "")

    def selected_entry(self) -> InboxEntry | None:
        options = self.query_one("#inbox", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return self.entries.get(options.get_option_at_index(options.highlighted).id or "")

    # -- actions -------------------------------------------------------------------------------

    def action_attach(self) -> None:
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        row, entry = self.current(), self.selected_entry()
        if row is None:
            return
        if entry is None or not entry.accepted:
            self.notify("请先在扫描收件箱中选中一个可用的文件（Tab 切换到收件箱）。", severity="warning", markup=False)
            return
        newer = [e for path, e in self.entries.items()
                 if path in self._unseen and e.accepted and e is not entry and e.modified >= entry.modified]
        code, path = row.material.code, entry.path
        if not newer:
            self.attach(code, path)
            return
        self._unseen -= {str(e.path) for e in newer}
        self.refresh_inbox_labels()
        body = Text()
        body.append("收件箱刚收到新的扫描件：")
        body.append("、".join(e.name for e in newer), style="bold")
        body.append("\n选中的是较早的文件：")
        body.append(entry.name, style="bold")
        body.append(f"\n仍将它附加到“{row.material.name}”吗？")

        def answered(yes: bool | None) -> None:
            if yes:
                self.attach(code, path)

        self.app.push_screen(ConfirmDialog("确认附加的文件", body, yes="附加选中的文件", no="重新选择"), answered)

    def refresh_inbox_labels(self) -> None:
        """Redraw the inbox lines (the "新" marks) without reading the folder again."""
        entries = list(self.entries.values())
        self._inbox_seen = None
        self.show_inbox(entries)

    def attach(self, material_code: str, path: Path) -> None:
        from counterdesk.services.attachments import attach_from_inbox

        self.write([self.job(attach_from_inbox, settings=self.ctx.settings, catalog=self.catalog,
                             application_id=self.draft.application_id, material_code=material_code, path=path)],
                   f"已附加：{shown(path.name, markup=False)}", advance=True)

    def job(self, service: Callable[..., object], /, **kwargs: object) -> Callable[[], object]:
        """A writing service's call for ``write``, made as the clerk at this window."""
        return lambda: self.ctx.call(service, actor=self.actor, **kwargs)

    def write(self, jobs: list[Callable[[], object]], said: str = "", *, advance: bool = False) -> None:
        """Run ``jobs`` in turn off the UI thread (a refusal stops them and is shown); then say ``said``
        and read the table and the inbox again, the cursor moving on to the next material with
        ``advance``."""

        def done(_: object) -> None:
            if said:
                self.notify(said, title="材料提交", markup=False)
            self.load_rows(False, advance)
            self.refresh_inbox()

        self.run_service(lambda: [job() for job in jobs], done, group="materials-write",
                         refused=lambda error: self.notify(error.message, severity="error", title="未完成",
                                                           markup=False))

    def action_reuse(self) -> None:
        row = self.current()
        if row is not None:
            self.offer_reuse(row.material.code, row.material.name)

    def offer_reuse(self, material_code: str, material_name: str) -> None:
        from counterdesk.services.attachments import reuse_candidates

        def read() -> list:
            return self.ctx.call(reuse_candidates, actor=self.actor, catalog=self.catalog,
                                 application_id=self.draft.application_id, material_code=material_code)

        self.run_service(read, lambda candidates: self.pick_reuse(material_code, material_name, candidates),
                         group="materials-read", exclusive=True)

    def pick_reuse(self, material_code: str, material_name: str, candidates: list) -> None:
        from counterdesk.tui.dialogs.pick import PickDialog

        def chosen(index: int | None) -> None:
            if index is not None:
                self.reuse(material_code, candidates[index])

        self.app.push_screen(PickDialog(f"资料复用：{material_name}", [c.label for c in candidates],
                                        empty="该申请人没有可复用的材料或电子证照"), chosen)

    def reuse(self, material_code: str, candidate) -> None:
        from counterdesk.services.attachments import reuse

        self.write([self.job(reuse, catalog=self.catalog, application_id=self.draft.application_id,
                             material_code=material_code, candidate=candidate)], advance=True)

    def action_detach(self) -> None:
        from counterdesk.tui.dialogs.pick import PickDialog

        row = self.current()
        if row is None or not row.attachments:
            self.notify("该材料没有可移除的文件。", severity="warning", markup=False)
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.detach(row.attachments[index].id)

        labels = [Text(shown(a.original_name, markup=False)) for a in row.attachments]
        self.app.push_screen(PickDialog(f"移除文件：{row.material.name}", labels), chosen)

    def detach(self, attachment_id: int) -> None:
        from counterdesk.services.attachments import detach

        self.write([self.job(detach, attachment_id=attachment_id, settings=self.ctx.settings)],
                   "已移除，扫描件已退回收件箱。")

    def action_passed(self) -> None:
        row = self.current()
        if row is not None and self._has_files(row):
            self.mark([a.id for a in row.attachments], True, "")

    def action_failed(self) -> None:
        from counterdesk.tui.dialogs.reason import ReasonDialog

        row = self.current()
        if row is None or not self._has_files(row):
            return

        def given(reason: str | None) -> None:
            if reason:
                self.mark([a.id for a in row.attachments], False, reason)

        self.app.push_screen(ReasonDialog(f"预审不通过：{row.material.name}",
                                          placeholder="原因将写入一次性告知单，如：复印件不清晰"), given)

    def _has_files(self, row) -> bool:
        if not row.attachments:
            self.notify("该材料尚未提交文件，无法预审。", severity="warning", markup=False)
        return bool(row.attachments)

    def mark(self, attachment_ids: list[int], passed: bool, reason: str) -> None:
        from counterdesk.services.attachments import precheck

        self.write([self.job(precheck, attachment_id=i, passed=passed, reason=reason) for i in attachment_ids])

    def action_tolerate(self) -> None:
        """容缺 on the current material: take the mark off, or choose the working days and mark it."""
        from counterdesk.domain.promise import DEFAULT_TOLERANCE_DAYS
        from counterdesk.tui.dialogs.pick import PickDialog

        row = self.current()
        if row is None:
            return
        code = row.material.code
        if row.promise is not None and row.promise.kind == "tolerated":
            self.unpromise(code, "已取消容缺。")
            return
        if not row.tolerable:
            self.notify(f"“{row.material.name}”按所选情形不能容缺受理，须当场提交。", severity="warning",
                        markup=False)
            return
        labels = [f"{days} 个工作日" + ("（默认）" if days == DEFAULT_TOLERANCE_DAYS else "") for days in TOLERANCE_CHOICES]

        def chosen(index: int | None) -> None:
            if index is not None:
                self.promise(code, "tolerated", TOLERANCE_CHOICES[index])

        picker = PickDialog(f"容缺受理：{row.material.name}（收件之日起补交期限）", labels)
        self.app.push_screen(picker, chosen)
        picker.call_after_refresh(_highlight, picker, TOLERANCE_CHOICES.index(DEFAULT_TOLERANCE_DAYS))

    def action_commit(self) -> None:
        """告知承诺 on the current material: take the mark off, or mark it."""
        row = self.current()
        if row is None:
            return
        if row.promise is not None and row.promise.kind == "commitment":
            self.unpromise(row.material.code, "已取消告知承诺。")
        elif not row.material.commitment:
            self.notify(f"“{row.material.name}”不适用告知承诺制，须提交材料本身。", severity="warning", markup=False)
        else:
            self.promise(row.material.code, "commitment", None)

    def promise(self, material_code: str, kind: str, days: int | None) -> None:
        from counterdesk.services.promises import mark

        said = f"已标记容缺：{days} 个工作日内补交。" if kind == "tolerated" else "已标记告知承诺，提交后由值班长核查。"
        self.write([self.job(mark, catalog=self.catalog, application_id=self.draft.application_id,
                             material_code=material_code, kind=kind, days=days)],
                   said + "请打印承诺书（W）交群众签字。")

    def unpromise(self, material_code: str, said: str) -> None:
        from counterdesk.services.promises import unmark

        self.write([self.job(unmark, application_id=self.draft.application_id, material_code=material_code)], said)

    def action_commitment(self) -> None:
        from counterdesk.tui.papers import print_commitment

        print_commitment(self, self.draft.application_id)

    def action_notice(self) -> None:
        self.make_notice()

    def make_notice(self) -> None:
        from counterdesk.services.papers import Delivered, deliver, notice_file_name, notice_for
        from counterdesk.tui.papers import warn_of_blanks

        def make() -> Delivered:
            from counterdesk.documents.pdf.notice import render_notice

            with self.ctx.session() as session:
                data = notice_for(session, actor=self.actor, catalog=self.catalog,
                                  application_id=self.draft.application_id)
            return deliver(self.ctx.settings, render_notice(data), notice_file_name(data), print_it=True)

        def made(delivered: Delivered) -> None:
            self.notify(delivered.message + "\n草稿已保留，群众补齐材料后可在首页继续办理（F10 回首页）。",
                        title="一次性告知单", timeout=8, markup=False)
            warn_of_blanks(self, delivered.warning)

        self.run_service(make, made, group="materials-paper", exclusive=True)

    def action_next(self) -> None:
        outstanding = [row.material.name for row in self.rows if row.outstanding]
        if outstanding:
            self.notify("尚缺：" + "、".join(outstanding) + "。可先选择取件方式，提交前须补齐。",
                        title="材料未齐", severity="warning", markup=False)
        self.go("pickup")

    def action_back(self) -> None:
        self.go("applicant")

    def action_home(self) -> None:
        leave(self.app)


TOLERANCE_CHOICES = (5, 10, 15, 20, 30)
"""The working days a clerk may give for a 容缺 material (the default among them)."""


def _highlight(picker, index: int) -> None:
    picker.query_one("#pick", OptionList).highlighted = index


def _submitted(row) -> Text:
    """是否提交: 已提交, 容缺 / 承诺 for a promised material, or 未提交."""
    if row.submitted:
        return Text("已提交", style="green")
    if row.promise is not None:
        return Text("容缺" if row.promise.kind == "tolerated" else "承诺", style="bold yellow")
    return Text("未提交", style="red" if row.material.required else "")


def _promised_how(row) -> str:
    """提交方式 of a promised material: the days it may follow in, or the commitment."""
    if row.promise is None:
        return "—"
    return f"补交{row.promise.days}日" if row.promise.kind == "tolerated" else "告知承诺"
