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

# every member of the switch's bond for host j negotiated and enabled
ovs_in_sync() {
	local out
	out=$("$OVS" "$TB-sw" - - appctl bond/show "bond$1" 2>/dev/null)
	echo "$out" >"$LOGDIR/ovs-bond$1.txt"
	grep -q "lacp_status: negotiated" <<<"$out" &&
		[ "$(grep -c "^member .*: enabled" <<<"$out")" -eq 2 ]
}

for h in h0 h1; do
	wait_for 20 lacp_in_sync "$h" || fail "lagnicd in $h: LACP not in sync"
done
for j in 0 1; do
	wait_for 20 ovs_in_sync "$j" ||
		fail "OVS bond$j not negotiated: $(cat "$LOGDIR/ovs-bond$j.txt")"
done
note "LACP collecting/distributing on all four links, both sides"

ip_up h0 10.78.0.1/24
ip_up h1 10.78.0.2/24
inns h0 ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "no ping through OVS"

tcp_cut_midstream 10.78.0.2 eth0
inns h0 ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "no ping after the cut"
echo ok
