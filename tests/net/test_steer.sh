#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of the XDP steering program and xdpstormctl, with no
# daemon: the program sits on the server veth of a throw-away testbed
# (tools/testbed.sh) and everything that is not steered must keep working.
# Every xdpstormctl call is a separate `ip netns exec`, so each one finds the
# attachment through the interface (pins do not survive between calls).
#
# Each test is a function listed in ALL_TESTS; it starts from a fresh native
# attachment. Output: "ok NAME" / "FAIL NAME: why", then
# "steer: N passed, M failed". Exit 0 only if all passed, 77 = skip (reason
# printed). TESTS="a b" runs a subset; XST_CTL overrides the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
FILL=$ROOT/build/tools/qstats-fill	# stands in for a daemon publishing ABI v2 stats

ALL_TESTS="
	test_attach_status
	test_ping
	test_services
	test_block_v4
	test_block_v6
	test_block_counts
	test_rule_drop
	test_stats_counts
	test_mode_skb
	test_attach_twice
	test_unknown_iface
	test_malformed_input
	test_foreign_program
	test_detach
	test_kill_mid_attach
	test_stale_pins
	test_no_default_rules
	test_mac_only
	test_mtu_9000
	test_attach_hints
	test_stats_v2
	test_stats_v2_watch
	test_owner_gone
	test_stats_abi_mismatch
"

SUITE=steer
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip socat ping timeout python3
net_require_file "$CTL" "$FILL"

# A live process to stand for the daemon (bounded; never holding our output
# open); one at a time, stopped before every test and on exit.
stop_sleeper() {
	if [ -n "${SLEEPER:-}" ]; then
		kill "$SLEEPER" 2>/dev/null
		wait "$SLEEPER" 2>/dev/null
	fi
	SLEEPER=
}

start_sleeper() {
	stop_sleeper
	sleep 120 </dev/null >/dev/null 2>&1 &
	SLEEPER=$!
}

suite_cleanup() {
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	stop_sleeper
}

net_testbed st 2

# ---- services in the server namespace (bounded: killed by cleanup) ----------
UDP_PORT=9999
TCP_PORT=8080
COUNT_PORT=9998		# nobody listens: datagrams are only counted
srv socat UDP6-RECVFROM:$UDP_PORT,ipv6only=0,reuseaddr,fork EXEC:cat 2>/dev/null &
SERVICE_PIDS="$SERVICE_PIDS $!"
srv socat TCP6-LISTEN:$TCP_PORT,ipv6only=0,reuseaddr,fork SYSTEM:'echo tcp-ok' 2>/dev/null &
SERVICE_PIDS="$SERVICE_PIDS $!"
sleep 0.3

ping4() { cli ping -c1 -W1 "$XST_IP4_SRV" >/dev/null 2>&1; }
ping6() { cli ping -6 -c1 -W1 "$XST_IP6_SRV" >/dev/null 2>&1; }

# udp_echo 4|6: one datagram to the echo service, 0 when it comes back
udp_echo() {
	local dst out msg="hello-$RANDOM"

	if [ "$1" = 4 ]; then dst="UDP4:$XST_IP4_SRV:$UDP_PORT"; else dst="UDP6:[$XST_IP6_SRV]:$UDP_PORT"; fi
	out=$(echo "$msg" | cli timeout 3 socat -T1 - "$dst" 2>/dev/null)
	[ "$out" = "$msg" ]
}

tcp_conn() {
	local dst out

	if [ "$1" = 4 ]; then dst="TCP4:$XST_IP4_SRV:$TCP_PORT"; else dst="TCP6:[$XST_IP6_SRV]:$TCP_PORT"; fi
	out=$(cli timeout 3 socat -T2 - "$dst,connect-timeout=1" </dev/null 2>/dev/null)
	[ "$out" = tcp-ok ]
}

# send_dgram DST PORT SIZE: one UDP datagram of SIZE bytes from the client
send_dgram() {
	cli python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
socket.socket(fam, socket.SOCK_DGRAM).sendto(b"q" * int(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))
' "$@"
}

# send_udp 4|6 PORT N: N datagrams, no reply expected
send_udp() {
	local ip=$XST_IP4_SRV

	[ "$1" = 6 ] && ip=$XST_IP6_SRV
	# shellcheck disable=SC2016 # expanded by the inner bash
	cli bash -c 'for ((i = 0; i < $3; i++)); do echo "x$i" >"/dev/udp/$1/$2"; done' _ \
		"$ip" "$2" "$3" 2>/dev/null
}

# counter NAME: packets of one stats_map outcome, from stats --json
counter() {
	ctl stats --iface "$XST_IF_SRV" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$1"
}

# counter_bytes NAME
counter_bytes() {
	ctl stats --iface "$XST_IF_SRV" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["bytes"])' "$1"
}

status_field() {
	ctl status --iface "$XST_IF_SRV" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"
}

has_xdp() {
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp\| xdp'
}

# Every test starts from a fresh, complete native attachment.
fresh_attach() {
	stop_sleeper
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
	ctl attach --iface "$XST_IF_SRV" --mode "${1:-native}" >/dev/null 2>"$TMP/attach.err" ||
		why "attach failed: $(cat "$TMP/attach.err")"
}

