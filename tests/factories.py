"""Applications made the way the counter makes them: through the real services.

``submitted_application(session, clerk, catalog, settings)`` is the guide's example (平江县,
我要申请认定为就业困难人员) taken from draft to submitted with every material scanned in.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from counterdesk.domain.idnumbers import build_resident_id
from counterdesk.services import applications, attachments
from counterdesk.store.models import Application
from tests.conftest import write_pdf

EXAMPLE_MATTER = "ZC-JYKN-001"
PINGJIANG = "430626"
EXAMPLE_ANSWERS = {"category": "laid_off", "flexible": "yes", "bank": "yes"}
_serial = itertools.count(1)


def resident_id(seq: int | None = None, region: str = PINGJIANG, born: date = date(1985, 6, 15)) -> str:
    """A valid resident ID number, different for every call in the process unless ``seq`` is given.

    After every 999 sequence numbers of a day the birth date moves on a day: a test process makes
    thousands, and a number met again is a returning applicant (whose second open application of a
    matter is refused), which once failed whichever test came after the thousandth.
    """
    if seq is not None:
        return build_resident_id(region, born, seq)
    day, seq = divmod(next(_serial) - 1, 999)
    return build_resident_id(region, born + timedelta(days=day), seq + 1)


def applicant_form(**overrides: str) -> dict[str, str]:
    """A valid personal applicant form, as the clerk types it."""
    form = {"kind": "personal", "id_type": "resident_id", "id_number": resident_id(), "name": "张三",
            "mobile": "13812347777", "email": "zhangsan@example.com",
            "household_address": "湖南省岳阳市平江县城关镇天岳大道1号",
            "residence_address": "湖南省岳阳市平江县汉昌镇建设路8号"}
    form.update(overrides)
    return form


def draft_application(session, actor, catalog, *, matter: str = EXAMPLE_MATTER, county: str = PINGJIANG,
                      answers: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Application:
    """A draft with its guidance answered and (by default) the applicant confirmed."""
    draft = applications.start_draft(session, actor=actor, catalog=catalog, matter_code=matter, county_code=county)
    applications.save_answers(session, actor=actor, catalog=catalog, application_id=draft.id,
                              answers=EXAMPLE_ANSWERS if answers is None else answers)
    _, errors = applications.confirm_applicant(session, actor=actor, application_id=draft.id,
                                               form=form or applicant_form())
    assert errors == {}
    return session.get(Application, draft.id)


def attach_all(session, actor, catalog, settings, application: Application) -> None:
    """Scan every applicable material into the inbox and attach it."""
    rows = attachments.material_rows(session, catalog, application)
    for row in rows:
        scan = write_pdf(settings.scans_dir / f"{row.material.name}-{application.id}.pdf", row.material.name)
        attachments.attach_from_inbox(session, actor=actor, settings=settings, catalog=catalog,
                                      application_id=application.id, material_code=row.material.code, path=scan)


def submitted_application(session, actor, catalog, settings, *, form: dict[str, str] | None = None,
                          courier: bool = False, override=None, **draft_args) -> Application:
    """The guide's example from draft to submitted, every material attached from the inbox.

    ``override``: the supervisor who lets it go beside an open application of the same applicant
    and matter (the counter refuses a second one without).
    """
    application = draft_application(session, actor, catalog, form=form, **draft_args)
    if override is not None:
        applications.override_repeat(session, actor=actor, application_id=application.id, supervisor=override)
    attach_all(session, actor, catalog, settings, application)
    if courier:
        applications.set_pickup(session, actor=actor, application_id=application.id, method="courier",
                                recipient="张三", phone="13812347777", address="湖南省岳阳市平江县汉昌镇建设路8号")
    else:
        applications.set_pickup(session, actor=actor, application_id=application.id, method="onsite")
    applications.submit(session, actor=actor, catalog=catalog, application_id=application.id)
    return session.get(Application, application.id)


def first_answers(catalog, matter_code: str) -> dict[str, str]:
    """Each applicable question answered with its first option."""
    from counterdesk.domain.guidance import pending_questions

    matter, answers = catalog.matter(matter_code), {}
    while pending := pending_questions(matter, answers):
        answers[pending[0].id] = pending[0].options[0].id
    return answers



def settle_items(session, actor, number_or_id: int | str, status: str = "done") -> None:
    """Every included item (包含事项) of an accepted application set to ``status``."""
    from counterdesk.services import items, workflow

    application = workflow.find_application(session, number_or_id)
    session.refresh(application)
    for item in items.items_of(session, application, None):
        items.set_status(session, actor=actor, number_or_id=application.id, item=item.number, to_status=status)


def advance_through(session, actor, number_or_id: int | str, *statuses: str, catalog=None) -> None:
    """Move an application through ``statuses``, its items settled before 办结 (统一出件)."""
    from counterdesk.services import workflow

    for status in statuses:
        if status == "completed":
            settle_items(session, actor, number_or_id)
        workflow.advance(session, actor=actor, number_or_id=number_or_id, to_status=status, catalog=catalog)
