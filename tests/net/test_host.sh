#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The daemon follows its host (issue 7, issue 11 items 2, 4, 5) on a
# throw-away testbed (tools/testbed.sh, made afresh for every test):
# addresses added and removed while it runs are served and unserved over
# UDP and TCP and logged, IPv6 (tentative too), VLAN devices, MTU changes;
# the served veth deleted under load makes it log and exit 1; slow TCP
# clients cannot lock out TCP/53, and the per-source limit is counted; a
# TCP server on another address of the host does not stop it.
#
# Output "ok NAME" / "FAIL NAME: why", then "host: N passed, M failed".
# Exit 0 only if all passed, 77 = skip (reason printed). TESTS="a b" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
DAEMON=${XST_DAEMON:-$ROOT/build/xdpstorm}
PY=/usr/bin/python3
ZONE="$ROOT/tests/dns/zones/example.test.zone"
WWW=192.0.2.80		# www.example.test A (one of two)

ALL_TESTS="
	test_start_state
	test_addr_added_v4
	test_addr_removed_v4
	test_addr_added_v6
	test_addr_tentative_v6
	test_vlan_device
	test_mtu_logged
	test_tcp_other_server
	test_tcp_slow_clients
	test_tcp_slow_flood
	test_tcp_per_source
	test_crafted_control
	test_iface_deleted
	test_martian_frames
"

SUITE=host
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip dig timeout bpftool "$PY"
net_require_file "$DAEMON" "$CTL"

DPID=""
suite_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	rm -f "/run/xdpstorm/${XST_IF_SRV:-none}.owner"
}

net_testbed hw 1

# This machine's kernel may lack 802.1Q devices (CONFIG_VLAN_8021Q): say so
# and leave that test out rather than fail it.
if ! srv ip link add link "$XST_IF_SRV" name "$XST_IF_SRV.9" type vlan id 9 2>/dev/null; then
	echo "host: test_vlan_device skipped: this kernel has no 802.1Q VLAN devices" \
		"(CONFIG_VLAN_8021Q); host_suite and netwatch_suite cover the VLAN logic"
	ALL_TESTS=$(echo "$ALL_TESTS" | grep -v test_vlan_device)
else
	srv ip link del "$XST_IF_SRV.9"
fi

EXTRA4=203.0.113.9
EXTRA6=fd58:5354:beef::9
VLAN_SRV=100.64.0.1
VLAN_CLI=100.64.0.2

