#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of the xdpstorm DNS daemon on a throw-away testbed
# (tools/testbed.sh, two queues per veth end): the daemon serves the sample
# zones on the server veth; the client namespace queries it over UDP and
# TCP, IPv4 and IPv6, and compares every answer with NSD serving the same
# zones (tests/dns/diff.py: rcode, flags, every section). Ping and other
# ports must keep reaching the kernel; SIGTERM must leave the interface as
# it was; a killed daemon must be recoverable.
#
# Each test is a function in ALL_TESTS. Output "ok NAME" / "FAIL NAME: why",
# then "dns: N passed, M failed". Exit 0 only if all passed, 77 = skip
# (reason printed). TESTS="a b" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
DAEMON=${XST_DAEMON:-$ROOT/build/xdpstorm}
PY=/usr/bin/python3	# Debian's, with python3-dnspython
ZONES="$ROOT/tests/dns/zones/example.test.zone $ROOT/tests/dns/zones/second.test.zone
	$ROOT/tests/dns/zones/child.second.test.zone $ROOT/tests/dns/zones/syntax.test.zone"

ALL_TESTS="
	test_diff_v4
	test_diff_v6
	test_kernel_traffic
	test_tc_then_tcp
	test_stats
	test_two_queues
	test_precopy
	test_skb_mode
	test_load
	test_large_zone_lookahead
	test_sighup_reload
	test_bad_zone
	test_zone_origin_arg
	test_bad_usage
	test_sigterm_leaves_no_trace
	test_sigkill_recovery
	test_crash_detaches
	test_attached_by_ctl
	test_foreign_program
	test_second_daemon
"

SUITE=dns
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip socat ping timeout dig kdig nsd dnsperf "$PY"
if ! "$PY" -c 'import dns.message' 2>/dev/null; then
	echo "dns: skipped: python3-dnspython not installed (make deps)"
	exit 77
fi
net_require_file "$DAEMON" "$CTL"

DPID=""
suite_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	rm -f "/run/xdpstorm/${XST_IF_SRV:-none}.owner"
}

net_testbed dn 2

has_xdp() { ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp'; }

zone_args() {
	local z out=""

	for z in $ZONES; do
		out="$out --zone $z"
	done
	echo "$out"
}

# start_daemon [ARGS...]: the daemon on the server veth with the sample zones
# (unless ARGS has --zone), waits for its "ready" line (10 s at most).
# --no-rrl --no-rate --no-cookies: the answers are compared with NSD 4.6's,
# which runs with rrl-ratelimit 0 here and has no DNS cookies (the
# differential sends thousands of queries from one client, and an option of
# code 10 with 4 bytes, which RFC 7873 makes a FORMERR), and the load tests
# send 5k queries/s from one address, over the per-address token bucket by
# design. The XDP filter stage itself stays on (rule udp/53 filter); the
# flood defence has its own suite (test_flood.sh). --identity and
# --version-string: the CHAOS answers diff.py gives NSD (IDENTITY, VERSION).
start_daemon() {
	local zones

	zones=$(zone_args)
	case " $* " in *" --zone "*) zones="" ;; esac
	# shellcheck disable=SC2086 # word splitting of the zone list is wanted
	net_daemon_start 10 $zones --no-rrl --no-rate --no-cookies \
		--identity dnsdiff.identity --version-string "dnsdiff version 1" "$@"
}

# stop_daemon: SIGTERM, exit status 0 within 10 s.
stop_daemon() {
	net_daemon_stop
}

