#!/usr/bin/env python3
"""Known-good frames for the net/ tests and fuzz seeds, built with Python's
struct module and an RFC 1071 checksum written here, independently of the C
code under test.

  gen_corpus.py corpus DIR   write DIR/parse_frame/seed-* and DIR/slow/seed-*
  gen_corpus.py c [NAME...]  print C arrays (all frames, or the ones named)
"""
import ipaddress
import os
import struct
import sys

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
BCAST = b"\xff" * 6
SLOW_MAC = bytes.fromhex("0180c2000002")
V4_A, V4_B = "192.0.2.1", "192.0.2.2"
V6_A, V6_B = "2001:db8::1", "2001:db8::2"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def v4(a):
    return ipaddress.IPv4Address(a).packed


def v6(a):
    return ipaddress.IPv6Address(a).packed


def eth(dst, src, ethertype, tags=()):
    """tags: (tpid, pcp, vid) outermost first"""
    h = dst + src
    for tpid, pcp, vid in tags:
        h += struct.pack("!HH", tpid, pcp << 13 | vid)
    return h + struct.pack("!H", ethertype)


def ipv4(src, dst, proto, payload, ident=0x1234, flags_off=0x4000, ttl=64,
         options=b""):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 4 << 4 | ihl, 0, ihl * 4 + len(payload),
                    ident, flags_off, ttl, proto, 0, v4(src), v4(dst)) + options
    c = csum(h)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def ipv6(src, dst, nh, payload, tc=0, flow=0, hop=64):
    return struct.pack("!IHBB16s16s", 6 << 28 | tc << 20 | flow, len(payload),
                       nh, hop, v6(src), v6(dst)) + payload


def udp(sport, dport, payload, pseudo):
    """pseudo(length) gives the pseudo-header bytes"""
    n = 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, n, 0) + payload
    c = csum(pseudo(n) + h) or 0xFFFF
    return h[:6] + struct.pack("!H", c) + h[8:]


def pseudo4(src, dst, proto):
    return lambda n: v4(src) + v4(dst) + struct.pack("!BBH", 0, proto, n)


def pseudo6(src, dst, nh):
    return lambda n: v6(src) + v6(dst) + struct.pack("!IxxxB", n, nh)


def pad(frame, n=60):
    return frame + b"\0" * max(0, n - len(frame))


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, v4(spa),
                       tha, v4(tpa))


def lacp_info(tlv_type, prio, system, key, port_prio, port, state):
    return struct.pack("!BBH6sHHHB3x", tlv_type, 20, prio, system, key,
                       port_prio, port, state)


def lacpdu(version=1):
    return (struct.pack("!BB", 1, version)
            + lacp_info(1, 0x8000, MAC_A, 0x000D, 0x00FF, 0x0002, 0x3D)
            + lacp_info(2, 0x007F, bytes.fromhex("0200000000aa"), 0x0021,
                        0x0080, 0x0105, 0x0F)
            + struct.pack("!BBH12x", 3, 16, 0x0005)
            + struct.pack("!BB50x", 0, 0))


def marker(tlv_type):
    return (struct.pack("!BBBBH6sI2x", 2, 1, tlv_type, 16, 7, MAC_A,
                        0xDEADBEEF) + struct.pack("!BB90x", 0, 0))


def frames():
    f = {}
    f["arp_request"] = eth(BCAST, MAC_A, 0x0806) + arp(
        1, MAC_A, V4_A, b"\0" * 6, V4_B)
    f["garp"] = pad(eth(BCAST, MAC_A, 0x0806) + arp(
        1, MAC_A, V4_A, b"\0" * 6, V4_A))
    f["garp_vlan"] = pad(eth(BCAST, MAC_A, 0x0806, [(0x8100, 3, 100)]) + arp(
        1, MAC_A, V4_A, b"\0" * 6, V4_A))
    # RoCEv2-like datagram, frame padded to 60 beyond the IP length
    u = udp(49152, 4791, b"\x64\x00\xff\xff", pseudo4(V4_A, V4_B, 17))
    f["udp4_rocev2"] = pad(eth(MAC_B, MAC_A, 0x0800) + ipv4(V4_A, V4_B, 17, u))
    # IPv6 behind a C-tag, hop-by-hop and destination options (PadN)
    u = udp(1234, 4791, b"hello v6", pseudo6(V6_A, V6_B, 17))
    ext = bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([17, 0, 1, 4, 0, 0, 0, 0])
    f["udp6_vlan_ext"] = eth(MAC_B, MAC_A, 0x86DD, [(0x8100, 5, 10)]) + ipv6(
        V6_A, V6_B, 0, ext + u, flow=0x12345)
    # QinQ, IPv4 with 4 bytes of NOP options, TCP
    tcp = struct.pack("!HHIIBBHHH", 80, 40000, 1, 2, 5 << 4, 0x10, 1024, 0, 0)
    f["qinq_tcp4"] = eth(MAC_B, MAC_A, 0x0800,
                         [(0x88A8, 1, 200), (0x8100, 2, 300)]) + ipv4(
        V4_A, V4_B, 6, tcp + b"abc", options=b"\x01" * 4)
    # first fragment: the UDP length covers 1000 bytes of data to come
    u = struct.pack("!HHHH", 5000, 4791, 1008, 0) + bytes(range(16))
    f["frag4_first"] = eth(MAC_B, MAC_A, 0x0800) + ipv4(
        V4_A, V4_B, 17, u, flags_off=0x2000)
    f["frag4_later"] = eth(MAC_B, MAC_A, 0x0800) + ipv4(
        V4_A, V4_B, 17, bytes(range(16)), flags_off=0x2003)
    fh = struct.pack("!BxHI", 17, 2 << 3 | 1, 0xABCD)
    f["frag6_later"] = eth(MAC_B, MAC_A, 0x86DD) + ipv6(
        V6_A, V6_B, 44, fh + bytes(range(16)))
    f["lacpdu"] = eth(SLOW_MAC, MAC_A, 0x8809) + lacpdu()
    f["marker_info"] = eth(SLOW_MAC, MAC_A, 0x8809) + marker(1)
    na = struct.pack("!BBHI16sBB6s", 136, 0, 0, 0x20000000, v6(V6_A), 2, 1,
                     MAC_A)
    c = csum(pseudo6(V6_A, "ff02::1", 58)(len(na)) + na)
    na = na[:2] + struct.pack("!H", c) + na[4:]
    f["unsol_na"] = eth(bytes.fromhex("333300000001"), MAC_A, 0x86DD) + ipv6(
        V6_A, "ff02::1", 58, na, hop=255)
    return f


def slow_pdus():
    return {"lacpdu": lacpdu(), "lacpdu_v2": lacpdu(2)[:-52] + bytes(
        [4, 6, 0, 0, 0, 5]) + b"\0" * 46, "marker_info": marker(1),
        "marker_response": marker(2)}


def c_array(name, data):
    out = ["static const uint8_t %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        out.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    out.append("};")
    return "\n".join(out)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "corpus":
        for sub, items in (("parse_frame", frames()), ("slow", slow_pdus())):
            d = os.path.join(sys.argv[2], sub)
            os.makedirs(d, exist_ok=True)
            for name, data in items.items():
                with open(os.path.join(d, "seed-" + name), "wb") as fp:
                    fp.write(data)
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "c":
        f = frames()
        for name in sys.argv[2:] or f:
            print(c_array(name, f[name]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
