"""``counterdesk catalog``: the contracts scripts and other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from counterdesk.catalog import clear_cache
from counterdesk.cli.catalog import app

GUIDE = "ZC-JYKN-001"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.delenv("COUNTERDESK_CATALOG", raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), env=env)

    return invoke


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_regions_as_json_list_every_city_with_its_own_level_counties_and_areas(run):
    cities = as_json(run("regions", "--json"))
    assert len(cities) == 14 and sum(len(c["counties"]) for c in cities) == 122
    assert sum(len(c["areas"]) for c in cities) == 12
    assert set(cities[0]) == {"code", "name", "city_level", "counties", "areas"}
    assert set(cities[0]["counties"][0]) == {"code", "name"}
    assert cities[0]["city_level"] == {"code": "430100", "name": "长沙市本级"}


def test_regions_of_one_city(run):
    (yueyang,) = as_json(run("regions", "--city", "430600", "--json"))
    assert yueyang["name"] == "岳阳市"
    assert {"code": "430626", "name": "平江县"} in yueyang["counties"]
    assert yueyang["areas"] == [{"code": "430671", "name": "屈原管理区"}]


def test_regions_table_shows_chinese_names(run):
    result = run("regions", "--city", "430600")
    assert result.exit_code == 0 and "平江县" in result.stdout
    assert "岳阳市本级 430600" in result.stdout and "屈原管理区 430671" in result.stdout


def test_an_unknown_city_is_one_sentence_and_exit_2(run):
    result = run("regions", "--city", "439900")
    assert result.exit_code == 2
    assert result.stderr.strip() == "没有代码为 439900 的市州。"


def test_search_ranks_the_guide_example_first_for_its_initials(run):
    found = as_json(run("search", "jykn", "--json"))
    assert found[0]["code"] == GUIDE
    assert set(found[0]) == {"code", "name", "audience", "theme", "type"}


def test_search_without_query_lists_all_matters_of_the_filters(run):
    everything = as_json(run("search", "--json"))
    policy = as_json(run("search", "--audience", "policy", "--json"))
    assert GUIDE in {m["code"] for m in policy}
    assert policy and all(m["audience"] == "policy" for m in policy)
    assert len(everything) > len(policy)


def test_search_by_region_keeps_matters_handled_there(run):
    from counterdesk.catalog import load_catalog

    catalog = load_catalog()
    found = as_json(run("search", "--region", "430626", "--json"))
    assert found and all(catalog.matter(m["code"]).handled_in("430626") for m in found)


def test_search_by_place_lists_what_a_city_s_own_level_handles(run):
    own = {m["code"] for m in as_json(run("search", "--place", "430100", "--json"))}
    city = {m["code"] for m in as_json(run("search", "--region", "430100", "--json"))}
    assert "GR-ESFZY-001" in own and GUIDE not in own
    assert own < city and GUIDE in city


def test_search_by_an_unknown_place_is_one_sentence_and_exit_2(run):
    result = run("search", "--place", "430699")
    assert result.exit_code == 2
    assert result.stderr.strip() == "没有代码为 430699 的办理地（区县、功能区或市本级）。"


def test_show_says_whether_the_city_s_own_level_handles_the_matter(run):
    assert "全省通办（各区县、功能区及市本级）" in run("show", "GR-ESFZY-001").stdout
    assert "全省通办（各区县、功能区）" in run("show", GUIDE).stdout
    resale = as_json(run("show", "GR-ESFZY-001", "--json"))
    assert (resale["counties"], resale["city_level"]) == (None, True)


def test_search_with_an_unknown_audience_is_refused(run):
    result = run("search", "--audience", "martians")
    assert result.exit_code == 2 and "没有办事类别" in result.stderr


def test_search_table_and_empty_result(run):
    assert "我要申请认定为就业困难人员" in run("search", "就业困难").stdout
    result = run("search", "火星移民")
    assert result.exit_code == 0 and "没有找到" in result.stdout
    assert as_json(run("search", "火星移民", "--json")) == []


@pytest.mark.parametrize("query", ["就业人员困难补助", "困难补助", "灵活就业补贴", "jiuyekunan"])
def test_search_ranks_the_guide_example_first_for_the_portal_s_titles(run, query):
    assert as_json(run("search", query, "--json"))[0]["code"] == GUIDE


@pytest.mark.parametrize("query", ["开饭店", "餐馆", "kaifandain"])
def test_search_finds_the_restaurant_matter_in_the_citizen_s_words(run, query):
    assert as_json(run("search", query, "--json"))[0]["name"] == "我要开餐饮店"


def test_search_that_finds_nothing_asks_did_you_mean_the_nearest_matters(run):
    result = run("search", "火星开饭馆")
    assert result.exit_code == 0
    assert "没有找到" in result.stdout and "您是不是要找" in result.stdout and "我要开餐饮店" in result.stdout
    assert as_json(run("search", "火星开饭馆", "--json")) == []


def test_show_gives_the_matter_s_aliases_and_handling_mode(run):
    guide = as_json(run("show", GUIDE, "--json"))
    assert "困难补助" in guide["aliases"] and guide["mode"] == "remote"
    marriage = as_json(run("show", "GR-JHDJ-001", "--json"))
    assert marriage["mode"] == "in_person" and "婚姻登记处" in marriage["office"]
    assert "办理模式" in run("show", GUIDE).stdout


def test_show_lists_questions_and_materials_for_the_answers_so_far(run):
    guide = as_json(run("show", GUIDE, "--json"))
    assert [q["id"] for q in guide["questions"]] == ["category", "flexible"]
    assert all(q["answer"] is None for q in guide["questions"])
    assert set(guide["questions"][0]) == {"id", "text", "options", "answer"}
    assert set(guide["questions"][0]["options"][0]) == {"id", "text"}
    assert "M07" not in [m["code"] for m in guide["materials"]]
    assert {"process", "conditions", "legal_basis", "faq", "time_limit_days", "fee", "phone", "items"} <= set(guide)


def test_show_with_answers_opens_the_branch_and_adds_materials(run):
    guide = as_json(run("show", GUIDE, "--answer", "flexible=yes", "--answer", "category=disabled", "--json"))
    assert [q["id"] for q in guide["questions"]] == ["category", "flexible", "bank"]
    assert [q["answer"] for q in guide["questions"]] == ["disabled", "yes", None]
    m07 = next(m for m in guide["materials"] if m["code"] == "M07")
    assert m07["kind"] == "copy" and m07["copies"] == 1 and m07["required"] is True


def test_show_names_a_passbook_not_yet_opened_as_tolerated_like_the_card(run):
    result = run("show", GUIDE, "--answer", "category=laid_off", "--answer", "flexible=yes", "--answer", "bank=no")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if "M05" in line)
    assert "容缺（受理后补" in row and "必填" not in row  # the table may wrap the label


def test_show_drops_an_answer_to_a_question_no_longer_asked(run):
    guide = as_json(run("show", GUIDE, "--answer", "flexible=no", "--answer", "bank=yes", "--json"))
    assert "bank" not in [q["id"] for q in guide["questions"]]
    assert guide["answers"] == {"flexible": "no"}


def test_show_prints_the_guide_in_chinese(run):
    result = run("show", GUIDE)
    assert result.exit_code == 0
    for text in ("我要申请认定为就业困难人员", "申请材料", "办理流程", "常见问题", "待回答"):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "NO-SUCH-1"), "事项目录中没有编码为 NO-SUCH-1 的事项。"),
        (("show", GUIDE, "--answer", "pets=yes"), "没有编号为 pets 的办事情形问题"),
        (("show", GUIDE, "--answer", "flexible=maybe"), "没有选项 maybe"),
        (("show", GUIDE, "--answer", "flexible"), "格式应为 问题编号=选项编号"),
    ],
)
def test_show_refuses_unknown_codes_questions_and_options(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_check_passes_the_shipped_catalog(run):
    result = run("check")
    assert result.exit_code == 0 and "事项目录检查通过" in result.stdout
    assert as_json(run("check", "--json"))["ok"] is True


def test_check_lists_every_error_with_file_and_field(run, tmp_path: Path):
    folder = tmp_path / "matters"
    folder.mkdir()
    reference = (Path(__file__).parents[2] / "data" / "matters" / "policy-jiuye-kunnan.toml").read_text("utf-8")
    (folder / "a.toml").write_text(reference.replace('audience = "policy"', 'audience = "x"'), "utf-8")
    (folder / "b.toml").write_text(reference.replace('when = ["flexible=yes"]', 'when = ["flexible=ok"]'), "utf-8")
    clear_cache()
    result = run("check", env={"COUNTERDESK_CATALOG": str(tmp_path)})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("matters/a.toml:audience: ")
    assert any(line.startswith("matters/b.toml:questions[bank].when: ") for line in lines)
    assert any(line.startswith("matters/b.toml:code: ") for line in lines)
    assert lines[-1] == f"共 {len(lines) - 1} 处错误。"
    report = json.loads(run("check", "--json", env={"COUNTERDESK_CATALOG": str(tmp_path)}).stdout)
    assert report["ok"] is False and report["problems"][0]["field"] == "audience"
