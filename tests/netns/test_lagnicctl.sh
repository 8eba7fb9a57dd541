#!/bin/bash
# lagnicctl against a running lagnicd on veth links: show/counters/config/
# caps in text and JSON, port add/del and option set, monitor, and bad
# input (unknown options, ports that do not exist or are in use, a bad
# config file, oversize and garbage requests, a user that may not) -- each
# refused with its message, the daemon running on, its state unchanged.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lctl$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"
[ -x "$LAGNICCTL" ] || fail "no $LAGNICCTL"

# expect STATUS TEXT CMD...: CMD exits with STATUS and says TEXT on stderr
expect() {
	local want=$1 text=$2 rc=0; shift 2
	"$@" >"$LOGDIR/out" 2>"$LOGDIR/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "$*: status $rc, want $want: $(cat "$LOGDIR/err")"
	grep -qF -- "$text" "$LOGDIR/err" ||
		fail "$*: stderr lacks '$text': $(cat "$LOGDIR/err")"
}

# jq-less JSON checks: py EXPR reads the JSON on stdin as j
py() { python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

members() { ctl h0 -j show | python3 -c \
	"import json,sys; print(' '.join(m['port'] for m in json.load(sys.stdin)['members']))"; }
active_is() { [ "$(ctl h0 -j show | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["active"])')" = "$1" ]; }

"$TESTBED" pair "$TB" 3

cat >"$LOGDIR/h1.json" <<EOF
{
  "device": "lag0", "backend": "$BACKEND",
  "runner": {"name": "activebackup"},
  "link_watch": {"name": "ethtool", "delay_up": 0},
  "bond": {"miimon": 100},
  "ports": {"eth0": {"prio": 10}, "eth1": {}}
}
EOF
start_lagnicd h1 -c "$LOGDIR/h1.json"
start_lagnicd h0 -b "$BACKEND" -o mode=active-backup -o miimon=100 \
	-p eth0 -p eth1
ip_up h0 10.78.0.1/24
ip_up h1 10.78.0.2/24
wait_for 5 inns h0 sh -c "ip -br link show lag0 | grep -q LOWER_UP" ||
	fail "lag0 has no carrier"

note "show, counters, config, caps"
ctl h0 show | grep -q "^lag0: active-backup, carrier up, active eth0" ||
	fail "show: $(ctl h0 show)"
ctl h0 -j show | py "j['mode'] == 'active-backup' and len(j['members']) == 2 \
	and j['members'][0]['backend'] == '$BACKEND' and j['carrier']" ||
	fail "show -j"
ctl h1 -j show | py "j['options']['primary'] == 'eth0'" ||
	fail "h1: teamd prio did not give the primary"
ctl h0 counters | grep -q "port_counters: rx_packets" || fail "counters"
ctl h0 -j counters | py "'eth1' in j['ports']" || fail "counters -j"
ctl h0 config | grep -q "^bond.miimon 100$" || fail "config"
ctl h0 -j config >"$LOGDIR/h0.json"
ctl h0 caps | grep -q "max_ports_per_lag" || fail "caps"

note "monitor"
bg inns h0 "$LAGNICCTL" -s "$LOGDIR/h0.sock" -j monitor >"$LOGDIR/monitor.out"
mon=$BG_PID
wait_for 5 ctl h0 -j show || fail "daemon gone"
sleep 0.2	# the monitor's subscription is one round trip

note "changes: port add/del, option set"
ctl h0 port add eth2 "$BACKEND"
[ "$(members)" = "eth0 eth1 eth2" ] || fail "port add: $(members)"
ctl h0 option set miimon 50
ctl h0 -j config | py "j['bond']['miimon'] == 50" || fail "option set"
ctl h0 option set primary eth1
wait_for 5 active_is eth1 || fail "primary eth1 did not become active"
inns h0 ip link set eth1 down
wait_for 5 grep -q '"event":"active","port":"eth0"' "$LOGDIR/monitor.out" ||
	fail "monitor: no failover event: $(cat "$LOGDIR/monitor.out")"
grep -q '"event":"port-added","port":"eth2"' "$LOGDIR/monitor.out" ||
	fail "monitor: no port-added"
grep -q '"event":"link","port":"eth1","up":false' "$LOGDIR/monitor.out" ||
	fail "monitor: no link down"
inns h0 ip link set eth1 up
ctl h0 option set primary ""
ctl h0 port del eth2
[ "$(members)" = "eth0 eth1" ] || fail "port del: $(members)"
ctl h0 -j config >"$LOGDIR/before.json"

note "bad input: refused, nothing changed"
expect 1 "resend_igmp: not supported" ctl h0 option set resend_igmp 1
expect 1 "arp_interval: '-5' out of range" ctl h0 option set arp_interval -5
expect 1 "balance-tlb is not supported" ctl h0 option set mode balance-tlb
expect 1 "miimon: '-1' out of range" ctl h0 option set miimon -1
expect 1 "nosuch: unknown option" ctl h0 option set nosuch 1
expect 1 "port nosuch0" ctl h0 port add nosuch0
expect 1 "port eth1: already in lag0" ctl h0 port add eth1
expect 1 "port eth9: not in lag0" ctl h0 port del eth9
expect 1 "unknown backend 'tap'" ctl h0 port add eth2 tap
expect 2 "usage:" ctl h0 port
expect 2 "usage:" ctl h0 option set miimon
python3 - "$LOGDIR/h0.sock" >"$LOGDIR/raw.out" <<'EOF'
import json, socket, sys
def ask(payload):
	s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
	s.connect(sys.argv[1])
	s.send(payload)
	r = json.loads(s.recv(65536))
	s.close()
	return r
for p, want in ((b"{" + b" " * 5000 + b"}", "exceeds the limit"),
		(b"\x00\xff garbage", "not a JSON request"),
		(b'{"cmd": "show", "x": "1"}', "unknown field"),
		(b'{"cmd": "port-del"}', "is missing")):
	r = ask(p)
	assert not r["ok"] and want in r["error"], (p[:20], r)
print("ok")
EOF
grep -q ok "$LOGDIR/raw.out" || fail "raw requests"
ctl h0 -j config | cmp -s - "$LOGDIR/before.json" ||
	fail "state changed by refused requests"
[ "$(members)" = "eth0 eth1" ] || fail "members changed: $(members)"

note "access: not root, not in the group"
expect 1 "cannot connect" inns h0 setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$LAGNICCTL" -s "$LOGDIR/h0.sock" show

note "a bad config file: lagnicd refuses it, naming the key"
echo '{"runner": {"name": "loadbalance", "tx_hash": ["eth", "foo"]}}' \
	>"$LOGDIR/bad.json"
expect 2 "runner.tx_hash[1]: unknown value 'foo'" \
	inns h0 "$LAGNICD" -c "$LOGDIR/bad.json" -s "$LOGDIR/bad.sock"
echo '{"runner": {"name": "activebackup"},' >"$LOGDIR/bad.json"
expect 2 "line 2, column" \
	inns h0 "$LAGNICD" -c "$LOGDIR/bad.json" -s "$LOGDIR/bad.sock"

note "lagnicd -P: a bad priority is refused; a good one is SCHED_FIFO"
expect 2 "-P 0: a priority from 1 to 99" \
	inns h0 "$LAGNICD" -P 0 -s "$LOGDIR/bad.sock" -p eth2
expect 2 "-P 5x: a priority from 1 to 99" \
	inns h0 "$LAGNICD" -P 5x -s "$LOGDIR/bad.sock" -p eth2
"$TESTBED" spawn "$TB" h1 "$LOGDIR/lagnicd-rt.log" "$LAGNICD" -n lagrt \
	-P 10 -s "$LOGDIR/rt.sock" -r "$LOGDIR/rt.rdma.sock" -b "$BACKEND" \
	-p eth2 >"$LOGDIR/lagnicd-rt.pid"
wait_for 10 inns h1 ip link show lagrt || fail "lagnicd -P 10 did not start"
rt=$(awk '{ print $41, $40 }' "/proc/$(cat "$LOGDIR/lagnicd-rt.pid")/stat")
[ "$rt" = "1 10" ] ||
	fail "lagnicd -P 10: policy/priority '$rt', want SCHED_FIFO (1) at 10"

note "the daemon goes away: monitor ends with status 1"
"$TESTBED" down "$TB"
rc=0; wait "$mon" || rc=$?
[ "$rc" -eq 1 ] || fail "monitor ended with $rc"
echo "ok"
