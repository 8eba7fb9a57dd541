#!/bin/bash
# Interop with an LACP implementation we did not write: two lagnicd hosts
# (802.3ad, fast) each with two links to an Open vSwitch switch (userspace
# datapath, one LACP bond per host, balance-tcp). LACP must reach
# collecting/distributing on both sides of all four links; ping and a TCP
# stream cross lag0 to lag0; a link is cut mid-stream and the stream
# finishes intact.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afxdp}
TB=lovs$$
. "$(dirname "$0")/lagnicd_lib.sh"
PEERS=${PEERS:-$SRC/../shared/peers}
OVS=$PEERS/ovs-lacp-switch.sh

ovs_cleanup() {
	[ -x "$OVS" ] && "$OVS" "$TB-sw" - - stop >/dev/null 2>&1 || true
	tb_cleanup
}
trap ovs_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$OVS" ] || fail "no Open vSwitch starter at $OVS"
command -v ovs-vswitchd >/dev/null || fail "openvswitch-switch is not installed"

"$TESTBED" star "$TB" 2 2 none
export CACHE=$LOGDIR/ovs
for j in 0 1; do
	BOND=bond$j BOND_MODE=balance-tcp LACP=active LACP_TIME=fast \
		"$OVS" "$TB-sw" "h${j}p0" "h${j}p1" >/dev/null 2>&1 ||
		fail "Open vSwitch did not start"
done
for h in h0 h1; do
	start_lagnicd "$h" -b "$BACKEND" -o mode=802.3ad -o lacp_rate=fast \
		-o xmit_hash_policy=layer3+4 -p eth0 -p eth1
done

lagnic_in_sync() {
	ctl "$1" -j show | python3 -c '
import json, sys
d = json.load(sys.stdin)
ok = len(d["members"]) == 2 and all(
    m["distributing"] and m["lacp"]["mux"] == "collecting_distributing" and
    "synchronization" in m["lacp"]["partner"]["state"]
    for m in d["members"])
sys.exit(0 if ok else 1)'
}

# every member of the switch's bond for host j negotiated and enabled
ovs_in_sync() {
	local out
	out=$("$OVS" "$TB-sw" - - appctl bond/show "bond$1" 2>/dev/null)
	echo "$out" >"$LOGDIR/ovs-bond$1.txt"
	grep -q "lacp_status: negotiated" <<<"$out" &&
		[ "$(grep -c "^member .*: enabled" <<<"$out")" -eq 2 ]
}

for h in h0 h1; do
	wait_for 20 lagnic_in_sync "$h" || fail "lagnicd in $h: LACP not in sync"
done
for j in 0 1; do
	wait_for 20 ovs_in_sync "$j" ||
		fail "OVS bond$j not negotiated: $(cat "$LOGDIR/ovs-bond$j.txt")"
done
note "LACP collecting/distributing on all four links, both sides"

ip_up h0 10.78.0.1/24
ip_up h1 10.78.0.2/24
inns h0 ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "no ping through OVS"

total=12000000
rm -f "$LOGDIR/progress"
bg inns h1 python3 "$SRC/tests/netns/tcp_sink.py" 10.78.0.2 5001 "$total" \
	"$LOGDIR/progress" >"$LOGDIR/sink.out" 2>&1
sink=$BG_PID
wait_for 5 inns h1 sh -c "ss -ltn | grep -q :5001" || fail "sink did not listen"
bg inns h0 python3 "$SRC/tests/netns/tcp_source.py" 10.78.0.2 5001 "$total" \
	4000000 >"$LOGDIR/source.out" 2>&1
source=$BG_PID
wait_for 10 sh -c "[ -s $LOGDIR/progress ] && [ \$(cat $LOGDIR/progress) -ge 2097152 ]" ||
	fail "the stream did not start"
inns h0 ip link set eth0 down
at=$(cat "$LOGDIR/progress")
[ "$at" -lt "$total" ] || fail "stream ended before the cut"
note "cut h0 eth0 at $at of $total bytes"
wait "$source" || fail "tcp source: $(cat "$LOGDIR/source.out")"
wait "$sink" || fail "tcp sink: $(cat "$LOGDIR/sink.out")"
inns h0 ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "no ping after the cut"
echo ok