# ---- tests -------------------------------------------------------------------

test_attach_status() {
	local out id

	out=$(ctl status --iface "$XST_IF_SRV") || why "status exit $?"
	grep -q '^attached: *yes$' <<<"$out" || why "status not attached: $out" || return 1
	grep -q '^mode: *native' <<<"$out" || why "status mode not native" || return 1
	grep -q 'multi-program dispatcher: ' <<<"$out" || why "status lacks dispatcher line" || return 1
	grep -q '^rules: *0 ' <<<"$out" || why "attach alone has rules: $out" || return 1
	grep -q "^own MACs: *1 ($XST_MAC_SRV)" <<<"$out" || why "status lacks the MAC: $out" || return 1
	grep -q '^flags: *enabled, local addresses only, own MACs only' <<<"$out" ||
		why "status flags: $out" || return 1
	grep -q '^max frame: *none' <<<"$out" || why "status max frame: $out" || return 1
	ctl status --iface "$XST_IF_SRV" --json | python3 -m json.tool >/dev/null ||
		why "status --json is not JSON" || return 1
	id=$(status_field prog_id)
	[ -n "$id" ] && [ "$id" -gt 0 ] || why "no prog_id in status --json" || return 1
	bpftool prog show id "$id" 2>/dev/null | grep -q xst_steer ||
		why "bpftool prog show id $id does not list xst_steer" || return 1
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q "prog/xdp id $id" ||
		why "ip link does not show prog $id" || return 1
	# --iface may be omitted when exactly one interface is attached
	ctl status | grep -q "^interface: *$XST_IF_SRV" || why "status without --iface failed"
}

test_ping() {
	ping4 || why "ping v4 fails with the program attached" || return 1
	ping6 || why "ping v6 fails with the program attached"
}

test_services() {
	udp_echo 4 || why "UDP echo v4 on $UDP_PORT fails" || return 1
	udp_echo 6 || why "UDP echo v6 on $UDP_PORT fails" || return 1
	tcp_conn 4 || why "TCP v4 on $TCP_PORT fails" || return 1
	tcp_conn 6 || why "TCP v6 on $TCP_PORT fails"
}

test_block_v4() {
	ctl block add --iface "$XST_IF_SRV" "$XST_IP4_CLI" >/dev/null || why "block add v4 failed" || return 1
	ping4 && why "ping v4 works while blocked" && return 1
	udp_echo 4 && why "UDP v4 works while blocked" && return 1
	tcp_conn 4 && why "TCP v4 works while blocked" && return 1
	ping6 || why "ping v6 broken by a v4 block" || return 1
	ctl block del --iface "$XST_IF_SRV" "$XST_IP4_CLI" >/dev/null || why "block del v4 failed" || return 1
	ping4 || why "ping v4 not restored by block del" || return 1
	udp_echo 4 || why "UDP v4 not restored by block del" || return 1
	tcp_conn 4 || why "TCP v4 not restored by block del"
}

test_block_v6() {
	ctl block add --iface "$XST_IF_SRV" "$XST_IP6_CLI/128" >/dev/null || why "block add v6 failed" || return 1
	ping6 && why "ping v6 works while blocked" && return 1
	udp_echo 6 && why "UDP v6 works while blocked" && return 1
	tcp_conn 6 && why "TCP v6 works while blocked" && return 1
	ping4 || why "ping v4 broken by a v6 block" || return 1
	ctl block del --iface "$XST_IF_SRV" "$XST_IP6_CLI/128" >/dev/null || why "block del v6 failed" || return 1
	ping6 || why "ping v6 not restored" || return 1
	udp_echo 6 || why "UDP v6 not restored" || return 1
	tcp_conn 6 || why "TCP v6 not restored"
}