# A fresh testbed for every test: what one test added or deleted (addresses,
# VLANs, the veth itself) never reaches the next.
prepare() {
	local env

	[ -n "$DPID" ] && { kill -KILL "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=""; }
	rm -f "/run/xdpstorm/$XST_IF_SRV.owner"
	"$ROOT/tools/testbed.sh" down --id "$XST_TB_ID" >/dev/null 2>&1
	env=$("$ROOT/tools/testbed.sh" up --id "$XST_TB_ID" --queues 1 2>"$TMP/testbed.log") ||
		{ why "testbed up: $(tail -n1 "$TMP/testbed.log")"; return 1; }
	eval "$env"
	: >"$TMP/daemon.log"
}

# start_daemon [ARGS...]: waits for the "ready" line (10 s at most).
start_daemon() {
	net_daemon_start 10 --zone "$ZONE" "$@"
}

# stop_daemon: SIGTERM, exit status 0 within 10 s.
stop_daemon() {
	net_daemon_stop
}

# wait_log TEXT [SECONDS]: the daemon logged a line containing TEXT (fixed string).
wait_log() {
	local i

	for i in $(seq $((${2:-5} * 10))); do
		grep -qF -- "$1" "$TMP/daemon.log" && return 0
		sleep 0.1
	done
	why "no log line '$1' after ${2:-5} s: $(tail -n2 "$TMP/daemon.log" | tr '\n' ' ')"
	return 1
}

# dq ADDR [dig options]: the A records of www.example.test from ADDR (1 s, one try).
dq() {
	local addr=$1

	shift
	cli dig +norec +time=1 +tries=1 @"$addr" www.example.test A +short "$@" 2>/dev/null
}

answered() {
	dq "$@" | grep -qx "$WWW"
}

# A route and a static neighbour in the client for an extra server address.
cli_route() {
	local fam=$1 addr=$2 mac=${3:-$XST_MAC_SRV} dev=${4:-$XST_IF_CLI}

	if [ "$fam" = 6 ]; then
		cli ip -6 route replace "$addr/128" dev "$dev"
		cli ip -6 neigh replace "$addr" lladdr "$mac" dev "$dev" nud permanent
	else
		cli ip route replace "$addr/32" dev "$dev"
		cli ip neigh replace "$addr" lladdr "$mac" dev "$dev" nud permanent
	fi
}

# map_id NAME: the id of the attached program's map NAME (bpftool; pins are
# not visible through ip netns exec).
map_id() {
	local prog

	prog=$(ctl status --iface "$XST_IF_SRV" --json 2>/dev/null |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["prog_id"])') || return 1
	bpftool prog show id "$prog" --json | "$PY" -c '
import json, subprocess, sys
for m in json.load(sys.stdin)["map_ids"]:
    d = json.loads(subprocess.check_output(["bpftool", "map", "show", "id", str(m), "--json"]))
    if d["name"] == sys.argv[1]:
        print(m)' "$1"
}

# map_keys NAME: the keys of a hash map, one per line, as dotted bytes.
map_keys() {
	bpftool map dump id "$(map_id "$1")" --json |
		"$PY" -c 'import json,sys; [print(".".join(str(int(b, 16)) for b in e["key"])) for e in json.load(sys.stdin)]' 2>/dev/null
}

# local4_has ADDR / local6_has ADDR: ADDR is in local4_map / local6_map.
local4_has() {
	map_keys local4_map | grep -qx "$1"
}

local6_has() {
	local bytes

	bytes=$("$PY" -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1")
	map_keys local6_map | grep -qx "$bytes"
}

# stat_packets NAME: packets of the stats_map outcome NAME, summed over CPUs.
stat_packets() {
	local idx

	idx=$("$PY" -c 'import sys; n=["pass","pass_frag","pass_rule","pass_not_local","pass_parse","steer","no_xsk","drop_rule","drop_block","malformed","disabled","pass_big","pass_mac"]; print(n.index(sys.argv[1]))' "$1")
	bpftool map dump id "$(map_id stats_map)" --json | "$PY" -c '
import json, sys
for e in json.load(sys.stdin):
    f = e.get("formatted", {})
    if f.get("key") == int(sys.argv[1]):
        print(sum(v["value"]["packets"] for v in f["values"]))' "$idx"
}

# tcp_counter FIELD: from the daemon's "DNS over TCP:" line at exit.
tcp_counter() {
	grep -o "DNS over TCP: .*" "$TMP/daemon.log" | tail -n1 | grep -o "[0-9]* $1" | grep -o '^[0-9]*'
}

# ---- tests ---------------------------------------------------------------------

# At start: what is served is logged, TCP listens on each served address
# (no wildcard), the program steers only to local addresses.
test_start_state() {
	local ll

	start_daemon || return 1
	wait_log "host: serving '$XST_IF_SRV'" || return 1
	grep -qF "$XST_IP4_SRV/30" "$TMP/daemon.log" || { why "v4 address not in the host line"; return 1; }
	wait_log "TCP/53: listening on $XST_IP4_SRV on '$XST_IF_SRV'" || return 1
	wait_log "TCP/53: listening on [$XST_IP6_SRV] on '$XST_IF_SRV'" || return 1
	srv ss -ltnH 'sport = :53' | grep -Eq '(\*|0\.0\.0\.0|\[::\]):53' &&
		{ why "a wildcard listener: $(srv ss -ltnH 'sport = :53' | tr '\n' ' ')"; return 1; }
	ll=$(srv ip -6 -o addr show dev "$XST_IF_SRV" scope link | awk '{print $4}' | cut -d/ -f1)
	wait_log "TCP/53: listening on [$ll%$XST_IF_SRV]" 5 || return 1
	ctl status --iface "$XST_IF_SRV" --json | grep -q '"local_only"' || { why "XST_F_LOCAL_ONLY not set"; return 1; }
	local4_has "$XST_IP4_SRV" || { why "local4_map: $(map_keys local4_map | tr '\n' ' ')"; return 1; }
	[ "$(map_keys local4_map | wc -l)" = 1 ] || { why "local4_map: $(map_keys local4_map | tr '\n' ' ')"; return 1; }
	local6_has "$XST_IP6_SRV" || { why "local6_map lacks $XST_IP6_SRV"; return 1; }
	[ "$(map_keys macs_map | wc -l)" = 1 ] || { why "macs_map: $(map_keys macs_map | tr '\n' ' ')"; return 1; }
	answered "$XST_IP4_SRV" || { why "no UDP answer"; return 1; }
	answered "$XST_IP4_SRV" +tcp || { why "no TCP answer"; return 1; }
	stop_daemon
}

test_addr_added_v4() {
	start_daemon || return 1
	cli_route 4 "$EXTRA4"
	srv ip addr add "$EXTRA4/24" dev "$XST_IF_SRV"
	wait_log "address $EXTRA4/24 added on '$XST_IF_SRV': served" || return 1
	wait_log "TCP/53: listening on $EXTRA4 on '$XST_IF_SRV'" || return 1
	local4_has "$EXTRA4" || { why "local4_map: $(map_keys local4_map | tr '\n' ' ')"; return 1; }
	answered "$EXTRA4" || { why "no UDP answer from the added address"; return 1; }
	answered "$EXTRA4" +tcp || { why "no TCP answer from the added address"; return 1; }
	answered "$XST_IP4_SRV" || { why "the first address stopped answering"; return 1; }
	stop_daemon
}

# The first address goes: the program hands its queries to the kernel (which
# has nothing on 53: no answer), its TCP listener closes; the added one serves.
test_addr_removed_v4() {
	local before after

	start_daemon || return 1
	cli_route 4 "$EXTRA4"
	srv ip route add "$XST_IP4_CLI/32" dev "$XST_IF_SRV"	# survives the /30
	srv ip addr add "$EXTRA4/24" dev "$XST_IF_SRV"
	wait_log "TCP/53: listening on $EXTRA4" || return 1
	answered "$XST_IP4_SRV" || { why "no answer before the removal"; return 1; }
	srv ip addr del "$XST_IP4_SRV/30" dev "$XST_IF_SRV"
	wait_log "address $XST_IP4_SRV/30 removed from '$XST_IF_SRV': no longer served" || return 1
	wait_log "TCP/53: closed $XST_IP4_SRV on '$XST_IF_SRV'" || return 1
	local4_has "$XST_IP4_SRV" && { why "$XST_IP4_SRV still in local4_map"; return 1; }
	before=$(stat_packets pass_not_local)
	answered "$XST_IP4_SRV" && { why "the removed address is still answered over UDP"; return 1; }
	answered "$XST_IP4_SRV" +tcp && { why "the removed address is still answered over TCP"; return 1; }
	after=$(stat_packets pass_not_local)
	[ "$after" -gt "$before" ] || { why "pass_not_local $before -> $after: not handed to the kernel"; return 1; }
	answered "$EXTRA4" || { why "the remaining address stopped answering (UDP)"; return 1; }
	answered "$EXTRA4" +tcp || { why "the remaining address stopped answering (TCP)"; return 1; }
	stop_daemon
}

test_addr_added_v6() {
	start_daemon || return 1
	cli_route 6 "$EXTRA6"
	srv ip -6 addr add "$EXTRA6/64" dev "$XST_IF_SRV" nodad
	wait_log "address $EXTRA6/64 added on '$XST_IF_SRV': served" || return 1
	wait_log "TCP/53: listening on [$EXTRA6] on '$XST_IF_SRV'" || return 1
	local6_has "$EXTRA6" || { why "local6_map lacks $EXTRA6"; return 1; }
	answered "$EXTRA6" || { why "no UDP answer from the added IPv6 address"; return 1; }
	answered "$EXTRA6" +tcp || { why "no TCP answer from the added IPv6 address"; return 1; }
	srv ip -6 addr del "$EXTRA6/64" dev "$XST_IF_SRV"
	wait_log "address $EXTRA6/64 removed from '$XST_IF_SRV': no longer served" || return 1
	local6_has "$EXTRA6" && { why "$EXTRA6 still in local6_map"; return 1; }
	answered "$EXTRA6" && { why "the removed IPv6 address is still answered"; return 1; }
	stop_daemon
}

# With DAD: tentative first (NEWADDR), served once DAD is done (NEWADDR again).
test_addr_tentative_v6() {
	start_daemon || return 1
	cli_route 6 "$EXTRA6"
	srv ip -6 addr add "$EXTRA6/64" dev "$XST_IF_SRV"
	wait_log "address $EXTRA6/64 added on '$XST_IF_SRV': tentative" || return 1
	wait_log "address $EXTRA6/64 on '$XST_IF_SRV': served now (duplicate address detection completed)" 10 || return 1
	local6_has "$EXTRA6" || { why "local6_map lacks $EXTRA6 after DAD"; return 1; }
	answered "$EXTRA6" || { why "no UDP answer after DAD"; return 1; }
	answered "$EXTRA6" +tcp || { why "no TCP answer after DAD (listener bound while tentative)"; return 1; }
	[ "$(grep -c "added on '$XST_IF_SRV'" "$TMP/daemon.log")" = 1 ] ||
		{ why "the second NEWADDR was taken for a second address"; return 1; }
	stop_daemon
}

# A VLAN device on the served veth: its MAC and address are served, TCP
# listens on it too; deleting it is logged.
test_vlan_device() {
	local vs="$XST_IF_SRV.100" vc="$XST_IF_CLI.100" vmac

	srv ip link add link "$XST_IF_SRV" name "$vs" type vlan id 100
	cli ip link add link "$XST_IF_CLI" name "$vc" type vlan id 100
	start_daemon || return 1
	srv ip addr add "$VLAN_SRV/24" dev "$vs"
	srv ip link set "$vs" up
	cli ip addr add "$VLAN_CLI/24" dev "$vc"
	cli ip link set "$vc" up
	vmac=$(srv cat "/sys/class/net/$vs/address")
	cli ip neigh replace "$VLAN_SRV" lladdr "$vmac" dev "$vc" nud permanent
	srv ip neigh replace "$VLAN_CLI" lladdr "$XST_MAC_CLI" dev "$vs" nud permanent
	wait_log "VLAN device '$vs' (802.1Q 100" || return 1
	wait_log "address $VLAN_SRV/24 added on '$vs': served" || return 1
	wait_log "TCP/53: listening on $VLAN_SRV on '$vs'" || return 1
	wait_log "TCP/53: listening on $XST_IP4_SRV on '$vs'" || return 1
	local4_has "$VLAN_SRV" || { why "local4_map lacks the VLAN address"; return 1; }
	answered "$VLAN_SRV" || { why "no UDP answer over the VLAN"; return 1; }
	answered "$VLAN_SRV" +tcp || { why "no TCP answer over the VLAN"; return 1; }
	srv ip link del "$vs"
	wait_log "VLAN device '$vs' (802.1Q 100) deleted or down: no longer served" || return 1
	wait_log "TCP/53: closed $XST_IP4_SRV on '$vs'" || return 1
	local4_has "$VLAN_SRV" && { why "the VLAN address is still in local4_map"; return 1; }
	answered "$XST_IP4_SRV" || { why "untagged answers stopped"; return 1; }
	stop_daemon
}

test_mtu_logged() {
	start_daemon || return 1
	srv ip link set dev "$XST_IF_SRV" mtu 1400
	wait_log "MTU of '$XST_IF_SRV' is now 1400 (was 1500)" || return 1
	answered "$XST_IP4_SRV" || { why "no answer after the MTU change"; return 1; }
	stop_daemon
}

# Another DNS server on TCP/53 of another address (systemd-resolved's
# 127.0.0.53, a resolver on another interface): the old wildcard [::]:53
# failed with EADDRINUSE; per-address listeners do not collide.
test_tcp_other_server() {
	local sp

	srv "$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.53", 53)); s.listen(); print("up", flush=True); time.sleep(30)' >"$TMP/other.out" 2>&1 &
	sp=$!
	SERVICE_PIDS="$SERVICE_PIDS $sp"
	for _ in $(seq 30); do grep -q up "$TMP/other.out" && break; sleep 0.1; done
	grep -q up "$TMP/other.out" || { why "the other server did not start: $(cat "$TMP/other.out")"; return 1; }
	start_daemon || { kill "$sp"; return 1; }
	answered "$XST_IP4_SRV" +tcp || { why "no TCP answer next to another TCP/53 server"; kill "$sp"; return 1; }
	kill "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	stop_daemon
}

