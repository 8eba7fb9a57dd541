#!/bin/bash
# Unmodified verbs programs (Debian's ibverbs-utils and perftest) on
# lagnic's drop-in libibverbs.so.1, through lagnic-run, between two
# lagnicd hosts over a LAG of two veth links (active-backup): the device
# as ibv_devices/ibv_devinfo see it; RC, UD and SRQ pingpong, polling and on
# completion channels; perftest's
# bandwidth, latency and atomic tests, each side's output checked; the
# extended verbs, the SRQ limit and QP events, and the refusals
# (verbs_ex.c); the port's async events as the links go (none while one
# member is left, PORT_ERR when none is, PORT_ACTIVE when one is back;
# GID_CHANGE for an address added to lag0);
# then the active member cut in the middle of a run, which still ends well.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=vib$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

RUN=${LAGNIC_RUN:-$BUILD/src/verbs/lagnic-run}
VERBS_EX=${VERBS_EX:-$BUILD/tests/netns/verbs_ex}
[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"
[ -f "$RUN" ] || fail "no $RUN"
[ -x "$VERBS_EX" ] || fail "no $VERBS_EX"
[ -e "$(dirname "$RUN")/libibverbs.so.1" ] ||
	fail "no libibverbs.so.1 beside $RUN"
for p in ibv_devices ibv_devinfo ibv_rc_pingpong ibv_ud_pingpong ibv_srq_pingpong \
	ib_write_bw ib_read_bw ib_send_bw ib_write_lat ib_send_lat ib_atomic_bw; do
	command -v "$p" >/dev/null ||
		fail "no $p (scripts/install-deps.sh: ibverbs-utils perftest)"
done

# A sanitizer build of the library needs the ASan runtime first in the
# programs, which are not built with it: preload it for them, and leave
# their own leaks to them.
SAN_ENV=()
asan=$(ldd "$(dirname "$RUN")/libibverbs.so.1" | awk '/libasan/ { print $3 }')
[ -z "$asan" ] || SAN_ENV=(LD_PRELOAD="$asan" ASAN_OPTIONS=detect_leaks=0)

# verbs HOST PROGRAM ARGS...: PROGRAM on HOST's lagnicd, at most 90 s
verbs() {
	local h=$1; shift
	inns "$h" timeout 90 env "${SAN_ENV[@]}" sh "$RUN" \
		-r "$LOGDIR/$h.rdma" "$@"
}

listening() { inns h1 ss -ltn | grep -q ":$1 "; }

# pair NAME PORT PROGRAM ARGS...: server on h1, client on h0; both must
# end well. Outputs in $LOGDIR/NAME.{server,client}.
pair() {
	local name=$1 port=$2; shift 2
	bg verbs h1 "$@" >"$LOGDIR/$name.server" 2>&1
	local srv=$BG_PID
	wait_for 10 listening "$port" ||
		fail "$name: server not listening: $(cat "$LOGDIR/$name.server")"
	verbs h0 "$@" 10.77.0.2 >"$LOGDIR/$name.client" 2>&1 ||
		fail "$name client: $(cat "$LOGDIR/$name.client")"
	wait "$srv" || fail "$name server: $(cat "$LOGDIR/$name.server")"
}

# expect NAME SIDE REGEX: that side's output has a line matching REGEX
expect() {
	grep -Eq "$3" "$LOGDIR/$1.$2" ||
		fail "$1 $2: no /$3/ in: $(cat "$LOGDIR/$1.$2")"
}

# A perftest result row: #bytes #iterations then figures.
S='[[:space:]]+'
BW_ROW="^ *[0-9]+$S[0-9]+$S[0-9.]+$S[0-9.]+$S[0-9.]+[[:space:]]*\$"
# (bytes, iterations, t_min, t_max, ...: t_stdev may read -nan)
LAT_ROW="^ *[0-9]+$S[0-9]+$S[0-9.]+$S[0-9.]+$S[0-9.]+$S"
PP_BW='^[0-9]+ bytes in [0-9.]+ seconds = [0-9.]+ Mbit/sec$'
PP_LAT='^[0-9]+ iters in [0-9.]+ seconds = [0-9.]+ usec/iter$'

perftest() {
	local t=$1 row=$2; shift 2
	pair "$t" 18515 "$t" -d lagnic0 -x 0 "$@"
	for side in server client; do
		expect "$t" "$side" '#bytes'
		expect "$t" "$side" "$row"
	done
	note "$t: $(grep -E "$row" "$LOGDIR/$t.client" | tr -s ' \t' ' ')"
}

not() { ! "$@"; }

both_up() {
	ctl h0 -j show | python3 -c 'import json,sys
sys.exit(any(m["link"] != "up" for m in json.load(sys.stdin)["members"]))'
}

active() {
	ctl h0 -j show | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["active"])'
}

