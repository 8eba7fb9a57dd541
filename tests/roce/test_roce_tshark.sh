#!/bin/sh
# Our RoCEv2 frames against implementations we did not write: one frame
# of every opcode we support, IPv4 and IPv6 (roce_gen_pcap), decoded by
# Wireshark (../shared/peers/tshark-check.sh roce) and ICRC-checked by
# ../shared/peers/roce_pcap.py --verify. Every field tshark decodes must
# be the one we built: opcode and its name, QPN, PSN, PadCnt, AckReq,
# RETH, AETH, AtomicETH, AtomicAckETH, DETH, ImmDt, IETH.
#
# Environment: ROCE_GEN_PCAP (the generator), PEERS (../shared/peers).
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$SRC/../shared/peers}
GEN=${ROCE_GEN_PCAP:?set ROCE_GEN_PCAP to the roce_gen_pcap binary}

fail() { echo "test_roce_tshark: FAIL: $*" >&2; exit 1; }

[ -x "$PEERS/tshark-check.sh" ] || fail "no $PEERS/tshark-check.sh"
[ -f "$PEERS/roce_pcap.py" ] || fail "no $PEERS/roce_pcap.py"
command -v tshark >/dev/null || fail "tshark is not installed (scripts/install-deps.sh)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pcap=$work/ours.pcap
"$GEN" "$pcap" >"$work/expect.txt" || fail "roce_gen_pcap"
frames=$(awk '$2 == "name"' "$work/expect.txt" | wc -l)
[ "$frames" -gt 0 ] || fail "no frames generated"

# 1. the peers' own check: Wireshark decode + roce_pcap.py's ICRC
CACHE=$work/cache "$PEERS/tshark-check.sh" roce "$pcap" >"$work/check.txt" 2>&1 ||
	fail "tshark-check.sh roce: $(tail -5 "$work/check.txt")"
ok=$(grep -c ' OK$' "$work/check.txt" || true)
bad=$(grep -c ' BAD$' "$work/check.txt" || true)
[ "$ok" -eq "$frames" ] && [ "$bad" -eq 0 ] ||
	fail "tshark-check.sh: $ok ICRCs OK, $bad BAD of $frames frames"
# tshark decoded each frame as RRoCE
rroce=$(grep -c 'RRoCE' "$work/check.txt" || true)
[ "$rroce" -ge "$frames" ] || fail "tshark saw $rroce RRoCE frames of $frames"

# 2. the independent ICRC checker on its own, by exit status too
python3 "$PEERS/roce_pcap.py" --verify "$pcap" >"$work/verify.txt" ||
	fail "roce_pcap.py --verify: $(grep BAD "$work/verify.txt" | head -3)"
[ "$(grep -c ' OK$' "$work/verify.txt")" -eq "$frames" ] ||
	fail "roce_pcap.py --verify did not check every frame"

# 3. every field we built, as tshark decodes it
fields=$(awk '$2 != "name" { print $2 }' "$work/expect.txt" | sort -u)
set -- -e frame.number -e _ws.col.Info
for f in $fields; do set -- "$@" -e "$f"; done
tshark -r "$pcap" -T fields -E header=y -E separator='|' -E occurrence=f \
	"$@" >"$work/fields.txt" 2>/dev/null || fail "tshark -T fields"

python3 - "$work/expect.txt" "$work/fields.txt" <<'EOF' || fail "decoded fields differ (above)"
import re, sys

expect = {}
for line in open(sys.argv[1]):
    no, field, value = line.split()
    expect.setdefault(int(no), {})[field] = value

rows = [l.rstrip("\n").split("|") for l in open(sys.argv[2])]
head, rows = rows[0], rows[1:]
errors = checked = 0

# ImmDt and IETH are byte fields to Wireshark: hex digits, no 0x
BYTES = ("infiniband.immdt", "infiniband.ieth")

def num(field, s):
    s = s.strip()
    if s in ("True", "False"):
        return int(s == "True")
    if field in BYTES:
        return int(s.replace(":", ""), 16)
    return int(s, 0)

def norm(name):
    # ours RC_SEND_LAST_WITH_IMMEDIATE, Wireshark "RC Send Last Immediate"
    return re.sub(r"\s+", "_", name.strip()).upper().replace("WITH_", "")

for row in rows:
    got = dict(zip(head, row))
    no = int(got["frame.number"])
    want = expect.pop(no, None)
    if want is None:
        print("frame %d: not generated" % no); errors += 1; continue
    info = re.sub(r"\s*QP=.*$", "", got["_ws.col.Info"])
    if norm(info) != norm(want.pop("name")):
        print("frame %d: tshark says '%s'" % (no, info)); errors += 1
    for field, value in want.items():
        checked += 1
        if got.get(field, "") == "" or num(field, got[field]) != int(value):
            print("frame %d: %s: built %s, tshark '%s'" %
                  (no, field, value, got.get(field)))
            errors += 1
if expect:
    print("frames not decoded: %s" % sorted(expect)); errors += 1
print("test_roce_tshark: %d frames, %d fields checked, %d errors" %
      (len(rows), checked, errors))
sys.exit(1 if errors else 0)
EOF
echo "test_roce_tshark: $frames frames: tshark-check.sh $ok ICRC OK, roce_pcap.py --verify OK, fields match"
