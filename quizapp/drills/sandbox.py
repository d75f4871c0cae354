"""Confinement for a solution's process on Linux: Landlock, no privileges, and no process left behind.

A handful of system calls through ctypes, each best effort and said plainly when missing:

- **Landlock** (Linux 5.13+): :func:`build_ruleset` makes a rule set (read Python, NumPy and a few
  shared libraries; read and write one folder; no TCP from ABI 4; no signal or abstract socket to
  a process outside it from ABI 6) and :func:`confine` applies it to the calling process for good.
  The app's files, the review database and ``/proc/<pid>/environ`` of the app are then out of reach
  by path, and so is ``ptrace`` of the app.
- **No privileges**: ``PR_SET_NO_NEW_PRIVS`` and an empty capability set, so a process started as
  root cannot raise its resource limits back or mount over its rules.
- **No process left behind**: the checker process is a child subreaper
  (``PR_SET_CHILD_SUBREAPER``), so whatever a solution forks, even after ``setsid``, is re-parented
  to it when its parent dies, and :func:`kill_descendants` kills and reaps until nothing is left.

:func:`enforcement` says in words what this machine enforces (``quizapp where`` prints it).
This module imports only the standard library: the checker process loads a copy of it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct
import sys
from pathlib import Path

# System call numbers: Landlock's are the same on every architecture Python runs on.
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_CAPABILITY_VERSION_3 = 0x20080522

# Filesystem access rights, by the ABI that introduced them.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

#: What a solution may do in the folders it reads, and in its own folder.
READ = READ_FILE | READ_DIR
READ_WRITE = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | REFER | TRUNCATE
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV

_PACKAGE_DIRS = ("site-packages", "dist-packages")


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _check(result: int) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where there is none (another OS, an old or locked kernel)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        return max(0, int(_libc().syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                                          ctypes.c_uint32(_CREATE_RULESET_VERSION))))
    except (OSError, AttributeError):
        return 0


def _handled(abi: int) -> tuple[int, int, int, int]:
    """(filesystem rights, network rights, scopes, size of the attribute struct) for ``abi``."""
    fs = _FS_BY_ABI[max(v for v in _FS_BY_ABI if v <= abi)]
    net = _NET_BIND_TCP | _NET_CONNECT_TCP if abi >= 4 else 0
    scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    return fs, net, scoped, size


def build_ruleset(reads: list[Path], writes: list[Path], abi: int) -> int:
    """A Landlock rule set (a file descriptor) allowing reads beneath ``reads`` and reads and
    writes beneath ``writes``; nothing else on the filesystem, no execution, no TCP."""
    libc = _libc()
    fs, net, scoped, size = _handled(abi)
    attr = ctypes.create_string_buffer(struct.pack("=QQQ", fs, net, scoped), 24)
    ruleset = _check(libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(size), ctypes.c_uint32(0)))
    try:
        for paths, rights in ((reads, READ), (writes, READ_WRITE)):
            for path in paths:
                _add_rule(libc, ruleset, path, rights & fs)
    except OSError:
        os.close(ruleset)
        raise
    return ruleset


def _add_rule(libc, ruleset: int, path: Path, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path that is not there needs no rule
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
        _check(libc.syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                            rule, ctypes.c_uint32(0)))
    finally:
        os.close(fd)


def drop_privileges() -> None:
    """No new privileges (needed before :func:`confine`) and no capabilities (a root user's)."""
    if not sys.platform.startswith("linux"):
        return
    libc = _libc()
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    header = ctypes.create_string_buffer(struct.pack("=Ii", _CAPABILITY_VERSION_3, 0), 8)
    nothing = ctypes.create_string_buffer(bytes(24), 24)
    _check(libc.capset(header, nothing))


def confine(ruleset: int) -> None:
    """Apply the rule set to this process (and everything it starts later), irreversibly."""
    _check(_libc().syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)))


