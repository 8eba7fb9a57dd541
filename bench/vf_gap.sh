#!/bin/bash
# vf_gap.sh - the gap a VM sees in a TCP stream when the LAG member that
# carries it is cut: a stream from a VF in a container on host A to host B,
# timed at the receiver.
#
#   BUILD=build-vfb bench/vf_gap.sh [TRIALS]        (root; default 10)
#   env: MODES="active-backup balance-xor 802.3ad", BACKEND=afpacket|afxdp
#        (afpacket), RATE (bytes/s the source is paced to, 8000000),
#        HOLD_MS (how long a member stays cut, 2000), WIN_MS (1000, below)
#
# Testbed vbg<pid>: hosts h0 (A) and h1 (B) joined by eth0 and eth1;
# lagnicd in both over eth0+eth1 (MODE, miimon 100, xmit_hash_policy
# layer3+4; 802.3ad with lacp_rate=fast, the two lagnicd negotiate), A's
# VF 0 in container vbg<pid>-c0. Everything is removed on exit, also on
# failure or Ctrl-C; the processes it started are ended by their PID.
#
# Per mode: one TCP connection (bench/vf_stream.py) from the VF to B's PF
# lag0, paced to RATE in 4 KiB writes, for all the trials. A trial finds
# the member carrying the stream (the one of A's eth0/eth1 whose tx counter
# grew most over 300 ms), cuts it (ip -n NS link set DEV down, from the
# root namespace), holds it down HOLD_MS, brings it back, waits until
# lagnicd has it again (802.3ad: both sides in sync) and 1.5 s more.
# The receiver timestamps every recv() that returns data (CLOCK_MONOTONIC,
# Python); afterwards, per trial:
#   gap      the longest time between two consecutive arrivals that
#            overlaps [cut - 50 ms, cut + WIN_MS] (WIN_MS 1000: room for
#            TCP's 200 ms minimum RTO and one backoff): what the application saw
#   start    when that gap began, from the cut command's start (ms): a gap
#            that began well before or after the cut is noise, not failover
#   control  the same measure over a window of the same length that ends
#            150 ms before the cut, the stream undisturbed: this machine's
#            noise floor at that moment (scheduling, load)
#   restore  the same over the same length from the member's return
# Printed: median and max over the trials of each. Resolution: arrivals
# are about 4096/RATE s apart (0.5 ms at the default) and a Python
# receiver on a loaded 2-vCPU machine wakes late; gaps under 0.2 ms are
# not recorded (read as 0). The cut command itself (fork of ip) takes
# a few ms: the gap is measured at the receiver, independent of it.
# Read gap against control: when they are alike, the failover's own gap
# is below this machine's noise at that moment and is not resolved; only
# a gap well above control, starting within a few ms of the cut, is the
# failover's. About 4 minutes with the defaults (load average 6-9).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TESTBED=$ROOT/scripts/testbed.sh
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
STREAM=$HERE/vf_stream.py
PY=$(python3 -c 'import sys; print(sys.executable)')
TRIALS=${1:-10}
MODES=${MODES:-active-backup balance-xor 802.3ad}
BACKEND=${BACKEND:-afpacket}
RATE=${RATE:-8000000}
HOLD_MS=${HOLD_MS:-2000}
WIN_MS=${WIN_MS:-1000}
SETTLE_MS=1500 PRE_MS=50 MS=1000000
TB=vbg$$
NS_A=$TB-h0 NS_B=$TB-h1 CT=$TB-c0
NET=10.77.3

[[ $TRIALS =~ ^[0-9]+$ && $TRIALS -gt 0 ]] || { sed -n '2,36p' "$0"; exit 2; }
for m in $MODES; do
	[[ $m = active-backup || $m = balance-xor || $m = 802.3ad ]] ||
		{ echo "vf_gap: mode $m?" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "vf_gap: needs root" >&2; exit 1; }
