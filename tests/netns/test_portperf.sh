#!/bin/bash
# lagnic-portperf over veth: tx --count N from h0, rx in h1 must see exactly
# N distinct frames, no loss, no duplicates, no reordering, end marker seen;
# bad arguments exit 2. For each backend that opens here (one that does not
# exist yet is skipped; none at all: exit 77, meson's "skipped").
#
#   test_portperf.sh PATH_TO_LAGNIC_PORTPERF      (LAGNIC_TESTBED: testbed.sh)
#
# Exact counts are fair on veth: nothing else sends on the link, the rate
# is limited (20 kpps, far below what either backend carries here) and the
# rings (8192) hold 0.4 s of it: a receiver the machine's load holds off
# that long is still not made to drop.
set -euo pipefail

PORTPERF=${1:?usage: test_portperf.sh LAGNIC_PORTPERF}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TESTBED=${LAGNIC_TESTBED:-$ROOT/scripts/testbed.sh}
COUNT=20000
TB=lppt$$

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }
# shellcheck source=bench/portperf_lib.sh
source "$ROOT/bench/portperf_lib.sh"

WORK=$(mktemp -d /tmp/test_portperf.XXXXXX)
cleanup() { pp_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# expect_exit CODE CMD... : CMD must exit with CODE.
expect_exit() {
	local want=$1 got=0
	shift
	"$@" >/dev/null 2>&1 || got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, not $want"
}

expect_exit 2 "$PORTPERF" tx --backend afpacket
expect_exit 2 "$PORTPERF" rx --backend nope --if eth0
expect_exit 2 "$PORTPERF" tx --backend afxdp --if eth0 --count 5 --duration 1
expect_exit 0 "$PORTPERF" --help

"$TESTBED" pair "$TB" 1

# run BACKEND SIZE FLOWS : 0 pass (or failures counted), 3 backend missing.
run() {
	local backend=$1 size=$2 flows=$3 rx tx name
	local args=(--backend "$backend" --if eth0 --size "$size" --json)
	name="$backend size $size flows $flows"
	: >"$WORK/rx.log"
	pp_spawn h1 "$WORK/rx.log" "$PORTPERF" rx "${args[@]}" --duration 60
	if ! pp_wait_ready "$WORK/rx.log" "$PP_PID"; then
		pp_wait_exit "$PP_PID" 1 || true
		grep -q "Operation not supported" "$WORK/rx.log" && return 3
		fail "$name: rx did not start: $(grep -v '^lib' "$WORK/rx.log" | tail -1)"
		return 0
	fi
	if ! "$TESTBED" exec "$TB" h0 "$PORTPERF" tx "${args[@]}" --count "$COUNT" \
		--flows "$flows" --rate 20000 >"$WORK/tx.log" 2>&1; then
		fail "$name: tx failed: $(grep -v '^lib' "$WORK/tx.log" | tail -1)"
	fi
	pp_wait_exit "$PP_PID" 20 || fail "$name: rx did not stop after the end marker"
	tx=$(pp_json "$WORK/tx.log")
	rx=$(pp_json "$WORK/rx.log")
	[ "$(jq -r .frames <<<"$tx")" = "$COUNT" ] || fail "$name: tx sent $(jq -r .frames <<<"$tx")"
	if ! jq -e --argjson n "$COUNT" --argjson f "$flows" '.frames == $n and
		.unique == $n and .expected == $n and .loss == 0 and
		.duplicates == 0 and .reordered == 0 and .end_seen and
		.streams == $f and .bytes == $n * .size' <<<"$rx" >/dev/null; then
		fail "$name: rx report: $rx"
	else
		echo "ok: $name: $COUNT frames sent and received, none lost"
	fi
}

# --size larger than the link allows: refused as a bad argument
size_check() {
	expect_exit 2 "$TESTBED" exec "$TB" h0 "$PORTPERF" tx --backend "$1" \
		--if eth0 --size 1600 --count 1
}

ran=0
for backend in afpacket afxdp; do
	for sf in "64 1" "1500 4"; do
		st=0
		# shellcheck disable=SC2086
		run "$backend" $sf || st=$?
		if [ $st -eq 3 ]; then
			echo "skip: $backend: backend not there yet"
			break
		fi
		ran=$((ran + 1))
		[ "$backend" = afxdp ] && sleep 1.2	# AF_XDP re-bind needs ~1 s
	done
	[ "$st" -eq 3 ] || size_check "$backend"
	[ "$backend" = afxdp ] && sleep 1.2
done

[ $FAILS -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
[ $ran -gt 0 ] || { echo "SKIP: no backend opens"; exit 77; }
echo "PASS ($ran runs)"
