# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# What the benchmark scripts (tools/bench/bench-*.sh) share, sourced after
# the script set BENCH_NAME ("dns", "http"), ROOT, LOG, TMP, XST_TB_ID,
# TB_UP, PIDS and SRV_PID:
#
#   log MSG / die MSG        timestamped lines on stderr and in LOG
#   track PID / untrack PID  background processes the clean-up ends
#   cleanup                  the EXIT trap: end every tracked process (TERM,
#                            then KILL), detach what was left on the veths,
#                            tear the testbed down, remove TMP
#   srv / cli CMD...         in the server / client namespace (foreground only)
#   fn_of NAME SUFFIX        a server's srv_<name>_<suffix> function, if defined
#   pin_tree PID             the process and its descendants on BENCH_SRV_CPU
#   srv_stop NAME DIR        stop the running server (SRV_PID), its stop hook,
#                            and take off an XDP program it left (logged when
#                            NAME matches BENCH_XDP_WARN, a pattern: default *)

log() {
	printf '%s bench-%s: %s\n' "$(date +%H:%M:%S)" "$BENCH_NAME" "$*" | tee -a "$LOG" >&2
}

die() {
	log "error: $*"
	exit 1
}

cleanup() {
	local rc=$? p

	trap '' PIPE
	set +e
	p=""
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		for p in $PIDS; do
			kill -0 "$p" 2>/dev/null && break
			p=""
		done
		[ -z "$p" ] && break
		sleep 0.3
	done
	for p in $PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	if [ "$TB_UP" = 1 ]; then
		# knotd and kxdpgun leave their programs attached; ours too on a crash
		ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
		ip -n "$XST_NS_CLI" link set dev "$XST_IF_CLI" xdp off 2>/dev/null
		"$ROOT/tools/testbed.sh" down --id "$XST_TB_ID" 2>>"$LOG"
	fi
	rm -rf "$TMP"
	[ $rc -eq 0 ] || echo "bench-$BENCH_NAME: FAILED (exit $rc), log in $LOG" >&2
	exit $rc
}

track() {
	PIDS="$PIDS $1"
}

untrack() {
	local p out=""

	for p in $PIDS; do
		[ "$p" = "$1" ] || out="$out $p"
	done
	PIDS=$out
}

# Foreground helpers only: a function run with & is a subshell, so $! would
# not be the server's PID (background starts call `ip netns exec` directly,
# which execs the command: $! is then the server itself).
srv() { ip netns exec "$XST_NS_SRV" "$@"; }
cli() { ip netns exec "$XST_NS_CLI" "$@"; }

fn_of() {	# NAME SUFFIX: the function name, or nothing if not defined
	local f="srv_${1//-/_}_$2"

	if declare -F "$f" >/dev/null; then echo "$f"; fi
}

pin_tree() {
	local p kids

	taskset -a -p -c "$BENCH_SRV_CPU" "$1" >/dev/null 2>&1 || true
	kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
	for p in $kids; do
		pin_tree "$p"
	done
}

srv_stop() {	# NAME DIR
	local name=$1 dir=$2 stop rc=0 attached

	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$SRV_PID" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$SRV_PID" 2>/dev/null; then
			log "$name: still running 10 s after SIGTERM, killing it"
			kill -KILL "$SRV_PID" 2>/dev/null || true
		fi
		wait "$SRV_PID" 2>/dev/null || rc=$?
		untrack "$SRV_PID"
		[ $rc -eq 0 ] || log "$name: exit status $rc after SIGTERM"
	fi
	stop=$(fn_of "$name" stop)
	[ -z "$stop" ] || "$stop" "$dir"
	attached=$(ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -o 'prog/xdp[a-z]* id [0-9]* name [^ ]*' || true)
	if [ -n "$attached" ]; then
		# shellcheck disable=SC2254 # BENCH_XDP_WARN is a pattern
		case $name in ${BENCH_XDP_WARN:-*}) log "$name left an XDP program attached: $attached" ;; esac
		srv ip link set dev "$XST_IF_SRV" xdp off
	fi
	SRV_PID=""
	return 0
}
