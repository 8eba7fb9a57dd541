# shellcheck shell=bash
# portperf_lib.sh - run portperf-shaped tools (lagnic-portperf, raw_afpacket,
# raw_afxdp) in a testbed: rx in the background, tx in the foreground, the
# JSON reports collected. Sourced by bench/port_bench.sh, scripts/demo.sh
# and tests/netns/test_portperf.sh. The caller sets TESTBED (path of
# scripts/testbed.sh) and TB (the testbed's name) and calls pp_cleanup from
# its EXIT trap.

PP_PIDS=()

# pp_spawn HOST LOG CMD... : start CMD in the testbed host in the
# background; sets PP_PID to the PID of CMD itself. (testbed.sh records the
# PID of the subshell that runs CMD; we kill CMD directly as well.)
pp_spawn() {
	local wrapper child i
	wrapper=$("$TESTBED" spawn "$TB" "$@")
	PP_PID=$wrapper
	for ((i = 0; i < 200; i++)); do
		ps -o args= -p "$wrapper" 2>/dev/null | grep -q testbed.sh || break
		child=$(pgrep -n -P "$wrapper" 2>/dev/null || true)
		if [ -n "$child" ]; then
			PP_PID=$child	# ip netns exec -> sh -> CMD: one PID
			break
		fi
		sleep 0.01
	done
	PP_PIDS+=("$PP_PID")
}

pp_alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }

# pp_wait_ready LOG PID [SEC] : until LOG says "rx ready"; 1 if PID died
# first or SEC (10) passed.
pp_wait_ready() {
	local log=$1 pid=$2 sec=${3:-10} i
	for ((i = 0; i < sec * 50; i++)); do
		grep -q "rx ready" "$log" 2>/dev/null && return 0
		pp_alive "$pid" || return 1
		sleep 0.02
	done
	return 1
}

# pp_wait_exit PID SEC : until PID is gone; after SEC, TERM then KILL it
# and return 1.
pp_wait_exit() {
	local pid=$1 sec=$2 i
	for ((i = 0; i < sec * 20; i++)); do
		pp_alive "$pid" || return 0
		sleep 0.05
	done
	kill -TERM "$pid" 2>/dev/null || true
	sleep 0.5
	kill -KILL "$pid" 2>/dev/null || true
	return 1
}

# pp_json FILE : the JSON report line in a tool's output.
pp_json() { grep -m1 '^{' "$1" 2>/dev/null || true; }

# Kill what we started (only those PIDs), then remove the testbed.
pp_cleanup() {
	local pid
	for pid in "${PP_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	for pid in "${PP_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
}