# cut NAME PORT PROGRAM ARGS...: as pair, with h0's active member cut
# once the run has gone on for a second
cut() {
	local name=$1 port=$2 victim; shift 2
	victim=$(active)
	bg verbs h1 "$@" >"$LOGDIR/$name.server" 2>&1
	local srv=$BG_PID
	wait_for 10 listening "$port" || fail "$name: server not listening"
	bg verbs h0 "$@" 10.77.0.2 >"$LOGDIR/$name.client" 2>&1
	local cli=$BG_PID
	sleep 2		# the run lasts several seconds
	kill -0 "$cli" 2>/dev/null || fail "$name: ended before the cut: $(cat "$LOGDIR/$name.client")"
	inns h0 ip link set "$victim" down
	note "$name: $victim cut mid-run"
	wait "$cli" || fail "$name client after the cut: $(cat "$LOGDIR/$name.client")"
	wait "$srv" || fail "$name server after the cut: $(cat "$LOGDIR/$name.server")"
	inns h0 ip link set "$victim" up
	wait_for 5 both_up || fail "$victim not back in the LAG: $(ctl h0 show)"
}

"$TESTBED" pair "$TB" 2
for h in h0 h1; do
	start_lagnicd "$h" -b "$BACKEND" -o mode=active-backup -o miimon=100 \
		-r "$LOGDIR/$h.rdma" -p eth0 -p eth1
done
ip_up h0 10.77.0.1/24
ip_up h1 10.77.0.2/24
wait_for 5 inns h0 ping -c 1 -W 1 10.77.0.2 || fail "no ping"
# lagnicd reads lag0's addresses once a second: wait for the GID
gid4() { verbs h0 ibv_devinfo -v | grep -q 'GID.*::ffff:10.77.0.1, RoCE v2'; }
wait_for 10 gid4 || fail "no IPv4 GID on h0: $(verbs h0 ibv_devinfo -v 2>&1 | tail -3)"

# The device
verbs h0 ibv_devices >"$LOGDIR/devices.out" 2>&1 || fail "ibv_devices"
grep -Eq '^ +lagnic0[[:space:]]+[0-9a-f]{16}$' "$LOGDIR/devices.out" ||
	fail "ibv_devices: $(cat "$LOGDIR/devices.out")"
verbs h0 ibv_devinfo -v >"$LOGDIR/devinfo.out" 2>&1 ||
	fail "ibv_devinfo: $(cat "$LOGDIR/devinfo.out")"
for re in $'hca_id:\tlagnic0' 'state:.*PORT_ACTIVE' \
	'link_layer:.*Ethernet' 'phys_port_cnt:.*1' 'atomic_cap:.*ATOMIC_HCA' \
	'GID\[ *[0-9]+\]:.*::ffff:10.77.0.1, RoCE v2'; do
	grep -Eq "$re" "$LOGDIR/devinfo.out" ||
		fail "ibv_devinfo: no /$re/ in $(cat "$LOGDIR/devinfo.out")"
done
note "ibv_devices, ibv_devinfo: lagnic0"

# ibverbs-utils' pingpongs (GID 0: the IPv4 one)
for t in ibv_rc_pingpong ibv_ud_pingpong; do
	pair "$t" 18515 "$t" -g 0 -n 100
	for side in server client; do
		expect "$t" "$side" "$PP_BW"
		expect "$t" "$side" "$PP_LAT"
	done
	note "$t: $(grep -E "$PP_LAT" "$LOGDIR/$t.client")"
done

# RC on a shared receive queue (16 QPs on one SRQ)
pair ibv_srq_pingpong 18515 ibv_srq_pingpong -g 0 -n 100
for side in server client; do
	expect ibv_srq_pingpong "$side" "$PP_BW"
	expect ibv_srq_pingpong "$side" "$PP_LAT"
done
note "ibv_srq_pingpong: $(grep -E "$PP_LAT" "$LOGDIR/ibv_srq_pingpong.client")"

# The same, waiting on completion channels (-e: ibv_req_notify_cq,
# ibv_get_cq_event, ibv_ack_cq_events)
for t in ibv_rc_pingpong ibv_ud_pingpong; do
	pair "$t-e" 18515 "$t" -g 0 -n 100 -e
	for side in server client; do expect "$t-e" "$side" "$PP_LAT"; done
	note "$t -e: $(grep -E "$PP_LAT" "$LOGDIR/$t-e.client")"
done

# perftest
perftest ib_write_bw "$BW_ROW" -n 1000
perftest ib_read_bw "$BW_ROW" -n 1000
perftest ib_send_bw "$BW_ROW" -n 1000
perftest ib_atomic_bw "$BW_ROW" -n 1000
perftest ib_write_lat "$LAT_ROW" -n 200
perftest ib_send_lat "$LAT_ROW" -n 200
# perftest over UD (-c UD): ib_send_bw, ib_send_lat
pair send_bw_ud 18515 ib_send_bw -d lagnic0 -x 0 -n 1000 -c UD
for side in server client; do expect send_bw_ud "$side" "$BW_ROW"; done
pair send_lat_ud 18515 ib_send_lat -d lagnic0 -x 0 -n 200 -c UD
for side in server client; do expect send_lat_ud "$side" "$LAT_ROW"; done
note "ib_send_bw -c UD, ib_send_lat -c UD: ok"
# perftest on completion channels (-e): ib_send_bw, ib_send_lat
pair send_bw_e 18515 ib_send_bw -d lagnic0 -x 0 -n 1000 -e
for side in server client; do expect send_bw_e "$side" "$BW_ROW"; done
pair send_lat_e 18515 ib_send_lat -d lagnic0 -x 0 -n 200 -e
for side in server client; do expect send_lat_e "$side" "$LAT_ROW"; done
note "ib_send_bw -e, ib_send_lat -e: ok"

