#!/usr/bin/env python3
"""tcp_source.py ADDR PORT BYTES [RATE]: send BYTES of a known pattern (at
most RATE bytes/s if given), then wait for the sink's "ok"."""
import socket
import sys
import time


_PERIOD = bytes(i * 7 % 251 for i in range(251)) * 263  # > 64 KiB + 251


def pattern(offset, n):
    """n bytes of the stream from offset: byte k is k * 7 % 251."""
    start = offset % 251
    return _PERIOD[start:start + n]


def main():
    addr, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rate = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    s = socket.create_connection((addr, port), timeout=30)
    sent = 0
    start = time.monotonic()
    while sent < total:
        n = min(65536, total - sent)
        s.sendall(pattern(sent, n))
        sent += n
        if rate:
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    s.shutdown(socket.SHUT_WR)
    if s.recv(2) != b"ok":
        print("sink did not confirm")
        return 1
    return 0


sys.exit(main())