for bin in "$LAGNICD" "$LAGNICCTL"; do
	[ -x "$bin" ] || { echo "vf_gap: $bin missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "vf_gap: needs jq" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vf_gap.XXXXXX)
# shellcheck source=bench/proc_lib.sh
source "$HERE/proc_lib.sh"

teardown() {
	stop_all
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	ip netns del "$CT" 2>/dev/null || true
}
cleanup() { teardown; if [ "${KEEP:-0}" = 1 ]; then echo "# logs in $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ctl() { local h=$1; shift; nsx "$TB-$h" "$LAGNICCTL" -s "$WORK/$h.sock" "$@"; }
carrier() { ip -n "$1" -br link show "$2" | grep -q LOWER_UP; }
now_ns() { "$PY" -c 'import time; print(time.monotonic_ns())'; }
txp() { ip netns exec "$NS_A" cat "/sys/class/net/$1/statistics/tx_packets"; }

# both members up again in HOST's lagnicd (802.3ad: in sync with the partner)
members_ready() {
	local want='all(.members[]; .carrier and .link == "up")'
	[ "$MODE" = 802.3ad ] && want='all(.members[]; .collecting and .distributing and
		.lacp.mux == "collecting_distributing" and
		(.lacp.partner.state | tostring | contains("synchronization")))'
	ctl "$1" -j show | jq -e "(.members | length) == 2 and $want"
}

setup() {
	local h extra=()
	teardown
	"$TESTBED" pair "$TB" 2
	[ "$MODE" = 802.3ad ] && extra=(-o lacp_rate=fast)
	for h in h0 h1; do
		spawn "$TB-$h" "$WORK/lagnicd-$MODE-$h.log" "$LAGNICD" -s "$WORK/$h.sock" \
			-r "$WORK/$h.rdma.sock" -b "$BACKEND" -o "mode=$MODE" \
			-o xmit_hash_policy=layer3+4 -o miimon=100 "${extra[@]}" \
			-p eth0 -p eth1
	done
	for h in h0 h1; do
		wait_for 10 ctl "$h" show || { echo "lagnicd in $h did not start"; return 1; }
		nsx "$TB-$h" ip link set lag0 up
	done
	nsx "$NS_B" ip addr add "$NET.2/24" dev lag0
	for h in h0 h1; do
		wait_for 30 members_ready "$h" || { echo "$h: members not ready"; return 1; }
	done
	ctl h0 vf add 0 mac 02:aa:00:00:00:10 >/dev/null
	ip netns add "$CT"
	ip netns exec "$CT" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$CT" link set lo up
	ip -n "$NS_A" link set lagvf0 netns "$CT"
	ip -n "$CT" addr add "$NET.10/24" dev lagvf0
	ip -n "$CT" link set lagvf0 up
	wait_for 10 carrier "$CT" lagvf0 || { echo "the VF has no carrier"; return 1; }
	ip netns exec "$CT" ping -c 1 -W 2 "$NET.2" >/dev/null || { echo "VF cannot reach B"; return 1; }
}

# the member of A carrying the stream: most tx frames over 300 ms
carrying() {
	local a0 a1 b0 b1
	a0=$(txp eth0) a1=$(txp eth1)
	sleep 0.3
	b0=$(txp eth0) b1=$(txp eth1)
	if [ $((b0 - a0 + b1 - a1)) -lt 20 ]; then echo none
	elif [ $((b0 - a0)) -ge $((b1 - a1)) ]; then echo eth0
	else echo eth1; fi
}

# trial K : one cut; "K DEV T_CUT T_CUT_DONE T_UP T_READY" on stdout
trial() {
	local k=$1 dev t
	dev=$(carrying)
	[ "$dev" != none ] || { echo "$k stalled"; return 1; }
	t=$("$PY" - "$NS_A" "$dev" <<-'PY'
	import subprocess, sys, time
	t0 = time.monotonic_ns()
	subprocess.run(["ip", "-n", sys.argv[1], "link", "set", sys.argv[2], "down"], check=True)
	print(t0, time.monotonic_ns())
	PY
	)
	sleep "$(awk -v m="$HOLD_MS" 'BEGIN { print m / 1000 }')"
	ip -n "$NS_A" link set "$dev" up
	local up; up=$(now_ns)
	if ! wait_for 30 members_ready h0 || ! wait_for 30 members_ready h1; then
		echo "$k $dev $t $up not-ready"
		return 1
	fi
	echo "$k $dev $t $up $(now_ns)"
	sleep "$(awk -v m="$SETTLE_MS" 'BEGIN { print m / 1000 }')"
}

# run_mode : TRIALS trials on one stream; results in $WORK/$MODE.*
run_mode() {
	local sink src k dur
	if ! setup >"$WORK/$MODE.err" 2>&1; then
		echo "$MODE: setup failed: $(tail -1 "$WORK/$MODE.err")" >>"$WORK/fails"
		return 0
	fi
	rm -f "$WORK/ready"
	spawn "$NS_B" "$WORK/$MODE.sink" "$PY" "$STREAM" sink "$NET.2" 5201 \
		--gaps "$WORK/$MODE.gaps" --ready "$WORK/ready"
	sink=$SPID
	if ! wait_for 30 test -e "$WORK/ready"; then
		echo "$MODE: sink did not listen: $(tail -1 "$WORK/$MODE.sink")" >>"$WORK/fails"
		teardown
		return 0
	fi
	dur=$((TRIALS * (HOLD_MS + SETTLE_MS + 8000) / 1000 + 60))
	spawn "$CT" "$WORK/$MODE.source" "$PY" "$STREAM" source "$NET.2" 5201 \
		--duration "$dur" --rate "$RATE" --chunk 4096
	src=$SPID
	sleep 2	# the connection up and at its pace
	: >"$WORK/$MODE.trials"
	for ((k = 1; k <= TRIALS; k++)); do
		progress "  $MODE trial $k/$TRIALS"
		if ! trial "$k" >>"$WORK/$MODE.trials"; then
			echo "$MODE: trial $k: $(tail -1 "$WORK/$MODE.trials")" >>"$WORK/fails"
			break
		fi
	done
	kill -TERM "$src" 2>/dev/null || true	# its socket closes: the sink sees EOF
	wait "$src" 2>/dev/null || true
	forget "$src"
	for ((k = 0; k < 400; k++)); do alive "$sink" || break; sleep 0.05; done
	kill -TERM "$sink" 2>/dev/null || true
	wait "$sink" 2>/dev/null || true
	forget "$sink"
	[ -s "$WORK/$MODE.sink" ] || echo "$MODE: the sink wrote no report" >>"$WORK/fails"
	analyse >"$WORK/$MODE.res"
	teardown
}

# analyse : per trial "GAP START CONTROL RESTORE" in ms
analyse() {
	local k dev t0 t1 up ready wins=()
	[ -f "$WORK/$MODE.gaps" ] || return 0
	while read -r k dev t0 t1 up ready; do
		[[ $ready =~ ^[0-9]+$ ]] || continue
		wins=("$((t0 - PRE_MS * MS)):$((t0 + WIN_MS * MS))"
		    "$((t0 - (150 + PRE_MS + WIN_MS) * MS)):$((t0 - 150 * MS))"
		    "$up:$((up + (PRE_MS + WIN_MS) * MS))")
		"$PY" "$STREAM" gaps "$WORK/$MODE.gaps" "${wins[@]}" | awk -v pre="$PRE_MS" \
			-v cmd="$(((t1 - t0) / 1000))" '{
			printf "%.3f %.3f %.3f %.3f %.3f\n", $1 / 1000,
			    ($1 > 0 ? $2 / 1000 - pre : 0), $3 / 1000, $5 / 1000, cmd / 1000 }'
	done <"$WORK/$MODE.trials"
}

