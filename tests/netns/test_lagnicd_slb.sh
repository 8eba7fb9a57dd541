#!/bin/bash
# balance-slb through a switch that knows nothing of the LAG (a Linux
# bridge): two lagnicd hosts with two links each into the bridge; every
# sender's MAC is learnt on one bridge port only, ping crosses once (no
# flooded duplicates taken), a TCP stream survives a cut link.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lslb$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"

# the bridge ports that learnt MAC: one line each
learnt_on() {
	inns sw bridge fdb show br br0 | grep -i "^$1 dev" | awk '{print $3}'
}

"$TESTBED" star "$TB" 2 2 bridge
for h in h0 h1; do
	start_lagnicd "$h" -b "$BACKEND" -o mode=balance-slb \
		-o rebalance_interval=500 -p eth0 -p eth1
done
ip_up h0 10.77.0.1/24
ip_up h1 10.77.0.2/24
wait_for 5 inns h0 sh -c "ip -br link show lag0 | grep -q LOWER_UP" ||
	fail "lag0 has no carrier"

out=$(inns h0 ping -c 5 -i 0.2 -W 2 10.77.0.2) || fail "no ping: $out"
! grep -q DUP <<<"$out" || fail "duplicate replies: $out"
for h in h0 h1; do
	mac=$(inns "$h" cat /sys/class/net/lag0/address)
	ports=$(learnt_on "$mac")
	[ "$(wc -l <<<"$ports")" -eq 1 ] && [ -n "$ports" ] ||
		fail "$h's MAC $mac learnt on '$ports' (want one port)"
	note "$h's MAC on bridge port $ports"
done

tcp_cut_midstream 10.77.0.2 eth0
out=$(inns h0 ping -c 3 -i 0.2 -W 2 10.77.0.2) || fail "no ping after the cut"
mac=$(inns h0 cat /sys/class/net/lag0/address)
[ "$(learnt_on "$mac")" = h0p1 ] ||
	fail "h0's MAC not on h0p1 after the cut: '$(learnt_on "$mac")'"
echo "ok"
