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
"

SUITE=steer
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip socat ping timeout python3
net_require_file "$CTL"

suite_cleanup() {
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
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

status_field() {
	ctl status --iface "$XST_IF_SRV" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"
}

has_xdp() {
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp\| xdp'
}

# Every test starts from a fresh, complete native attachment.
fresh_attach() {
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
	grep -q 'udp/53 .*steer' <<<"$out" || why "default rule udp/53 missing" || return 1
	grep -q 'tcp/80 .*steer' <<<"$out" || why "default rule tcp/80 missing" || return 1
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
	[ "$hits" = 10 ] || why "block list hits for $net: '$hits', want 10" || return 1
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
	for step in pin-dir attach bind rules local; do
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
		ctl rule list --iface "$XST_IF_SRV" | grep -q "^udp *53 *steer" ||
			why "$step: default rules missing after recovery" || return 1
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

# ---- runner --------------------------------------------------------------------

net_run_tests fresh_attach
