"""A mistyped ``--db`` is an error, not a new empty database (issue 14, item 7): a path whose folder
does not exist is exit 2 with one line and creates nothing; the default location's folders are
still made on first use."""

from __future__ import annotations

import platformdirs
import pytest

from quizapp.cli import main

from .support import quizapp


def test_db_in_a_missing_folder_is_exit_2_and_creates_nothing(tmp_path):
    typo = tmp_path / "no-such-folder" / "deeper" / "r.db"
    proc = quizapp(typo, "stats")
    assert proc.returncode == 2
    assert proc.stderr == f"quizapp: --db {typo}: the folder {typo.parent} does not exist; create it, or check the path\n"
    assert proc.stdout == ""
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("command", [["study", "--plain"], ["card", "cli-flash"], ["where"], []])
def test_every_command_refuses_it_the_app_too(tmp_path, capsys, command):
    typo = tmp_path / "nope" / "r.db"
    assert main(["--db", str(typo), *command]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not typo.parent.exists()


def test_quizapp_db_in_a_missing_folder_is_refused_too(tmp_path, capsys, monkeypatch):
    typo = tmp_path / "nope" / "r.db"
    monkeypatch.setenv("QUIZAPP_DB", str(typo))
    assert main(["stats"]) == 2
    assert capsys.readouterr().err.startswith(f"quizapp: QUIZAPP_DB {typo}: the folder")


@pytest.mark.parametrize("named", [False, True], ids=["implied", "named-with---db"])
def test_the_default_location_gets_its_folders(tmp_path, capsys, monkeypatch, named):
    data = tmp_path / "home" / "data"
    monkeypatch.delenv("QUIZAPP_DB", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_path", lambda app: data / app)
    default = data / "quizapp" / "quizapp.db"
    assert main([*(["--db", str(default)] if named else []), "stats"]) == 0
    assert default.is_file()


def test_a_db_in_an_existing_folder_is_created_as_before(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "new.db"), "stats"]) == 0
    assert (tmp_path / "new.db").is_file()
