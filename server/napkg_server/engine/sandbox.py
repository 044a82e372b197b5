"""Take the query workers off the network: a seccomp filter that fails every ``socket()`` call.

The keyword scan (:mod:`napkg_server.engine.query_scan`) refuses ``SERVICE`` before a query reaches
pyoxigraph. This is the second line: when no federation endpoint is allow-listed, a worker
process cannot open any socket at all (``socket(2)`` returns ``EPERM``), so even a query the
scan misread cannot make pyoxigraph connect anywhere or look up a host name. The socketpair
to the parent is created before the filter is installed, so the worker keeps talking to it.

The filter is Linux-only (x86-64 and arm64); elsewhere :func:`forbid_sockets` returns False
and the keyword scan is the only guard.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_EPERM = 1
_AUDIT_ARCH_X86_64 = 0xC000003E
_AUDIT_ARCH_AARCH64 = 0xC00000B7
_NR_SOCKET = {_AUDIT_ARCH_X86_64: 41, _AUDIT_ARCH_AARCH64: 198}
# Classic BPF opcodes: load a word of seccomp_data, jump if equal, return.
_LD_ABS = 0x20
_JEQ = 0x15
_RET = 0x06
_ARCH_OFFSET, _NR_OFFSET = 4, 0


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program() -> list[tuple[int, int, int, int]]:
    """socket() -> EPERM on x86-64 and arm64; every other call (and architecture) allowed."""
    x86, arm = _AUDIT_ARCH_X86_64, _AUDIT_ARCH_AARCH64
    return [
        (_LD_ABS, 0, 0, _ARCH_OFFSET),  # 0
        (_JEQ, 0, 2, x86),  # 1: x86-64 -> 2, else -> 4
        (_LD_ABS, 0, 0, _NR_OFFSET),  # 2
        (_JEQ, 3, 4, _NR_SOCKET[x86]),  # 3: socket -> 7, else -> 8
        (_JEQ, 0, 3, arm),  # 4: arm64 -> 5, else -> 8
        (_LD_ABS, 0, 0, _NR_OFFSET),  # 5
        (_JEQ, 0, 1, _NR_SOCKET[arm]),  # 6: socket -> 7, else -> 8
        (_RET, 0, 0, _SECCOMP_RET_ERRNO | _EPERM),  # 7
        (_RET, 0, 0, _SECCOMP_RET_ALLOW),  # 8
    ]


def forbid_sockets() -> bool:
    """Install the filter in this process (for good: it is inherited and cannot be lifted).

    True when it is in place; False where seccomp is not available.
    """
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "aarch64"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    program = _program()
    filters = (_SockFilter * len(program))(*(_SockFilter(*op) for op in program))
    fprog = _SockFprog(len(program), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0)
