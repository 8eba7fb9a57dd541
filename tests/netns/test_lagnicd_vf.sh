#!/bin/bash
# VFs between two lagnicd hosts joined by two veth links, in active-backup
# and balance-xor: each host gets VFs (TAPs) that are moved into their own
# namespaces (containers) and keep working there. Checked: ping and a TCP
# stream VF to VF across the LAG, a link cut mid-stream that the stream
# survives; VF to VF on one host stays local (the members send nothing); a
# frame a VF sends with a forged source MAC is dropped and counted; a VF's
# max_tx_rate holds a TCP stream within 5%.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lvf$$
. "$(dirname "$0")/lagnicd_lib.sh"

# containers: c0 (VF 0 of h0), c1 (VF 0 of h1), c2 (VF 1 of h0)
CTS=("$TB-c0" "$TB-c1" "$TB-c2")

ct_down() {
	local ns
	for ns in "${CTS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}

# lagnicd goes first (its TAPs go with it), then the containers
vf_cleanup() {
	local rc=$?
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	ct_down
	(exit "$rc")
	tb_cleanup
}
trap vf_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"

inct() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ct_up HOST IFNAME NS ADDR: the VF's TAP into NS, addressed, up
ct_up() {
	local h=$1 ifname=$2 ns=$3 addr=$4
	ip netns add "$ns"
	inct "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	inct "$ns" ip link set lo up
	inns "$h" ip link set "$ifname" netns "$ns"
	inct "$ns" ip addr add "$addr" dev "$ifname"
	inct "$ns" ip link set "$ifname" up
}

carrier_up() {
	inct "$1" ip -br link show "$2" | grep -q LOWER_UP
}

carrier_down() {
	! carrier_up "$@"
}

# vf_counter HOST VF KEY: functions.vfN.KEY of `lagnicctl -j counters`
vf_counter() {
	ctl "$1" -j counters | python3 -c '
import json, sys
c = json.load(sys.stdin)["functions"]["vf" + sys.argv[1]]
for k in sys.argv[2].split("."):
    c = c[k]
print(c)' "$2" "$3"
}

# members_tx HOST: frames all members sent
members_tx() {
	ctl "$1" -j counters | python3 -c '
import json, sys
print(sum(p["counters"]["tx_packets"]
          for p in json.load(sys.stdin)["ports"].values()))'
}

# a paced transfer c0 -> c1 (10.88.0.11); h0's eth0 is cut once 2 MiB
# have arrived; the transfer must still be running then and end intact
vf_tcp_cut() {
	local total=12000000 at
	rm -f "$LOGDIR/progress"
	bg inct "${CTS[1]}" python3 "$SRC/tests/netns/tcp_sink.py" 10.88.0.11 \
		5001 "$total" "$LOGDIR/progress" >"$LOGDIR/sink.out" 2>&1
	local sink=$BG_PID
	wait_for 10 inct "${CTS[1]}" sh -c "ss -ltn | grep -q :5001" ||
		fail "tcp sink did not listen"
	bg inct "${CTS[0]}" python3 "$SRC/tests/netns/tcp_source.py" \
		10.88.0.11 5001 "$total" 4000000 >"$LOGDIR/source.out" 2>&1
	local source=$BG_PID
	wait_for 10 test -s "$LOGDIR/progress" ||
		fail "$mode: no progress before the cut"
	wait_for 10 sh -c "[ \$(cat $LOGDIR/progress) -ge 2097152 ]" ||
		fail "$mode: transfer stalled before the cut"
	inns h0 ip link set eth0 down
	at=$(cat "$LOGDIR/progress")
	[ "$at" -lt "$total" ] || fail "$mode: transfer ended before the cut"
	note "cut eth0 at $at of $total bytes"
	wait "$source" || fail "$mode: tcp source: $(cat "$LOGDIR/source.out")"
	wait "$sink" || fail "$mode: tcp sink: $(cat "$LOGDIR/sink.out")"
}

# An unpaced TCP stream c2 -> c1 with VF 1's max_tx_rate at 40 Mbit/s:
# what reaches c1's VF over 4 s of it (measured in c1, in one process) is
# within 5% of the rate.
rate_check() {
	local total=40000000
	ctl h0 vf set 1 max_tx_rate 40
	bg inct "${CTS[1]}" python3 "$SRC/tests/netns/tcp_sink.py" 10.88.0.11 \
		5002 "$total" >"$LOGDIR/sink2.out" 2>&1
	local sink=$BG_PID
	wait_for 10 inct "${CTS[1]}" sh -c "ss -ltn | grep -q :5002" ||
		fail "tcp sink did not listen"
	bg inct "${CTS[2]}" python3 "$SRC/tests/netns/tcp_source.py" \
		10.88.0.11 5002 "$total" >"$LOGDIR/source2.out" 2>&1
	local source=$BG_PID
	inct "${CTS[1]}" python3 -c '
import sys, time
def rx():
    with open("/sys/class/net/lagvf0/statistics/rx_bytes") as f:
        return int(f.read())
time.sleep(1.5)         # the stream at its rate: then a window to measure
b0, t0 = rx(), time.monotonic()
time.sleep(4)
b1, t1 = rx(), time.monotonic()
rate = (b1 - b0) * 8 / (t1 - t0) / 1e6
print(f"# max_tx_rate 40 Mbit/s: {rate:.2f} Mbit/s over {t1 - t0:.2f} s")
sys.exit(0 if abs(rate - 40) <= 2 else 1)' ||
		fail "$mode: max_tx_rate not held"
	wait "$source" || fail "$mode: tcp source: $(cat "$LOGDIR/source2.out")"
	wait "$sink" || fail "$mode: tcp sink: $(cat "$LOGDIR/sink2.out")"
	ctl h0 vf set 1 max_tx_rate 0
}

spoofs_counted() {
	[ "$(vf_counter h0 0 drops.mac_spoof)" -ge "$1" ]
}

# A frame from c0's VF with a source MAC that is not the VF's.
send_spoofed() {
	inct "${CTS[0]}" python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("lagvf0", 0))
frame = bytes.fromhex("ffffffffffff" "02dead000001" "88b5") + bytes(50)
for _ in range(3):
    s.send(frame)'
}

