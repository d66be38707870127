#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The xdpstorm demo (`make demo`, after building): a throw-away netns testbed,
# the steering program attached to the server veth, ping still working, the
# CLI's status and counters, a blocklist entry taking effect, then (when the
# daemon is built and tools/demo-daemon.sh exists) the DNS demo, then detach and
# teardown. Everything created is removed on exit, also on failure or ^C.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
CTL=$ROOT/build/xdpstormctl

section() {
	if [ -t 1 ]; then
		printf '\n\033[1m==== %s ====\033[0m\n' "$*"
	else
		printf '\n==== %s ====\n' "$*"
	fi
}

# Show the command as typed (namespace wrapper and build path shortened).
run() {
	local shown="$*"

	shown=${shown/#srv /[server] }
	shown=${shown/#cli /[client] }
	printf '$ %s\n' "${shown//$CTL/xdpstormctl}"
	"$@"
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces and XDP)" >&2
	exit 1
fi
if [ ! -x "$CTL" ]; then
	echo "demo: $CTL missing: run 'make all' first" >&2
	exit 1
fi

export XST_TB_ID="demo$$"
XST_TB_ID=${XST_TB_ID:0:10}
ATTACHED=0

cleanup() {
	local rc=$?

	# stdout may be a closed pipe: finish the teardown regardless
	trap '' PIPE
	set +e
	if [ "$ATTACHED" = 1 ]; then
		ip netns exec "$XST_NS_SRV" "$CTL" detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	fi
	section "teardown"
	"$ROOT/tools/testbed.sh" down --id "$XST_TB_ID"
	if [ $rc -eq 0 ]; then
		echo "demo: done"
	else
		echo "demo: FAILED (exit $rc)"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

section "testbed: server and client namespaces joined by a veth pair"
eval "$("$ROOT/tools/testbed.sh" up --queues 1)"
echo "server $XST_NS_SRV: $XST_IF_SRV $XST_IP4_SRV $XST_IP6_SRV ($XST_MAC_SRV)"
echo "client $XST_NS_CLI: $XST_IF_CLI $XST_IP4_CLI $XST_IP6_CLI ($XST_MAC_CLI)"

srv() { ip netns exec "$XST_NS_SRV" "$@"; }
cli() { ip netns exec "$XST_NS_CLI" "$@"; }

section "attach the steering program to $XST_IF_SRV (native XDP)"
run srv "$CTL" attach --iface "$XST_IF_SRV" --mode native
ATTACHED=1
run ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV"
run bpftool prog show name xst_steer

section "the kernel stack still answers: ping v4 and v6 from the client"
run cli ping -c 3 -i 0.2 -W 1 "$XST_IP4_SRV"
run cli ping -6 -c 3 -i 0.2 -W 1 "$XST_IP6_SRV"

section "status"
run srv "$CTL" status --iface "$XST_IF_SRV"

section "counters after the pings (every packet is counted once)"
run srv "$CTL" stats --iface "$XST_IF_SRV"

section "blocklist: the client's IPv4 address is dropped in XDP"
run srv "$CTL" block add --iface "$XST_IF_SRV" "$XST_IP4_CLI"
if cli ping -c 2 -i 0.2 -W 1 "$XST_IP4_SRV" >/dev/null 2>&1; then
	echo "demo: ping v4 still works while blocked" >&2
	exit 1
fi
echo "ping v4: no reply while blocked (as expected)"
run srv "$CTL" block list --iface "$XST_IF_SRV"
run srv "$CTL" block del --iface "$XST_IF_SRV" "$XST_IP4_CLI"
run cli ping -c 1 -W 1 "$XST_IP4_SRV"

if [ -x "$ROOT/build/xdpstorm" ] && [ -e "$ROOT/tools/demo-daemon.sh" ]; then
	section "DNS and HTTP: the xdpstorm daemon on the steered queue"
	export XST_CTL="$CTL"
	bash "$ROOT/tools/demo-daemon.sh"
	section "status and counters after the DNS and HTTP demo"
	run srv "$CTL" status --iface "$XST_IF_SRV"
	run srv "$CTL" stats --iface "$XST_IF_SRV"
else
	section "DNS and HTTP demo skipped"
	echo "build/xdpstorm or tools/demo-daemon.sh not there yet"
fi

section "detach"
run srv "$CTL" detach --iface "$XST_IF_SRV"
ATTACHED=0
run ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV"
if ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp'; then
	echo "demo: an XDP program is still attached" >&2
	exit 1
fi
