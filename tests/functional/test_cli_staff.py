"""``counterdesk staff``: the first supervisor, passwords from the environment, no hash ever printed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from counterdesk.cli.main import app

SUP = "sup-secret-1"
CLERK = "clerk-secret-1"


def run(tmp_path, *args, password=None, new_password=None):
    env = {"COUNTERDESK_HOME": str(tmp_path)}
    if password:
        env["COUNTERDESK_PASSWORD"] = password
    if new_password:
        env["COUNTERDESK_NEW_PASSWORD"] = new_password
    return CliRunner().invoke(app, list(args), env=env)


def test_first_supervisor_needs_no_staff_then_only_a_supervisor_adds_accounts(tmp_path):
    first = run(tmp_path, "staff", "add", "sup01", "--name", "王科长", "--role", "supervisor", "--window", "1",
                new_password=SUP)
    assert first.exit_code == 0, first.output
    without = run(tmp_path, "staff", "add", "c03", "--name", "李娜", "--role", "clerk", new_password=CLERK)
    assert without.exit_code == 2 and "--staff" in without.output
    added = run(tmp_path, "staff", "add", "c03", "--name", "李娜", "--role", "clerk", "--window", "3",
                "--staff", "sup01", password=SUP, new_password=CLERK)
    assert added.exit_code == 0, added.output
    by_clerk = run(tmp_path, "staff", "add", "c04", "--name", "赵六", "--role", "clerk", "--staff", "c03",
                   password=CLERK, new_password=CLERK)
    assert by_clerk.exit_code == 2 and "值班长" in by_clerk.output


def test_staff_list_json_never_shows_a_hash_or_password(tmp_path):
    run(tmp_path, "staff", "add", "sup01", "--name", "王科长", "--role", "supervisor", new_password=SUP)
    listed = run(tmp_path, "staff", "list", "--json")
    assert listed.exit_code == 0
    accounts = json.loads(listed.stdout)
    assert [a["id"] for a in accounts] == ["sup01"]
    assert "argon2" not in listed.stdout and SUP not in listed.stdout
    assert "password_hash" not in accounts[0]


def test_wrong_password_is_one_sentence_and_exit_2(tmp_path):
    run(tmp_path, "staff", "add", "sup01", "--name", "王科长", "--role", "supervisor", new_password=SUP)
    refused = run(tmp_path, "staff", "disable", "sup02", "--staff", "sup01", password="wrong-one")
    assert refused.exit_code == 2
    assert refused.output.strip() == "工号或密码不正确。"


def test_staff_list_prints_markup_and_invisible_characters_in_a_name_as_typed(tmp_path):
    added = run(tmp_path, "staff", "add", "sup01", "--name", "[bold]王\u200b科长[/bold]", "--role", "supervisor",
                new_password=SUP)
    assert added.exit_code == 0, added.output
    listed = run(tmp_path, "staff", "list")
    assert "[bold]王\\u200b科长[/bold]" in listed.stdout
    assert "\u200b" not in listed.stdout