test_block_counts() {
	local before after hits net

	# a /24 around the client: the LPM trie must match a covering prefix
	net="${XST_IP4_CLI%.*}.0/24"
	ctl block add --iface "$XST_IF_SRV" "$net" >/dev/null || why "block add $net failed" || return 1
	before=$(counter drop_block)
	send_udp 4 $COUNT_PORT 10
	sleep 0.2
	after=$(counter drop_block)
	[ $((after - before)) -eq 10 ] || why "drop_block delta $((after - before)), want 10" || return 1
	hits=$(ctl block list --iface "$XST_IF_SRV" --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["prefix"] == sys.argv[1]:
        print(e["hits"])' "$net")
	# hits are sampled by the program (64 one drop in 64): a multiple of 64, at most 640
	[ -n "$hits" ] && [ $((hits % 64)) -eq 0 ] && [ "$hits" -le 640 ] ||
		why "block list hits for $net: '$hits', want a multiple of 64 up to 640" || return 1
	ctl block del --iface "$XST_IF_SRV" "$net" >/dev/null || why "block del $net failed" || return 1
	[ "$(ctl block list --iface "$XST_IF_SRV" --json)" = "[]" ] || why "blocklist not empty after del"
}

test_rule_drop() {
	ctl rule add --iface "$XST_IF_SRV" --proto udp --port $UDP_PORT --action drop >/dev/null ||
		why "rule add failed" || return 1
	ctl rule list --iface "$XST_IF_SRV" | grep -q "^udp *$UDP_PORT *drop" ||
		why "rule list lacks udp/$UDP_PORT drop" || return 1
	udp_echo 4 && why "UDP v4 works with a drop rule" && return 1
	udp_echo 6 && why "UDP v6 works with a drop rule" && return 1
	tcp_conn 4 || why "TCP broken by a UDP drop rule" || return 1
	ping4 || why "ping broken by a UDP drop rule" || return 1
	ctl rule del --iface "$XST_IF_SRV" --proto udp --port $UDP_PORT >/dev/null ||
		why "rule del failed" || return 1
	udp_echo 4 || why "UDP v4 not restored by rule del" || return 1
	udp_echo 6 || why "UDP v6 not restored by rule del"
}

test_stats_counts() {
	local p0 p1 d0 d1 hits

	ctl stats --iface "$XST_IF_SRV" --json | python3 -m json.tool >/dev/null ||
		why "stats --json is not JSON" || return 1
	p0=$(counter pass)
	send_udp 4 $COUNT_PORT 20
	sleep 0.2
	p1=$(counter pass)
	[ $((p1 - p0)) -ge 20 ] || why "pass delta $((p1 - p0)) after 20 datagrams" || return 1

	ctl rule add --iface "$XST_IF_SRV" --proto udp --port $COUNT_PORT --action drop >/dev/null ||
		why "rule add failed" || return 1
	d0=$(counter drop_rule)
	send_udp 4 $COUNT_PORT 20
	send_udp 6 $COUNT_PORT 5
	sleep 0.2
	d1=$(counter drop_rule)
	[ $((d1 - d0)) -eq 25 ] || why "drop_rule delta $((d1 - d0)), want 25" || return 1
	hits=$(ctl rule list --iface "$XST_IF_SRV" --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["proto"] == "udp" and r["port"] == int(sys.argv[1]):
        print(r["hits"])' $COUNT_PORT)
	[ "$hits" = 25 ] || why "rule hits '$hits', want 25" || return 1
	# --watch is bounded by --count and prints rates
	timeout 10 ip netns exec "$XST_NS_SRV" "$CTL" stats --iface "$XST_IF_SRV" --watch 0.2 \
		--count 2 --json >"$TMP/watch.json" || why "stats --watch --count failed" || return 1
	[ "$(wc -l <"$TMP/watch.json")" -eq 2 ] || why "stats --watch --count 2: not 2 lines" || return 1
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert "pps" in d["counters"]["pass"]' "$TMP/watch.json" || why "watch JSON lacks rates"
}

test_mode_skb() {
	fresh_attach skb || return 1
	[ "$(status_field mode)" = skb ] || why "status mode is not skb" || return 1
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q xdpgeneric ||
		why "ip link shows no xdpgeneric" || return 1
	ping4 || why "ping v4 fails in skb mode" || return 1
	ping6 || why "ping v6 fails in skb mode" || return 1
	udp_echo 4 || why "UDP fails in skb mode" || return 1
	tcp_conn 6 || why "TCP v6 fails in skb mode" || return 1
	ctl rule add --iface "$XST_IF_SRV" --proto udp --port $UDP_PORT --action drop >/dev/null
	udp_echo 4 && why "skb mode: drop rule not applied" && return 1
	ctl detach --iface "$XST_IF_SRV" >/dev/null || why "detach (skb) failed" || return 1
	! has_xdp || why "program left after skb detach"
}

test_attach_twice() {
	local rc id

	id=$(status_field prog_id)
	ctl attach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -ne 0 ] || why "second attach succeeded" || return 1
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || why "not one line on stderr: $(cat "$TMP/err")" || return 1
	grep -q "already attached" "$TMP/err" || why "message: $(cat "$TMP/err")" || return 1
	[ "$(status_field prog_id)" = "$id" ] || why "second attach changed the program" || return 1
	ping4 || why "ping broken after a refused attach"
}

test_unknown_iface() {
	local rc v

	for v in attach detach status stats; do
		ctl "$v" --iface xstnosuch0 >/dev/null 2>"$TMP/err"
		rc=$?
		[ $rc -eq 1 ] || why "$v on unknown iface: exit $rc, want 1" || return 1
		grep -q "xstnosuch0.*no such interface" "$TMP/err" ||
			why "$v message: $(cat "$TMP/err")" || return 1
		[ "$(wc -l <"$TMP/err")" -eq 1 ] || why "$v: not one line on stderr" || return 1
	done
}

test_malformed_input() {
	local before bad rc

	ctl block add --iface "$XST_IF_SRV" 192.0.2.0/24 >/dev/null || why "block add failed" || return 1
	before=$(ctl block list --iface "$XST_IF_SRV" --json)
	for bad in 300.1.1.1 1.2.3.4/33 fd00::/129 1.2.3 abc "" 1.2.3.4/ 1.2.3.4/-1 "10.0.0.1 /8"; do
		ctl block add --iface "$XST_IF_SRV" "$bad" >/dev/null 2>"$TMP/err"
		rc=$?
		[ $rc -eq 2 ] || why "block add '$bad': exit $rc, want 2" || return 1
		[ "$(wc -l <"$TMP/err")" -eq 1 ] || why "block add '$bad': not one line on stderr" || return 1
	done
	# a valid prefix with a bad one: nothing applied
	ctl block add --iface "$XST_IF_SRV" 198.51.100.0/24 bogus >/dev/null 2>&1 &&
		why "block add with a bad prefix succeeded" && return 1
	[ "$(ctl block list --iface "$XST_IF_SRV" --json)" = "$before" ] ||
		why "blocklist changed by a rejected command" || return 1
	for bad in "--port 0" "--port 65536" "--port 12x" "--proto icmp --port 7" "--action eat"; do
		# shellcheck disable=SC2086 # word splitting wanted: option list
		ctl rule add --iface "$XST_IF_SRV" --proto udp --port 7 --action drop $bad >/dev/null 2>&1
		rc=$?
		[ $rc -eq 2 ] || why "rule add $bad: exit $rc, want 2" || return 1
	done
	ctl rule list --iface "$XST_IF_SRV" | grep -q "^udp *7 " && why "malformed rule was added" && return 1
	ctl frobnicate >/dev/null 2>&1
	[ $? -eq 2 ] || why "unknown verb: exit not 2" || return 1
	ctl attach --iface "$XST_IF_SRV" --mode turbo >/dev/null 2>&1
	[ $? -eq 2 ] || why "bad --mode: exit not 2"
}

test_foreign_program() {
	local rc

	ctl detach --iface "$XST_IF_SRV" >/dev/null || why "detach failed" || return 1
	net_attach_foreign || return 1
	ctl attach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || why "attach over a foreign program: exit $rc" || return 1
	grep -q "another" "$TMP/err" || why "message: $(cat "$TMP/err")" || return 1
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1 && why "detach removed a foreign program" && return 1
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q "name foreign_pass" ||
		why "foreign program no longer attached" || return 1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off
}

test_detach() {
	ctl detach --iface "$XST_IF_SRV" >/dev/null || why "detach failed" || return 1
	! has_xdp || why "ip link still shows an XDP program" || return 1
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err" && why "second detach succeeded" && return 1
	grep -q "not attached" "$TMP/err" || why "message: $(cat "$TMP/err")" || return 1
	[ "$(status_field attached)" = False ] || why "status still says attached" || return 1
	ping4 || why "ping broken after detach"
}

# A loader SIGKILLed after each named step (XST_TEST_KILL_AFTER, a test-only
# hook of the loader library) must leave a state that both `detach` and a
# fresh `attach` recover.
test_kill_mid_attach() {
	local step rc

	ctl detach --iface "$XST_IF_SRV" >/dev/null
	for step in pin-dir attach bind macs local; do
		srv env XST_TEST_KILL_AFTER=$step "$CTL" attach --iface "$XST_IF_SRV" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 137 ] || why "$step: attach was not killed (exit $rc)" || return 1
		if [ $step != pin-dir ]; then
			has_xdp || why "$step: killed attach left no program (hook too late?)" || return 1
			[ "$(status_field complete)" = False ] || why "$step: reported complete" || return 1
		fi
		ctl detach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err"
		rc=$?
		if [ $step = pin-dir ]; then
			# nothing was attached; pins died with the killed process's mount namespace
			[ $rc -eq 1 ] || why "$step: detach exit $rc with nothing attached" || return 1
		else
			[ $rc -eq 0 ] || why "$step: detach failed: $(cat "$TMP/err")" || return 1
		fi
		! has_xdp || why "$step: program left after detach" || return 1

		srv env XST_TEST_KILL_AFTER=$step "$CTL" attach --iface "$XST_IF_SRV" >/dev/null 2>&1
		ctl attach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err" ||
			why "$step: fresh attach failed: $(cat "$TMP/err")" || return 1
		[ "$(status_field complete)" = True ] || why "$step: fresh attach not complete" || return 1
		ping4 || why "$step: ping fails after recovery" || return 1
		[ "$(ctl rule list --iface "$XST_IF_SRV" --json)" = "[]" ] ||
			why "$step: rules after recovery" || return 1
		ctl status --iface "$XST_IF_SRV" | grep -q "^own MACs: *1 ($XST_MAC_SRV)" ||
			why "$step: MAC missing after recovery" || return 1
		ctl detach --iface "$XST_IF_SRV" >/dev/null || why "$step: final detach failed" || return 1
	done
}

