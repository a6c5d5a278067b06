"""The hall's own settings and the registry of halls (大厅): its code, county, keys and partners.

A hall code is the hall's county code plus a two-digit site (``43010201``); it goes into every
application number the hall gives, which is what keeps numbers unique across halls that never
talk to each other. A hall that has not registered a code yet counts as site 01 of its county.

Several halls may work on one PostgreSQL database: each registers itself there (``init
--hall-code``), and a process picks which one it is with ``COUNTERDESK_HALL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from counterdesk.config import selected_hall
from counterdesk.domain.appno import hall_code_problem
from counterdesk.domain.errors import Forbidden, InvalidInput, NotFound
from counterdesk.services import audit
from counterdesk.services.staff import Actor
from counterdesk.store.models import Hall as HallRow
from counterdesk.store.models import Setting

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

DEFAULT_HALL_NAME = "政务服务中心跨域通办窗口"
DEFAULT_SITE = "01"
"""The site of a hall that set its county but no hall code (halls made before codes existed)."""


@dataclass(frozen=True)
class Hall:
    """The service hall (政务服务大厅) this process works for."""

    name: str
    county_code: str | None
    hall_code: str | None = None
    """The registered code; see ``code`` for the one numbers use."""

    @property
    def configured(self) -> bool:
        return self.county_code is not None

    @property
    def code(self) -> str | None:
        """The code in this hall's numbers, events and packages: registered, or site 01 of its county."""
        if self.hall_code:
            return self.hall_code
        return self.county_code + DEFAULT_SITE if self.county_code else None

    def is_remote(self, county_code: str) -> bool:
        """Whether an application handled in ``county_code`` must travel from this hall (异地代收)."""
        return self.county_code is not None and county_code != self.county_code

    def working(self) -> WorkingHall | None:
        """The hall with its county and code known, or None while it is not set up."""
        if self.county_code is None or self.code is None:
            return None
        return WorkingHall(self.name, self.county_code, self.code)


@dataclass(frozen=True)
class WorkingHall:
    """A hall that is set up (``Hall.configured``): what it sends and signs carries its code."""

    name: str
    county_code: str
    code: str
    """As ``Hall.code``: registered, or site 01 of its county."""

    def is_remote(self, county_code: str) -> bool:
        """Whether an application handled in ``county_code`` must travel from this hall (异地代收)."""
        return county_code != self.county_code


def get_hall(session: Session) -> Hall:
    """This process's hall: the one ``COUNTERDESK_HALL`` names, else the database's own."""
    chosen = selected_hall()
    if chosen:
        row = session.get(HallRow, chosen)
        if row is None or not row.own:
            raise NotFound(f"本数据库没有登记代码为 {chosen} 的大厅（COUNTERDESK_HALL），请先在该大厅运行 "
                           "counterdesk init --hall-code。", code="hall_unknown")
        return Hall(row.name, row.county_code, row.code)
    values = {row.key: row.value for row in session.exec(
        select(Setting).where(col(Setting.key).in_(("hall_name", "hall_county", "hall_code"))))}
    return Hall(values.get("hall_name", DEFAULT_HALL_NAME), values.get("hall_county"), values.get("hall_code"))


def joining_hall(session: Session) -> Hall:
    """The hall as it stands before ``init`` changes it: a hall joining a shared database starts blank."""
    try:
        return get_hall(session)
    except NotFound:
        return Hall(DEFAULT_HALL_NAME, None, selected_hall())


def check_hall_code(code: str, county_code: str, catalog: Catalog) -> str:
    """A hall code refused unless it is 8 digits starting with a Hunan county code (its own)."""
    code = (code or "").strip()
    problem = hall_code_problem(code)
    if problem:
        raise InvalidInput(problem, code="hall_code", field="hall_code")
    catalog.county(code[:6])
    if county_code and code[:6] != county_code:
        raise InvalidInput(f"大厅代码 {code} 的前 6 位应为本大厅所在县区代码 {county_code}。",
                           code="hall_code", field="hall_code")
    return code


def set_hall(session: Session, *, actor_id: str | None, name: str, county_code: str, catalog: Catalog,
             hall_code: str | None = None, key_dir: Path | None = None) -> Hall:
    """Name the hall, its county and (optionally) its code; with ``key_dir``, make its signing keys.

    Without a code, a code of another county is replaced by site 01 of the new county.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("大厅名称不能为空，且不超过 100 个字符。", code="hall_name", field="hall_name")
    catalog.county(county_code)  # refuses a code that is not one of Hunan's counties
    stored = session.get(HallRow, selected_hall()) if selected_hall() else session.get(Setting, "hall_code")
    current = stored.code if isinstance(stored, HallRow) else stored.value if stored else None
    if hall_code:
        code = check_hall_code(hall_code, county_code, catalog)
    elif current and current[:6] == county_code:
        code = current
    else:
        code = county_code + DEFAULT_SITE
    chosen = selected_hall()
    if chosen and chosen != code:
        raise InvalidInput(f"COUNTERDESK_HALL（{chosen}）与要设置的大厅代码 {code} 不一致。", code="hall_code",
                           field="hall_code")
    # Another hall joining a shared database registers itself only; the database's own hall stays.
    for key, value in () if chosen else (("hall_name", name), ("hall_county", county_code), ("hall_code", code)):
        row = session.get(Setting, key) or Setting(key=key, value=value)
        row.value = value
        session.add(row)
    public_key = None
    if key_dir is not None:
        from counterdesk.documents.signing import ensure_key_pair

        public_key = ensure_key_pair(key_dir, code)
    own = session.get(HallRow, code) or HallRow(code=code, name=name, county_code=county_code)
    own.name, own.county_code, own.own = name, county_code, True
    own.public_key = public_key or own.public_key
    session.add(own)
    audit.record(session, "hall_set", staff_id=actor_id, target=code, detail=name)
    session.commit()
    return Hall(name, county_code, code)


def trust_hall(session: Session, *, actor: Actor, catalog: Catalog, code: str, public_key: str,
               name: str | None = None) -> HallRow:
    """Register a partner hall's public key, so its packages are accepted here (supervisors only)."""
    from counterdesk.documents.signing import parse_public_key, public_key_text

    if not actor.is_supervisor:
        raise Forbidden("只有值班长可以登记合作大厅的公钥。", code="role")
    code = check_hall_code(code, "", catalog)
    key = public_key_text(parse_public_key(public_key))
    row = session.get(HallRow, code) or HallRow(code=code, name=name or code, county_code=code[:6])
    if row.own:
        raise InvalidInput(f"{code} 是本数据库自己的大厅，无需登记公钥。", code="hall_own", field="hall_code")
    row.public_key, row.name = key, (name or row.name).strip()[:100] or code
    session.add(row)
    audit.record(session, "hall_trust", staff_id=actor.id, target=code, detail=key)
    session.commit()
    return row


def hall_row(session: Session, code: str) -> HallRow | None:
    """A registered hall (own or partner), or None."""
    return session.get(HallRow, code)