progress() { if [ -t 2 ]; then printf '%-40s\r' "$1" >&2; fi; }

medmax() {	# column COL of FILE: "median / max" (ms)
	[ -s "$2" ] || { echo "n/a"; return; }
	awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f / %.2f", m, v[NR] }'
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "vf_gap: TCP VF (A, container) -> B's PF, $BACKEND, paced to $RATE B/s in 4 KiB" \
	"writes, $TRIALS trials per mode, member cut $HOLD_MS ms;" \
	"$(nproc) CPUs ($(uname -r)); load average $(loadavg)"
for MODE in $MODES; do
	run_mode
	echo "# $MODE done, load average $(loadavg)"
done
ROWFMT='%-14s %6s  %-17s %-17s %-17s %-17s %s\n'
# shellcheck disable=SC2059
printf "$ROWFMT" mode trials "gap med/max ms" "start med/max ms" "control med/max" \
	"restore med/max" "cut cmd med/max ms"
for MODE in $MODES; do
	f=$WORK/$MODE.res
	# shellcheck disable=SC2059
	printf "$ROWFMT" "$MODE" "$( [ -f "$f" ] && wc -l <"$f" || echo 0)" \
		"$(medmax 1 "$f")" "$(medmax 2 "$f")" "$(medmax 3 "$f")" \
		"$(medmax 4 "$f")" "$(medmax 5 "$f")"
done
for MODE in $MODES; do
	[ -s "$WORK/$MODE.res" ] || continue
	echo "# $MODE per trial (gap start control restore cut-cmd, ms; member cut):"
	paste -d' ' <(awk '{ print $2 }' "$WORK/$MODE.trials" | head -n "$(wc -l <"$WORK/$MODE.res")") \
		"$WORK/$MODE.res" | sed 's/^/#   /'
done
[ -s "$WORK/fails" ] && sed 's/^/failed: /' "$WORK/fails"
echo "gap: longest time between two data arrivals at B's receiver in [cut - $PRE_MS ms," \
	"cut + $WIN_MS ms]; start: when it began (ms from the cut); control: the same over" \
	"as long a window of undisturbed stream just before; restore: after the member's" \
	"return; gaps < 0.2 ms read 0."
echo "load average at the end: $(loadavg)"
