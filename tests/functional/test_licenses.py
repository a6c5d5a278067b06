"""E-licenses (电子证照) imported from a file, then offered for reuse at the counter."""

from __future__ import annotations

import pytest
from sqlmodel import select

from counterdesk.domain.errors import Forbidden
from counterdesk.services import attachments
from counterdesk.services.licenses import import_licenses
from counterdesk.store.models import ELicense
from tests.batch_helpers import batch_folder, credit_code, write_jsonl
from tests.factories import applicant_form, draft_application, resident_id


def licence(holder: str, **overrides) -> dict:
    row = {"holder": holder, "type": "resident_id", "number": holder, "title": "居民身份证", "issuer": "平江县公安局",
           "issued_on": "2019-05-20", "valid_until": "2039-05-20", "file": "scans/M03.pdf"}
    row.update(overrides)
    return row


def test_imported_id_card_licence_is_offered_for_the_id_material(session, supervisor, clerk, catalog, settings,
                                                                 tmp_path):
    holder = resident_id()
    path = write_jsonl(batch_folder(tmp_path) / "licences.jsonl", [licence(holder)])
    result = import_licenses(session, actor=supervisor, settings=settings, path=path)
    assert (result.total, result.imported, result.rejected) == (1, 1, 0)
    draft = draft_application(session, clerk, catalog, form=applicant_form(id_number=holder))
    offered = attachments.reuse_candidates(session, actor=clerk, catalog=catalog, application_id=draft.id,
                                           material_code="M03")
    assert [c.label for c in offered] == [f"电子证照：居民身份证（{holder}）"]


def test_an_expired_licence_or_one_without_a_file_is_not_offered(session, supervisor, clerk, catalog, settings,
                                                                  tmp_path):
    holder = resident_id()
    rows = [licence(holder, number="A-1", valid_until="2020-12-31"), licence(holder, number="A-2", file=None),
            licence(holder, number="A-3", valid_until=None)]
    path = write_jsonl(batch_folder(tmp_path) / "licences.jsonl", [{k: v for k, v in row.items() if v is not None
                                                                   or k == "valid_until"} for row in rows])
    assert import_licenses(session, actor=supervisor, settings=settings, path=path).imported == 3
    draft = draft_application(session, clerk, catalog, form=applicant_form(id_number=holder))
    offered = attachments.reuse_candidates(session, actor=clerk, catalog=catalog, application_id=draft.id,
                                           material_code="M03")
    assert [c.label for c in offered] == ["电子证照：居民身份证（A-3）"]


def test_licence_file_again_gives_duplicates_and_a_changed_one_a_conflict(session, supervisor, settings, tmp_path):
    folder = batch_folder(tmp_path)
    holder = resident_id()
    rows = [licence(holder), licence(credit_code(), type="business_license", title="营业执照", valid_until=None,
                                     file=None)]
    import_licenses(session, actor=supervisor, settings=settings, path=write_jsonl(folder / "a.jsonl", rows))
    again = import_licenses(session, actor=supervisor, settings=settings, path=write_jsonl(folder / "a.jsonl", rows))
    assert (again.duplicates, again.rejected) == (2, 0)
    changed = import_licenses(session, actor=supervisor, settings=settings,
                              path=write_jsonl(folder / "b.jsonl", [licence(holder, file="scans/M04.pdf")]))
    assert [r.code for r in changed.rejections] == ["conflict"]
    assert len(session.exec(select(ELicense)).all()) == 2


def test_bad_licence_rows_are_rejected_each_with_its_reason(session, supervisor, settings, tmp_path):
    folder = batch_folder(tmp_path)
    holder = resident_id()
    rows = [
        licence("430626198506150011"),
        licence(holder, type="居民身份证"),
        licence(holder, issued_on="2019/05/20"),
        licence(holder, valid_until="2018-01-01"),
        licence(holder, file="../elsewhere.pdf"),
        {**licence(holder), "owner": "张三"},
        licence(holder, title=""),
    ]
    result = import_licenses(session, actor=supervisor, settings=settings, path=write_jsonl(folder / "l.jsonl", rows))
    assert [r.code for r in result.rejections] == [
        "id_check_digit", "license_type", "license_date", "license_date", "file_outside", "unknown_field",
        "license_title"]
    assert session.exec(select(ELicense)).all() == []


def test_only_a_supervisor_imports_licences(session, clerk, settings, tmp_path):
    path = write_jsonl(batch_folder(tmp_path) / "l.jsonl", [licence(resident_id())])
    with pytest.raises(Forbidden):
        import_licenses(session, actor=clerk, settings=settings, path=path)


def test_a_licence_file_that_is_a_folder_is_a_rejected_row(session, supervisor, settings, tmp_path):
    folder = batch_folder(tmp_path)
    (folder / "scans" / "folder.pdf").mkdir()
    rows = [licence(resident_id(), file="scans/folder.pdf"), licence(resident_id())]
    result = import_licenses(session, actor=supervisor, settings=settings, path=write_jsonl(folder / "l.jsonl", rows))
    assert (result.total, result.imported, result.rejected) == (2, 1, 1)
