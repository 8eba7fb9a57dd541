#!/bin/bash
# test_lagnicd_tap.sh - the PF TAP (lag0) both ways: h0's lagnicd reads and
# writes lag0 through io_uring batches, h1's through one read()/write() a
# frame (LAGNIC_TAP_NO_URING, what it falls back to without io_uring), so
# each direction crosses both paths. Checks:
#   - each lagnicd's log says which path it took;
#   - paced test frames both ways at once (64 flows, 64 B and 1500 B):
#     no frame reordered or duplicated within a flow, none lost beyond
#     what the sender's lag0 refused (its queue full: the sender offers
#     such a frame again, so this bound is loose);
#   - two TCP transfers at once, h0 -> h1 and h1 -> h0, every byte
#     checked;
#   - both lagnicd idle afterwards (the TAP's fd still puts the loop to
#     sleep).
# Env: BUILD, LAGNICD, LAGNICCTL, PORTPERF, LAGNIC_TESTBED; BACKEND
# (afxdp by default), RATE (frames/s each way, 10000).
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
PORTPERF=${PORTPERF:-$BUILD/src/tools/lagnic-portperf}
BACKEND=${BACKEND:-afxdp}
RATE=${RATE:-10000}
DUR=4
TB=ltap$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"
[ -x "$PORTPERF" ] || fail "no $PORTPERF"
command -v jq >/dev/null || fail "needs jq"

"$TESTBED" pair "$TB" 2
args=(-b "$BACKEND" -o mode=balance-xor -o xmit_hash_policy=layer3+4
	-p eth0 -p eth1)
start_lagnicd h0 "${args[@]}"
LAGNICD_REAL=$LAGNICD
LAGNICD="env LAGNIC_TAP_NO_URING=1 $LAGNICD_REAL"
# word splitting wanted: env VAR=1 lagnicd ...
# shellcheck disable=SC2086
"$TESTBED" spawn "$TB" h1 "$LOGDIR/lagnicd-h1.log" $LAGNICD \
	-s "$LOGDIR/h1.sock" "${args[@]}" >"$LOGDIR/lagnicd-h1.pid"
LAGNICD=$LAGNICD_REAL
wait_for 10 inns h1 ip link show lag0 || fail "lagnicd in h1 did not create lag0"
ip_up h0 10.78.0.1/24
ip_up h1 10.78.0.2/24
for h in h0 h1; do
	wait_for 10 sh -c "$TESTBED exec $TB $h ip -br link show lag0 |
		grep -q LOWER_UP" || fail "lag0 in $h has no carrier"
done

note "which path each lagnicd took"
! grep -q "no io_uring" "$LOGDIR/lagnicd-h0.log" ||
	fail "h0: $(grep "no io_uring" "$LOGDIR/lagnicd-h0.log")"
grep -q "lag0: tap: no io_uring .*one read()/write() per frame" \
	"$LOGDIR/lagnicd-h1.log" || fail "h1 did not log its fallback"
note "h1: $(grep -o "no io_uring.*" "$LOGDIR/lagnicd-h1.log")"
wait_for 10 inns h0 ping -c 1 -W 1 10.78.0.2 || fail "no ping h0 -> h1"

# frames SIZE: a paced stream each way at once; order, duplicates, loss
frames() {
	local size=$1 h peer dst drops0 pid
	declare -A rx_pid drop0
	for h in h0 h1; do
		bg inns "$h" "$PORTPERF" rx --backend afpacket --if lag0 \
			--size "$size" --json --duration $((DUR + 15)) \
			>"$LOGDIR/rx-$h.json" 2>"$LOGDIR/rx-$h.log"
		rx_pid[$h]=$BG_PID
	done
	sleep 1		# the receivers open their sockets (no ready signal)
	pids=()
	for h in h0 h1; do
		peer=h1; [ "$h" = h1 ] && peer=h0
		dst=$(inns "$peer" cat /sys/class/net/lag0/address)
		drop0[$h]=$(inns "$h" cat /sys/class/net/lag0/statistics/tx_dropped)
		bg inns "$h" "$PORTPERF" tx --backend afpacket --if lag0 \
			--size "$size" --flows 64 --rate "$RATE" --dst "$dst" \
			--duration "$DUR" >"$LOGDIR/tx-$h.log" 2>&1
		pids+=("$BG_PID")
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || fail "sender failed: $(cat "$LOGDIR"/tx-*.log)"
	done
	for h in h0 h1; do
		peer=h1; [ "$h" = h1 ] && peer=h0
		wait "${rx_pid[$peer]}" ||
			fail "receiver in $peer: $(cat "$LOGDIR/rx-$peer.log")"
		drops0=$(( $(inns "$h" cat /sys/class/net/lag0/statistics/tx_dropped) - drop0[$h] ))
		jq -e --argjson drops "$drops0" --arg d "$h -> $peer" '
			"# \($d) \(.unique) frames: \(.duplicates) duplicated, " +
			"\(.reordered) reordered, \(.expected - .unique) lost " +
			"(the sender'"'"'s lag0 refused \($drops))\n" | halt_error(0)' \
			"$LOGDIR/rx-$peer.json" 2>&1 || true
		jq -e --argjson drops "$drops0" '.duplicates == 0 and
			.reordered == 0 and .end_seen and .unique > 0 and
			.expected - .unique <= $drops' "$LOGDIR/rx-$peer.json" \
			>/dev/null || fail "$h -> $peer, $size B: $(cat "$LOGDIR/rx-$peer.json")"
	done
}

note "test frames both ways, 64 B"
frames 64
note "test frames both ways, 1500 B"
frames 1500

note "TCP both ways at once, every byte checked"
total=8000000
for h in h0 h1; do
	addr=10.78.0.2; [ "$h" = h0 ] && addr=10.78.0.1
	bg inns "$h" python3 "$SRC/tests/netns/tcp_sink.py" "$addr" 5001 \
		"$total" >"$LOGDIR/sink-$h.out" 2>&1
	eval "sink_$h=\$BG_PID"
	wait_for 30 inns "$h" sh -c "ss -ltn | grep -q :5001" ||
		fail "tcp sink in $h did not listen"
done
bg inns h0 python3 "$SRC/tests/netns/tcp_source.py" 10.78.0.2 5001 \
	"$total" >"$LOGDIR/source-h0.out" 2>&1
src0=$BG_PID
bg inns h1 python3 "$SRC/tests/netns/tcp_source.py" 10.78.0.1 5001 \
	"$total" >"$LOGDIR/source-h1.out" 2>&1
src1=$BG_PID
# shellcheck disable=SC2154
for pid in "$src0" "$src1" "$sink_h0" "$sink_h1"; do
	wait "$pid" || fail "tcp: $(cat "$LOGDIR"/s*-h?.out)"
done

note "both lagnicd idle"
sleep 1
assert_idle h0
assert_idle h1
note "PASS"
