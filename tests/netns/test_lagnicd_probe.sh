#!/bin/bash
# ARP and NS link probes on real links: h0's lagnicd (active-backup)
# watches its members by probing h1's lag0 address; h1 then stops
# answering on the link h0 uses, with carrier still up on both sides: only
# the probes can see it, and h0 must fail over to the other link.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lprobe$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"

# member_field HOST PORT EXPR: a Python expression on the member m
member_field() {
	ctl "$1" -j show | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [m for m in d["members"] if m["port"] == sys.argv[1]][0]
print(eval(sys.argv[2]))' "$2" "$3"
}

probe_alive() { [ "$(member_field h0 "$1" 'm["probe"]["alive"]')" = True ]; }
link_down() { [ "$(member_field h0 "$1" 'm["link"]')" = down ]; }
active_is() {
	[ "$(ctl h0 -j show | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["active"])')" = "$1" ]
}

"$TESTBED" pair "$TB" 2
start_lagnicd h1 -b "$BACKEND" -o mode=active-backup -o miimon=100 \
	-p eth0 -p eth1
start_lagnicd h0 -b "$BACKEND" -o mode=active-backup -o arp_interval=100 \
	-o arp_ip_target=10.77.0.2 -p eth0 -p eth1
ip_up h1 10.77.0.2/24
inns h1 ip addr add fd77::2/64 dev lag0 nodad
ip_up h0 10.77.0.1/24
inns h0 ip addr add fd77::1/64 dev lag0 nodad

note "ARP probes: the active member is answered"
wait_for 10 probe_alive eth0 || fail "eth0 not alive by ARP probes: $(ctl h0 show)"
wait_for 5 active_is eth0 || fail "eth0 did not become active"
[ "$(member_field h0 eth0 'm["probe"] is not None')" = True ]
c=$(ctl h0 -j counters | python3 -c '
import json,sys; d=json.load(sys.stdin)
p=d["ports"]["eth0"]["counters"]["probe"]
print(p["probes_tx"], p["probe_replies"])')
read -r tx replies <<<"$c"
[ "$tx" -gt 0 ] && [ "$replies" -gt 0 ] ||
	fail "eth0 probe counters: sent $tx, replies $replies"
inns h0 ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "no ping"

note "NS probes, switched to at run time"
ctl h0 option set ns_ip6_target fd77::2 >/dev/null
ctl h0 option set arp_ip_target "" >/dev/null
wait_for 10 probe_alive eth0 || fail "eth0 not alive by NS probes: $(ctl h0 show)"
wait_for 5 active_is eth0 || fail "eth0 not active again with NS probes"

note "h1 stops answering on eth0; carrier stays up"
ctl h1 port del eth0 >/dev/null
wait_for 5 link_down eth0 || fail "eth0 still up: $(ctl h0 show)"
[ "$(member_field h0 eth0 'm["carrier"]')" = True ] ||
	fail "eth0 lost carrier: the probes were not what saw it"
wait_for 10 active_is eth1 || fail "no failover to eth1: $(ctl h0 show)"
inns h0 ping -c 3 -i 0.2 -W 2 fd77::2 >/dev/null || fail "no ping after failover"
echo "ok"
