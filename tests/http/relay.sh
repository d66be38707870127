#!/usr/bin/env bash
# shellcheck disable=SC2153 # XST_* come from tools/testbed.sh via the environment
# SPDX-License-Identifier: GPL-2.0
#
# A third namespace (cli2) behind a reordering, duplicating relay, on a
# testbed of tools/testbed.sh (its XST_* variables in the environment):
#
#   eval "$(tests/http/relay.sh up --log FILE [--seconds S] [--reorder-every N] [--dup-every M])"
#   tests/http/relay.sh down
#
# up creates namespace xst-ID-cl2 joined to the client namespace by veth
# xstIDr (client side) / xstIDq (cli2 side), gives cli2 198.19.X.Y/32 (the
# client's IPv4 address with 198.18 -> 198.19: unique per testbed id) and
# PREFIX::3/128 in the testbed's IPv6 /64, MAC ...:03, host routes and static
# neighbours both ways (server <-> cli2, in the server namespace too), turns
# checksum/segmentation offloads off on the veths the relay sees (so AF_PACKET
# gets wire-sized frames with complete checksums), and starts
# tests/http/relay.py in the client namespace with its output in FILE. It
# prints export lines: XST_NS_CL2 XST_IF_CL2 XST_IP4_CL2 XST_IP6_CL2
# XST_MAC_CL2 XST_RELAY_PID.
# down stops the relay by its PID (it prints its counters into FILE), removes
# cli2, the routes and neighbours and turns the server's offloads back on.
# Both are safe to repeat; down works after a half-done up.
set -u

die() {
	echo "relay.sh: $*" >&2
	exit 2
}

{ [ -n "${XST_TB_ID:-}" ] && [ -n "${XST_NS_SRV:-}" ] && [ -n "${XST_IF_SRV:-}" ]; } || die "no testbed in the environment (XST_*)"
HERE=$(cd "$(dirname "$0")" && pwd)
ID=$XST_TB_ID
NS_CL2="xst-$ID-cl2"
IF_R="xst${ID}r"
IF_Q="xst${ID}q"
IP4_CL2="198.19.${XST_IP4_CLI#198.18.}"
IP6_CL2="${XST_IP6_SRV%::1}::3"
MAC_CL2="${XST_MAC_CLI%:02}:03"
PIDFILE="/run/xst-relay-$ID.pid"


down() {
	local pid

	if [ -f "$PIDFILE" ]; then
		pid=$(cat "$PIDFILE")
		# Only the relay we started: the PID must still run relay.py.
		if [ -n "$pid" ] && grep -q relay.py "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		fi
		rm -f "$PIDFILE"
	fi
	ip -n "$XST_NS_SRV" neigh del "$IP4_CL2" dev "$XST_IF_SRV" 2>/dev/null
	ip -n "$XST_NS_SRV" -6 neigh del "$IP6_CL2" dev "$XST_IF_SRV" 2>/dev/null
	ip -n "$XST_NS_SRV" route del "$IP4_CL2/32" dev "$XST_IF_SRV" 2>/dev/null
	ip -n "$XST_NS_SRV" -6 route del "$IP6_CL2/128" dev "$XST_IF_SRV" 2>/dev/null
	ip netns exec "$XST_NS_SRV" ethtool -K "$XST_IF_SRV" tx on tso on gso on >/dev/null 2>&1
	ip -n "$XST_NS_CLI" link del "$IF_R" 2>/dev/null
	ip netns list | awk '{print $1}' | grep -qx -- "$NS_CL2" && ip netns del "$NS_CL2"
	return 0
}

