"""`sety-console hub …`: registered as a subcommand; clear words for what cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest

from sety_console.cli import build_parser, main


def test_hub_is_a_subcommand() -> None:
    argv = ["hub", "serve", "--db", "x.db"]
    args = build_parser(argv).parse_args(argv)
    assert args.command == "hub"
    assert args.action == "serve"


def test_serve_without_a_key_says_where_to_put_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["hub", "serve", "--db", str(tmp_path / "hub.db"), "--api-url", "http://127.0.0.1:9/v1/external"]
    )
    assert code == 2
    assert "SETY_API_KEY" in capsys.readouterr().err


def test_operator_commands_need_a_name_and_a_reachable_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hub", "add-operator", "--db", str(tmp_path / "hub.db")]) == 2
    assert "name" in capsys.readouterr().err
    code = main(["hub", "list-operators", "--db", "postgresql+psycopg://nobody:x@127.0.0.1:9/none"])
    assert code == 1
    assert "could not open the hub database" in capsys.readouterr().err
    assert main(["hub", "serve", "--db", str(tmp_path / "h.db"), "--certfile", "c.pem"]) == 2
    assert "--keyfile" in capsys.readouterr().err
