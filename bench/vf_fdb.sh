#!/bin/bash
# vf_fdb.sh - how long after a failover the switch's table shows every VF
# MAC on the new port: lagnicd (active-backup, 2 links) with N VFs, into an
# Open vSwitch bridge (userspace datapath, two plain ports, no bond: the
# switch knows nothing of the LAG and learns each MAC where it sees it).
#
#   BUILD=build bench/vf_fdb.sh [TRIALS]      (root; default 5 trials)
#   env: VFS="1 16 64" (64: the default profile's max_vfs),
#        BACKEND=afpacket|afxdp (afpacket)
#
# A trial cuts the active member (ip link set ... down in lagnicd's
# namespace) and polls `ovs-appctl fdb/show` until every VF MAC is on the
# other member's bridge port; the next trial cuts that one. Printed: median
# and max over the trials, and the time one fdb/show takes (the
# resolution: a MAC that moved is seen at most that much late).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
TRIALS=${1:-5}
VFS=${VFS:-1 16 64}
BACKEND=${BACKEND:-afpacket}
TESTBED=$SRC/scripts/testbed.sh
PEERS=${PEERS:-$SRC/../shared/peers}
LAGNICD=$BUILD/lagnicd
LAGNICCTL=$BUILD/src/cli/lagnicctl
TB=lvfdb$$
LOG=$(mktemp -d /tmp/lagnic-vffdb.XXXXXX)

die() { echo "vf_fdb: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -x "$LAGNICD" ] || die "no $LAGNICD (BUILD=$BUILD)"
[ -x "$PEERS/ovs-lacp-switch.sh" ] || die "no $PEERS/ovs-lacp-switch.sh"
command -v ovs-vswitchd >/dev/null || die "openvswitch-switch missing"

cleanup() {
	"$PEERS/ovs-lacp-switch.sh" "$TB-sw" - - stop >/dev/null 2>&1 || true
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	rm -rf "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }
ctl() { inns h0 "$LAGNICCTL" -s "$LOG/h0.sock" "$@"; }
ovs() { "$PEERS/ovs-lacp-switch.sh" "$TB-sw" - - "$@"; }
# straight to this OVS's vswitchd: the wrapper costs ~100 ms a call
OVS_D=${CACHE:-/var/tmp/peers-cache}/ovs-$TB-sw
fdb_show() { ip netns exec "$TB-sw" ovs-appctl -t "$OVS_D/ovs-vswitchd.ctl" \
	fdb/show br0; }
now_ns() { date +%s%N; }
vf_mac() { printf '02:f0:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }

# ofport of a bridge port
ofport() { ovs ctl get interface "$1" ofport; }

# all_on OFPORT N: every VF MAC 0..N-1 is on OFPORT in the table
all_on() {
	fdb_show | awk -v p="$1" -v n="$2" '
		$3 ~ /^02:f0:00:00:/ && $1 == p { seen[$3] = 1 }
		END { c = 0; for (m in seen) c++; exit !(c == n) }'
}

median_max() {	# numbers on stdin (ms) -> "median / max"
	sort -n | awk '{ v[NR] = $1 } END {
		printf "%.1f / %.1f", v[int((NR + 1) / 2)], v[NR] }'
}

setup() {
	"$TESTBED" star "$TB" 1 2 none
	ovs start >/dev/null 2>>"$LOG/ovs.log"
	ovs ctl add-port br0 h0p0 >/dev/null
	ovs ctl add-port br0 h0p1 >/dev/null
	"$TESTBED" spawn "$TB" h0 "$LOG/lagnicd.log" "$LAGNICD" \
		-s "$LOG/h0.sock" -b "$BACKEND" -o mode=active-backup \
		-o miimon=100 -p eth0 -p eth1 >/dev/null
	for _ in $(seq 100); do ctl show >/dev/null 2>&1 && break; sleep 0.1; done
	inns h0 ip link set lag0 up
}

active() { ctl -j show | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["active"])'; }

# one trial: cut the active member, time until all N MACs moved
trial() {
	local n=$1 cut want t0 t1
	cut=$(active)
	want=$(ofport "h0p$([ "$cut" = eth0 ] && echo 1 || echo 0)")
	t0=$(now_ns)
	ip -n "$TB-h0" link set "$cut" down
	until all_on "$want" "$n"; do
		[ $(( ($(now_ns) - t0) / 1000000000 )) -lt 10 ] ||
			{ echo "timeout" ; inns h0 ip link set "$cut" up; return; }
	done
	t1=$(now_ns)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f\n", d / 1e6 }'
	inns h0 ip link set "$cut" up
	sleep 0.5	# the cut member back up (a backup now)
}

poll_cost() {	# ms one fdb/show takes, median of 10
	for _ in $(seq 10); do
		local t0 t1
		t0=$(now_ns); fdb_show >/dev/null; t1=$(now_ns)
		awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f\n", d / 1e6 }'
	done | median_max | cut -d' ' -f1
}

setup
echo "# vf_fdb: lagnicd active-backup over $BACKEND, OVS bridge (2 plain ports),"
echo "# $TRIALS trials per VF count, load average $(cut -d' ' -f1 /proc/loadavg)"
echo "# one fdb/show takes $(poll_cost) ms (the resolution)"
printf '%-6s %s\n' VFs "failover -> every VF MAC on the new port, median / max (ms)"
have=0
for n in $VFS; do
	for ((i = have; i < n; i++)); do
		ctl vf add "$i" mac "$(vf_mac "$i")" >/dev/null
	done
	have=$n
	port=$(ofport "h0p$([ "$(active)" = eth0 ] && echo 0 || echo 1)")
	for _ in $(seq 100); do all_on "$port" "$n" && break; sleep 0.1; done
	all_on "$port" "$n" || die "the switch never learnt the $n VF MACs"
	res=$(for ((k = 0; k < TRIALS; k++)); do trial "$n"; done)
	if grep -q timeout <<<"$res"; then
		printf '%-6s %s (%s of %s trials over 10 s)\n' "$n" \
		    "$(grep -v timeout <<<"$res" | median_max)" \
		    "$(grep -c timeout <<<"$res")" "$TRIALS"
	else
		printf '%-6s %s\n' "$n" "$(median_max <<<"$res")"
	fi
done
