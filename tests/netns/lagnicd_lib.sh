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
		"$LAGNICD" -s "$LOGDIR/$h.sock" "$@" >/dev/null
	wait_for 10 inns "$h" ip link show lag0 ||
		fail "lagnicd in $h did not create lag0"
}

ctl() { local h=$1; shift; inns "$h" "$LAGNICCTL" -s "$LOGDIR/$h.sock" "$@"; }

# lag0 up with an address: ip_up HOST ADDR/LEN
ip_up() {
	inns "$1" ip addr add "$2" dev lag0
	inns "$1" ip link set lag0 up
}