# The extended verbs (ibv_create_cq_ex, ibv_create_qp_ex, ibv_wr_*), an
# SRQ and its limit (SRQ_LIMIT_REACHED), SQ_DRAINED; what lagnic refuses
# (an SRQ resize, UC, MW, an iova, LOCAL_INV, resize_cq)
pair verbs_ex 18516 "$VERBS_EX" -g 0
for side in server client; do expect verbs_ex "$side" '^verbs_ex: ok$'; done
note "verbs_ex: ok"

# The port's async events (ibv_get_async_event on a non-blocking
# async_fd): one member cut is none (the LAG keeps carrier); both cut,
# PORT_ERR and the port DOWN; one back, PORT_ACTIVE and the port ACTIVE;
# then an address on lag0 is a new GID: GID_CHANGE.
port_event() { grep -q "^event: PORT_$1 state PORT_$2\$" \
	"$LOGDIR/events.out"; }
bg verbs h0 "$VERBS_EX" -E 60 -n 2 -G >"$LOGDIR/events.out" 2>&1
EV=$BG_PID
wait_for 10 grep -q '^port: PORT_ACTIVE$' "$LOGDIR/events.out" ||
	fail "events: $(cat "$LOGDIR/events.out")"
inns h0 ip link set eth0 down
wait_for 5 not both_up || fail "eth0 still up in the LAG: $(ctl h0 show)"
sleep 1		# an event would have come by now
grep -q '^event: PORT_' "$LOGDIR/events.out" &&
	fail "a port event for one member's cut: $(cat "$LOGDIR/events.out")"
inns h0 ip link set eth1 down
wait_for 10 port_event ERR DOWN ||
	fail "no PORT_ERR with both links cut: $(cat "$LOGDIR/events.out")"
inns h0 ip link set eth0 up
wait_for 10 port_event ACTIVE ACTIVE ||
	fail "no PORT_ACTIVE with a link back: $(cat "$LOGDIR/events.out")"
inns h0 ip addr add 10.77.9.1/32 dev lag0	# lagnicd looks once a second
wait "$EV" || fail "events (no GID_CHANGE?): $(cat "$LOGDIR/events.out")"
grep -q '^event: GID_CHANGE' "$LOGDIR/events.out" || fail "no GID_CHANGE"
inns h0 ip addr del 10.77.9.1/32 dev lag0
inns h0 ip link set eth1 up
wait_for 10 both_up || fail "links not back in the LAG: $(ctl h0 show)"
wait_for 10 inns h0 ping -c 1 -W 1 10.77.0.2 || fail "no ping after the cuts"
note "port events: $(grep -c "^event: PORT" "$LOGDIR/events.out") (none for one member's cut), then GID_CHANGE"

# A cut in the middle of perftest runs (by duration): writes, then reads.
# -u 18: a 1 s transport timeout (perftest's 14 is 67 ms, 7 retries) so
# that a loaded host's stall is not taken for a lost peer.
for t in ib_write_bw ib_read_bw; do
	cut "$t-cut" 18515 "$t" -d lagnic0 -x 0 -u 18 -D 6
	for side in server client; do expect "$t-cut" "$side" "$BW_ROW"; done
	note "$t -D 6 through the cut: $(grep -E "$BW_ROW" \
		"$LOGDIR/$t-cut.client" | tr -s ' \t' ' ')"
done

# SENDs through a cut: a stream, and a ping-pong (ib_send_lat: each side
# waits for the other's SEND; a QP the cut left behind would stall it)
ANY_ROW="^ *[0-9]+$S[0-9]+$S[0-9.]+"
for t in ib_send_bw ib_send_lat; do
	cut "$t-cut" 18515 "$t" -d lagnic0 -x 0 -u 18 -D 6
	for side in server client; do
		expect "$t-cut" "$side" '#bytes'
		expect "$t-cut" "$side" "$ANY_ROW"
	done
	note "$t -D 6 through the cut: $(grep -E "$ANY_ROW" \
		"$LOGDIR/$t-cut.client" | tr -s ' \t' ' ')"
done

ctl h0 -j rdma >"$LOGDIR/rdma.json"
python3 - "$LOGDIR/rdma.json" <<'PY' || fail "lagnicctl rdma: $(cat "$LOGDIR/rdma.json")"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
assert c["wc_errors"] == 0, c
assert d["service"]["clients"] == 0 and d["qps"] == [], "left behind"
assert c["lane_rewinds"] >= 1, c	# the cuts moved the QPs' lanes
print("# rdma: %d retransmits, %d lane rewinds" %
      (c["retransmits"], c["lane_rewinds"]))
PY
echo "ok"