up() {
	local log="" seconds=300 reorder=7 dup=11 pid

	while [ $# -gt 0 ]; do
		case $1 in
		--log) log=$2; shift 2 ;;
		--seconds) seconds=$2; shift 2 ;;
		--reorder-every) reorder=$2; shift 2 ;;
		--dup-every) dup=$2; shift 2 ;;
		*) die "up: unknown argument '$1'" ;;
		esac
	done
	[ -n "$log" ] || die "up: --log FILE needed"
	down
	{
		set -e
		ip netns add "$NS_CL2"
		ip -n "$NS_CL2" link set lo up
		ip -n "$XST_NS_CLI" link add "$IF_R" type veth peer name "$IF_Q" address "$MAC_CL2" netns "$NS_CL2"
		ip netns exec "$XST_NS_CLI" sysctl -qw "net.ipv6.conf.$IF_R.disable_ipv6=1"
		ip -n "$XST_NS_CLI" link set "$IF_R" up
		ip -n "$NS_CL2" addr add "$IP4_CL2/32" dev "$IF_Q"
		ip -n "$NS_CL2" -6 addr add "$IP6_CL2/128" dev "$IF_Q" nodad
		ip -n "$NS_CL2" link set "$IF_Q" up
		ip -n "$NS_CL2" route add "$XST_IP4_SRV/32" dev "$IF_Q"
		ip -n "$NS_CL2" -6 route add "$XST_IP6_SRV/128" dev "$IF_Q"
		ip -n "$NS_CL2" neigh replace "$XST_IP4_SRV" lladdr "$XST_MAC_SRV" dev "$IF_Q" nud permanent
		ip -n "$NS_CL2" -6 neigh replace "$XST_IP6_SRV" lladdr "$XST_MAC_SRV" dev "$IF_Q" nud permanent
		ip -n "$XST_NS_SRV" route replace "$IP4_CL2/32" dev "$XST_IF_SRV"
		ip -n "$XST_NS_SRV" -6 route replace "$IP6_CL2/128" dev "$XST_IF_SRV"
		ip -n "$XST_NS_SRV" neigh replace "$IP4_CL2" lladdr "$MAC_CL2" dev "$XST_IF_SRV" nud permanent
		ip -n "$XST_NS_SRV" -6 neigh replace "$IP6_CL2" lladdr "$MAC_CL2" dev "$XST_IF_SRV" nud permanent
		# Kernel senders leave CHECKSUM_PARTIAL and GSO frames on veth; the
		# relay re-sends bytes, so they must be complete and wire-sized.
		ip netns exec "$NS_CL2" ethtool -K "$IF_Q" tx off tso off gso off >/dev/null
		ip netns exec "$XST_NS_SRV" ethtool -K "$XST_IF_SRV" tx off tso off gso off >/dev/null
		ip netns exec "$XST_NS_CLI" ethtool -K "$IF_R" tx off tso off gso off gro off >/dev/null
		ip netns exec "$XST_NS_CLI" ethtool -K "$XST_IF_CLI" gro off >/dev/null
	} || { down; die "up failed"; }
	ip netns exec "$XST_NS_CLI" /usr/bin/python3 "$HERE/relay.py" --a "$XST_IF_CLI" --b "$IF_R" --b-mac "$MAC_CL2" \
		--seconds "$seconds" --reorder-every "$reorder" --dup-every "$dup" >"$log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PIDFILE"
	for _ in $(seq 50); do
		grep -q ' up$' "$log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || { down; die "relay exited: $(tail -n1 "$log")"; }
		sleep 0.1
	done
	grep -q ' up$' "$log" || { down; die "relay not up after 5 s"; }
	cat <<-EOF
	export XST_NS_CL2='$NS_CL2'
	export XST_IF_CL2='$IF_Q'
	export XST_IP4_CL2='$IP4_CL2'
	export XST_IP6_CL2='$IP6_CL2'
	export XST_MAC_CL2='$MAC_CL2'
	export XST_RELAY_PID='$pid'
	EOF
}

case ${1:-} in
up) shift; up "$@" ;;
down) down ;;
*) die "usage: relay.sh up --log FILE [--seconds S] [--reorder-every N] [--dup-every M] | down" ;;
esac