# slow_clients SERVER SOURCES PER_SOURCE INTERVAL SECONDS RECONNECT: PER_SOURCE
# connections from each source address, each sending one byte at once and
# then every INTERVAL seconds, for SECONDS; with RECONNECT 1 a connection the
# server closes is opened again at once. Prints one JSON line of what happened.
slow_clients() {
	cli "$PY" - "$@" <<-'EOF'
	import json, selectors, socket, sys, time
	server, sources, per, interval, seconds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
	reconnect = sys.argv[6] == "1"
	sel = selectors.DefaultSelector()
	st = {"connects": 0, "closed_by_server": 0, "closed_fast": 0, "max_open": 0, "bytes": 0}
	conns = {}
	def dial(src):
	    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	    s.setblocking(False)
	    s.bind((src, 0))
	    try:
	        s.connect((server, 53))
	    except BlockingIOError:
	        pass
	    conns[s.fileno()] = {"s": s, "src": src, "t0": time.time(), "next": None, "sent": 0}
	    sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
	    st["connects"] += 1
	def drop(fd):
	    c = conns.pop(fd)
	    sel.unregister(c["s"])
	    c["s"].close()
	    return c
	for src in sources:
	    for _ in range(per):
	        dial(src)
	end = time.time() + seconds
	while time.time() < end:
	    now = time.time()
	    for key, ev in sel.select(0.05):
	        fd = key.fd
	        c = conns.get(fd)
	        if c is None:
	            continue
	        if ev & selectors.EVENT_READ:
	            try:
	                data = c["s"].recv(1)
	            except (ConnectionError, OSError):
	                data = b""
	            if not data:
	                c = drop(fd)
	                st["closed_by_server"] += 1
	                if time.time() - c["t0"] < 1.0:
	                    st["closed_fast"] += 1
	                if reconnect:
	                    dial(c["src"])
	                continue
	        if ev & selectors.EVENT_WRITE and c["next"] is None:
	            if c["s"].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
	                drop(fd)
	                if reconnect:
	                    dial(c["src"])
	                continue
	            c["next"] = now
	            sel.modify(c["s"], selectors.EVENT_READ)
	    for fd, c in list(conns.items()):
	        if c["next"] is not None and now >= c["next"]:
	            try:
	                # a length prefix of 512, then the message byte by byte
	                c["s"].send(b"\x02\x00a"[min(c["sent"], 2):][:1])
	                c["sent"] += 1
	                st["bytes"] += 1
	            except OSError:
	                pass
	            c["next"] = now + interval
	    st["max_open"] = max(st["max_open"], sum(1 for c in conns.values() if c["next"] is not None))
	print(json.dumps(st))
	EOF
}