def runtime_reads(numpy_dir: Path) -> list[Path]:
    """What Python and NumPy read after start-up: the standard library (not its site-packages),
    NumPy and its bundled libraries, and the shared libraries this process has loaded.

    A library's folder is allowed whole (a lazily imported module such as ctypes loads its
    neighbours) unless it holds Python packages, where only the library file itself is allowed.
    """
    stdlib = Path(os.__file__).resolve().parent
    reads = [entry for entry in stdlib.iterdir() if entry.name not in _PACKAGE_DIRS]
    numpy_dir = numpy_dir.resolve()
    reads += [numpy_dir, numpy_dir.with_name("numpy.libs"), Path("/etc/ld.so.cache")]
    covered = [stdlib, numpy_dir, numpy_dir.with_name("numpy.libs")]
    for library in _loaded_libraries():
        folder = library.parent
        if any(folder == c or c in folder.parents for c in covered):
            continue
        if _holds_packages(folder):
            reads.append(library)
        else:
            reads.append(folder)
            covered.append(folder)
    return reads


def _loaded_libraries() -> list[Path]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            names = {line.split(maxsplit=5)[-1].strip() for line in maps if ".so" in line}
    except OSError:
        return []
    return sorted(Path(n) for n in names if n.startswith("/") and os.path.isfile(n))


def _holds_packages(folder: Path) -> bool:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return True
    return any(e.name in _PACKAGE_DIRS or (e.name.startswith("python") and e.is_dir()
                                           and any((e / p).exists() for p in _PACKAGE_DIRS))
               for e in entries)


# -- no process left behind ------------------------------------------------------------------------


def become_subreaper() -> bool:
    """Orphans among this process's descendants become its children (Linux 3.4+)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children() -> list[int]:
    """This process's children, from /proc (empty where /proc does not list them)."""
    pids: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as f:
                pids += [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            continue
    return pids


def kill_descendants(first: int) -> int | None:
    """Kill ``first``, its process group and every process re-parented to us, and reap them all.

    Returns ``first``'s wait status (None if it was reaped elsewhere).  As a subreaper this process
    inherits each orphan when its parent dies, so the loop ends only when it has no child at all.
    """
    status = None
    for kill, target in ((os.killpg, first), (os.kill, first)):
        try:
            kill(target, signal.SIGKILL)
        except OSError:
            pass
    while True:
        for pid in children():
            _kill_with_its_group(pid)
        try:
            pid, wait_status = os.waitpid(-1, 0)
        except ChildProcessError:
            return status
        if pid == first:
            status = wait_status


def _kill_with_its_group(pid: int) -> None:
    """SIGKILL ``pid`` and, unless it is ours, its process group: the kernel kills a group at once,
    so a group that keeps forking cannot outrun the kill."""
    try:
        group = os.getpgid(pid)
        if group != os.getpgrp():
            os.killpg(group, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


# -- in words ----------------------------------------------------------------------------------------


def enforcement(abi: int) -> list[str]:
    """What a solution's process can and cannot do on this machine, one line each."""
    reaped = ("every process it starts is killed after the check" if sys.platform.startswith("linux") else
              "its process group is killed after the check (a process that leaves the group can outlive it)")
    lines = [f"each solution runs in its own process with NumPy and the standard library alone on its import"
             f" path, limits on time, memory and file size; {reaped}"]
    if abi <= 0:
        lines.append("no Landlock here: nothing stops a solution from reading or writing your files by path (the"
                     " review database included), or from signalling or tracing the app, as any program you run"
                     " could")
        return lines
    lines.append(f"Landlock ABI {abi}: it reads only Python, NumPy and its own folder, writes only its folder,"
                 " runs no program")
    lines.append("it opens no TCP connection" if abi >= 4 else
                 "not enforced (needs Landlock ABI 4, Linux 6.7): network access")
    lines.append("it signals no process outside it and reaches no abstract socket" if abi >= 6 else
                 "not enforced (needs Landlock ABI 6, Linux 6.12): signals; a solution could stop the checker,"
                 " and what it started would then outlive the check")
    return lines