# Within one mount namespace the pins persist: pins without a program (the
# program removed behind our back) are stale, removed by detach and never
# reused by a fresh attach.
test_stale_pins() {
	local out

	ctl detach --iface "$XST_IF_SRV" >/dev/null
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(srv bash -c '
		ctl=$1 ifc=$2
		$ctl attach --iface "$ifc" >/dev/null || { echo "attach failed"; exit 1; }
		$ctl block add --iface "$ifc" 203.0.113.7 >/dev/null || { echo "block add failed"; exit 1; }
		[ -e "/sys/fs/bpf/xdpstorm/$ifc/block4_map" ] || { echo "no pins"; exit 1; }
		ip link set dev "$ifc" xdp off
		$ctl detach --iface "$ifc" >/dev/null || { echo "detach of stale pins failed"; exit 1; }
		[ ! -e "/sys/fs/bpf/xdpstorm/$ifc" ] || { echo "pins left after detach"; exit 1; }
		$ctl detach --iface "$ifc" >/dev/null 2>&1 && { echo "detach of nothing succeeded"; exit 1; }
		$ctl attach --iface "$ifc" >/dev/null || { echo "attach 2 failed"; exit 1; }
		$ctl block add --iface "$ifc" 203.0.113.7 >/dev/null
		ip link set dev "$ifc" xdp off
		$ctl attach --iface "$ifc" >/dev/null || { echo "attach over stale pins failed"; exit 1; }
		[ "$($ctl block list --iface "$ifc" --json)" = "[]" ] || { echo "stale blocklist reused"; exit 1; }
		$ctl status --iface "$ifc" | grep -q "^pinned maps: */sys/fs/bpf/xdpstorm/$ifc" ||
			{ echo "status does not show the pins"; exit 1; }
		$ctl detach --iface "$ifc" >/dev/null || { echo "final detach failed"; exit 1; }
		echo ok' _ "$CTL" "$XST_IF_SRV" 2>&1)
	[ "$out" = ok ] || why "$out"
}

# `attach` alone installs no service rules (the daemon adds what it serves):
# udp/53 and tcp/80 are the kernel's until a rule says otherwise.
test_no_default_rules() {
	local p0 p1 n0 n1 json

	json=$(ctl status --iface "$XST_IF_SRV" --json)
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["rules"] == [], d["rules"]
assert d["macs"] == [sys.argv[2]], d["macs"]
assert d["max_frame"] == 0 and d["flags"] == ["enabled", "local_only", "mac_only"], d
' "$json" "$XST_MAC_SRV" || why "status --json after attach: $json" || return 1
	p0=$(counter pass)
	n0=$(counter no_xsk)
	send_udp 4 53 5
	send_udp 6 53 5
	sleep 0.2
	p1=$(counter pass)
	n1=$(counter no_xsk)
	[ $((p1 - p0)) -ge 10 ] && [ $((n1 - n0)) -eq 0 ] ||
		why "udp/53 without a rule: pass +$((p1 - p0)), no_xsk +$((n1 - n0))" || return 1
	ctl rule add --iface "$XST_IF_SRV" --proto udp --port 53 --action steer >/dev/null ||
		why "rule add udp/53 failed" || return 1
	send_udp 4 53 5
	send_udp 6 53 5
	sleep 0.2
	n1=$(counter no_xsk)
	[ $((n1 - n0)) -eq 10 ] || why "udp/53 steer rule: no_xsk +$((n1 - n0)), want 10" || return 1
	ping4 || why "ping broken by the udp/53 rule"
}

# Under XST_F_MAC_ONLY a frame for another MAC (promiscuous mode, a
# macvlan's) reaches the kernel; one for our MAC but another address does too.
test_mac_only() {
	local fake=198.18.200.77 m0 m1 l0 l1 n0 n1 rc=0

	ctl rule add --iface "$XST_IF_SRV" --proto udp --port 53 --action steer >/dev/null ||
		why "rule add failed" || return 1
	cli ip route add $fake/32 dev "$XST_IF_CLI" || why "route to $fake" || return 1
	m0=$(counter pass_mac)
	l0=$(counter pass_not_local)
	n0=$(counter no_xsk)
	cli ip neigh replace $fake lladdr 02:00:00:00:00:99 dev "$XST_IF_CLI" nud permanent
	send_dgram $fake 53 20
	send_dgram $fake 53 20
	cli ip neigh replace $fake lladdr "$XST_MAC_SRV" dev "$XST_IF_CLI" nud permanent
	send_dgram $fake 53 20
	send_dgram "$XST_IP4_SRV" 53 20
	sleep 0.2
	m1=$(counter pass_mac)
	l1=$(counter pass_not_local)
	n1=$(counter no_xsk)
	cli ip neigh del $fake dev "$XST_IF_CLI"
	cli ip route del $fake/32 dev "$XST_IF_CLI"
	[ $((m1 - m0)) -eq 2 ] || why "pass_mac +$((m1 - m0)), want 2" || rc=1
	[ $rc -eq 0 ] && { [ $((l1 - l0)) -eq 1 ] || why "pass_not_local +$((l1 - l0)), want 1" || rc=1; }
	[ $rc -eq 0 ] && { [ $((n1 - n0)) -eq 1 ] || why "no_xsk +$((n1 - n0)), want 1" || rc=1; }
	return $rc
}

set_mtu() {
	cli ip link set dev "$XST_IF_CLI" mtu "$1" && srv ip link set dev "$XST_IF_SRV" mtu "$1"
}

# MTU 9000 on both ends: the program is multi-buffer aware, so native attach
# works (a single-buffer program is refused above a peer MTU of 3506); big
# frames reach the kernel, and a steered one that no socket could hold is
# passed (pass_big, counted with all its bytes).
test_mtu_9000() {
	local b0 b1 bb0 bb1 n0 n1 rc=0

	set_mtu 9000 || why "cannot set MTU 9000" || return 1
	fresh_attach native || rc=1
	[ $rc -eq 0 ] && { [ "$(status_field mode)" = native ] || why "not native at MTU 9000" || rc=1; }
	if [ $rc -eq 0 ]; then
		cli ping -c1 -W1 -s 8000 -M do "$XST_IP4_SRV" >/dev/null 2>&1 ||
			why "8000-byte ping fails at MTU 9000" || rc=1
	fi
	if [ $rc -eq 0 ]; then
		ctl rule add --iface "$XST_IF_SRV" --proto udp --port 53 --action steer >/dev/null
		b0=$(counter pass_big)
		bb0=$(counter_bytes pass_big)
		n0=$(counter no_xsk)
		send_dgram "$XST_IP4_SRV" 53 8000
		send_dgram "$XST_IP6_SRV" 53 8000
		send_dgram "$XST_IP4_SRV" 53 100
		sleep 0.2
		b1=$(counter pass_big)
		bb1=$(counter_bytes pass_big)
		n1=$(counter no_xsk)
		[ $((b1 - b0)) -eq 2 ] || why "pass_big +$((b1 - b0)), want 2" || rc=1
	fi
	if [ $rc -eq 0 ]; then
		# 14 + 20 + 8 + 8000 and 14 + 40 + 8 + 8000
		[ $((bb1 - bb0)) -eq $((8042 + 8062)) ] ||
			why "pass_big bytes +$((bb1 - bb0)), want $((8042 + 8062))" || rc=1
		[ $((n1 - n0)) -eq 1 ] || why "small datagram: no_xsk +$((n1 - n0))" || rc=1
	fi
	ctl detach --iface "$XST_IF_SRV" >/dev/null
	set_mtu 1500
	return $rc
}

# Attach failures say what limits them and what to do.
test_attach_hints() {
	local rc out

	# lo has no native XDP
	srv ip link set lo up
	srv "$CTL" attach --iface lo >/dev/null 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/err")
	[ $rc -eq 1 ] || why "native attach on lo: exit $rc" || return 1
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || why "lo: not one line: $out" || return 1
	grep -q "no native XDP support; use --mode skb" <<<"$out" || why "lo hint: $out" || return 1
	srv ip link show dev lo | grep -q xdp && why "program left on lo" && return 1
	# a veth with fewer rx queues than its peer's tx queues
	srv ip link add xsthq0 numrxqueues 1 numtxqueues 1 type veth peer name xsthq1 \
		numrxqueues 2 numtxqueues 2 || why "cannot create a veth pair" || return 1
	srv ip link set xsthq0 up
	srv "$CTL" attach --iface xsthq0 >/dev/null 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/err")
	srv ip link del xsthq0
	[ $rc -eq 1 ] || why "attach with too few rx queues: exit $rc" || return 1
	grep -q "'xsthq0' has 1 rx queue, fewer than the 2 tx queues of its veth peer 'xsthq1'.*numrxqueues 2.*--mode skb" \
		<<<"$out" || why "queue hint: $out"
}

# py_check JSON PYTHON...: run the assertions in PYTHON on json.loads(JSON) as d
py_check() {
	local json=$1

	shift
	python3 -c "import json, sys
d = json.loads(sys.argv[1])
$*" "$json"
}

prog_id() {
	status_field prog_id
}


# The daemon's ABI v2 stats, published here by qstats-fill (known values,
# see tools/qstats-fill.c), as text and JSON.
test_stats_v2() {
	local out json

	start_sleeper
	srv "$FILL" --prog "$(prog_id)" --pid $SLEEPER || why "qstats-fill failed" || return 1
	out=$(ctl stats --iface "$XST_IF_SRV") || why "stats exit $?" || return 1
	grep -q '^per-queue' <<<"$out" || why "no per-queue heading: $out" || return 1
	grep -q "^  queue 0: bound, pid $SLEEPER, updated 0\.[5-9] s ago" <<<"$out" ||
		why "queue 0 line: $out" || return 1
	grep -Eq '^    dns +964 +900 +10 +30 +24 +0$' <<<"$out" || why "dns row: $out" || return 1
	grep -Eq '^        queries 964  answers_nxdomain 100  truncated 5$' <<<"$out" ||
		why "dns counters: $out" || return 1
	grep -Eq '^    drops +total 69  malformed 1  unsupported 2  fragment 3' <<<"$out" ||
		why "drop reasons: $out" || return 1
	grep -Eq '^    xsk +rx_dropped 2  rx_invalid 3  tx_invalid 4  rx_ring_full 5  fill_empty 6  tx_empty 7$' \
		<<<"$out" || why "xsk line: $out" || return 1
	grep -Eq '^    dns +1928 +1800 +20 +60 +48 +0$' <<<"$out" || why "queue 1 dns row: $out" || return 1
	grep -q "^daemon-wide (services outside the queues): pid $SLEEPER" <<<"$out" ||
		why "daemon-wide line: $out" || return 1
	grep -Eq '^    dns_tcp +40 +38 +0 +0 +2 +0$' <<<"$out" || why "dns_tcp row: $out" || return 1
	grep -q 'counter[0-9]\|svc[0-9]' <<<"$out" && why "unnamed counters shown: $out" && return 1

	json=$(ctl stats --iface "$XST_IF_SRV" --json) || why "stats --json exit $?" || return 1
	py_check "$json" "
pid = $SLEEPER
assert d['iface'] == '$XST_IF_SRV'
assert set(d) == {'iface', 'counters', 'queues', 'daemon', 'guard'}, sorted(d)
assert 'pass_ext' in d['counters'] and 'pass_mac' in d['counters']
q = d['queues']
assert [e['queue'] for e in q] == [0, 1], q
worker = ['rx_packets', 'tx_packets', 'tx_errors', 'batches', 'idle_waits', 'timers',
          'tx_kicks', 'rx_dropped', 'drop_malformed', 'drop_unsupported', 'drop_fragment',
          'drop_not_unicast', 'drop_martian', 'drop_foreign_mac', 'drop_foreign_vlan',
          'drop_no_service', 'drop_foreign_dst', 'passed', 'frames_free', 'frames_held', 'xsk_rx_dropped',
          'xsk_rx_invalid', 'xsk_tx_invalid', 'xsk_rx_ring_full', 'xsk_fill_empty', 'xsk_tx_empty',
          'tx_kick_errors', 'io_misuse', 'tx_alloc_failed']
base = [1000, 900, 1, 50, 7, 3, 40, 69, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 2000, 48, 2, 3, 4, 5, 6, 7,
        10, 11, 12]
for k, e in enumerate(q):
    assert set(e) == set(worker) | {'queue', 'bound', 'pid', 'pid_alive', 'abi_version',
                                    'updated_s_ago', 'services'}, sorted(e)
    assert e['bound'] is True and e['pid'] == pid and e['pid_alive'] is True
    assert e['abi_version'] == 3 and 0.5 <= e['updated_s_ago'] < 5
    assert [e[f] for f in worker] == [v * (k + 1) for v in base], (k, [e[f] for f in worker])
    dns = e['services']['dns']
    assert list(e['services']) == ['dns']
    assert [dns[f] for f in ('rx', 'replied', 'consumed', 'passed', 'dropped', 'emitted')] == \
        [964 * (k + 1), 900 * (k + 1), 10 * (k + 1), 30 * (k + 1), 24 * (k + 1), 0], dns
    assert dns['counters'] == {'queries': 964 * (k + 1), 'answers_nxdomain': 100 * (k + 1),
                               'truncated': 5 * (k + 1)}, dns
dm = d['daemon']
assert dm['pid'] == pid and list(dm['services']) == ['dns_tcp'], dm
t = dm['services']['dns_tcp']
assert (t['rx'], t['replied'], t['consumed'], t['passed'], t['dropped'], t['emitted']) == \
    (40, 38, 0, 0, 2, 0), t
assert t['counters'] == {'connections': 20, 'timeouts': 2}, t
" || why "stats --json: $json" || return 1

	# no daemon-wide entry: null; no entries at all: no queues
	srv "$FILL" --prog "$(prog_id)" --clear && srv "$FILL" --prog "$(prog_id)" --pid $SLEEPER \
		--queues 1 --no-daemon || why "qstats-fill (1 queue) failed" || return 1
	py_check "$(ctl stats --iface "$XST_IF_SRV" --json)" "
assert d['daemon'] is None and len(d['queues']) == 1, d" || why "daemon not null" || return 1
	ctl stats --iface "$XST_IF_SRV" | grep -q '^daemon-wide' && why "daemon-wide shown unused" && return 1
	srv "$FILL" --prog "$(prog_id)" --clear || return 1
	py_check "$(ctl stats --iface "$XST_IF_SRV" --json)" "
assert d['daemon'] is None and d['queues'] == [], d" || why "cleared stats not empty" || return 1
	ctl stats --iface "$XST_IF_SRV" | grep -q 'no daemon sockets' || why "no 'no daemon sockets'"
}

test_stats_v2_watch() {
	start_sleeper
	srv "$FILL" --prog "$(prog_id)" --pid $SLEEPER || why "qstats-fill failed" || return 1
	timeout 10 ip netns exec "$XST_NS_SRV" "$CTL" stats --iface "$XST_IF_SRV" --watch 0.2 \
		--count 2 --json >"$TMP/watch.json" || why "stats --watch --json failed" || return 1
	python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for l in lines:
    d = json.loads(l)
    assert d["interval_s"] > 0.1
    q = d["queues"][0]
    assert q["rx_pps"] == 0.0 and q["rx_packets"] == 1000
    assert q["services"]["dns"]["rx_pps"] == 0.0
    assert d["daemon"]["services"]["dns_tcp"]["replied_pps"] == 0.0
' "$TMP/watch.json" || why "watch JSON: $(head -c 600 "$TMP/watch.json")" || return 1
	timeout 10 ip netns exec "$XST_NS_SRV" "$CTL" stats --iface "$XST_IF_SRV" --watch 0.2 \
		--count 1 >"$TMP/watch.txt" || why "stats --watch (text) failed" || return 1
	grep -q '^  queue 0  rx 0.0/s .* dns rx 0.0/s replied 0.0/s dropped 0.0/s' "$TMP/watch.txt" &&
		grep -q '^  daemon-wide  dns_tcp rx 0.0/s' "$TMP/watch.txt" ||
		why "watch text: $(cat "$TMP/watch.txt")"
}

# After the daemon died (SIGKILL: nothing unpublished), status and stats
# say that the owner is gone.
test_owner_gone() {
	local out dead

	start_sleeper
	dead=$SLEEPER
	srv "$FILL" --prog "$(prog_id)" --pid $dead || why "qstats-fill failed" || return 1
	ctl status --iface "$XST_IF_SRV" | grep -q "^  queue 0   socket of pid $dead, updated" ||
		why "live owner: $(ctl status --iface "$XST_IF_SRV")" || return 1
	kill -9 $dead
	wait $dead 2>/dev/null
	SLEEPER=
	out=$(ctl status --iface "$XST_IF_SRV")
	grep -q "^  queue 0   socket of pid $dead, which is gone (the kernel passes its traffic through)" \
		<<<"$out" || why "dead owner: $out" || return 1
	grep -q "^daemon-wide:  pid $dead, which is gone" <<<"$out" || why "daemon-wide: $out" || return 1
	py_check "$(ctl status --iface "$XST_IF_SRV" --json)" "
assert d['queues'][0]['pid'] == $dead and d['queues'][0]['pid_alive'] is False, d['queues']
assert d['daemon']['pid_alive'] is False, d['daemon']" || why "status --json pid_alive" || return 1
	ctl stats --iface "$XST_IF_SRV" | grep -q "^  queue 0: bound, pid $dead, which is gone" ||
		why "stats: $(ctl stats --iface "$XST_IF_SRV")" || return 1
	py_check "$(ctl stats --iface "$XST_IF_SRV" --json)" "
assert d['queues'][0]['pid_alive'] is False" || why "stats --json pid_alive"
}

# A daemon or program of another build: refuse, saying which, exit 1.
test_stats_abi_mismatch() {
	local rc out v

	start_sleeper
	for v in 1 2; do
		srv "$FILL" --prog "$(prog_id)" --pid $SLEEPER --abi $v || why "qstats-fill --abi $v" || return 1
		for j in "" --json "--watch 0.1 --count 1"; do
			# shellcheck disable=SC2086 # word splitting wanted: option list
			ctl stats --iface "$XST_IF_SRV" $j >"$TMP/out" 2>"$TMP/err"
			rc=$?
			out=$(cat "$TMP/err")
			[ $rc -eq 1 ] || why "stats $j with a v$v daemon: exit $rc" || return 1
			[ ! -s "$TMP/out" ] || why "stats $j with a v$v daemon printed: $(cat "$TMP/out")" || return 1
			[ "$(wc -l <"$TMP/err")" -eq 1 ] || why "v$v: not one line: $out" || return 1
			grep -q "xdpstorm daemon pid $SLEEPER publishes stats ABI v$v; this xdpstormctl reads v3: use the xdpstormctl built with that daemon" \
				<<<"$out" || why "v$v message: $out" || return 1
		done
	done
	ctl status --iface "$XST_IF_SRV" | grep -q "^  queue 0   published by pid $SLEEPER with stats ABI v2" ||
		why "status of a v2 entry: $(ctl status --iface "$XST_IF_SRV")" || return 1

	# the program itself of another build (its config says ABI v1)
	srv "$FILL" --prog "$(prog_id)" --config-abi 1 || why "qstats-fill --config-abi" || return 1
	ctl stats --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/err")
	[ $rc -eq 1 ] || why "stats on a v1 program: exit $rc" || return 1
	grep -q "program on the interface has config ABI v1; this xdpstormctl reads v3" <<<"$out" ||
		why "v1 program message: $out" || return 1
	ctl status --iface "$XST_IF_SRV" | grep -q '^attached: *yes, by another build (config ABI v1' ||
		why "status of a v1 program: $(ctl status --iface "$XST_IF_SRV")" || return 1
	ctl rule add --iface "$XST_IF_SRV" --proto udp --port 53 --action steer >/dev/null 2>"$TMP/err" &&
		why "rule add into a v1 program succeeded" && return 1
	ctl attach --iface "$XST_IF_SRV" >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || why "attach over a v1 program: exit $rc" || return 1
	grep -q "comes from a build with another ABI version" "$TMP/err" ||
		why "attach message: $(cat "$TMP/err")" || return 1
	ctl detach --iface "$XST_IF_SRV" >/dev/null || why "detach of a v1 program failed"
}

# ---- runner --------------------------------------------------------------------

net_run_tests fresh_attach
