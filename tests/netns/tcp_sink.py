#!/usr/bin/env python3
"""tcp_sink.py ADDR PORT BYTES [PROGRESS_FILE]: accept one connection, read
BYTES of the pattern tcp_source.py sends, check every byte, exit 0 if all
arrived. With PROGRESS_FILE, write the bytes received so far to it after
every MiB (so a test can act mid-stream)."""
import os
import socket
import sys


_PERIOD = bytes(i * 7 % 251 for i in range(251)) * 263  # > 64 KiB + 251


def pattern(offset, n):
    """n bytes of the stream from offset: byte k is k * 7 % 251."""
    start = offset % 251
    return _PERIOD[start:start + n]


def main():
    addr, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    progress = sys.argv[4] if len(sys.argv) > 4 else None
    next_mark = 1 << 20
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    conn.settimeout(30)
    got = 0
    while got < total:
        chunk = conn.recv(65536)
        if not chunk:
            break
        if chunk != pattern(got, len(chunk)):
            print(f"corrupt data at offset {got}")
            return 1
        got += len(chunk)
        if progress and got >= next_mark:
            with open(progress + ".tmp", "w") as f:
                f.write(str(got))
            os.replace(progress + ".tmp", progress)
            next_mark += 1 << 20
    if got != total:
        print(f"short: {got} of {total} bytes")
        return 1
    conn.sendall(b"ok")
    return 0


sys.exit(main())
