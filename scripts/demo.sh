#!/bin/bash
# demo.sh - part 1, lagnic's port layer on two veth links: test frames
# cross each link (lagnic-portperf tx in h0, rx in h1), then link 1 is cut
# and its carrier reads down. AF_XDP if it works here, else AF_PACKET.
# Part 2, the LAG: lagnicd in h0 and in h1 over both links in 802.3ad;
# LACP negotiates, the hosts ping each other over lag0, a link is cut and
# the ping goes on over the other; lagnicctl shows the LAG.
#
#   BUILD=build scripts/demo.sh       (build first: ninja -C build; root)
#
# Exit status: 0 if frames crossed both links, 1 if not.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TESTBED=$ROOT/scripts/testbed.sh
PORTPERF=$BUILD/src/tools/lagnic-portperf
COUNT=${COUNT:-5000}
TB=ldemo$$

[ -x "$PORTPERF" ] || { echo "demo: $PORTPERF missing: build first (ninja -C $BUILD)" >&2; exit 1; }
command -v jq >/dev/null || { echo "demo: needs jq" >&2; exit 1; }
# shellcheck source=bench/portperf_lib.sh
source "$ROOT/bench/portperf_lib.sh"

WORK=$(mktemp -d /tmp/lagnic-demo.XXXXXX)
cleanup() { pp_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# why LOG : the tool's own complaint, without libbpf/libxdp chatter.
why() { grep -v '^libbpf\|^libxdp\|^{\|rx ready' "$1" | tail -1 || true; }

# start_rx BACKEND : rx on eth0 and eth1 of h1; 0 when both are ready.
start_rx() {
	local backend=$1 i
	RX_PIDS=()
	for i in 0 1; do
		: >"$WORK/rx$i.log"
		pp_spawn h1 "$WORK/rx$i.log" "$PORTPERF" rx --backend "$backend" \
			--if "eth$i" --duration 60 --json
		RX_PIDS+=("$PP_PID")
	done
	for i in 0 1; do
		pp_wait_ready "$WORK/rx$i.log" "${RX_PIDS[$i]}" || return 1
	done
}

stop_rx() {
	local pid
	for pid in "${RX_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		pp_wait_exit "$pid" 2 || true
	done
}

pick_backend() {
	local b reason
	for b in afxdp afpacket; do
		if start_rx "$b"; then
			BACKEND=$b
			return 0
		fi
		reason=$(why "$WORK/rx0.log")
		[ -n "$reason" ] || reason=$(why "$WORK/rx1.log")
		echo "  $b: $reason"
		stop_rx
	done
	return 1
}

# send LINK : COUNT frames from h0 over eth<LINK>; prints one line.
send() {
	local i=$1 tx rx
	"$TESTBED" exec "$TB" h0 "$PORTPERF" tx --backend "$BACKEND" --if "eth$i" \
		--count "$COUNT" --rate 200000 --json >"$WORK/tx$i.log" 2>&1 ||
		{ echo "  eth$i: tx failed: $(why "$WORK/tx$i.log")"; return 1; }
	pp_wait_exit "${RX_PIDS[$i]}" 10 || true
	tx=$(pp_json "$WORK/tx$i.log")
	rx=$(pp_json "$WORK/rx$i.log")
	[ -n "$rx" ] || { echo "  eth$i: rx gave no report: $(why "$WORK/rx$i.log")"; return 1; }
	printf '  eth%d: sent %s, received %s, lost %s, duplicates %s, reordered %s\n' "$i" \
		"$(jq -r .frames <<<"$tx")" "$(jq -r .unique <<<"$rx")" \
		"$(jq -r .loss <<<"$rx")" "$(jq -r .duplicates <<<"$rx")" \
		"$(jq -r .reordered <<<"$rx")"
	# crossed: something arrived, and no more than 1 % went missing
	jq -e '.unique > 0 and .loss * 100 <= .expected' <<<"$rx" >/dev/null
}

# carrier HOST : lagnic's view of eth1 (a port opened just to look), or ip's.
carrier() {
	local host=$1 out
	if out=$("$TESTBED" exec "$TB" "$host" "$PORTPERF" info --backend afpacket \
		--if eth1 2>/dev/null); then
		echo "  $host $out"
	else
		echo "  $host $("$TESTBED" exec "$TB" "$host" ip -br link show eth1)"
	fi
}

"$TESTBED" pair "$TB" 2
echo "lagnic demo: hosts $TB-h0 and $TB-h1, joined by veth eth0<->eth0 and eth1<->eth1"
pick_backend || { echo "demo: no backend could open the links" >&2; exit 1; }
echo "backend $BACKEND; lagnic-portperf rx on h1 eth0 and eth1; $COUNT frames from h0 on each:"
ok=0
send 0 || ok=1
send 1 || ok=1

echo "cutting link 1: ip link set eth1 down, in h0"
"$TESTBED" exec "$TB" h0 ip link set eth1 down
carrier h0
carrier h1
if [ $ok -ne 0 ]; then
	echo "FAILED: frames did not cross every link" >&2
	exit 1
fi
echo "part 1 done: frames crossed both links; link 1 is now down"
"$TESTBED" exec "$TB" h0 ip link set eth1 up

LAGNICD=$BUILD/lagnicd
LAGNICCTL=$BUILD/src/cli/lagnicctl
inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }
ctl() { local h=$1; shift; inns "$h" "$LAGNICCTL" -s "$WORK/$h.sock" "$@"; }
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.1; done
}
in_sync() {
	ctl "$1" -j show | jq -e '[.members[] | select(.distributing and
	    (.lacp.partner.state | index("synchronization")))] | length == 2'
}

echo
echo "part 2: lagnicd in h0 and h1, 802.3ad (LACP fast) over eth0+eth1, $BACKEND"
for h in h0 h1; do
	PP_PIDS+=("$("$TESTBED" spawn "$TB" "$h" "$WORK/lagnicd-$h.log" "$LAGNICD" \
		-s "$WORK/$h.sock" -b "$BACKEND" -o mode=802.3ad -o lacp_rate=fast \
		-o xmit_hash_policy=layer3+4 -p eth0 -p eth1)")
done
for h in h0 h1; do
	wait_for 10 inns "$h" ip link show lag0 ||
		{ echo "FAILED: no lag0 in $h" >&2; cat "$WORK/lagnicd-$h.log" >&2; exit 1; }
done
inns h0 ip addr add 10.77.0.1/24 dev lag0
inns h1 ip addr add 10.77.0.2/24 dev lag0
inns h0 ip link set lag0 up
inns h1 ip link set lag0 up
for h in h0 h1; do
	wait_for 15 in_sync "$h" ||
		{ echo "FAILED: LACP did not negotiate in $h" >&2; exit 1; }
done
echo "LACP: both links collecting and distributing on both hosts"
inns h0 ping -c 3 -i 0.2 -W 2 10.77.0.2 | grep -E "packets transmitted"
echo "cutting eth0 in h0; pinging again over what is left:"
inns h0 ip link set eth0 down
inns h0 ping -c 3 -i 0.2 -W 2 10.77.0.2 | grep -E "packets transmitted" ||
	{ echo "FAILED: no ping after the cut" >&2; exit 1; }
echo "lagnicctl show, in h0:"
ctl h0 show | sed 's/^/  /'
echo "done: frames crossed both links; the LAG survived a cut link"
