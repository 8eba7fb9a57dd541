#!/bin/bash
# Two lagnicd hosts joined directly by two veth links, in every mode
# (802.3ad: the two lagnicd negotiate LACP with each other): lag0 gets
# carrier, ping and a TCP transfer cross, a link is cut mid-stream and
# traffic goes on over the other.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lmodes$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"

# tcp_check BYTES: a transfer h0 -> h1 over lag0, received intact
tcp_check() {
	local bytes=$1
	bg inns h1 python3 "$SRC/tests/netns/tcp_sink.py" 10.77.0.2 5001 \
		"$bytes" >"$LOGDIR/sink.out" 2>&1
	local sink=$BG_PID
	wait_for 30 inns h1 sh -c "ss -ltn | grep -q :5001" ||
		fail "tcp sink did not listen"
	inns h0 python3 "$SRC/tests/netns/tcp_source.py" 10.77.0.2 5001 "$bytes" ||
		fail "tcp source failed"
	wait "$sink" || fail "tcp sink: $(cat "$LOGDIR/sink.out")"
}

# ping_once WHAT: 3 pings h0 -> h1 over lag0, each answered once: a
# duplicate means a frame also reached a host stack through a member.
# (broadcast sends every frame on every link: duplicates are its nature,
# as with Linux bonding.)
ping_once() {
	local out
	out=$(inns h0 ping -c 3 -i 0.2 -W 2 10.77.0.2) ||
		fail "$mode: no ping $1"
	[ "$mode" = broadcast ] || ! grep -q DUP <<<"$out" ||
		fail "$mode: duplicate replies $1: $out"
}

# h1's address must resolve to h1's lag0 MAC, not to a member's: the
# members' host stack must not answer ARP (as a bonding slave's doesn't).
check_neigh() {
	local mac
	mac=$(inns h1 cat /sys/class/net/lag0/address)
	inns h0 ip neigh show 10.77.0.2 dev lag0 | grep -qi "lladdr $mac" ||
		fail "$mode: h0 resolved 10.77.0.2 to" \
		    "'$(inns h0 ip neigh show 10.77.0.2)', not h1's lag0 $mac"
}

MODES="balance-rr active-backup balance-xor broadcast 802.3ad"
for mode in $MODES; do
	note "mode $mode over $BACKEND"
	"$TESTBED" pair "$TB" 2
	extra=()
	[ "$mode" = 802.3ad ] && extra=(-o lacp_rate=fast -o xmit_hash_policy=layer3+4)
	for h in h0 h1; do
		start_lagnicd "$h" -b "$BACKEND" -o "mode=$mode" -o miimon=100 \
			"${extra[@]}" -p eth0 -p eth1
	done
	if [ "$mode" = 802.3ad ]; then
		for h in h0 h1; do
			wait_for 15 lacp_in_sync "$h" ||
				fail "802.3ad: LACP did not negotiate in $h"
		done
	fi
	ip_up h0 10.77.0.1/24
	ip_up h1 10.77.0.2/24
	wait_for 5 inns h0 sh -c "ip -br link show lag0 | grep -q LOWER_UP" ||
		fail "$mode: lag0 has no carrier"
	ping_once "over lag0"
	check_neigh
	tcp_check 2000000
	tcp_cut_midstream 10.77.0.2 eth0
	ping_once "after eth0 was cut"
	# a member's link down must not keep waking the loop
	assert_idle h0
	inns h0 ip link set eth1 down
	wait_for 5 inns h0 sh -c "ip -br link show lag0 | grep -vq LOWER_UP" ||
		fail "$mode: lag0 kept carrier with every link down"
	"$TESTBED" down "$TB"
done
echo "ok"
