#!/usr/bin/env python3
"""Runs a command and prints its wall time and the peaks of its resident memory, split as
/proc/PID/status splits it: VmHWM (the kernel's own peak), RssAnon (heap, stacks) and RssFile
(mapped files: the binary's pages, index files read through mmap). Sampled every 20 ms, so the
two parts are lower bounds; VmHWM is exact.

usage: scripts/rss_peaks.py COMMAND [ARG...]      (the command's output is thrown away)
"""
import subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = {}
path = f"/proc/{p.pid}/status"
while p.poll() is None:
    try:
        for line in open(path):
            k, _, v = line.partition(":")
            if k in ("VmHWM", "RssAnon", "RssFile"):
                peak[k] = max(peak.get(k, 0), int(v.split()[0]))
    except (OSError, ValueError):
        pass
    time.sleep(0.02)
print("%.1f s" % (time.monotonic() - t0), " ".join(f"{k}={v*1024/1e6:.0f}MB" for k, v in sorted(peak.items())))