for mode in active-backup balance-xor; do
	note "mode $mode over $BACKEND"
	"$TESTBED" pair "$TB" 2
	for h in h0 h1; do
		start_lagnicd "$h" -b "$BACKEND" -o "mode=$mode" -o miimon=100 \
			-p eth0 -p eth1
	done
	ctl h0 vf add 0 mac 02:aa:00:00:00:10
	ctl h0 vf add 1 mac 02:aa:00:00:00:12 max_tx_rate 0
	ctl h1 vf add 0 mac 02:aa:00:00:00:11 name lagvf0
	ctl h0 vf add 0 2>/dev/null && fail "a second VF 0 was accepted"
	ctl h0 vf set 7 trust on 2>/dev/null && fail "vf set of no VF worked"
	ct_up h0 lagvf0 "${CTS[0]}" 10.88.0.10/24
	ct_up h1 lagvf0 "${CTS[1]}" 10.88.0.11/24
	ct_up h0 lagvf1 "${CTS[2]}" 10.88.0.12/24
	# lagnicd still reaches the TAPs it no longer sees
	ctl h0 show | grep -q "name lagvf1" || fail "$mode: show lists no VF"
	for ct in 0 1 2; do
		wait_for 5 carrier_up "${CTS[$ct]}" \
			"lagvf$([ "$ct" = 2 ] && echo 1 || echo 0)" ||
			fail "$mode: the VF in ${CTS[$ct]} has no carrier"
	done

	inct "${CTS[0]}" ping -c 3 -i 0.2 -W 2 10.88.0.11 >/dev/null ||
		fail "$mode: no ping VF to VF across the LAG"

	# one host: VF to VF stays local (ARP resolved first, it floods)
	inct "${CTS[0]}" ping -c 1 -W 2 10.88.0.12 >/dev/null ||
		fail "$mode: no ping VF to VF on one host"
	tx0=$(members_tx h0)
	inct "${CTS[0]}" ping -c 20 -i 0.05 -W 2 10.88.0.12 >/dev/null ||
		fail "$mode: local pings lost"
	tx1=$(members_tx h0)
	[ "$tx1" -eq "$tx0" ] ||
		fail "$mode: local VF to VF traffic left on the members" \
		    "($tx0 -> $tx1 frames)"
	[ "$(vf_counter h0 1 rx_packets)" -ge 20 ] ||
		fail "$mode: VF 1 did not count what it received"

	spoof0=$(vf_counter h0 0 drops.mac_spoof)
	send_spoofed
	wait_for 5 spoofs_counted $((spoof0 + 3)) ||
		fail "$mode: spoofed frames were not counted"

	[ "$mode" = active-backup ] && rate_check
	vf_tcp_cut
	inct "${CTS[0]}" ping -c 3 -i 0.2 -W 2 10.88.0.11 >/dev/null ||
		fail "$mode: no ping after eth0 was cut"
	# a VF's MAC set by the host while its TAP is in another namespace
	ctl h0 vf set 1 mac 02:aa:00:00:00:13
	inct "${CTS[2]}" ip link show lagvf1 | grep -q 02:aa:00:00:00:13 ||
		fail "$mode: VF 1's TAP did not take its new MAC"
	inns h0 ip link set eth1 down
	wait_for 5 carrier_down "${CTS[0]}" lagvf0 ||
		fail "$mode: the VF kept its carrier with every link down"
	"$TESTBED" down "$TB"
	ct_down
done
echo "ok"
