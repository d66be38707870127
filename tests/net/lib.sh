# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared scaffolding of the netns suites (tests/net/test_*.sh), sourced after
# the suite set SUITE (its name in output lines) and ROOT:
#
#   net_require TOOL...        skip (exit 77, reason printed) without root or a tool
#   net_require_file FILE...   fail the suite when a built binary is missing
#   net_testbed ID QUEUES      throw-away testbed (tools/testbed.sh), removed on exit;
#                              exports XST_* and defines srv, cli, ctl, why
#   net_attach_foreign         a non-xdpstorm XDP_PASS program on the server veth
#   net_run_tests PREPARE      run ${TESTS:-$ALL_TESTS}, calling PREPARE before each;
#                              prints "ok NAME" / "FAIL NAME: why" and the summary
#   net_daemon_start SECS ARGS...  $DAEMON --iface $XST_IF_SRV ARGS in the server
#                              namespace, log in $TMP/daemon.log, PID in DPID; waits
#                              at most SECS for its "ready" line
#   net_daemon_stop            SIGTERM to DPID; exit status 0 within 10 s
#
# A suite adds its own clean-up in suite_cleanup() (called first on exit) and
# the PIDs of background services it starts to SERVICE_PIDS.

SERVICE_PIDS=""
TMP=""

net_summary_fail() {
	echo "$SUITE: $*"
	echo "$SUITE: 0 passed, 1 failed"
	exit 1
}

net_require() {
	local tool

	if [ "$(id -u)" != 0 ]; then
		echo "$SUITE: skipped: needs root (network namespaces, XDP)"
		exit 77
	fi
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "$SUITE: skipped: '$tool' not installed (make deps)"
			exit 77
		fi
	done
}

net_require_file() {
	local f

	for f in "$@"; do
		[ -x "$f" ] || net_summary_fail "$f missing (run make all first)"
	done
}

net_cleanup() {
	local p

	trap '' PIPE
	if declare -F suite_cleanup >/dev/null; then
		suite_cleanup
	fi
	for p in $SERVICE_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	"$ROOT/tools/testbed.sh" down --id "$XST_TB_ID" >/dev/null 2>&1 || true
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# net_testbed ID QUEUES: ID is a short prefix; the PID makes it unique per run.
net_testbed() {
	local tb_env

	TMP=$(mktemp -d "/tmp/xst-$SUITE.XXXXXX")
	export XST_TB_ID="$1$$"
	XST_TB_ID=${XST_TB_ID:0:10}
	trap net_cleanup EXIT
	trap 'exit 130' INT TERM HUP PIPE
	if ! tb_env=$("$ROOT/tools/testbed.sh" up --id "$XST_TB_ID" --queues "$2" 2>"$TMP/testbed.log"); then
		net_summary_fail "testbed up failed: $(tail -n1 "$TMP/testbed.log")"
	fi
	eval "$tb_env"
}

srv() { ip netns exec "$XST_NS_SRV" "$@"; }
cli() { ip netns exec "$XST_NS_CLI" "$@"; }
ctl() { ip netns exec "$XST_NS_SRV" "$CTL" "$@"; }

# A test records why it failed here and returns 1.
why() {
	echo "$*" >"$TMP/why"
	return 1
}

# net_attach_foreign: attach a minimal XDP_PASS program that is not
# xdpstorm's (named foreign_pass) to the server veth.
net_attach_foreign() {
	command -v clang >/dev/null || why "clang missing" || return 1
	cat >"$TMP/pass.bpf.c" <<-'EOF'
	#include <linux/bpf.h>
	__attribute__((section("xdp"), used)) int foreign_pass(struct xdp_md *ctx) { return XDP_PASS; }
	char _license[] __attribute__((section("license"), used)) = "GPL";
	EOF
	clang -O2 -target bpf -idirafter "/usr/include/$(gcc -print-multiarch)" \
		-c "$TMP/pass.bpf.c" -o "$TMP/pass.bpf.o" || why "cannot build a foreign program" || return 1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp obj "$TMP/pass.bpf.o" sec xdp ||
		why "cannot attach a foreign program" || return 1
}

net_run_tests() {
	local prepare=$1 t pass=0 failed=0

	for t in ${TESTS:-$ALL_TESTS}; do
		rm -f "$TMP/why"
		if "$prepare" && "$t"; then
			echo "ok $t"
			pass=$((pass + 1))
		else
			echo "FAIL $t: $(cat "$TMP/why" 2>/dev/null || echo "no reason recorded")"
			failed=$((failed + 1))
		fi
	done
	echo "$SUITE: $pass passed, $failed failed"
	[ $failed -eq 0 ]
}

net_daemon_start() {
	local secs=$1

	shift
	# ip netns exec execs the daemon: $! is the daemon itself (not a subshell).
	# NET_CGROUP2=DIR: ip netns exec gives the daemon a fresh /sys without
	# cgroup mounts, so mount cgroup2 (the host's hierarchy) at DIR in that
	# private mount namespace first (gone with its last process) and exec.
	if [ -n "${NET_CGROUP2:-}" ]; then
		mkdir -p "$NET_CGROUP2"
		ip netns exec "$XST_NS_SRV" sh -c 'mount -t cgroup2 none "$1" || exit 1; shift; exec "$@"' \
			sh "$NET_CGROUP2" "$DAEMON" --iface "$XST_IF_SRV" "$@" >"$TMP/daemon.log" 2>&1 &
	else
		ip netns exec "$XST_NS_SRV" "$DAEMON" --iface "$XST_IF_SRV" "$@" >"$TMP/daemon.log" 2>&1 &
	fi
	DPID=$!
	for _ in $(seq $((secs * 10))); do
		grep -q ' ready on ' "$TMP/daemon.log" && return 0
		if ! kill -0 "$DPID" 2>/dev/null; then
			wait "$DPID" 2>/dev/null
			DPID=""
			why "daemon exited before ready: $(tail -n3 "$TMP/daemon.log" | tr '\n' ' ')"
			return 1
		fi
		sleep 0.1
	done
	why "daemon not ready after $secs s: $(tail -n3 "$TMP/daemon.log" | tr '\n' ' ')"
	return 1
}

net_daemon_stop() {
	local rc

	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID"
	for _ in $(seq 100); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$DPID" 2>/dev/null; then
		kill -KILL "$DPID"
		wait "$DPID" 2>/dev/null
		DPID=""
		why "daemon ignored SIGTERM for 10 s"
		return 1
	fi
	wait "$DPID"
	rc=$?
	DPID=""
	[ $rc -eq 0 ] || { why "daemon exited $rc on SIGTERM: $(tail -n2 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
}
