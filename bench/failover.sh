#!/bin/bash
# failover.sh - how long a stream stops when the link carrying it is cut,
# for lagnic's LAG and, on the same links in the same run, Open vSwitch's
# userspace bond and DPDK's bonding PMD (testpmd).
#
#   bench/failover.sh [TRIALS]   (default 20; env BUILD, BACKEND, RATE,
#                                 MODE=active-backup|802.3ad)
#
# DPDK (mode 1 for active-backup, 4 for 802.3ad; testpmd flowgen sends one
# flow, unpaced): its members (af_packet/af_xdp) report no link state, so
# each trial waits at most DPDK_TIMEOUT_S and the row says how many trials
# saw no failover in that time; DPDK_LONG_S > 0 adds one trial per side
# that waits that long, to see what it does in the end (802.3ad: the LACP
# timeout). Env: DPDK_TRIALS (3), DPDK_TIMEOUT_S (5), DPDK_PMD (af_packet),
# DPDK_LONG_S (120 for 802.3ad, 0 for active-backup).
# IMPLS="lagnic ovs dpdk" (default) picks and orders the implementations;
# "lagnic-rt" is lagnic with lagnicd under SCHED_FIFO (-P RT_PRIO, 50).
#
# 802.3ad: h1 runs a LACP partner too (lagnicd on afpacket, so that the
# probe's packet sockets still see every frame; OVS: lagnicd as well).
#
# h0 runs the LAG over eth0/eth1 and sends a steady stream (RATE frames/s,
# lagnic-portperf on the LAG's host interface); h1 only listens. The probe
# cuts the link carrying the stream, on our side (h0) and on the partner's
# side (h1), and times from the cut to the first frame on the other link.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
BACKEND=${BACKEND:-afxdp}
RATE=${RATE:-20000}
MODE=${MODE:-active-backup}
# after a link comes back: 802.3ad holds a port in WAITING for 2 s
SETTLE_MS=500
[ "$MODE" = 802.3ad ] && SETTLE_MS=3000
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
TRIALS=${1:-20}
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
TB=lfail$$
TESTBED=$SRC/scripts/testbed.sh
PEERS=${PEERS:-$SRC/../shared/peers}
LOG=$(mktemp -d /tmp/lagnic-failover.XXXXXX)
IMPLS=${IMPLS:-lagnic ovs dpdk}
RT_PRIO=${RT_PRIO:-50}
# the probe busy-polls under SCHED_FIFO at PROBE_PRIO (0: as any process),
# so that it reads the event and the frame when they come, not when the
# scheduler gives it a CPU back
PROBE_PRIO=${PROBE_PRIO:-90}
PROBE=("$BUILD/bench/failover_probe")
[ "$PROBE_PRIO" -gt 0 ] && PROBE=(chrt -f "$PROBE_PRIO" "${PROBE[@]}")
DPDK_TRIALS=${DPDK_TRIALS:-3}
DPDK_TIMEOUT_S=${DPDK_TIMEOUT_S:-5}
DPDK_PMD=${DPDK_PMD:-af_packet}
DPDK_MODE=1 DPDK_LONG_DEFAULT=0
if [ "$MODE" = 802.3ad ]; then DPDK_MODE=4 DPDK_LONG_DEFAULT=120; fi
DPDK_LONG_S=${DPDK_LONG_S:-$DPDK_LONG_DEFAULT}

cleanup() {
	[ -x "$PEERS/dpdk-bond.sh" ] &&
		"$PEERS/dpdk-bond.sh" stop "$TB-h0" >/dev/null 2>&1 || true
	[ -x "$PEERS/ovs-lacp-switch.sh" ] &&
		"$PEERS/ovs-lacp-switch.sh" "$TB-h0" - - stop >/dev/null 2>&1 || true
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	rm -rf "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.05; done
}

lacp_opts() { [ "$MODE" = 802.3ad ] && echo "-o lacp_rate=fast"; true; }

# the LACP partner in h1, and both sides in sync
start_partner() {
	[ "$MODE" = 802.3ad ] || return 0
	"$TESTBED" spawn "$TB" h1 "$LOG/partner.log" "$LAGNICD" \
		-s "$LOG/h1.sock" -b afpacket -o mode=802.3ad -o lacp_rate=fast \
		-p eth0 -p eth1 >/dev/null
	wait_for 10 inns h1 ip link show lag0
}

partner_in_sync() {
	inns h1 "$LAGNICCTL" -s "$LOG/h1.sock" -j show | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if all(m["lacp"]["mux"] == "collecting_distributing" and
    "synchronization" in m["lacp"]["partner"]["state"]
    for m in d["members"]) and len(d["members"]) == 2 else 1)'
}

