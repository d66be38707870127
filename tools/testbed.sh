#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Throw-away network testbed: a server namespace and a client namespace joined
# by one veth pair, with IPv4 (198.18.0.0/15) and IPv6 (fd58:5354::/32)
# addresses, static neighbours both ways and no DAD delay.
#
#   eval "$(tools/testbed.sh up [--queues N] [--id ID])"
#   tools/testbed.sh down [--id ID]          (or with XST_TB_ID in the environment)
#   tools/testbed.sh env [--id ID]           (print the export lines again)
#
# `up` prints shell export lines on stdout (logs go to stderr):
#   XST_TB_ID XST_NS_SRV XST_NS_CLI XST_IF_SRV XST_IF_CLI XST_IP4_SRV XST_IP4_CLI
#   XST_IP6_SRV XST_IP6_CLI XST_MAC_SRV XST_MAC_CLI (and XST_TB_QUEUES)
# Every name and address is derived from XST_TB_ID (default: this script's
# PID), so `down` needs only the id and works after a half-failed `up`.
# `down` kills every process left in both namespaces before deleting them.
set -eu

usage() {
	cat <<'EOF'
usage: testbed.sh up [--queues N] [--id ID]
       testbed.sh down [--id ID]
       testbed.sh env [--id ID]
  up     create namespaces xst-ID-srv / xst-ID-cli joined by veth xstIDs / xstIDc
         and print export lines (eval them); N rx/tx queues per veth end (default 1)
  down   kill the namespaces' processes and delete them (and the veth)
  env    print the export lines for ID without touching anything
ID: 1-10 characters [A-Za-z0-9], default $XST_TB_ID or this script's PID.
EOF
}

log() {
	echo "testbed: $*" >&2
}

die() {
	echo "testbed: $*" >&2
	exit 2
}