# Everything a test may have left: no daemon, nothing attached.
reset() {
	[ -n "$DPID" ] && { kill -KILL "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=""; }
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
	rm -f "/run/xdpstorm/$XST_IF_SRV.owner"
}

# q NAME TYPE [dig options...]: the answer section, short form
q() {
	local name=$1 type=$2

	shift 2
	cli dig +norec +time=1 +tries=2 @"$XST_IP4_SRV" "$name" "$type" +short "$@" 2>&1
}

# diff_run SERVER [ARGS]: diff.py in the client namespace (NSD started there)
diff_run() {
	local server=$1 out zone_opts=""

	shift
	for z in $ZONES; do
		zone_opts="$zone_opts --zone $z"
	done
	# shellcheck disable=SC2086
	# --max-udp: a query longer than the veth's MTU allows would travel as IP
	# fragments, which XDP leaves to the kernel (no DNS server there)
	out=$(cli timeout 300 "$PY" "$ROOT/tests/dns/diff.py" $zone_opts --server-b "$server" \
		--max-udp 1452 "$@" 2>&1)
	echo "$out" | tail -n1 >"$TMP/diff.summary"
	echo "$out" | grep -q 'dnsdiff: [0-9]* passed, 0 failed' ||
		{ why "$(echo "$out" | grep -m3 'FAIL\|rror\|exited') $(tail -n1 "$TMP/diff.summary")"; return 1; }
}

UDP_PORT=9999
TCP_PORT=8080
srv socat UDP6-RECVFROM:$UDP_PORT,ipv6only=0,reuseaddr,fork EXEC:cat 2>/dev/null &
SERVICE_PIDS="$SERVICE_PIDS $!"
srv socat TCP6-LISTEN:$TCP_PORT,ipv6only=0,reuseaddr,fork SYSTEM:'echo tcp-ok' 2>/dev/null &
SERVICE_PIDS="$SERVICE_PIDS $!"
# A kernel service on tcp/80: a DNS-only daemon steers nothing but udp/53.
srv socat TCP6-LISTEN:80,ipv6only=0,reuseaddr,fork SYSTEM:'echo http-ok' 2>/dev/null &
SERVICE_PIDS="$SERVICE_PIDS $!"
sleep 0.3

# ---- tests --------------------------------------------------------------------

test_diff_v4() {
	start_daemon || return 1
	diff_run "$XST_IP4_SRV:53" || return 1
	stop_daemon
}

test_diff_v6() {
	start_daemon || return 1
	diff_run "[$XST_IP6_SRV]:53" || return 1
	stop_daemon
}

test_kernel_traffic() {
	local out

	start_daemon || return 1
	cli ping -c1 -W1 "$XST_IP4_SRV" >/dev/null || { why "ping v4 failed"; return 1; }
	cli ping -6 -c1 -W1 "$XST_IP6_SRV" >/dev/null || { why "ping v6 failed"; return 1; }
	out=$(echo udp-ok | cli timeout 3 socat -T1 - "UDP4:$XST_IP4_SRV:$UDP_PORT" 2>/dev/null)
	[ "$out" = udp-ok ] || { why "udp/$UDP_PORT v4 echo: '$out'"; return 1; }
	out=$(echo udp-ok | cli timeout 3 socat -T1 - "UDP6:[$XST_IP6_SRV]:$UDP_PORT" 2>/dev/null)
	[ "$out" = udp-ok ] || { why "udp/$UDP_PORT v6 echo: '$out'"; return 1; }
	out=$(cli timeout 3 socat -T2 - "TCP4:$XST_IP4_SRV:$TCP_PORT,connect-timeout=1" </dev/null 2>/dev/null)
	[ "$out" = tcp-ok ] || { why "tcp/$TCP_PORT: '$out'"; return 1; }
	out=$(cli timeout 3 socat -T2 - "TCP4:$XST_IP4_SRV:80,connect-timeout=1" </dev/null 2>/dev/null)
	[ "$out" = http-ok ] || { why "tcp/80 kernel service while the daemon runs: '$out'"; return 1; }
	! ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^tcp +80 ' ||
		{ why "a tcp/80 rule exists: $(ctl rule list --iface "$XST_IF_SRV" | tr '\n' ' ')"; return 1; }
	ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^udp +53 +filter' ||
		{ why "udp/53 not steered through the filter stage: $(ctl rule list --iface "$XST_IF_SRV" | tr '\n' ' ')"; return 1; }
	# and DNS is answered while all this goes on
	[ "$(q www.example.test A | sort | head -n1)" = 192.0.2.80 ] || { why "no DNS answer"; return 1; }
	stop_daemon
}

# An answer over 512 bytes: TC=1 over UDP, dig retries over TCP (the
# daemon's kernel socket) and gets the whole RRset.
test_tc_then_tcp() {
	local out

	start_daemon || return 1
	out=$(cli dig +norec +time=2 +tries=1 +ignore +noedns @"$XST_IP4_SRV" big.example.test TXT)
	echo "$out" | grep -q 'flags: qr aa tc' || { why "no TC over UDP: $(echo "$out" | grep flags)"; return 1; }
	out=$(cli dig +norec +time=2 +tries=1 +noedns @"$XST_IP4_SRV" big.example.test TXT)
	echo "$out" | grep -q 'ANSWER: 8,' || { why "TCP retry: $(echo "$out" | grep -m2 'flags\|Trunc')"; return 1; }
	out=$(cli kdig +tcp +norec +time=2 @"$XST_IP6_SRV" big.example.test TXT)
	echo "$out" | grep -q 'ANSWER: 8;' || { why "kdig +tcp over IPv6: $(echo "$out" | grep -m1 'ANSWER')"; return 1; }
	stop_daemon
}

# qstat FIELD: a worker field (rx_packets) or a DNS counter (dns.answered)
# summed over the queues of `xdpstormctl stats --json`
qstat() {
	ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c '
import json, sys
d, f = json.load(sys.stdin), sys.argv[1]
def get(q):
    if f.startswith("dns."):
        return q.get("services", {}).get("dns", {}).get("counters", {}).get(f[4:], 0)
    return q[f]
print(sum(get(q) for q in d["queues"]))' "$1"
}

test_stats() {
	local n=50 i before after steer0 steer1 a0 a1

	start_daemon || return 1
	sleep 1.2	# a first publication of the counters
	before=$(qstat dns.answered)
	steer0=$(ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counters"]["steer"]["packets"])')
	for i in $(seq $n); do
		echo "www.example.test A"
	done >"$TMP/stats.q"
	cli timeout 20 dnsperf -q 1 -s "$XST_IP4_SRV" -d "$TMP/stats.q" -l 10 -n 1 >"$TMP/dnsperf.out" 2>&1
	grep -q "Queries completed: *$n " "$TMP/dnsperf.out" || { why "dnsperf: $(grep -m2 'Queries' "$TMP/dnsperf.out" | tr '\n' ' ')"; return 1; }
	sleep 1.5	# published about once a second
	after=$(qstat dns.answered)
	steer1=$(ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counters"]["steer"]["packets"])')
	[ $((after - before)) -eq $n ] || { why "dns.answered grew by $((after - before)), sent $n"; return 1; }
	[ $((steer1 - steer0)) -eq $n ] || { why "steer counter grew by $((steer1 - steer0)), sent $n"; return 1; }
	a0=$(qstat rx_packets)
	a1=$(qstat tx_packets)
	[ "$a0" -ge $n ] && [ "$a1" -ge $n ] || { why "rx $a0 tx $a1 after $n queries"; return 1; }
	ctl stats --iface "$XST_IF_SRV" | grep -q '^per-queue' || { why "no per-queue table in stats"; return 1; }
	stop_daemon
}

# Both queues get a socket by default, and both answer (the veth hashes the
# client's flows, each query from its own source port, over the two queues).
test_two_queues() {
	local busy

	start_daemon || return 1
	grep -q 'ready on .*: 2 queue(s)' "$TMP/daemon.log" || { why "not 2 queues: $(grep ready "$TMP/daemon.log")"; return 1; }
	diff_run "$XST_IP4_SRV:53" --max-names 20 || return 1
	sleep 1.5
	busy=$(ctl stats --iface "$XST_IF_SRV" --json |
		"$PY" -c 'import json,sys; print(sum(1 for q in json.load(sys.stdin)["queues"] if q["services"]["dns"]["counters"]["answered"] > 0))')
	[ "$busy" = 2 ] || { why "$busy queue(s) answered, want 2"; return 1; }
	stop_daemon
}

test_precopy() {
	start_daemon --send precopy || return 1
	grep -q 'send precopy' "$TMP/daemon.log" || { why "precopy not reported"; return 1; }
	diff_run "$XST_IP4_SRV:53" || return 1
	diff_run "[$XST_IP6_SRV]:53" --max-names 30 || return 1
	stop_daemon
}

test_skb_mode() {
	start_daemon --mode skb || return 1
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q xdpgeneric || { why "not in skb (generic) mode"; return 1; }
	[ "$(q mail.example.test A)" = 192.0.2.25 ] || { why "no answer in skb mode"; return 1; }
	diff_run "$XST_IP4_SRV:53" --max-names 20 || return 1
	stop_daemon
}

# A short bounded load: 3 s at 5,000 queries/s; every query answered.
test_load() {
	local lost

	start_daemon || return 1
	"$PY" - "$TMP/load.q" <<'EOF'
import sys
names = ['www', 'mail', 'ns1', 'nx-%d', 'WwW', 'a.b.ent', 'x.wild', '_sip._udp']
types = ['A', 'AAAA', 'MX', 'A', 'A', 'TXT', 'A', 'SRV']
with open(sys.argv[1], 'w') as f:
    for i in range(2000):
        n = names[i % len(names)]
        f.write('%s.example.test %s\n' % (n % i if '%' in n else n, types[i % len(types)]))
EOF
	cli timeout 30 dnsperf -q 200 -Q 5000 -s "$XST_IP4_SRV" -d "$TMP/load.q" -l 3 >"$TMP/load.out" 2>&1
	lost=$(sed -n 's/.*Queries lost: *\([0-9]*\).*/\1/p' "$TMP/load.out")
	[ -n "$lost" ] || { why "dnsperf: $(tail -n3 "$TMP/load.out" | tr '\n' ' ')"; return 1; }
	[ "$lost" -eq 0 ] || { why "$lost queries lost at 5k qps: $(grep 'Queries' "$TMP/load.out" | tr '\n' ' ')"; return 1; }
	stop_daemon
}

# A zone too large for the caches (30,000 names): the default lookahead is
# on, and in both send modes the answers (drawn from the whole zone) are
# still NSD's, under a short load too.
test_large_zone_lookahead() {
	local big="$TMP/big.test.zone" lost send

	"$PY" - "$big" "$TMP/big.q" <<'EOF'
import random, sys
r = random.Random(7)
with open(sys.argv[1], 'w') as z, open(sys.argv[2], 'w') as q:
    z.write('$ORIGIN big.test.\n$TTL 600\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n'
            '@ NS ns\nns A 192.0.2.53\n* TXT "wild"\n')
    for i in range(30000):
        z.write('h%d A 10.%d.%d.%d\n' % (i, i >> 16, i >> 8 & 255, i & 255))
        if i % 3 == 0:
            z.write('h%d AAAA 2001:db8::%x\nh%d MX 10 h%d\n' % (i, i, i, (i * 7) % 30000))
        if i % 500 == 0:
            z.write('d%d NS ns.d%d\nns.d%d A 192.0.2.%d\n' % (i, i, i, 1 + i % 250))
    for i in range(3000):
        n = r.randrange(40000)
        q.write('H%d.big.test %s\n' % (n, r.choice(['A', 'AAAA', 'MX', 'TXT'])))
EOF
	for send in memcpy precopy; do
		start_daemon --zone "$big" --send $send || return 1
		grep -q 'loaded 1 zone(s): 30... names.*lookahead on' "$TMP/daemon.log" ||
			{ why "$send: lookahead not on: $(grep -m1 'loaded' "$TMP/daemon.log")"; return 1; }
		ZONES=$big diff_run "$XST_IP4_SRV:53" --max-names 40 ||
			{ why "$send: $(cat "$TMP/why")"; return 1; }
		cli timeout 30 dnsperf -q 200 -Q 5000 -s "$XST_IP4_SRV" -d "$TMP/big.q" -l 2 >"$TMP/load.out" 2>&1
		lost=$(sed -n 's/.*Queries lost: *\([0-9]*\).*/\1/p' "$TMP/load.out")
		[ "$lost" = 0 ] ||
			{ why "$send: lost '$lost' at 5k qps: $(grep 'Queries' "$TMP/load.out" | tr '\n' ' ')"; return 1; }
		stop_daemon || return 1
	done
}

test_sighup_reload() {
	local z="$TMP/example.test.zone" i ok=0

	cp "$ROOT/tests/dns/zones/example.test.zone" "$z"
	start_daemon --zone "$z" || return 1
	[ -z "$(q added.example.test A)" ] || { why "added. exists before the reload"; return 1; }
	echo "added IN A 192.0.2.222" >>"$z"
	kill -HUP "$DPID"
	for i in $(seq 50); do
		[ "$(q added.example.test A)" = 192.0.2.222 ] && { ok=1; break; }
		sleep 0.1
	done
	[ $ok = 1 ] || { why "reload: new record not served"; return 1; }
	# A broken file: the reload fails with file:line, the old data stays.
	printf 'broken IN A 300.1.2.3\n' >>"$z"
	kill -HUP "$DPID"
	sleep 1
	grep -q "example.test.zone:$(wc -l <"$z"): bad IPv4 address" "$TMP/daemon.log" ||
		{ why "no file:line for the bad reload: $(tail -n2 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
	grep -q 'still serving the previous data' "$TMP/daemon.log" || { why "no 'previous data' line"; return 1; }
	[ "$(q added.example.test A)" = 192.0.2.222 ] || { why "old data lost after a bad reload"; return 1; }
	kill -0 "$DPID" || { why "daemon died on a bad reload"; return 1; }
	stop_daemon
}

# A bad zone stops start-up with file:line before the interface is touched.
test_bad_zone() {
	local z="$TMP/bad.test.zone" rc

	printf '$ORIGIN bad.test.\n@ SOA ns h 1 2 3 4 5\nwww CNAME a\nwww A 192.0.2.1\n' >"$z"
	srv "$DAEMON" --iface "$XST_IF_SRV" --zone "$z" >"$TMP/bad.log" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { why "exit $rc on a bad zone, want 1"; return 1; }
	grep -q "bad.test.zone:4: CNAME and other data" "$TMP/bad.log" || { why "message: $(cat "$TMP/bad.log")"; return 1; }
	! has_xdp || { why "an XDP program is attached after a failed start"; return 1; }
	srv "$DAEMON" --iface "$XST_IF_SRV" --zone "$TMP/none.zone" >"$TMP/bad.log" 2>&1
	[ $? -eq 1 ] && grep -q "none.zone.*No such file" "$TMP/bad.log" || { why "missing zone: $(cat "$TMP/bad.log")"; return 1; }
	! has_xdp || { why "attached after a missing zone"; return 1; }
	# --check: the same verdicts without an interface
	"$DAEMON" --check --zone "$z" >"$TMP/bad.log" 2>&1
	[ $? -eq 1 ] && grep -q "bad.test.zone:4: CNAME and other data" "$TMP/bad.log" || { why "--check bad: $(cat "$TMP/bad.log")"; return 1; }
	# shellcheck disable=SC2046
	"$DAEMON" --check $(zone_args) >"$TMP/bad.log" 2>&1 || { why "--check good: $(cat "$TMP/bad.log")"; return 1; }
	grep -q '^checked 4 zone(s)' "$TMP/bad.log" || { why "--check output: $(cat "$TMP/bad.log")"; return 1; }
}

# FILE:ORIGIN names a zone whose file says nothing of its name.
test_zone_origin_arg() {
	printf '@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\nhost A 192.0.2.7\n' >"$TMP/anon.txt"
	start_daemon --zone "$TMP/anon.txt:anon.test" || return 1
	grep -q 'zone anon.test.: 4 records' "$TMP/daemon.log" || { why "zone line: $(grep -m1 '^zone' "$TMP/daemon.log")"; return 1; }
	[ "$(q host.anon.test A)" = 192.0.2.7 ] || { why "host.anon.test: '$(q host.anon.test A)'"; return 1; }
	stop_daemon
}

test_bad_usage() {
	local rc

	srv "$DAEMON" --iface "$XST_IF_SRV" >"$TMP/u.log" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q -- '--zone' "$TMP/u.log" || { why "no --zone: exit $rc: $(cat "$TMP/u.log")"; return 1; }
	srv "$DAEMON" --iface "$XST_IF_SRV" $(zone_args) --bogus >"$TMP/u.log" 2>&1; rc=$?
	[ $rc -eq 2 ] || { why "unknown option: exit $rc"; return 1; }
	srv "$DAEMON" --iface "$XST_IF_SRV" $(zone_args) --queues 3 >"$TMP/u.log" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q '2 RX queue' "$TMP/u.log" || { why "--queues 3 on 2 queues: exit $rc: $(cat "$TMP/u.log")"; return 1; }
	srv "$DAEMON" --iface xst-nosuch0 $(zone_args) >"$TMP/u.log" 2>&1; rc=$?
	[ $rc -eq 1 ] && grep -q "xst-nosuch0" "$TMP/u.log" || { why "unknown interface: exit $rc: $(cat "$TMP/u.log")"; return 1; }
	srv "$DAEMON" --iface "$XST_IF_SRV" $(zone_args) --send sometimes >"$TMP/u.log" 2>&1; rc=$?
	[ $rc -eq 2 ] || { why "--send sometimes: exit $rc"; return 1; }
	"$DAEMON" --help | grep -q -- '--send MODE' || { why "--help lacks --send"; return 1; }
	! has_xdp || { why "attached after usage errors"; return 1; }
}

test_sigterm_leaves_no_trace() {
	start_daemon || return 1
	has_xdp || { why "nothing attached while running"; return 1; }
	stop_daemon || return 1
	! has_xdp || { why "XDP program left after SIGTERM"; return 1; }
	ctl status --iface "$XST_IF_SRV" | grep -q '^attached: *no' || { why "status after stop: $(ctl status --iface "$XST_IF_SRV" | head -n2 | tr '\n' ' ')"; return 1; }
	[ ! -e "/run/xdpstorm/$XST_IF_SRV.owner" ] || { why "owner record left"; return 1; }
	grep -q "detached xst_steer from '$XST_IF_SRV'" "$TMP/daemon.log" || { why "no detach line"; return 1; }
	# SIGINT the same
	start_daemon || return 1
	kill -INT "$DPID"
	wait "$DPID" || { DPID=""; why "exit $? on SIGINT"; return 1; }
	DPID=""
	! has_xdp || { why "XDP program left after SIGINT"; return 1; }
}

# SIGKILL: the program stays (no socket: DNS goes to the kernel, ping works);
# the next daemon takes the attachment over and its SIGTERM detaches it.
test_sigkill_recovery() {
	start_daemon || return 1
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=""
	has_xdp || { why "program gone after SIGKILL (expected left behind)"; return 1; }
	cli ping -c1 -W1 "$XST_IP4_SRV" >/dev/null || { why "ping after the kill"; return 1; }
	start_daemon || return 1
	grep -q 'taking over the xst_steer program' "$TMP/daemon.log" || { why "no take-over: $(grep -m2 'xst_steer' "$TMP/daemon.log")"; return 1; }
	[ "$(q mail.example.test A)" = 192.0.2.25 ] || { why "no answer after recovery"; return 1; }
	stop_daemon || return 1
	! has_xdp || { why "program left after the recovering daemon stopped"; return 1; }
}

# A crash (SIGSEGV, SIGABRT) detaches what the daemon attached, removes its
# pins and owner record, and still ends with the signal (status 128 + N).
test_crash_detaches() {
	local sig rc

	ulimit -c 0	# no core files in the working directory
	for sig in SEGV ABRT; do
		start_daemon || return 1
		kill -"$sig" "$DPID"
		wait "$DPID"
		rc=$?
		DPID=""
		[ $rc -eq $((128 + $(kill -l "$sig"))) ] || { why "SIG$sig: exit status $rc"; return 1; }
		grep -q "fatal signal SIG$sig; cleaning up" "$TMP/daemon.log" ||
			{ why "SIG$sig: no clean-up line: $(tail -n2 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
		! has_xdp || { why "SIG$sig: program left on the interface"; return 1; }
		[ ! -e "/sys/fs/bpf/xdpstorm/$XST_IF_SRV" ] || { why "SIG$sig: pins left"; return 1; }
		[ ! -e "/run/xdpstorm/$XST_IF_SRV.owner" ] || { why "SIG$sig: owner record left"; return 1; }
		cli ping -c1 -W1 "$XST_IP4_SRV" >/dev/null || { why "SIG$sig: ping after the crash"; return 1; }
	done
	start_daemon || return 1
	! grep -q 'taking over' "$TMP/daemon.log" || { why "a take-over after a clean crash"; return 1; }
	[ "$(q mail.example.test A)" = 192.0.2.25 ] || { why "no answer after the crashes"; return 1; }
	stop_daemon
}

# Attached with xdpstormctl first (no service rules: an operator's udp/53
# pass and tcp/8081 drop): the daemon uses the attachment, steers udp/53
# while it runs, and leaves the program and every rule as it found them.
test_attached_by_ctl() {
	ctl attach --iface "$XST_IF_SRV" >/dev/null || { why "ctl attach failed"; return 1; }
	[ -z "$(ctl rule list --iface "$XST_IF_SRV" | grep -E '^(udp|tcp) ')" ] ||
		{ why "ctl attach installed rules: $(ctl rule list --iface "$XST_IF_SRV" | tr '\n' ' ')"; return 1; }
	ctl rule add --iface "$XST_IF_SRV" --proto udp --port 53 --action pass >/dev/null || { why "rule add"; return 1; }
	ctl rule add --iface "$XST_IF_SRV" --proto tcp --port 8081 --action drop >/dev/null || { why "rule add"; return 1; }
	start_daemon || return 1
	grep -q 'left attached on exit' "$TMP/daemon.log" || { why "daemon did not use the attachment"; return 1; }
	ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^udp +53 +filter' || { why "udp/53 not steered (filter stage) while running"; return 1; }
	[ "$(q www.second.test A)" = 198.51.100.9 ] || { why "wildcard answer: '$(q www.second.test A)'"; return 1; }
	stop_daemon || return 1
	has_xdp || { why "ctl's program removed by the daemon"; return 1; }
	ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^udp +53 +pass' || { why "udp/53 not put back to pass"; return 1; }
	ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^tcp +8081 +drop' || { why "tcp/8081 rule changed"; return 1; }
	ctl detach --iface "$XST_IF_SRV" >/dev/null || { why "ctl detach failed"; return 1; }
}

# Another XDP program on the interface: the daemon refuses with a clear line,
# the program stays, and nothing of ours (pins) is left behind.
test_foreign_program() {
	local rc still

	net_attach_foreign || return 1
	# shellcheck disable=SC2046
	srv "$DAEMON" --iface "$XST_IF_SRV" $(zone_args) >"$TMP/daemon.log" 2>&1
	rc=$?
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q "name foreign_pass"
	still=$?
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off
	[ $rc -eq 1 ] || { why "exit $rc over a foreign program"; return 1; }
	grep -q "another (non-xdpstorm) XDP program" "$TMP/daemon.log" ||
		{ why "message: $(tail -n1 "$TMP/daemon.log")"; return 1; }
	[ $still -eq 0 ] || { why "the foreign program was removed"; return 1; }
	[ ! -e "/sys/fs/bpf/xdpstorm/$XST_IF_SRV" ] || { why "pins left behind"; return 1; }
}

# A second daemon on a served interface is refused before it loads anything
# (a 200,000-name zone would take seconds to compile): fast, clear, and the
# first daemon keeps answering.
test_second_daemon() {
	local big="$TMP/second.test.zone" t0 t1 rc

	"$PY" - "$big" <<'EOF'
import sys
with open(sys.argv[1], 'w') as z:
    z.write('$ORIGIN second2.test.\n$TTL 600\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n'
            '@ NS ns\nns A 192.0.2.53\n')
    for i in range(200000):
        z.write('h%d A 10.%d.%d.%d\n' % (i, i >> 16, i >> 8 & 255, i & 255))
EOF
	start_daemon || return 1
	t0=$(date +%s%N)
	srv "$DAEMON" --iface "$XST_IF_SRV" --zone "$big" >"$TMP/second.log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	[ $rc -eq 1 ] || { why "second daemon: exit $rc, want 1"; return 1; }
	grep -q "already served by xdpstorm pid $DPID" "$TMP/second.log" ||
		{ why "message: $(tail -n1 "$TMP/second.log")"; return 1; }
	! grep -q 'zone second2.test' "$TMP/second.log" || { why "the second daemon loaded its zone first"; return 1; }
	[ $(((t1 - t0) / 1000000)) -lt 1000 ] || { why "refused after $(((t1 - t0) / 1000000)) ms"; return 1; }
	[ "$(q mail.example.test A)" = 192.0.2.25 ] || { why "first daemon stopped answering"; return 1; }
	stop_daemon
}

# ---- runner --------------------------------------------------------------------

net_run_tests reset

