#!/usr/bin/env python3
"""Seed corpus of the RoCEv2 fuzz target (tests/fuzz/fuzz_roce.c), cut
from the real Soft-RoCE frames in the vectors directory: the first frame
of each (IP version, opcode) pair, and one 58-byte frame padded to 60
bytes as a NIC would send it.

  gen_fuzz_corpus.py [VECTORS_DIR [OUT_DIR]]
      defaults: <source root>/../shared/vectors, tests/fuzz/corpus/roce
"""
import glob
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


def pcap_frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def bth_opcode(frame):
    """(ip version, opcode) of an untagged RoCEv2 frame, else None."""
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800:
        udp = 14 + (frame[14] & 15) * 4
    elif et == 0x86DD:
        udp = 14 + 40
    else:
        return None
    if struct.unpack("!H", frame[udp + 2:udp + 4])[0] != 4791:
        return None
    return (4 if et == 0x0800 else 6), frame[udp + 8]


def main():
    vectors = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "vectors")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        ROOT, "tests", "fuzz", "corpus", "roce")
    files = sorted(glob.glob(os.path.join(vectors, "*.pcap")))
    if not files:
        print("gen_fuzz_corpus: no pcaps in %s" % vectors, file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    seen, padded = set(), False
    for path in files:
        name = os.path.basename(path)[:-5]
        for no, frame in enumerate(pcap_frames(path), 1):
            key = bth_opcode(frame)
            if key is None:
                continue
            if len(frame) < 60 and not padded:
                padded = True
                with open(os.path.join(out, "seed-padded60-%s-%d" % (
                        name, no)), "wb") as fp:
                    fp.write(frame + b"\0" * (60 - len(frame)))
            if key in seen:
                continue
            seen.add(key)
            with open(os.path.join(out, "seed-v%d-op%02x-%s-%d" % (
                    key[0], key[1], name, no)), "wb") as fp:
                fp.write(frame)
    print("gen_fuzz_corpus: %d seeds in %s" % (len(seen) + padded, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
