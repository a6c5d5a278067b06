"""Loading matter files: a broken file is refused with the file and the field at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from counterdesk.catalog import CatalogError, clear_cache, load_catalog, shipped_data_dir

HEAD = """
code = "GR-TEST-001"
name = "测试事项"
audience = "personal"
theme = "就业创业"
type = "公共服务"
summary = "用于测试的事项。"
time_limit_days = 5
"""

QUESTIONS = """
[[questions]]
id = "kind"
text = "申请人类别？"
options = [{ id = "a", text = "甲" }, { id = "b", text = "乙" }]

[[questions]]
id = "sub"
text = "细分？"
when = ["kind=a"]
options = [{ id = "x", text = "某" }, { id = "y", text = "另" }]
"""

MATERIALS = """
[[materials]]
code = "M01"
name = "身份证"
kind = "copy"

[[materials]]
code = "M02"
name = "证明"
kind = "original"
when = ["sub=x"]
"""

TAIL = """
process = ["受理", "办结"]
"""

VALID = HEAD + TAIL + QUESTIONS + MATERIALS


def write(root: Path, text: str, name: str = "test.toml") -> Path:
    folder = root / "matters"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(root: Path) -> list[str]:
    clear_cache()
    with pytest.raises(CatalogError) as refused:
        load_catalog(root)
    return [str(problem) for problem in refused.value.problems]


def test_a_well_formed_matter_loads_with_its_questions_and_materials(tmp_path):
    write(tmp_path, VALID)
    matter = load_catalog(tmp_path).matter("GR-TEST-001")
    assert [q.id for q in matter.questions] == ["kind", "sub"]
    assert matter.question("sub").when == (("kind", "a"),)
    assert matter.material("M01").copies == 1 and matter.material("M01").required is True
    assert matter.material("M01").file_kinds == ("pdf", "jpg", "png", "tif")
    assert matter.counties is None and matter.handled_in("430626")


def test_guide_sections_written_after_the_last_material_are_named_as_misplaced(tmp_path):
    # TOML files these keys into the last [[materials]] table, where they would silently vanish.
    write(tmp_path, HEAD + QUESTIONS + MATERIALS + '\nprocess = ["受理"]\n')
    assert any("materials[M02].process" in p and "未知字段" in p for p in problems_of(tmp_path))


def test_the_shipped_reference_matter_loads_with_its_guide_sections():
    matter = load_catalog().matter("ZC-JYKN-001")
    assert matter.name == "我要申请认定为就业困难人员"
    assert matter.process and matter.conditions and matter.legal_basis and matter.faq
    assert matter.material("M07").when == (("category", "disabled"),)


def test_a_missing_required_key_names_file_and_field(tmp_path):
    write(tmp_path, VALID.replace('name = "测试事项"\n', ""))
    assert problems_of(tmp_path) == ["matters/test.toml:name: 缺少必填字段"]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('audience = "personal"', 'audience = "people"', "audience"),
        ('type = "公共服务"', 'type = "服务"', "type"),
        ('theme = "就业创业"', 'theme = "杂项"', "theme"),
        ('kind = "copy"', 'kind = "scan"', "materials[M01].kind"),
    ],
)
def test_a_bad_enum_value_is_named_with_its_field(tmp_path, old, new, field):
    write(tmp_path, VALID.replace(old, new))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"matters/test.toml:{field}: ")
    assert "无效" in problem


def test_a_condition_naming_an_option_that_does_not_exist_is_refused(tmp_path):
    write(tmp_path, VALID.replace('when = ["kind=a"]', 'when = ["kind=c"]'))
    problems = problems_of(tmp_path)
    assert problems[0].startswith("matters/test.toml:questions[sub].when: ")
    assert "选项 c" in problems[0]


def test_a_condition_naming_an_unknown_question_is_refused(tmp_path):
    write(tmp_path, VALID.replace('when = ["sub=x"]', 'when = ["ghost=x"]'))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("matters/test.toml:materials[M02].when: ")
    assert "ghost" in problem and "不存在" in problem


def test_a_badly_written_condition_is_refused(tmp_path):
    write(tmp_path, VALID.replace('when = ["sub=x"]', 'when = ["sub x"]'))
    (problem,) = problems_of(tmp_path)
    assert "materials[M02].when" in problem and "问题编号=选项编号" in problem


def test_a_question_may_only_depend_on_questions_asked_before_it(tmp_path):
    text = VALID.replace('id = "kind"\n', 'id = "kind"\nwhen = ["sub=x"]\n')
    write(tmp_path, text)
    problems = problems_of(tmp_path)
    assert any(p.startswith("matters/test.toml:questions[kind].when: ") and "排在前面" in p for p in problems)


def test_a_question_that_can_never_be_reached_is_refused(tmp_path):
    # "kind" depends on nothing that exists, so "sub" (asked after kind=a) can never be asked,
    # and material M02 (needed when sub=x) can never apply.
    write(tmp_path, VALID.replace('id = "kind"\n', 'id = "kind"\nwhen = ["ghost=1"]\n'))
    problems = problems_of(tmp_path)
    assert any(p.startswith("matters/test.toml:questions[sub].when: ") and "永远不会被问到" in p for p in problems)
    assert any(p.startswith("matters/test.toml:materials[M02].when: ") and "永远不会适用" in p for p in problems)


def test_duplicate_codes_ids_and_options_are_refused(tmp_path):
    text = VALID.replace('code = "M02"', 'code = "M01"').replace('id = "sub"', 'id = "kind"')
    text = text.replace('{ id = "b", text = "乙" }', '{ id = "a", text = "乙" }')
    write(tmp_path, text)
    problems = "\n".join(problems_of(tmp_path))
    assert "materials[M01].code: 材料编号 M01 重复" in problems
    assert "questions[kind].id: 问题编号 kind 重复" in problems
    assert "questions[kind].options[a].id: 选项编号 a 重复" in problems


def test_two_files_with_the_same_matter_code_name_each_other(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, VALID, "b.toml")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("matters/b.toml:code: ") and "matters/a.toml" in problem


def test_unknown_place_codes_are_refused(tmp_path):
    listed = 'time_limit_days = 5\ncounties = ["430626", "430699", "439900"]'
    write(tmp_path, VALID.replace("time_limit_days = 5", listed))
    problems = problems_of(tmp_path)
    assert problems == [
        "matters/test.toml:counties: 未知的办理地代码 430699",
        "matters/test.toml:counties: 未知的办理地代码 439900",
    ]


def test_a_listed_county_limits_where_the_matter_is_handled(tmp_path):
    write(tmp_path, VALID.replace("time_limit_days = 5", 'time_limit_days = 5\ncounties = ["430626"]'))
    matter = load_catalog(tmp_path).matter("GR-TEST-001")
    assert matter.handled_in("430626") and not matter.handled_in("430102") and not matter.handled_in("430600")


def test_a_city_code_in_the_list_stands_for_that_city_s_own_level(tmp_path):
    write(tmp_path, VALID.replace("time_limit_days = 5", 'time_limit_days = 5\ncounties = ["430600", "430671"]'))
    matter = load_catalog(tmp_path).matter("GR-TEST-001")
    assert matter.handled_in("430600") and matter.handled_in("430671")
    assert not matter.handled_in("430626") and not matter.handled_in("430100")


def test_a_province_wide_matter_is_handled_at_every_city_s_own_level_only_when_it_says_so(tmp_path):
    write(tmp_path, VALID)
    write(tmp_path, VALID.replace("GR-TEST-001", "GR-TEST-002").replace(
        "time_limit_days = 5", "time_limit_days = 5\ncity_level = true", 1), "two.toml")
    catalog = load_catalog(tmp_path)
    county_only, both = catalog.matter("GR-TEST-001"), catalog.matter("GR-TEST-002")
    assert county_only.handled_in("430626") and county_only.handled_in("430671")
    assert not county_only.handled_in("430100") and not county_only.city_level
    assert both.handled_in("430626") and both.handled_in("430671") and both.handled_in("430100")
    assert catalog.matters["GR-TEST-002"].city_level


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ('city_level = "yes"', "city_level: 应为 true 或 false"),
        ('city_level = true\ncounties = ["430626"]', "city_level: 已列出办理地时，市本级请以市州代码写入 counties"),
    ],
)
def test_a_wrong_city_level_is_named(tmp_path, setting, expected):
    write(tmp_path, VALID.replace("time_limit_days = 5", f"time_limit_days = 5\n{setting}", 1))
    assert any(p.startswith(f"matters/test.toml:{expected}") for p in problems_of(tmp_path))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "copy"', 'kind = "copy"\ncopies = "two"', "materials[M01].copies: 应为整数"),
        ('kind = "copy"', 'kind = "copy"\ncopies = 0', "materials[M01].copies: 不能小于 1"),
        ('kind = "copy"', 'kind = "copy"\nrequired = "yes"', "materials[M01].required: 应为 true 或 false"),
        ('kind = "copy"', 'kind = "copy"\nfile_kinds = ["doc"]', "materials[M01].file_kinds: 文件类型 doc 无效"),
        ("time_limit_days = 5", "time_limit_days = 5\nlegal_time_limit_days = 3", "legal_time_limit_days: 法定时限"),
        ("time_limit_days = 5", "time_limit_days = 5\nconditons = []", "conditons: 未知字段 conditons"),
        ('name = "测试事项"', 'name = "  "', "name: 不能为空"),
        ('[{ id = "a", text = "甲" }, { id = "b", text = "乙" }]', '[{ id = "a", text = "甲" }]', "questions[kind].options: 至少需要两个选项"),
        ("time_limit_days = 5", 'time_limit_days = 5\nmode = "fax"', "mode: 取值 fax 无效"),
        ("time_limit_days = 5", 'time_limit_days = 5\nmode = "in_person"', "office: 现场办理的事项须写明办理机构"),
        ("time_limit_days = 5", 'time_limit_days = 5\naliases = ["开饭店", ""]', "aliases: 应为非空文本的列表"),
    ],
)
def test_wrong_values_are_named_precisely(tmp_path, old, new, expected):
    write(tmp_path, VALID.replace(old, new, 1))
    problems = problems_of(tmp_path)
    assert any(p.startswith(f"matters/test.toml:{expected}") for p in problems), problems


def test_a_toml_syntax_error_names_the_file(tmp_path):
    write(tmp_path, VALID + "\nthis is not toml\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("matters/test.toml: TOML 语法错误")


def test_every_mistake_in_every_file_is_reported_at_once(tmp_path):
    write(tmp_path, VALID.replace('audience = "personal"', 'audience = "x"'), "a.toml")
    write(tmp_path, VALID.replace("GR-TEST-001", "GR-TEST-002").replace('kind = "copy"', 'kind = "?"'), "b.toml")
    problems = problems_of(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["matters/a.toml", "matters/b.toml"]


def test_the_refusal_message_points_to_catalog_check(tmp_path):
    write(tmp_path, VALID.replace('audience = "personal"', 'audience = "x"'))
    clear_cache()
    with pytest.raises(CatalogError) as refused:
        load_catalog(tmp_path)
    assert refused.value.code == "catalog_invalid"
    assert "catalog check" in refused.value.message and "matters/test.toml:audience" in refused.value.message


def test_a_folder_without_regions_uses_the_shipped_divisions(tmp_path):
    write(tmp_path, VALID)
    assert len(load_catalog(tmp_path).cities) == 14


def test_a_folder_with_no_matters_is_refused(tmp_path):
    problems = problems_of(tmp_path)
    assert len(problems) == 1 and "没有找到任何事项文件" in problems[0]


def test_a_loaded_catalog_is_kept_per_folder_until_the_cache_is_cleared(tmp_path):
    write(tmp_path, VALID)
    first = load_catalog(tmp_path)
    assert load_catalog(str(tmp_path)) is first
    clear_cache()
    assert load_catalog(tmp_path) is not first


def test_matters_are_listed_in_code_order():
    codes = list(load_catalog().matters)
    assert codes == sorted(codes)


def test_the_shipped_data_folder_is_found_through_the_package():
    assert (shipped_data_dir() / "regions.toml").is_file()


def test_the_catalog_keeps_list_entries_and_reads_a_guide_when_it_is_opened(tmp_path):
    from counterdesk.domain.matter import Matter, MatterEntry

    write(tmp_path, VALID)
    clear_cache()
    catalog = load_catalog(tmp_path)
    entry = catalog.matters["GR-TEST-001"]
    assert isinstance(entry, MatterEntry) and entry.name == "测试事项" and entry.time_limit_days == 5
    matter = catalog.matter("GR-TEST-001")
    assert isinstance(matter, Matter) and matter.entry == entry and matter.process == ("受理", "办结")
    assert catalog.find("GR-NONE-001") is None


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_matter_file_changed_after_loading_is_refused_in_chinese_not_mixed_in(tmp_path, change):
    from counterdesk.domain.errors import InvalidInput

    path = write(tmp_path, VALID)
    clear_cache()
    catalog = load_catalog(tmp_path)
    if change == "edit":
        path.write_text(VALID.replace("测试事项", "改过的事项"), encoding="utf-8")
    else:
        path.unlink()
    with pytest.raises(InvalidInput) as refused:
        catalog.matter("GR-TEST-001")
    assert refused.value.code == "catalog_changed"
    assert ("重新启动" if change == "edit" else "无法读取") in refused.value.message
    assert catalog.matters["GR-TEST-001"].name == "测试事项"


@pytest.mark.parametrize(("holidays", "message"), [
    ('[[years]]\nyear = 2026\nholidays = [["2026-10-01", "2026-13-07"]]\n', "不是 YYYY-MM-DD"),
    ('[[years]]\nyear = 2026\nholidays = [["2026-10-07", "2026-10-01"]]\n', "晚于结束日期"),
    ('[[years]]\nyear = 2026\nholidays = [["2025-12-31", "2026-01-01"]]\n', "不在 2026 年"),
    ('[[years]]\nyear = 2026\nworking_weekends = ["2026-10-12"]\n', "不是周末"),
    ('[[years]]\nyear = 2026\nholidays = [["2026-10-01", "2026-10-11"]]\nworking_weekends = ["2026-10-10"]\n',
     "既是假日又是调休上班日"),
    ('[[years]]\nyear = 2026\n[[years]]\nyear = 2026\n', "2026 年重复"),
])
def test_a_wrong_holiday_table_is_refused_with_the_field_named(tmp_path, holidays, message):
    write(tmp_path, VALID)
    (tmp_path / "holidays.toml").write_text(holidays, encoding="utf-8")
    found = problems_of(tmp_path)
    assert any(problem.startswith("holidays.toml:") and message in problem for problem in found), found


def test_aliases_mode_and_office_are_read_and_the_mode_defaults_to_remote_receipt(tmp_path):
    write(tmp_path, VALID.replace("time_limit_days = 5", 'time_limit_days = 5\naliases = ["测一测"]', 1))
    write(tmp_path, VALID.replace("GR-TEST-001", "GR-TEST-002").replace(
        "time_limit_days = 5", 'time_limit_days = 5\nmode = "in_person"\noffice = "{county}民政局"', 1), "two.toml")
    clear_cache()
    catalog = load_catalog(tmp_path)
    first, second = catalog.matter("GR-TEST-001"), catalog.matter("GR-TEST-002")
    assert first.aliases == ("测一测",) and first.mode == "remote" and first.received_here
    assert second.mode == "in_person" and not second.received_here and second.office == "{county}民政局"
    assert catalog.matters["GR-TEST-002"].mode_label == "到办理地现场办理"


@pytest.mark.parametrize("code", ["GR-ESFZY-001", "GR-XCSP-001", "QY-KSD-001"])
def test_province_wide_matters_are_handled_in_every_county_and_area(code):
    matter = load_catalog().matter(code)
    assert matter.counties is None and matter.handled_in("431202") and matter.handled_in("430626")
    assert matter.handled_in("430671") and matter.handled_in("431173")
