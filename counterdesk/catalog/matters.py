"""One matter file (``data/matters/*.toml``) → a ``Matter``, or every mistake in it.

The layout is the one of ``data/matters/policy-jiuye-kunnan.toml``:

- required: ``code``, ``name``, ``audience`` (personal | enterprise | policy), ``theme`` (see
  ``THEMES``), ``type`` (see ``TYPES``), ``summary``, ``time_limit_days``, ``[[materials]]``,
  ``process``;
- optional: ``keywords``, ``aliases`` (other names citizens and the portal use), ``mode`` (办理模式:
  online | remote, the default | joint | in_person), ``office`` (for in-person matters: the handling
  office, ``{county}`` standing for the county's name), ``legal_time_limit_days`` (not below
  ``time_limit_days``), ``fee``,
  ``phone``, ``counties`` ("all", the default: every county and functional area; or a list of place
  codes, a city's code standing for its 市本级), ``city_level`` (true: with "all", every city's own
  level handles it too, e.g. 市不动产登记中心; false by default), ``[[items]]``
  (name, department), ``[[questions]]``, ``conditions``, ``legal_basis``, ``[[faq]]`` (q, a);
- a question: ``id``, ``text``, ``options`` (two or more ``{ id, text }``), optional ``when``;
- a material: ``code``, ``name``, ``kind`` (original | copy), optional ``copies`` (1),
  ``required`` (true), ``when``, ``file_kinds`` (pdf, jpg, png, tif), ``license``, ``note``,
  ``tolerable`` (容缺: ``true`` whenever it applies, or a ``when``-style list of the answers that
  allow it), ``commitment`` (告知承诺: ``true`` when a signed commitment may replace it);
- ``when`` is a list of ``"question=option"``, any of which must hold; a question may only depend
  on questions listed before it.

TOML puts keys written after a ``[[materials]]`` (or ``[[faq]]`` …) header into that last table,
so the matter's own lists come before the first ``[[table]]``; misplaced, they are reported as
unknown keys of that table.

Unknown keys are mistakes too: a misspelt ``conditons`` would otherwise vanish from the guide.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from counterdesk.catalog.problems import Problem
from counterdesk.domain.matter import (
    AUDIENCES,
    KINDS,
    MODES,
    THEMES,
    TYPES,
    Faq,
    Item,
    Material,
    Matter,
    Option,
    Question,
)

FILE_KINDS = ("pdf", "jpg", "jpeg", "png", "tif", "tiff")
"""Scan file types a material may accept."""
DEFAULT_FILE_KINDS = ("pdf", "jpg", "png", "tif")

_ID = re.compile(r"[A-Za-z0-9_-]+\Z")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_LICENSE = re.compile(r"[a-z][a-z0-9_]*\Z")
_MATTER_KEYS = frozenset(
    "code name audience theme type summary keywords aliases mode office time_limit_days legal_time_limit_days fee "
    "phone counties city_level items questions materials process conditions legal_basis faq".split()
)
_MATERIAL_KEYS = frozenset("code name kind copies required when file_kinds license note tolerable commitment".split())
_OPTION_KEYS = frozenset(("id", "text"))
_TABLE_KEYS = {
    "items": frozenset(("name", "department")),
    "questions": frozenset(("id", "text", "options", "when")),
    "materials": _MATERIAL_KEYS,
    "faq": frozenset(("q", "a")),
}
_MISSING = "缺少必填字段"
_STR_ONLY = frozenset((str,))
_DICT_ONLY = frozenset((dict,))
_KIND_SET = frozenset(FILE_KINDS)


class _Checker:
    """Reads typed values out of TOML tables, noting a problem for each wrong one."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message))

    def keys(self, table: dict, allowed: frozenset[str], where: str) -> None:
        if table.keys() <= allowed:
            return
        for key in table:
            if key not in allowed:
                self.add(f"{where}{key}", f"未知字段 {key}")

    def text(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        value = table.get(key)
        if value.__class__ is str:
            value = value.strip()
            if value or not required:
                return value
        if value is None:
            if required:
                self.add(f"{where}{key}", _MISSING)
            return ""
        if not isinstance(value, str):
            self.add(f"{where}{key}", "应为文本")
            return ""
        value = value.strip()
        if required and not value:
            self.add(f"{where}{key}", "不能为空")
        return value

    def choice(self, table: dict, key: str, where: str, allowed: Collection[str]) -> str:
        value = self.text(table, key, where, required=True)
        if value and value not in allowed:
            self.add(f"{where}{key}", f"取值 {value} 无效，应为：{'、'.join(allowed)}")
        return value

    def pattern(self, table: dict, key: str, where: str, regex: re.Pattern, hint: str) -> str:
        value = self.text(table, key, where, required=True)
        if value and not regex.match(value):
            self.add(f"{where}{key}", f"{value} 格式不正确，{hint}")
        return value

    def integer(self, table: dict, key: str, where: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = table.get(key)
        if value is None:
            if required:
                self.add(f"{where}{key}", _MISSING)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{where}{key}", "应为整数")
            return None
        if value < minimum:
            self.add(f"{where}{key}", f"不能小于 {minimum}")
            return None
        return value

    def texts(self, table: dict, key: str, where: str, *, required: bool = False) -> tuple[str, ...]:
        value = table.get(key)
        if value.__class__ is list and set(map(type, value)) <= _STR_ONLY:
            stripped = tuple(map(str.strip, value))
            if stripped and "" not in stripped:
                return stripped
        if value is None:
            if required:
                self.add(f"{where}{key}", _MISSING)
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(f"{where}{key}", "应为非空文本的列表")
            return ()
        if required and not value:
            self.add(f"{where}{key}", "不能为空")
        return tuple(v.strip() for v in value)

    def tables(self, table: dict, key: str, where: str, *, required: bool = False) -> list[dict]:
        value = table.get(key)
        if value.__class__ is list and value and set(map(type, value)) <= _DICT_ONLY:
            return value
        if value is None:
            if required:
                self.add(f"{where}{key}", _MISSING)
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(f"{where}{key}", "应为表的数组（[[" + key + "]]）")
            return []
        if required and not value:
            self.add(f"{where}{key}", "至少需要一项")
        return value


def _label(table: dict, key: str, number: int) -> str:
    value = table.get(key)
    return value if isinstance(value, str) and _ID.match(value) else f"#{number}"


def _clauses(
    check: _Checker,
    table: dict,
    where: str,
    questions: dict[str, Question],
    later: Collection[str] = (),
    own_id: str = "",
    key: str = "when",
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The ``when`` clauses (or those under ``key``), and whether all name an existing question and option."""
    raw = check.texts(table, key, where)
    field = f"{where}{key}"
    clauses: list[tuple[str, str]] = []
    sound = True
    for clause in raw:
        question_id, equals, option_id = (part.strip() for part in clause.partition("="))
        if not equals or not _ID.match(question_id) or not _ID.match(option_id):
            check.add(field, f"条件“{clause}”格式应为 问题编号=选项编号")
            sound = False
            continue
        question = questions.get(question_id)
        if question is None:
            if question_id == own_id:
                check.add(field, f"条件“{clause}”不能引用本问题自身")
            elif question_id in later:
                check.add(field, f"条件“{clause}”引用的问题 {question_id} 必须排在前面")
            else:
                check.add(field, f"条件“{clause}”引用的问题 {question_id} 不存在")
            sound = False
        elif question.option(option_id) is None:
            check.add(field, f"条件“{clause}”引用的选项 {option_id} 在问题 {question_id} 中不存在")
            sound = False
        else:
            clauses.append((question_id, option_id))
    return tuple(clauses), sound


def _questions(check: _Checker, data: dict) -> tuple[tuple[Question, ...], set[str]]:
    """The questions, and the ids of those that can be reached by some answers."""
    raw = check.tables(data, "questions", "")
    all_ids = [q.get("id") for q in raw]
    questions: dict[str, Question] = {}
    reachable: set[str] = set()
    for number, table in enumerate(raw, 1):
        where = f"questions[{_label(table, 'id', number)}]."
        check.keys(table, _TABLE_KEYS["questions"], where)
        question_id = check.pattern(table, "id", where, _ID, "只能用字母、数字、下划线和连字符")
        text = check.text(table, "text", where, required=True)
        options: list[Option] = []
        raw_options = check.tables(table, "options", where, required=True)
        for n, option in enumerate(raw_options, 1):
            owhere = f"{where}options[{_label(option, 'id', n)}]."
            check.keys(option, _OPTION_KEYS, owhere)
            option_id = check.pattern(option, "id", owhere, _ID, "只能用字母、数字、下划线和连字符")
            if option_id and any(o.id == option_id for o in options):
                check.add(f"{owhere}id", f"选项编号 {option_id} 重复")
            options.append(Option(option_id, check.text(option, "text", owhere, required=True)))
        if 0 < len(raw_options) < 2:
            check.add(f"{where}options", "至少需要两个选项")
        later = [i for i in all_ids[number:] if isinstance(i, str)]
        when, sound = _clauses(check, table, where, questions, later, question_id)
        if question_id in questions:
            check.add(f"{where}id", f"问题编号 {question_id} 重复")
            continue
        if not question_id:
            continue
        questions[question_id] = Question(question_id, text, tuple(options), when)
        if not when:
            if sound:
                reachable.add(question_id)
        elif any(q in reachable for q, _ in when):
            reachable.add(question_id)
        elif sound:
            check.add(f"{where}when", "该问题永远不会被问到：条件引用的问题本身不会被问到")
    return tuple(questions.values()), reachable


def _materials(check: _Checker, data: dict, questions: tuple[Question, ...], reachable: set[str]) -> tuple[Material, ...]:
    by_id = {q.id: q for q in questions}
    materials: list[Material] = []
    for number, table in enumerate(check.tables(data, "materials", "", required=True), 1):
        where = f"materials[{_label(table, 'code', number)}]."
        check.keys(table, _MATERIAL_KEYS, where)
        code = check.pattern(table, "code", where, _CODE, "只能用字母、数字、点、下划线和连字符")
        if code and any(m.code == code for m in materials):
            check.add(f"{where}code", f"材料编号 {code} 重复")
        name = check.text(table, "name", where, required=True)
        kind = check.choice(table, "kind", where, KINDS)
        copies = check.integer(table, "copies", where, minimum=1)
        required = table.get("required", True)
        if not isinstance(required, bool):
            check.add(f"{where}required", "应为 true 或 false")
        when, sound = _clauses(check, table, where, by_id)
        if when and sound and not any(q in reachable for q, _ in when):
            check.add(f"{where}when", "该材料永远不会适用：条件引用的问题不会被问到")
        file_kinds = check.texts(table, "file_kinds", where) or DEFAULT_FILE_KINDS
        for file_kind in () if _KIND_SET.issuperset(file_kinds) else file_kinds:
            if file_kind not in FILE_KINDS:
                check.add(f"{where}file_kinds", f"文件类型 {file_kind} 无效，应为：{'、'.join(FILE_KINDS)}")
        license = table.get("license")
        if license is not None and not (isinstance(license, str) and _LICENSE.match(license)):
            check.add(f"{where}license", "电子证照类型应为小写字母、数字和下划线")
            license = None
        note = check.text(table, "note", where)
        tolerable = _tolerable(check, table, where, by_id)
        if tolerable is not None and required is False:
            check.add(f"{where}tolerable", "选填材料本就可以不交，无需容缺")
        commitment = table.get("commitment", False)
        if not isinstance(commitment, bool):
            check.add(f"{where}commitment", "应为 true 或 false")
        materials.append(
            Material(code, name, kind, copies or 1, required is not False, when, file_kinds, license, note,
                     tolerable, commitment is True)
        )
    return tuple(materials)


def _tolerable(check: _Checker, table: dict, where: str,
               questions: dict[str, Question]) -> tuple[tuple[str, str], ...] | None:
    """容缺: None (never), ``()`` (``true``: whenever the material applies) or the answers allowing it."""
    value = table.get("tolerable", False)
    if isinstance(value, bool):
        return () if value else None
    if not isinstance(value, list) or not value:
        check.add(f"{where}tolerable", '应为 true、false 或条件列表（如 ["bank=no"]）')
        return None
    clauses, _ = _clauses(check, table, where, questions, key="tolerable")
    return clauses or None


def _counties(check: _Checker, data: dict, counties: Collection[str]) -> tuple[frozenset[str] | None, bool]:
    """The listed places (None: every county and area) and whether every 市本级 handles it too."""
    city_level = data.get("city_level", False)
    if not isinstance(city_level, bool):
        check.add("city_level", "应为 true 或 false")
        city_level = False
    value = data.get("counties", "all")
    if value == "all":
        return None, city_level
    if city_level:
        check.add("city_level", "已列出办理地时，市本级请以市州代码写入 counties")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        check.add("counties", '应为 "all" 或办理地代码（区县、功能区，或市州代码表示市本级）的列表')
        return None, False
    for code in value:
        if code not in counties:
            check.add("counties", f"未知的办理地代码 {code}")
    return frozenset(value), False


def parse_matter(data: dict, file: str, counties: Collection[str]) -> tuple[Matter | None, list[Problem]]:
    """Build one matter from a parsed TOML document; ``counties`` are the known place codes."""
    check = _Checker(file)
    check.keys(data, _MATTER_KEYS, "")
    code = check.pattern(data, "code", "", _CODE, "只能用字母、数字、点、下划线和连字符")
    name = check.text(data, "name", "", required=True)
    audience = check.choice(data, "audience", "", AUDIENCES)
    theme = check.choice(data, "theme", "", THEMES)
    type_ = check.choice(data, "type", "", TYPES)
    summary = check.text(data, "summary", "", required=True)
    keywords = check.texts(data, "keywords", "")
    aliases = check.texts(data, "aliases", "")
    mode = check.choice(data, "mode", "", MODES) if "mode" in data else "remote"
    office = check.text(data, "office", "")
    if mode == "in_person" and not office:
        check.add("office", "现场办理的事项须写明办理机构（office）")
    time_limit = check.integer(data, "time_limit_days", "", required=True)
    legal_limit = check.integer(data, "legal_time_limit_days", "")
    if time_limit is not None and legal_limit is not None and legal_limit < time_limit:
        check.add("legal_time_limit_days", "法定时限不能短于承诺时限")
    items = []
    for number, table in enumerate(check.tables(data, "items", ""), 1):
        check.keys(table, _TABLE_KEYS["items"], f"items[#{number}].")
        items.append(Item(check.text(table, "name", f"items[#{number}].", required=True),
                          check.text(table, "department", f"items[#{number}].", required=True)))
    questions, reachable = _questions(check, data)
    materials = _materials(check, data, questions, reachable)
    faq = []
    for number, table in enumerate(check.tables(data, "faq", ""), 1):
        check.keys(table, _TABLE_KEYS["faq"], f"faq[#{number}].")
        faq.append(Faq(check.text(table, "q", f"faq[#{number}].", required=True),
                       check.text(table, "a", f"faq[#{number}].", required=True)))
    places, city_level = _counties(check, data, counties)
    matter = Matter(
        code=code,
        name=name,
        audience=audience,
        theme=theme,
        type=type_,
        summary=summary,
        keywords=keywords,
        time_limit_days=time_limit or 0,
        legal_time_limit_days=legal_limit,
        fee=check.text(data, "fee", ""),
        phone=check.text(data, "phone", ""),
        counties=places,
        city_level=city_level,
        items=tuple(items),
        questions=questions,
        materials=materials,
        process=check.texts(data, "process", "", required=True),
        conditions=check.texts(data, "conditions", ""),
        legal_basis=check.texts(data, "legal_basis", ""),
        faq=tuple(faq),
        aliases=aliases,
        mode=mode,
        office=office,
    )
    return (None if check.problems else matter), check.problems
