"""``quizapp code TASK --file PATH`` reads a solution file and nothing else, without waiting.

A FIFO, a device, a folder or a huge file each get one line and exit 2, never a hang or a
MemoryError.  A FIFO with no writer would block an ordinary open forever: that test would hang
without the fix (the suite's per-test timeout turns a hang into a failure).
"""

from __future__ import annotations

import os

import pytest

from quizapp.cli import main
from quizapp.drills.checking import MAX_FILE_BYTES

from support import HEAD, RIGHT_BODY


def drill_file(path, capsys, tmp_path, out: list[str] | None = None) -> tuple[int, str]:
    """Run ``--file PATH --check-only``: the exit code and what went to stderr (stdout into ``out``)."""
    code = main(["--db", str(tmp_path / "r.db"), "code", "batch_norm_train", "--file", str(path), "--check-only"])
    captured = capsys.readouterr()
    if out is not None:
        out.append(captured.out)
    return code, captured.err


def test_a_solution_file_is_checked(tmp_path, capsys):
    path = tmp_path / "bn.py"
    path.write_text(HEAD + RIGHT_BODY)
    out: list[str] = []
    assert drill_file(path, capsys, tmp_path, out) == (0, "")
    assert out[0] == "PASS batch_norm_train: All 11 cases match the engine.\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    fifo = tmp_path / "solution.py"
    os.mkfifo(fifo)
    code, err = drill_file(fifo, capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: {fifo} is a FIFO, not a Python file\n"


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("/dev/null", "a device")])
def test_a_device_is_refused(path, kind, tmp_path, capsys):
    code, err = drill_file(path, capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: {path} is {kind}, not a Python file\n"


def test_a_link_to_a_device_is_refused(tmp_path, capsys):
    link = tmp_path / "bn.py"
    link.symlink_to("/dev/zero")
    code, err = drill_file(link, capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: {link} is a device, not a Python file\n"


def test_a_folder_is_refused(tmp_path, capsys):
    code, err = drill_file(tmp_path, capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: {tmp_path} is a folder, not a Python file\n"


def test_a_huge_file_is_refused_after_reading_one_byte_past_the_limit(tmp_path, capsys):
    huge = tmp_path / "bn.py"
    with open(huge, "wb") as f:
        f.truncate(1 << 40)  # a terabyte (sparse): reading it whole would never end
    code, err = drill_file(huge, capsys, tmp_path)
    assert code == 2
    assert err == f"quizapp code: {huge} is larger than {MAX_FILE_BYTES} bytes: a drill's solution is a short file\n"


def test_a_file_at_the_limit_is_read(tmp_path, capsys):
    path = tmp_path / "bn.py"
    text = HEAD + RIGHT_BODY
    path.write_text(text + "#" * (MAX_FILE_BYTES - len(text)))
    out: list[str] = []
    assert drill_file(path, capsys, tmp_path, out) == (1, "")  # read whole, then too long for the checker
    assert out[0].startswith(f"FAIL batch_norm_train: The file is too long ({MAX_FILE_BYTES} characters;")


def test_a_file_that_is_not_utf8_says_where(tmp_path, capsys):
    path = tmp_path / "bn.py"
    path.write_bytes(b"x = 1\n\xff\n")
    code, err = drill_file(path, capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: {path} is not UTF-8 text (byte 7 cannot be read)\n"


def test_a_missing_file_says_so(tmp_path, capsys):
    code, err = drill_file(tmp_path / "nope.py", capsys, tmp_path)
    assert code == 2 and err == f"quizapp code: cannot read {tmp_path / 'nope.py'}: No such file or directory\n"


def test_a_name_with_control_characters_is_shown_escaped(tmp_path, capsys):
    code, err = drill_file(tmp_path / "\x1b[2Jbn.py", capsys, tmp_path)
    assert code == 2 and "\x1b" not in err and "\\x1b[2Jbn.py" in err