jfield() {
	"$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# dig_during PID: dig +tcp from the client's own address every 0.5 s while PID
# runs (20 tries at most); sets TRIES and FAILS.
dig_during() {
	TRIES=0
	FAILS=0
	while kill -0 "$1" 2>/dev/null && [ $TRIES -lt 20 ]; do
		TRIES=$((TRIES + 1))
		cli dig +norec +tcp +time=2 +tries=1 @"$XST_IP4_SRV" www.example.test A +short 2>/dev/null |
			grep -qx "$WWW" || FAILS=$((FAILS + 1))
		sleep 0.5
	done
}

attack_sources() {
	local i srcs=""

	for i in $(seq 1 20); do
		cli ip addr add "10.99.0.$i/24" dev "$XST_IF_CLI"
		srcs="$srcs${srcs:+,}10.99.0.$i"
	done
	srv ip route add 10.99.0.0/24 dev "$XST_IF_SRV"
	SRCS=$srcs
}

# Issue 11 item 4 as reported: 300 connections (20 addresses, 15 each: under
# the per-source limit) each send one byte every 4 s. They take the 256 slots
# (44 admitted by eviction), every one is closed by the query deadline
# (3 s, not extended by the bytes), and dig +tcp is answered throughout.
test_tcp_slow_clients() {
	local sp out qt evb

	attack_sources
	start_daemon || return 1
	slow_clients "$XST_IP4_SRV" "$SRCS" 15 4 9 0 >"$TMP/slow.out" 2>"$TMP/slow.err" &
	sp=$!
	sleep 0.3
	dig_during "$sp"
	wait "$sp"
	out=$(cat "$TMP/slow.out")
	[ -n "$out" ] || { why "slow clients: $(tail -n2 "$TMP/slow.err")"; return 1; }
	[ $TRIES -ge 8 ] || { why "only $TRIES dig +tcp tries during the attack"; return 1; }
	[ $FAILS -eq 0 ] || { why "$FAILS of $TRIES dig +tcp failed under 300 slow clients ($out)"; return 1; }
	[ "$(jfield "$out" max_open)" -ge 250 ] || { why "the attack did not hold the slots: $out"; return 1; }
	[ "$(jfield "$out" closed_by_server)" -eq 300 ] || { why "not every slow client was closed: $out"; return 1; }
	stop_daemon || return 1
	qt=$(tcp_counter "query timeouts")
	evb=$(tcp_counter "evicted busy")
	[ "${qt:-0}" -ge 200 ] || { why "query timeouts: $(grep -o 'DNS over TCP.*' "$TMP/daemon.log")"; return 1; }
	[ "${evb:-0}" -ge 1 ] || { why "no eviction: $(grep -o 'DNS over TCP.*' "$TMP/daemon.log")"; return 1; }
	echo "  slow clients: $out; dig +tcp $TRIES/$TRIES; $(grep -o 'DNS over TCP.*' "$TMP/daemon.log")" >&2
}

# Worse than reported: the same 300 reconnect the moment they are closed
# (thousands of connections a second). dig +tcp is still answered every time.
test_tcp_slow_flood() {
	local sp out ev evb

	attack_sources
	start_daemon || return 1
	slow_clients "$XST_IP4_SRV" "$SRCS" 15 4 8 1 >"$TMP/slow.out" 2>"$TMP/slow.err" &
	sp=$!
	sleep 1
	dig_during "$sp"
	wait "$sp"
	out=$(cat "$TMP/slow.out")
	[ -n "$out" ] || { why "slow clients: $(tail -n2 "$TMP/slow.err")"; return 1; }
	[ $TRIES -ge 8 ] || { why "only $TRIES dig +tcp tries during the flood"; return 1; }
	[ $FAILS -eq 0 ] || { why "$FAILS of $TRIES dig +tcp failed under the flood ($out)"; return 1; }
	stop_daemon || return 1
	ev=$(tcp_counter "evicted idle")
	evb=$(tcp_counter "evicted busy")
	[ $((${ev:-0} + ${evb:-0})) -gt 0 ] || { why "no evictions: $(grep -o 'DNS over TCP.*' "$TMP/daemon.log")"; return 1; }
	echo "  flood: $out; dig +tcp $TRIES/$TRIES; $(grep -o 'DNS over TCP.*' "$TMP/daemon.log")" >&2
}

# 40 connections from one address: 16 admitted (the default limit), 24 closed at
# once and counted; another address still gets answers.
test_tcp_per_source() {
	local out fast refused

	cli ip addr add 10.99.0.100/24 dev "$XST_IF_CLI"
	srv ip route add 10.99.0.0/24 dev "$XST_IF_SRV"
	start_daemon || return 1
	out=$(slow_clients "$XST_IP4_SRV" 10.99.0.100 40 10 1 0 2>"$TMP/slow.err")
	[ -n "$out" ] || { why "clients: $(tail -n2 "$TMP/slow.err")"; return 1; }
	fast=$(jfield "$out" closed_fast)
	[ "$fast" -eq 24 ] || { why "$fast closed at once, want 24: $out"; return 1; }
	answered "$XST_IP4_SRV" +tcp || { why "another source was refused too"; return 1; }
	stop_daemon || return 1
	refused=$(tcp_counter "refused (per source)")
	[ "${refused:-0}" -eq 24 ] || { why "refused per source: ${refused:-none}: $(grep 'DNS over TCP' "$TMP/daemon.log")"; return 1; }
}

# raw_query KIND...: crafted query frames sent from the client veth with
# AF_PACKET; prints "KIND replies" per kind (replies seen within 0.5 s).
raw_query() {
	cli "$PY" - "$XST_IF_CLI" "$XST_MAC_CLI" "$XST_MAC_SRV" "$XST_IP4_CLI" "$XST_IP4_SRV" "$@" <<-'EOF'
	import socket, struct, sys, time
	ifname, mac_c, mac_s, ip_c, ip_s = sys.argv[1:6]
	kinds = sys.argv[6:]
	def mac(s): return bytes(int(x, 16) for x in s.split(":"))
	def csum(b):
	    if len(b) % 2: b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16: s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	qname = b"\x03www\x07example\x04test\x00"
	def frame(kind, sport):
	    dst, src, sip, tags = mac(mac_s), mac(mac_c), ip_c, b""
	    if kind == "foreign_mac": dst = bytes.fromhex("025853ffff99")
	    if kind == "bcast_src_mac": src = b"\xff" * 6
	    if kind == "loopback_src": sip = "127.0.0.1"
	    if kind == "own_src": sip = ip_s
	    if kind == "foreign_vlan": tags = struct.pack("!HH", 0x8100, 999)
	    if kind == "port0": sport = 0
	    dns = struct.pack("!HHHHHH", 0x4242, 0, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
	    udp = struct.pack("!HHHH", sport, 53, 8 + len(dns), 0) + dns
	    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
	                     socket.inet_aton(sip), socket.inet_aton(ip_s))
	    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
	    return dst + src + tags + b"\x08\x00" + ip + udp
	tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	tx.bind((ifname, 0))
	rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
	rx.bind((ifname, 0))
	rx.settimeout(0.05)
	for i, kind in enumerate(kinds):
	    sport = 40000 + i
	    tx.send(frame(kind, sport))
	    n, end = 0, time.time() + 0.5
	    while time.time() < end:
	        try:
	            b, addr = rx.recvfrom(4096)
	        except socket.timeout:
	            continue
	        if addr[2] == socket.PACKET_OUTGOING:
	            continue
	        off = 14 + (4 if b[12:14] == b"\x81\x00" else 0)
	        if len(b) >= off + 28 and b[off + 9] == 17 and b[off + 20:off + 22] == b"\x00\x35":
	            if b[off + 28:off + 30] == b"\x42\x42":
	                n += 1
	    print(kind, n)
	EOF
}

# The harness itself: a well-formed crafted query gets one reply.
test_crafted_control() {
	local out

	start_daemon || return 1
	out=$(raw_query valid 2>&1)
	[ "$out" = "valid 1" ] || { why "crafted valid query: '$out'"; return 1; }
	stop_daemon
}

# Frames the kernel would
# not take get no answer.
test_martian_frames() {
	local out bad

	start_daemon || return 1
	out=$(raw_query valid foreign_mac bcast_src_mac loopback_src own_src foreign_vlan port0 2>&1)
	echo "$out" | grep -qx "valid 1" || { why "control query not answered: $(echo "$out" | tr '\n' ' ')"; return 1; }
	bad=$(echo "$out" | awk '$1 != "valid" && $2 != 0' | tr '\n' ' ')
	[ -z "$bad" ] || { why "answered: $bad"; return 1; }
	stop_daemon
}

# The served veth deleted while queries arrive: logged, exit 1 within 5 s.
test_iface_deleted() {
	local lp rc t0 t1 i

	start_daemon || return 1
	( for i in $(seq 40); do
		cli dig +norec +time=1 +tries=1 @"$XST_IP4_SRV" www.example.test A >/dev/null 2>&1
		sleep 0.05
	done ) &
	lp=$!
	sleep 1
	t0=$(date +%s%N)
	srv ip link del "$XST_IF_SRV"
	for i in $(seq 50); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	t1=$(date +%s%N)
	kill "$lp" 2>/dev/null
	wait "$lp" 2>/dev/null
	if kill -0 "$DPID" 2>/dev/null; then
		why "daemon still running 5 s after its interface was deleted"
		return 1
	fi
	wait "$DPID"
	rc=$?
	DPID=""
	grep -qF "interface '$XST_IF_SRV' was deleted" "$TMP/daemon.log" ||
		{ why "not logged: $(tail -n3 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
	[ $rc -eq 1 ] || { why "exit status $rc, want 1"; return 1; }
	echo "  interface deleted: exit $rc after $(( (t1 - t0) / 1000000 )) ms" >&2
}

# ---- runner --------------------------------------------------------------------

net_run_tests prepare