cmd=${1:-}
[ $# -gt 0 ] && shift
queues=1
id=${XST_TB_ID:-}
while [ $# -gt 0 ]; do
	case $1 in
	--queues) [ $# -ge 2 ] || die "--queues needs a value"; queues=$2; shift 2 ;;
	--queues=*) queues=${1#--queues=}; shift ;;
	--id) [ $# -ge 2 ] || die "--id needs a value"; id=$2; shift 2 ;;
	--id=*) id=${1#--id=}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done

case $cmd in
up|down|env) ;;
-h|--help|help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

if [ -z "$id" ]; then
	[ "$cmd" = down ] && die "down: no id (set XST_TB_ID or pass --id ID)"
	id=$$
fi
case $id in
*[!A-Za-z0-9]*) die "id '$id': only letters and digits" ;;
esac
if [ ${#id} -lt 1 ] || [ ${#id} -gt 10 ]; then
	die "id '$id': 1 to 10 characters"
fi
case $queues in
''|*[!0-9]*) die "--queues '$queues': not a number" ;;
esac
if [ "$queues" -lt 1 ] || [ "$queues" -gt 64 ]; then
	die "--queues $queues: 1..64"
fi

# Derive a 14-bit number from the id: numeric ids map directly, others hash.
case $id in
*[!0-9]*) n=$(( $(printf '%s' "$id" | cksum | cut -d' ' -f1) % 16384 )) ;;
*) n=$(( 10#$id % 16384 )) ;;
esac

NS_SRV="xst-$id-srv"
NS_CLI="xst-$id-cli"
IF_SRV="xst${id}s"	# at most 14 characters: IFNAMSIZ is 16 with the NUL
IF_CLI="xst${id}c"
# One /30 per id inside 198.18.0.0/15: n*4 < 65536, so 198.18.x.y.
base=$(( n * 4 ))
IP4_NET="198.18.$(( base >> 8 )).$(( base & 255 ))"
IP4_SRV="198.18.$(( base >> 8 )).$(( (base & 255) + 1 ))"
IP4_CLI="198.18.$(( base >> 8 )).$(( (base & 255) + 2 ))"
IP6_SRV=$(printf 'fd58:5354:%x::1' "$n")
IP6_CLI=$(printf 'fd58:5354:%x::2' "$n")
MAC_SRV=$(printf '02:58:53:%02x:%02x:01' $(( n >> 8 )) $(( n & 255 )))
MAC_CLI=$(printf '02:58:53:%02x:%02x:02' $(( n >> 8 )) $(( n & 255 )))

print_env() {
	cat <<EOF
export XST_TB_ID='$id'
export XST_NS_SRV='$NS_SRV'
export XST_NS_CLI='$NS_CLI'
export XST_IF_SRV='$IF_SRV'
export XST_IF_CLI='$IF_CLI'
export XST_IP4_SRV='$IP4_SRV'
export XST_IP4_CLI='$IP4_CLI'
export XST_IP6_SRV='$IP6_SRV'
export XST_IP6_CLI='$IP6_CLI'
export XST_MAC_SRV='$MAC_SRV'
export XST_MAC_CLI='$MAC_CLI'
export XST_TB_QUEUES='$queues'
EOF
}

ns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"
}

kill_ns() {
	local ns=$1 pids i

	ns_exists "$ns" || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$pids" ] || return 0
		if [ "$i" -lt 5 ]; then
			# shellcheck disable=SC2086 # word splitting wanted: a pid list
			kill -TERM $pids 2>/dev/null || true
		else
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null || true
		fi
		sleep 0.2
	done
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	[ -z "$pids" ] || log "namespace $ns: processes $pids survived SIGKILL"
}

down() {
	local ns

	for ns in "$NS_SRV" "$NS_CLI"; do
		kill_ns "$ns"
	done
	for ns in "$NS_SRV" "$NS_CLI"; do
		if ns_exists "$ns"; then
			ip netns del "$ns" 2>/dev/null || log "cannot delete namespace $ns"
		fi
	done
	# A veth end left in the root namespace by a half-done `up`.
	if ip link show dev "$IF_SRV" >/dev/null 2>&1; then
		ip link del dev "$IF_SRV" 2>/dev/null || true
	fi
	if ip link show dev "$IF_CLI" >/dev/null 2>&1; then
		ip link del dev "$IF_CLI" 2>/dev/null || true
	fi
	log "down: id $id removed"
}

up() {
	if ns_exists "$NS_SRV" || ns_exists "$NS_CLI"; then
		die "up: namespaces for id $id already exist (run down first)"
	fi
	# set -e exits on the first failing step: undo whatever was created.
	trap 'if [ $? -ne 0 ]; then log "up failed, cleaning up"; down; fi' EXIT

	ip netns add "$NS_SRV"
	ip netns add "$NS_CLI"
	ip -n "$NS_SRV" link set lo up
	ip -n "$NS_CLI" link set lo up
	ip -n "$NS_SRV" link add "$IF_SRV" address "$MAC_SRV" \
		numtxqueues "$queues" numrxqueues "$queues" type veth \
		peer name "$IF_CLI" address "$MAC_CLI" \
		numtxqueues "$queues" numrxqueues "$queues" netns "$NS_CLI"

	ip -n "$NS_SRV" addr add "$IP4_SRV/30" dev "$IF_SRV"
	ip -n "$NS_CLI" addr add "$IP4_CLI/30" dev "$IF_CLI"
	ip -n "$NS_SRV" -6 addr add "$IP6_SRV/64" dev "$IF_SRV" nodad
	ip -n "$NS_CLI" -6 addr add "$IP6_CLI/64" dev "$IF_CLI" nodad
	ip -n "$NS_SRV" link set "$IF_SRV" up
	ip -n "$NS_CLI" link set "$IF_CLI" up

	ip -n "$NS_SRV" neigh replace "$IP4_CLI" lladdr "$MAC_CLI" dev "$IF_SRV" nud permanent
	ip -n "$NS_SRV" -6 neigh replace "$IP6_CLI" lladdr "$MAC_CLI" dev "$IF_SRV" nud permanent
	ip -n "$NS_CLI" neigh replace "$IP4_SRV" lladdr "$MAC_SRV" dev "$IF_CLI" nud permanent
	ip -n "$NS_CLI" -6 neigh replace "$IP6_SRV" lladdr "$MAC_SRV" dev "$IF_CLI" nud permanent

	trap - EXIT
	log "up: $NS_SRV/$IF_SRV $IP4_SRV $IP6_SRV <-> $NS_CLI/$IF_CLI $IP4_CLI $IP6_CLI" \
		"($queues queue(s), net $IP4_NET/30)"
	print_env
}

case $cmd in
up) up ;;
down) down ;;
env) print_env ;;
esac
