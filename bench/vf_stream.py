#!/usr/bin/env python3
"""vf_stream.py - one TCP stream, for bench/vf_throughput.sh and bench/vf_gap.sh.

  vf_stream.py sink ADDR PORT [--gaps FILE] [--gap-min-us US] [--ready FILE]
  vf_stream.py source ADDR PORT --duration SEC [--rate BYTES_PER_S]
                                [--chunk BYTES]
  vf_stream.py gaps FILE LO_NS:HI_NS...

sink: accept one connection and read it until EOF (recv() of up to 256
KiB), then print one JSON line: bytes, seconds from the first to the last
arrival, Gb/s of payload over that time, the longest time between two
consecutive arrivals (max_gap_us) and when it ended (CLOCK_MONOTONIC ns,
one clock for every namespace). With --gaps, every gap of at least
--gap-min-us (default 200) is written to FILE as "END_NS GAP_NS" lines.
--ready FILE is created once the socket listens.

source: connect, send --chunk bytes (default 65536; 4096 when paced) at
a time for --duration seconds, paced to --rate bytes/s if given
(absolute schedule; after a stall it catches up at most 100 ms), then shut
the connection down and wait for the sink to close.

gaps: read a sink's gap file; for each window print the longest gap that
overlaps it (us) and when that gap began, from the window's start (us):
"GAP START" per window on one line. 0 0: no gap of --gap-min-us or more.

An arrival is a recv() that returned data: the application sees TCP's
in-order bytes only, so a lost segment shows as a gap until it is
retransmitted. Timestamps are taken in Python right after recv(): add the
scheduling delay of a loaded machine to the resolution.
"""
import argparse
import json
import socket
import sys
import time


def cmd_sink(a):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.addr, a.port))
    srv.listen(1)
    srv.settimeout(60)
    if a.ready:
        open(a.ready, "w").close()
    conn, _ = srv.accept()
    conn.settimeout(60)
    gap_min = a.gap_min_us * 1000
    gaps = []
    got = 0
    first = last = 0
    max_gap = max_gap_end = 0
    buf = bytearray(262144)
    view = memoryview(buf)
    clock = time.monotonic_ns
    while True:
        n = conn.recv_into(view)
        now = clock()
        if not n:
            break
        if got:
            d = now - last
            if d > max_gap:
                max_gap, max_gap_end = d, now
            if d >= gap_min:
                gaps.append((now, d))
        else:
            first = now
        last = now
        got += n
    conn.close()
    if a.gaps:
        with open(a.gaps, "w") as f:
            f.writelines(f"{e} {d}\n" for e, d in gaps)
    secs = (last - first) / 1e9
    print(json.dumps({
        "bytes": got, "seconds": round(secs, 6),
        "gbps": round(got * 8 / secs / 1e9, 6) if secs > 0 else 0,
        "max_gap_us": round(max_gap / 1000, 1), "max_gap_end_ns": max_gap_end,
        "first_ns": first, "last_ns": last}))
    return 0 if got else 1


def cmd_source(a):
    chunk = a.chunk or (4096 if a.rate else 65536)
    data = bytes(chunk)
    s = socket.create_connection((a.addr, a.port), timeout=30)
    s.settimeout(60)
    start = time.monotonic()
    end = start + a.duration
    sent = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if a.rate:
            ahead = (sent + chunk) / a.rate - (now - start)
            if ahead > 0:
                time.sleep(ahead)
            elif ahead < -0.1:	# after a stall: no burst to catch up
                start -= ahead + 0.1
        s.sendall(data)
        sent += chunk
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    print(json.dumps({"bytes": sent, "seconds": round(time.monotonic() - start, 6)}))
    return 0


def cmd_gaps(a):
    wins = [tuple(map(int, w.split(":"))) for w in a.windows]
    best = [(0, 0)] * len(wins)
    with open(a.file) as f:
        for line in f:
            e, d = map(int, line.split())
            for i, (lo, hi) in enumerate(wins):
                if e >= lo and e - d <= hi and d > best[i][0]:
                    best[i] = (d, e)
    print(" ".join(f"{d / 1000:.1f} {(e - d - lo) / 1000 if d else 0:.1f}"
                   for (d, e), (lo, _) in zip(best, wins)))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("sink")
    k.add_argument("addr")
    k.add_argument("port", type=int)
    k.add_argument("--gaps")
    k.add_argument("--gap-min-us", type=int, default=200)
    k.add_argument("--ready")
    s = sub.add_parser("source")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("--duration", type=float, required=True)
    s.add_argument("--rate", type=float, default=0)
    s.add_argument("--chunk", type=int, default=0)
    g = sub.add_parser("gaps")
    g.add_argument("file")
    g.add_argument("windows", nargs="+", metavar="LO_NS:HI_NS")
    a = p.parse_args()
    return {"sink": cmd_sink, "source": cmd_source, "gaps": cmd_gaps}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