# start_lagnic [LAGNICD ARGS...]
start_lagnic() {
	# shellcheck disable=SC2046
	"$TESTBED" spawn "$TB" h0 "$LOG/lagnicd.log" "$LAGNICD" \
		-s "$LOG/h0.sock" -b "$BACKEND" -o mode="$MODE" $(lacp_opts) \
		-p eth0 -p eth1 "$@" >/dev/null
	wait_for 10 inns h0 ip link show lag0
	inns h0 ip link set lag0 up
	echo lag0
}

start_lagnic-rt() { start_lagnic -P "$RT_PRIO"; }

start_ovs() {
	if [ "$MODE" = 802.3ad ]; then
		BOND_MODE=balance-tcp LACP=active LACP_TIME=fast \
			"$PEERS/ovs-lacp-switch.sh" "$TB-h0" eth0 eth1 >/dev/null 2>>"$LOG/ovs.log"
	else
		BOND_MODE=active-backup LACP=off "$PEERS/ovs-lacp-switch.sh" \
			"$TB-h0" eth0 eth1 >/dev/null 2>>"$LOG/ovs.log"
	fi
	inns h0 ip link set br0 up
	echo br0
}

# DPDK testpmd in h0: the bonding PMD over eth0/eth1 sends one flow
# (flowgen). Its run time: every trial's wait and settle, with room.
start_dpdk() {
	local dur=$(( (DPDK_TRIALS + 2) * (DPDK_TIMEOUT_S + SETTLE_MS / 1000 + 4) +
		2 * DPDK_LONG_S + 120 ))
	PMD=$DPDK_PMD DUR=$dur EXTRA="--flowgen-flows=1" \
		"$PEERS/dpdk-bond.sh" start "$TB-h0" "$DPDK_MODE" eth0 eth1 flowgen \
		>"$LOG/dpdk-start.log" 2>&1
}

# TX packets and TX errors of testpmd's ports 0, 1 (members), 2 (bond)
dpdk_tx() {
	"$PEERS/dpdk-bond.sh" cmd "$TB-h0" "show port stats all" |
		awk '/TX-packets:/ { printf "%s %s ", $2, $4 }'
}

# probe CUT_NS TRIALS TIMEOUT_MS : failover_probe's JSON line, also when
# some trials timed out (it exits 1 then)
probe() {
	local out
	out=$("${PROBE[@]}" --rx-ns "$TB-h1" --rx-if eth0,eth1 \
		--lag-ns "$TB-h0" --cut-ns "$1" --cut-if eth0,eth1 \
		--trials "$2" --timeout-ms "$3" --settle-ms "$SETTLE_MS" --json 2>&1) || true
	case $out in
	'{'*'"trials"'*) echo "$out" ;;
	*) printf '{"error": "probe failed: %s"}\n' "$(echo "$out" | tr -d '"\134' | tr '\n' ' ')" ;;
	esac
}

dpdk_stop() {
	"$PEERS/dpdk-bond.sh" stop "$TB-h0" >/dev/null 2>&1 || true
	"$TESTBED" down "$TB"
}

# dpdk_ready: testpmd's bond is sending (and in 802.3ad, negotiated);
# otherwise the reason, quotes dropped, on stdout, and 1.
dpdk_ready() {
	local tlog=${CACHE:-/var/tmp/peers-cache}/dpdk-$TB-h0.log
	if ! start_dpdk; then
		echo "testpmd did not start: $(tail -1 "$LOG/dpdk-start.log" | tr -d '"')"
		return 1
	fi
	# e.g. mode 1 over af_xdp: the bond cannot set its members' MAC
	if grep -q "Fail to start port" "$tlog" 2>/dev/null; then
		echo "testpmd: $(grep -m1 "Fail to start port" "$tlog"), after:" \
			"$(grep -m1 "Failed to update port" "$tlog")" | tr -d '"'
		return 1
	fi
	if [ "$MODE" = 802.3ad ] && ! wait_for 30 partner_in_sync; then
		echo "LACP did not negotiate"
		return 1
	fi
}

