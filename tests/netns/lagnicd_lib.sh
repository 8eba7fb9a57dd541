# lagnicd_lib.sh - helpers for tests that run lagnicd on the netns test bed.
# Source it; set BUILD (meson build dir) and TB (testbed name) first.
# Everything started is recorded by the test bed and ended by tb_cleanup.

SRC=${SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TESTBED=${LAGNIC_TESTBED:-$SRC/scripts/testbed.sh}
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
LOGDIR=${LOGDIR:-$(mktemp -d /tmp/lagnic-test.XXXXXX)}

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

BG_PIDS=()
# bg CMD...: run CMD in the background; its PID is in BG_PID and is ended
# by tb_cleanup if it is still running.
bg() { "$@" & BG_PID=$!; BG_PIDS+=("$BG_PID"); }

tb_cleanup() {
	local rc=$? pid
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	if [ "$rc" -ne 0 ]; then
		for f in "$LOGDIR"/*.log; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
		done
	fi
	rm -rf "$LOGDIR"
	exit "$rc"
}

inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }

# wait_for SECONDS CMD... : until CMD succeeds, at most SECONDS (a bounded
# wait for a state, not a sleep standing in for one).
wait_for() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# start_lagnicd HOST ARGS... : lagnicd in HOST, control socket under LOGDIR.
start_lagnicd() {
	local h=$1; shift
	"$TESTBED" spawn "$TB" "$h" "$LOGDIR/lagnicd-$h.log" \
		"$LAGNICD" -s "$LOGDIR/$h.sock" "$@" >"$LOGDIR/lagnicd-$h.pid"
	wait_for 10 inns "$h" ip link show lag0 ||
		fail "lagnicd in $h did not create lag0"
}

# assert_idle HOST: HOST's lagnicd, with no traffic, used under 0.2 s of
# CPU in 2 s (a loop woken at once every round uses the whole core)
assert_idle() {
	local pid ticks hz a b
	pid=$(cat "$LOGDIR/lagnicd-$1.pid")
	hz=$(getconf CLK_TCK)
	ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
	a=$(ticks)
	sleep 2
	b=$(ticks)
	[ $((b - a)) -lt $((hz / 5)) ] ||
		fail "lagnicd in $1 busy while idle: $((b - a)) ticks in 2 s"
}

ctl() { local h=$1; shift; inns "$h" "$LAGNICCTL" -s "$LOGDIR/$h.sock" "$@"; }

# lag0 up with an address: ip_up HOST ADDR/LEN
ip_up() {
	inns "$1" ip addr add "$2" dev lag0
	inns "$1" ip link set lag0 up
}

# tcp_cut_midstream ADDR IF: a paced transfer h0 -> h1 (ADDR, on h1); cut
# IF in h0 once 2 MiB have arrived; the transfer must still be running then
# and end intact.
tcp_cut_midstream() {
	local addr=$1 cut=$2 total=12000000 at
	rm -f "$LOGDIR/progress"
	bg inns h1 python3 "$SRC/tests/netns/tcp_sink.py" "$addr" 5001 \
		"$total" "$LOGDIR/progress" >"$LOGDIR/sink.out" 2>&1
	local sink=$BG_PID
	wait_for 30 inns h1 sh -c "ss -ltn | grep -q :5001" ||
		fail "tcp sink did not listen"
	bg inns h0 python3 "$SRC/tests/netns/tcp_source.py" "$addr" 5001 \
		"$total" 4000000 >"$LOGDIR/source.out" 2>&1
	local source=$BG_PID
	wait_for 10 test -s "$LOGDIR/progress" ||
		fail "no progress before the cut"
	wait_for 10 sh -c "[ \$(cat $LOGDIR/progress) -ge 2097152 ]" ||
		fail "transfer stalled before the cut"
	inns h0 ip link set "$cut" down
	at=$(cat "$LOGDIR/progress")
	[ "$at" -lt "$total" ] || fail "transfer ended before the cut"
	note "cut $cut at $at of $total bytes"
	wait "$source" || fail "tcp source: $(cat "$LOGDIR/source.out")"
	wait "$sink" || fail "tcp sink: $(cat "$LOGDIR/sink.out")"
}

# lacp_in_sync HOST: every member collecting and distributing with its
# partner in sync (negotiated, not an individual port)
lacp_in_sync() {
	ctl "$1" -j show | python3 -c '
import json, sys
d = json.load(sys.stdin)
ok = len(d["members"]) == 2 and all(
    m["collecting"] and m["distributing"] and
    m["lacp"]["mux"] == "collecting_distributing" and
    "synchronization" in m["lacp"]["partner"]["state"]
    for m in d["members"])
sys.exit(0 if ok else 1)'
}
