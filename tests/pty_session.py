#!/usr/bin/env python3
"""Run a command on a pseudo-terminal, send keys, and wait for it to exit.

usage: pty_session.py DUMP COLS ROWS KEY... -- COMMAND [ARG...]
Each KEY is sent as UTF-8 after the previous output went quiet (\\r for Enter, \\x1b for Esc
are given literally by the caller); a KEY `SIG:NAME` (SIG:INT, SIG:QUIT, SIG:USR1…) sends that
signal to the process instead, and a KEY `WAIT:TEXT` waits (up to 10 s) until TEXT has been
written since the previous key (the machine may be loaded: a quiet moment is not proof that
the key's work is done). Everything the program writes goes to DUMP. Prints the
exit status as JSON. Unlike ptyprobe.py, it waits for the process itself (up to 10 s) after
the terminal side closes, so a slow teardown is not mistaken for a hang.
"""
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main() -> int:
    dump, cols, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sep = sys.argv.index("--")
    keys, cmd = sys.argv[4:sep], sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(cmd[0], cmd)
    out = bytearray()

    def pump(quiet_s: float, limit_s: float = 10.0) -> bool:
        last, end = time.monotonic(), time.monotonic() + limit_s
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.01)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return False
                if not chunk:
                    return False
                out.extend(chunk)
                last = time.monotonic()
            elif time.monotonic() - last >= quiet_s:
                return True
        return True

    pump(0.5)
    seen = 0
    for k in keys:
        if k.startswith("WAIT:"):
            want, end = k[5:].encode(), time.monotonic() + 10
            while want not in out[seen:] and time.monotonic() < end:
                if not pump(0.01, 0.05):
                    break
            continue
        seen = len(out)
        try:
            if k.startswith("SIG:"):
                os.kill(pid, getattr(signal, "SIG" + k[4:]))
            else:
                os.write(fd, k.encode())
        except OSError:
            break
        if not pump(0.15):
            break
    status, deadline = None, time.monotonic() + 10
    while time.monotonic() < deadline:
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            status = os.waitstatus_to_exitcode(st)
            break
        pump(0.01, 0.05)
        time.sleep(0.01)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    # What the process wrote just before it ended may still be in the pty: read it all (under
    # load, the exit can be seen before its last bytes, e.g. the terminal restore).
    pump(0.05, 1.0)
    with open(dump, "wb") as f:
        f.write(bytes(out))
    print(json.dumps({"exit": status, "bytes": len(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
