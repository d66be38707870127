#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile and odd frames against the DNS daemon on a throw-away testbed, in
# both send modes (issue 11: reflection through the precopy cache, martian
# and foreign traffic, IPv6 extension headers, jumbo frames). Frames are
# crafted and sent raw from the client namespace (tests/net/frames.py), and
# every UDP frame from port 53 that comes back is captured, whatever its
# destination MAC: a broadcast reply or one to another host's MAC counts.
# In precopy mode each spoofed query is preceded by the same question from
# the real client, so that a ready copy waits in the cache when it arrives.
#
# Output "ok NAME" / "FAIL NAME: why", then "hostile: N passed, M failed".
# Exit 0 only if all passed, 77 = skip. TESTS="a b" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
DAEMON=${XST_DAEMON:-$ROOT/build/xdpstorm}
PY=/usr/bin/python3
ZONE="$ROOT/tests/dns/zones/example.test.zone"

ALL_TESTS="
	test_spoofed_memcpy
	test_spoofed_precopy
	test_ipv6_ext_headers
	test_jumbo_skb
	test_jumbo_native
"

SUITE=hostile
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip timeout dig "$PY"
net_require_file "$DAEMON" "$CTL"

DPID=""
suite_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	rm -f "/run/xdpstorm/${XST_IF_SRV:-none}.owner"
}

net_testbed ho 1

start_daemon() {
	net_daemon_start 10 --zone "$ZONE" "$@"
}

stop_daemon() {
	net_daemon_stop
}

reset() {
	[ -n "$DPID" ] && { kill -KILL "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=""; }
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" mtu 1500 2>/dev/null
	ip -n "$XST_NS_CLI" link set dev "$XST_IF_CLI" mtu 1500 2>/dev/null
	rm -f "/run/xdpstorm/$XST_IF_SRV.owner"
}

# probe [frames.py options...]: every case's result line into $TMP/probe.out
probe() {
	cli "$PY" "$ROOT/tests/net/frames.py" probe --iface "$XST_IF_CLI" \
		--cli-mac "$XST_MAC_CLI" --srv-mac "$XST_MAC_SRV" --cli4 "$XST_IP4_CLI" \
		--srv4 "$XST_IP4_SRV" --cli6 "$XST_IP6_CLI" --srv6 "$XST_IP6_SRV" "$@" \
		>"$TMP/probe.out" 2>&1 || { why "frames.py: $(tail -n2 "$TMP/probe.out" | tr '\n' ' ')"; return 1; }
}

# expect CASE N: the case got exactly N replies
expect() {
	local line

	line=$(grep "^$1 " "$TMP/probe.out")
	[ -n "$line" ] || { why "$1: no result line"; return 1; }
	case $line in
	*"replies=$2"|*"replies=$2 "*) return 0 ;;
	esac
	why "$line (want replies=$2)"
	return 1
}

SPOOFED="src_mac_bcast src_mac_stp dst_mac_bcast dst_mac_foreign src4_bcast src4_mdns
	src4_zero src4_loopback src4_own src4_subnet_bcast sport_zero src6_unspec src6_loopback
	src6_mcast src6_own src6_v4mapped vlan_none v6_csum_zero"

spoofed() {	# SEND MODE
	local c args=""

	start_daemon --send "$1" || return 1
	for c in legit4 legit6 $SPOOFED; do
		args="$args --case $c"
	done
	# shellcheck disable=SC2086
	probe $args ${2:-} || return 1
	expect legit4 1 || return 1
	expect legit6 1 || return 1
	for c in $SPOOFED; do
		expect "$c" 0 || { why "$1: $(cat "$TMP/why")"; return 1; }
	done
	stop_daemon
}

test_spoofed_memcpy() {
	spoofed memcpy
}

# The reflection scenario: every spoofed query's question is in the copy pool.
test_spoofed_precopy() {
	spoofed precopy --prefill
}

# IPv6 with a hop-by-hop header: the steering program steers it and the
# daemon answers it (before, it was steered and dropped: neither answered).
test_ipv6_ext_headers() {
	local send

	for send in memcpy precopy; do
		start_daemon --send $send || return 1
		probe --case v6_hbh || return 1
		expect v6_hbh 1 || { why "$send: $(cat "$TMP/why")"; return 1; }
		stop_daemon || return 1
	done
}

# MTU 9000, in both attach modes (the steering program is multi-buffer
# aware, so native XDP on veth takes jumbo frames): a 1,600-byte query is
# answered; a frame longer than the sockets' frames is not steered (counted
# pass_big) but left to the kernel.
jumbo() {	# MODE
	local big0 big1

	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" mtu 9000 || { why "set mtu"; return 1; }
	ip -n "$XST_NS_CLI" link set dev "$XST_IF_CLI" mtu 9000 || { why "set mtu"; return 1; }
	start_daemon --mode "$1" || return 1
	probe --case big_query || return 1
	expect big_query 1 || { why "$1: $(cat "$TMP/why")"; return 1; }
	big0=$(ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counters"]["pass_big"]["packets"])')
	# about 5,900 bytes of query: more than a 4096-byte UMEM frame can hold
	probe --case huge_query || return 1
	big1=$(ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counters"]["pass_big"]["packets"])')
	[ "$big1" -gt "$big0" ] || { why "$1: a 5,900-byte query was not counted pass_big ($big0 -> $big1)"; return 1; }
	stop_daemon
}

test_jumbo_skb() {
	jumbo skb
}

test_jumbo_native() {
	jumbo native
}

net_run_tests reset
