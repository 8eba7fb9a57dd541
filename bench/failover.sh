#!/bin/bash
# failover.sh - how long a stream stops when the link carrying it is cut,
# for lagnic's LAG and, on the same links in the same run, Open vSwitch's
# userspace bond.
#
#   bench/failover.sh [TRIALS]   (default 20; env BUILD, BACKEND, RATE,
#                                 MODE=active-backup|802.3ad)
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

cleanup() {
	[ -x "$PEERS/ovs-lacp-switch.sh" ] &&
		"$PEERS/ovs-lacp-switch.sh" "$TB-h0" - - stop >/dev/null 2>&1 || true
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	rm -rf "$LOG"
}
trap cleanup EXIT

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

start_lagnic() {
	# shellcheck disable=SC2046
	"$TESTBED" spawn "$TB" h0 "$LOG/lagnicd.log" "$LAGNICD" \
		-s "$LOG/h0.sock" -b "$BACKEND" -o mode="$MODE" $(lacp_opts) \
		-p eth0 -p eth1 >/dev/null
	wait_for 10 inns h0 ip link show lag0
	inns h0 ip link set lag0 up
	echo lag0
}

start_ovs() {
	if [ "$MODE" = 802.3ad ]; then
		BOND_MODE=balance-tcp LACP=active LACP_TIME=fast \
			"$PEERS/ovs-lacp-switch.sh" "$TB-h0" eth0 eth1 >/dev/null
	else
		BOND_MODE=active-backup LACP=off "$PEERS/ovs-lacp-switch.sh" \
			"$TB-h0" eth0 eth1 >/dev/null
	fi
	inns h0 ip link set br0 up
	echo br0
}

# measure IMPL SIDE: one line of results
measure() {
	local impl=$1 side=$2 dev cut_ns out
	"$TESTBED" pair "$TB" 2
	start_partner
	dev=$("start_$impl")
	if [ "$MODE" = 802.3ad ] && ! wait_for 20 partner_in_sync; then
		printf '%-8s %-8s %s\n' "$impl" "$side" '{"error": "LACP did not negotiate"}'
		"$TESTBED" down "$TB"
		return
	fi
	"$TESTBED" spawn "$TB" h0 "$LOG/tx.log" "$BUILD/src/tools/lagnic-portperf" \
		tx --backend afpacket --if "$dev" --rate "$RATE" --duration 3600 \
		>/dev/null
	cut_ns=$TB-h0
	[ "$side" = partner ] && cut_ns=$TB-h1
	out=$("$BUILD/bench/failover_probe" --rx-ns "$TB-h1" --rx-if eth0,eth1 \
		--cut-ns "$cut_ns" --cut-if eth0,eth1 --trials "$TRIALS" \
		--settle-ms "$SETTLE_MS" --json) ||
		out="{\"error\": \"probe failed: $out\"}"
	printf '%-8s %-8s %s\n' "$impl" "$side" "$out"
	[ "$impl" = ovs ] && "$PEERS/ovs-lacp-switch.sh" "$TB-h0" - - stop \
		>/dev/null 2>&1
	"$TESTBED" down "$TB"
}

echo "# failover: $MODE, $TRIALS trials each, stream $RATE frames/s,"
echo "# lagnic backend $BACKEND; $(nproc) CPUs; foreign load: $(pgrep -c -f '^qemu-system' || true)"
printf '%-8s %-8s %s\n' impl cut result
for side in local partner; do
	measure lagnic "$side"
	if command -v ovs-vswitchd >/dev/null && [ -x "$PEERS/ovs-lacp-switch.sh" ]; then
		measure ovs "$side"
	else
		printf '%-8s %-8s %s\n' ovs "$side" '{"error": "openvswitch-switch or peers/ missing"}'
	fi
done