# measure_dpdk SIDE: DPDK's row: the probe's figures with a bounded wait,
# what the members sent meanwhile, and the long trial if asked for
measure_dpdk() {
	local side=$1 cut_ns=$TB-h0 out long="" tx0 tx1 why
	[ "$side" = partner ] && cut_ns=$TB-h1
	"$TESTBED" pair "$TB" 2
	start_partner
	if ! why=$(dpdk_ready); then
		printf '%-9s %-8s {"pmd": "%s", "mode": %s, "error": "%s"}\n' \
			dpdk "$side" "$DPDK_PMD" "$DPDK_MODE" "$why"
		dpdk_stop
		return
	fi
	read -r -a tx0 <<<"$(dpdk_tx)"
	out=$(probe "$cut_ns" "$DPDK_TRIALS" $((DPDK_TIMEOUT_S * 1000)))
	read -r -a tx1 <<<"$(dpdk_tx)"
	if [ "$DPDK_LONG_S" -gt 0 ]; then
		if [ "$MODE" != 802.3ad ] || wait_for 30 partner_in_sync; then
			long=$(probe "$cut_ns" 1 $((DPDK_LONG_S * 1000)))
		else
			long='{"error": "LACP did not negotiate again"}'
		fi
	fi
	printf '%-9s %-8s ' dpdk "$side"
	python3 - "$out" "$long" "$DPDK_TIMEOUT_S" "$DPDK_LONG_S" "$DPDK_PMD" \
		"$DPDK_MODE" "${tx0[*]:-}" "${tx1[*]:-}" <<-'PY'
	import json, sys
	out, long, wait_s, long_s, pmd, mode, tx0, tx1 = sys.argv[1:]
	r = json.loads(out)
	r = {"pmd": pmd, "mode": int(mode), "wait_s": int(wait_s), **r}
	if "timeouts" in r:
	    r["verdict"] = ("no failover within %s s in %d of %d trials"
	                    % (wait_s, r["timeouts"], r["trials"]))
	a, b = tx0.split(), tx1.split()
	if len(a) == 6 and len(b) == 6:
	    d = [int(y) - int(x) for x, y in zip(a, b)]
	    r["member_tx"] = [d[0], d[2]]
	    r["member_tx_errors"] = [d[1], d[3]]
	if long:
	    lr = json.loads(long)
	    if lr.get("timeouts"):
	        lr = "no failover within %s s" % long_s
	    elif "median_us" in lr:
	        lr = "failover after %.1f s" % (lr["median_us"] / 1e6)
	    r["long_trial"] = lr
	print(json.dumps(r))
	PY
	dpdk_stop
}

# measure IMPL SIDE: one line of results
measure() {
	local impl=$1 side=$2 dev cut_ns out
	"$TESTBED" pair "$TB" 2
	start_partner
	dev=$("start_$impl")
	if [ "$MODE" = 802.3ad ] && ! wait_for 20 partner_in_sync; then
		printf '%-9s %-8s %s\n' "$impl" "$side" '{"error": "LACP did not negotiate"}'
		"$TESTBED" down "$TB"
		return
	fi
	"$TESTBED" spawn "$TB" h0 "$LOG/tx.log" "$BUILD/src/tools/lagnic-portperf" \
		tx --backend afpacket --if "$dev" --rate "$RATE" --duration 3600 \
		>/dev/null
	cut_ns=$TB-h0
	[ "$side" = partner ] && cut_ns=$TB-h1
	out=$("${PROBE[@]}" --rx-ns "$TB-h1" --rx-if eth0,eth1 \
		--lag-ns "$TB-h0" --cut-ns "$cut_ns" --cut-if eth0,eth1 \
		--trials "$TRIALS" --settle-ms "$SETTLE_MS" --json) ||
		out="{\"error\": \"probe failed: $out\"}"
	printf '%-9s %-8s %s\n' "$impl" "$side" "$out"
	[ "$impl" = ovs ] && "$PEERS/ovs-lacp-switch.sh" "$TB-h0" - - stop \
		>/dev/null 2>&1
	"$TESTBED" down "$TB"
}

echo "# failover: $MODE, $TRIALS trials each for lagnic and ovs, stream $RATE frames/s,"
echo "# lagnic backend $BACKEND; lagnic-rt: lagnicd -P $RT_PRIO; probe SCHED_FIFO" \
	"priority $PROBE_PRIO (0: none); $(nproc) CPUs;" \
	"foreign load: $(pgrep -c -f '^qemu-system' || true); load average" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
[[ " $IMPLS " = *" dpdk "* ]] &&
	echo "# dpdk: testpmd bonding mode $DPDK_MODE over $DPDK_PMD, one unpaced flow," \
		"$DPDK_TRIALS trials waiting at most $DPDK_TIMEOUT_S s, long trial ${DPDK_LONG_S} s"
printf '%-9s %-8s %s\n' impl cut result
for side in local partner; do
	for impl in $IMPLS; do
		case $impl in
		lagnic|lagnic-rt)
			measure "$impl" "$side" ;;
		ovs)
			if command -v ovs-vswitchd >/dev/null && [ -x "$PEERS/ovs-lacp-switch.sh" ]; then
				measure ovs "$side"
			else
				printf '%-9s %-8s %s\n' ovs "$side" '{"error": "openvswitch-switch or peers/ missing"}'
			fi ;;
		dpdk)
			if command -v dpdk-testpmd >/dev/null && [ -x "$PEERS/dpdk-bond.sh" ]; then
				measure_dpdk "$side"
			else
				printf '%-9s %-8s %s\n' dpdk "$side" '{"error": "dpdk (testpmd) or peers/ missing"}'
			fi ;;
		*)
			printf '%-9s %-8s %s\n' "$impl" "$side" '{"error": "unknown implementation"}' ;;
		esac
	done
done
