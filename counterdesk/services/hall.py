"""The hall's own settings: its name and home county (asked at first start, changeable later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from counterdesk.domain.errors import InvalidInput
from counterdesk.services import audit
from counterdesk.store.models import Setting

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

DEFAULT_HALL_NAME = "政务服务中心跨域通办窗口"


@dataclass(frozen=True)
class Hall:
    """The service hall (政务服务大厅) this database belongs to."""

    name: str
    county_code: str | None

    @property
    def configured(self) -> bool:
        return self.county_code is not None


def get_hall(session: Session) -> Hall:
    name = session.get(Setting, "hall_name")
    county = session.get(Setting, "hall_county")
    return Hall(name.value if name else DEFAULT_HALL_NAME, county.value if county else None)


def set_hall(session: Session, *, actor_id: str | None, name: str, county_code: str, catalog: Catalog) -> Hall:
    """Name the hall and its county; the county must be one of Hunan's."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("大厅名称不能为空，且不超过 100 个字符。", code="hall_name", field="hall_name")
    catalog.county(county_code)  # refuses a code that is not one of Hunan's counties
    for key, value in (("hall_name", name), ("hall_county", county_code)):
        row = session.get(Setting, key) or Setting(key=key, value=value)
        row.value = value
        session.add(row)
    audit.record(session, "hall_set", staff_id=actor_id, target=county_code, detail=name)
    session.commit()
    return Hall(name, county_code)
