"""The catalog's vocabulary: regions, matters (事项), situations (办事情形) and materials (材料).

Plain frozen values, built by ``counterdesk.catalog`` from the TOML files in ``data/`` and read by
the guidance rules, the services and the screens. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.text import required_label

AUDIENCES: dict[str, str] = {
    "personal": "个人办事",
    "enterprise": "企业办事",
    "policy": "政策兑现",
}
"""The portal's three tabs, code → Chinese label, in the portal's order."""

KINDS: dict[str, str] = {"original": "原件", "copy": "复印件"}
"""How a material is handed in, code → Chinese label."""

LICENSES: dict[str, str] = {
    "resident_id": "居民身份证",
    "household_register": "居民户口簿",
    "birth_certificate": "出生医学证明",
    "marriage_certificate": "结婚证",
    "death_certificate": "居民死亡医学证明（推断）书",
    "disability_certificate": "残疾人证",
    "social_security_card": "社会保障卡",
    "unemployment_registration": "就业创业证（失业登记）",
    "driving_license": "机动车驾驶证",
    "real_estate_certificate": "不动产权证书",
    "business_license": "营业执照",
}
"""E-license types (电子证照) a material may name, code → the licence's name as printed."""

TYPES: tuple[str, ...] = ("行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "公共服务", "其他")
"""The matter types (事项类型) the portal's 综合服务区 filters by."""

MODES: dict[str, str] = {
    "online": "全程网办",
    "remote": "异地代收代办",
    "joint": "多地联办",
    "in_person": "到办理地现场办理",
}
"""办理模式 (国办发〔2020〕35号), code → Chinese label. ``remote`` is what a cross-region window does by
default; an ``online`` matter is helped on the portal (帮办); an ``in_person`` one cannot be received
here at all (both parties, photo and fingerprints, a vehicle inspection): the window gives the 明白卡."""

THEMES: tuple[str, ...] = (
    # personal life cycle (个人生命周期)
    "出生",
    "户籍",
    "教育",
    "就业创业",
    "婚姻家庭",
    "住房",
    "社保医保",
    "医疗卫生",
    "出行",
    "证照办理",
    "退休养老",
    "社会救助",
    "残疾人服务",
    "兵役",
    "优待抚恤",
    "公用事业",
    "司法公证",
    "身后事",
    # enterprise life cycle (企业生命周期)
    "开办企业",
    "经营许可",
    "工程建设",
    "投资立项",
    "变更登记",
    "人力资源",
    "纳税缴费",
    "知识产权",
    "融资信贷",
    "进出口",
    "安全生产",
    "生态环境",
    "注销退出",
    # policy redemption (政策兑现)
    "惠企政策",
    "人才政策",
    "科技创新",
    "农业农村",
)
"""The life-cycle themes (生命周期主题) a matter may belong to."""


def is_city_level(code: str) -> bool:
    """Whether a place code is a city's own level (市本级): it carries the city's code, ending in 00.

    County codes (GB/T 2260) and functional-area codes (统计用区划代码, x7x) never end in 00.
    """
    return code.endswith("00")


@dataclass(frozen=True, slots=True)
class Region:
    """A place where matters are handled (办理地) with its code, or the province itself.

    A county-level division (区/县/县级市, GB/T 2260), a city's own level (市本级: the city's
    departments, under the city's code) or a functional area (功能区: a 管理区, 经开区 or 高新区 that runs
    its own streets and townships, under its 统计用区划代码).
    """

    code: str
    name: str
    pinyin: str
    """Toneless lowercase pinyin of the whole name without spaces, e.g. ``pingjiangxian``."""
    initials: str
    """First letter of each syllable, e.g. ``pjx``."""
    level: str = "county"
    """What kind of place it is: ``county`` (区县), ``city`` (市本级), ``area`` (功能区) or ``province``."""

    @property
    def authority(self) -> str:
        """The name its departments carry: 长沙市 for 长沙市本级, else the place's own name."""
        return self.name.removesuffix("本级") if self.level == "city" else self.name


@dataclass(frozen=True, slots=True)
class City:
    """A prefecture-level division (市/州): its own level (市本级), its counties and functional areas."""

    code: str
    name: str
    pinyin: str
    initials: str
    counties: tuple[Region, ...]
    """The county-level divisions (区/县/县级市) only."""
    areas: tuple[Region, ...] = ()
    """Functional areas (功能区) with a statistical code of their own."""

    @property
    def city_level(self) -> Region:
        """The city's own departments (市本级, e.g. 市不动产登记中心), under the city's code."""
        return Region(self.code, self.name + "本级", self.pinyin + "benji", self.initials + "bj", "city")

    @property
    def places(self) -> tuple[Region, ...]:
        """Every place of the city where matters are handled: its own level first, then by code."""
        return (self.city_level, *sorted((*self.counties, *self.areas), key=lambda place: place.code))


@dataclass(frozen=True, slots=True)
class Option:
    """One answer to a situation question."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    """A situation question (办事情形), asked only when one of its ``when`` clauses holds."""

    id: str
    text: str
    options: tuple[Option, ...]
    when: tuple[tuple[str, str], ...] = ()
    """``(question id, option id)`` pairs, any of which makes the question apply; empty = always."""

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or None."""
        for option in self.options:
            if option.id == option_id:
                return option
        return None


@dataclass(frozen=True, slots=True)
class Material:
    """A material (材料) the applicant hands in."""

    code: str
    name: str
    kind: str
    """``original`` (原件) or ``copy`` (复印件)."""
    copies: int
    required: bool
    when: tuple[tuple[str, str], ...] = ()
    """``(question id, option id)`` pairs, any of which makes the material apply; empty = always."""
    file_kinds: tuple[str, ...] = ()
    """Accepted scan file types (``pdf``, ``jpg`` …)."""
    license: str | None = None
    """The e-license type (电子证照) that can stand in for it, if any."""
    note: str = ""
    tolerable_when: tuple[tuple[str, str], ...] | None = None
    """容缺: None when it may never be missing at 受理; ``()`` when it may be supplied later whenever it
    applies; else ``(question id, option id)`` pairs, any of which makes it tolerable
    (``guidance.tolerable`` is the one rule)."""
    commitment: bool = False
    """告知承诺: a signed commitment may replace it, checked afterwards (事后核查)."""

    @property
    def kind_label(self) -> str:
        """原件 or 复印件."""
        return KINDS.get(self.kind, self.kind)

    @property
    def required_label(self) -> str:
        """必填 or 选填."""
        return required_label(self.required)

    @property
    def license_label(self) -> str:
        """The e-license that can stand in for it, as printed (the type code when unknown); "" for none."""
        return LICENSES.get(self.license, self.license) if self.license else ""


@dataclass(frozen=True, slots=True)
class Item:
    """An included matter (包含事项) of a one-go bundle and the department handling it."""

    name: str
    department: str


@dataclass(frozen=True, slots=True)
class Faq:
    """One question-and-answer of the guide's FAQ."""

    q: str
    a: str


class _Listed:
    """What a matter and its list entry both answer."""

    __slots__ = ()
    audience: str
    counties: frozenset[str] | None
    city_level: bool
    mode: str

    @property
    def mode_label(self) -> str:
        """全程网办, 异地代收代办, 多地联办 or 到办理地现场办理."""
        return MODES.get(self.mode, self.mode)

    @property
    def received_here(self) -> bool:
        """Whether a window elsewhere may take an application for it (not for in-person matters)."""
        return self.mode != "in_person"

    @property
    def audience_label(self) -> str:
        """个人办事, 企业办事 or 政策兑现."""
        return AUDIENCES.get(self.audience, self.audience)

    def handled_in(self, county_code: str) -> bool:
        """Whether the matter can be handled at this place (county, functional area or 市本级)."""
        if self.counties is not None:
            return county_code in self.counties
        return self.city_level or not is_city_level(county_code)


@dataclass(frozen=True, slots=True)
class MatterEntry(_Listed):
    """What the matter list and search need of a matter.

    The catalog keeps one per matter for its whole life; the full guide (``Matter``) is read when a
    matter is opened, so a catalog of ten thousand matters stays small.
    """

    code: str
    name: str
    audience: str
    theme: str
    type: str
    summary: str
    keywords: tuple[str, ...] = ()
    item_names: tuple[str, ...] = ()
    """Names of the included matters (包含事项), searched like keywords."""
    time_limit_days: int = 0
    counties: frozenset[str] | None = None
    aliases: tuple[str, ...] = ()
    """Other names citizens and the portal use for it (就业人员困难补助, 开饭店), searched like its name."""
    mode: str = "remote"
    """办理模式, a key of ``MODES``."""
    city_level: bool = False
    """Whether every city's own level (市本级) handles it too, for a matter of every county."""


@dataclass(frozen=True, slots=True)
class Matter(_Listed):
    """A matter (事项 / 一件事) with its guide (办事指南)."""

    code: str
    name: str
    audience: str
    """``personal``, ``enterprise`` or ``policy`` (see ``AUDIENCES``)."""
    theme: str
    type: str
    summary: str
    keywords: tuple[str, ...] = ()
    time_limit_days: int = 0
    """Promised time limit in working days (承诺时限)."""
    legal_time_limit_days: int | None = None
    """Statutory time limit in working days (法定时限)."""
    fee: str = ""
    phone: str = ""
    counties: frozenset[str] | None = None
    """Codes of the places where it is handled (a city's code standing for its 市本级); None means every
    county and functional area of the province, and every 市本级 too when ``city_level``."""
    items: tuple[Item, ...] = ()
    questions: tuple[Question, ...] = ()
    materials: tuple[Material, ...] = ()
    process: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()
    faq: tuple[Faq, ...] = ()
    aliases: tuple[str, ...] = ()
    """Other names citizens and the portal use for it, searched like its name."""
    mode: str = "remote"
    """办理模式, a key of ``MODES``."""
    office: str = ""
    """Where an in-person matter is handled (办理机构), printed on the 明白卡 with the county's name."""
    city_level: bool = False
    """Whether every city's own level (市本级) handles it too, for a matter of every county."""

    def office_in(self, county_name: str) -> str:
        """Where an in-person matter is handled at this place (``Region.authority``: 长沙市 for its 市本级);
        empty for a matter received anywhere."""
        return "" if self.received_here else self.office.replace("{county}", county_name)

    @property
    def entry(self) -> MatterEntry:
        """The matter as the list and search see it."""
        return MatterEntry(self.code, self.name, self.audience, self.theme, self.type, self.summary, self.keywords,
                           tuple(item.name for item in self.items), self.time_limit_days, self.counties,
                           self.aliases, self.mode, self.city_level)

    def question(self, question_id: str) -> Question:
        """The situation question with this id; refuses an id the matter does not have."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise InvalidInput(
            f"事项“{self.name}”没有编号为 {question_id} 的办事情形问题。",
            code="unknown_question",
            field=question_id,
        )

    def material(self, code: str) -> Material:
        """The material with this code; refuses a code the matter does not list."""
        for material in self.materials:
            if material.code == code:
                return material
        raise InvalidInput(f"事项“{self.name}”没有编号为 {code} 的材料。", code="unknown_material", field=code)
