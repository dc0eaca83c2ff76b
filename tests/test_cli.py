"""The command line: every command documented; bad input -> clear error, no traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from helpers import ROOT, run_cli

from atlas.cli import build_parser


def _commands() -> list[list[str]]:
    out = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                        walk(sub, prefix + [name])
                    else:
                        out.append(prefix + [name])

    walk(build_parser(), [])
    return out


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) >= 8
    for cmd in commands:
        assert f"smmatlas {' '.join(cmd)}" in readme, f"README lacks `smmatlas {' '.join(cmd)}`"


@pytest.mark.parametrize("cmd", _commands(), ids=lambda c: " ".join(c))
def test_every_command_has_help(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([*cmd, "--help"])
    assert exc.value.code == 0
    assert "usage: smmatlas" in capsys.readouterr().out


def _fails_cleanly(proc, code: int, words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "smmatlas: error:" in proc.stderr
    assert words in proc.stderr


def test_malformed_url_is_refused(tmp_path):
    proc = run_cli("crawl", "ht!tp://nowhere", "--db", f"sqlite:///{tmp_path / 'a.db'}")
    _fails_cleanly(proc, 2, "not a web URL")
    proc = run_cli("crawl", "not a domain", "--db", f"sqlite:///{tmp_path / 'a.db'}")
    _fails_cleanly(proc, 2, "malformed URL")


def test_missing_seeds_file(tmp_path):
    proc = run_cli("crawl", "--seeds", str(tmp_path / "nope.txt"))
    _fails_cleanly(proc, 2, "seeds file not found")


def test_nothing_to_crawl():
    _fails_cleanly(run_cli("crawl"), 2, "nothing to crawl")


def test_unreachable_database():
    proc = run_cli("crawl", "panel.example", "--db", "postgresql+psycopg://atlas@127.0.0.1:1/atlas")
    _fails_cleanly(proc, 1, "cannot connect to the database")


def test_not_a_database_url():
    _fails_cleanly(run_cli("export", "--db", "no-such-scheme"), 1, "not a database URL")


def test_unwritable_data_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    proc = run_cli("crawl", "panel.example", "--data", str(blocker / "sub"))
    _fails_cleanly(proc, 2, "not writable")


def test_query_is_read_only(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert run_cli("db", "--db", db).returncode == 0
    proc = run_cli("query", "DELETE FROM portals", "--db", db)
    _fails_cleanly(proc, 2, "query failed")
    ok = run_cli("query", "SELECT count(*) AS n FROM portals", "--db", db, "--format", "csv")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["n", "0"]


def test_export_to_unwritable_file(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert run_cli("db", "--db", db).returncode == 0
    proc = run_cli("export", "--db", db, "-o", str(Path(tmp_path) / "no" / "such" / "x.json"))
    _fails_cleanly(proc, 2, "cannot write")
