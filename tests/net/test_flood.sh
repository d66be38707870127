#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The DNS flood defence on a throw-away testbed (tools/testbed.sh, id ff9PID,
# two queues): NSD serves tests/net/flood/flood.test.zone on the kernel stack
# of the server namespace; build/xdpstorm-flood sends spoofed-source floods
# (sources in 10.99.0.0/16 and fd00:99::/48, routed back towards the client
# so that the server's reverse-path filter accepts them) from the client
# namespace at its maximum rate while tools/flood/legit-client.py queries
# existing names at 200/s with varying case, RD and EDNS.
#
#   generator tests   safety refusals; frames well-formed (tcpdump -vv checks
#                     every IPv4 header and UDP checksum); NSD alone suffers
#                     (proves the counters and the client can fail)
#   filter mode       xdpstorm --dns-filter --zone in front of NSD, per flood
#                     kind: >= 99% of the client's queries answered correctly,
#                     <= 1% of the flood reached the input hook (an nftables
#                     counter on the spoofed prefixes: it sees XDP_PASSed and
#                     TUN re-injected packets alike), ping and a TCP service
#                     keep working; SIGTERM leaves no program, no TUN, the
#                     same rp_filter settings and NSD answering UDP and TCP
#   serve mode        xdpstorm --zone serving itself: the same floods, >= 99%
#   learnt blocks     a fixed-name flood from 3 sources: learnt entries with
#                     reason rate and a remaining time, gone after --block-time
#   visibility        a random-subdomain flood: ctl stats --json names the zone,
#                     the log says "attack started" and later "attack ended"
#
# FLOOD_SECONDS (default 8) is each flood's length; about 2.5 minutes in all.
# Output "ok NAME" / "FAIL NAME: why", then "flood: N passed, M failed".
# Exit 0 only if all passed, 77 = skip (reason printed). TESTS="a b" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
DAEMON=${XST_DAEMON:-$ROOT/build/xdpstorm}
FLOOD=${XST_FLOOD:-$ROOT/build/xdpstorm-flood}
LEGIT=$ROOT/tools/flood/legit-client.py
ZONE=$ROOT/tests/net/flood/flood.test.zone
PY=/usr/bin/python3	# Debian's, with python3-dnspython
FLOOD_SECONDS=${FLOOD_SECONDS:-8}
KINDS="random-subdomain fixed garbage responses mix"
SRC4=10.99.0.0/16
SRC6=fd00:99::/48
HTTP_PORT=8080

ALL_TESTS="
	test_gen_refuses
	test_gen_wellformed
	test_nsd_alone_suffers
	test_filter_random_subdomain
	test_filter_fixed
	test_filter_garbage
	test_filter_responses
	test_filter_mix
	test_filter_v6
	test_filter_detach
	test_learnt_blocks
	test_visibility
	test_serve_random_subdomain
	test_serve_fixed
	test_serve_garbage
	test_serve_responses
	test_serve_mix
"

SUITE=flood
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip nft ping timeout curl tcpdump dig nsd "$PY"
if ! "$PY" -c 'import dns.message' 2>/dev/null; then
	echo "flood: skipped: python3-dnspython not installed (make deps)"
	exit 77
fi
net_require_file "$FLOOD"

DPID=""
NSD_PID=""
suite_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	[ -n "$NSD_PID" ] && kill -TERM "$NSD_PID" 2>/dev/null
	[ -x "$CTL" ] && ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	rm -f "/run/xdpstorm/${XST_IF_SRV:-none}.owner"
}

net_testbed ff9 2

# ---- the server namespace: routes back to the spoofed prefixes, counters, ---
# ---- NSD and a TCP service ----------------------------------------------------

srv ip route add "$SRC4" via "$XST_IP4_CLI" dev "$XST_IF_SRV" ||
	net_summary_fail "cannot route $SRC4"
srv ip -6 route add "$SRC6" via "$XST_IP6_CLI" dev "$XST_IF_SRV" ||
	net_summary_fail "cannot route $SRC6"
# priority -300: before anything else in the input hook
srv nft -f - <<EOF || net_summary_fail "nft table"
table inet ff9flood {
	counter flood4 { }
	counter flood6 { }
	counter legit { }
	chain input {
		type filter hook input priority -300;
		ip saddr $SRC4 udp dport 53 counter name flood4
		ip6 saddr $SRC6 udp dport 53 counter name flood6
		ip saddr $XST_IP4_CLI udp dport 53 counter name legit
	}
}
EOF

cat >"$TMP/nsd.conf" <<EOF
server:
	ip-address: $XST_IP4_SRV
	ip-address: $XST_IP6_SRV
	port: 53
	username: ""
	chroot: ""
	zonesdir: "$TMP"
	database: ""
	pidfile: "$TMP/nsd.pid"
	xfrdfile: "$TMP/xfrd.state"
	zonelistfile: "$TMP/zone.list"
	logfile: "$TMP/nsd.log"
	server-count: 1
	rrl-ratelimit: 0
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: flood.test.
	zonefile: "$ZONE"
EOF

# q_udp NAME / q_tcp NAME: the sorted A records, on one line
q_udp() { cli dig +time=1 +tries=2 @"$XST_IP4_SRV" "$1" A +short 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }
q_tcp() { cli dig +tcp +time=2 +tries=1 @"$XST_IP4_SRV" "$1" A +short 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }

nsd_up() {
	[ -n "$NSD_PID" ] && return 0
	ip netns exec "$XST_NS_SRV" nsd -d -c "$TMP/nsd.conf" >>"$TMP/nsd.out" 2>&1 &
	NSD_PID=$!
	for _ in $(seq 50); do
		[ "$(q_udp www.flood.test)" = "192.0.2.80 192.0.2.81" ] && return 0
		sleep 0.1
	done
	why "NSD does not answer: $(tail -n2 "$TMP/nsd.out" | tr '\n' ' ')"
}

nsd_down() {
	[ -n "$NSD_PID" ] || return 0
	kill -TERM "$NSD_PID"
	wait "$NSD_PID" 2>/dev/null
	NSD_PID=""
}

echo tcp-ok >"$TMP/probe.txt"
srv "$PY" -m http.server --bind "$XST_IP4_SRV" "$HTTP_PORT" --directory "$TMP" >/dev/null 2>&1 &
SERVICE_PIDS="$SERVICE_PIDS $!"

has_xdp() { ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp'; }
tun_links() { ip -n "$XST_NS_SRV" -o link show | awk -F': ' '{print $2}' | grep '^xstp' || true; }
sysctls() { srv sysctl -n net.ipv4.conf.all.rp_filter "net.ipv4.conf.$XST_IF_SRV.rp_filter" net.ipv4.ip_forward | tr '\n' ' '; }

# daemon_can OPTION: the built daemon knows this option (the flood defence
# lands from other branches: say what is missing rather than fail obscurely)
daemon_can() {
	[ -x "$DAEMON" ] || { why "$DAEMON missing (make all)"; return 1; }
	"$DAEMON" --help 2>&1 | grep -q -- "$1" || { why "the daemon has no $1 option yet"; return 1; }
	[ -x "$CTL" ] || { why "$CTL missing (make all)"; return 1; }
}

reset() {
	[ -n "$DPID" ] && { kill -KILL "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=""; }
	if has_xdp; then
		[ -x "$CTL" ] && ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
		ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
	fi
	rm -f "/run/xdpstorm/$XST_IF_SRV.owner"
	srv nft reset counters table inet ff9flood >/dev/null
	rm -f "$TMP"/flood.out "$TMP"/legit.json "$TMP"/ping.out "$TMP"/http.fail
	return 0
}

counter() { srv nft list counter inet ff9flood "$1" | awk '/packets/ {print $2}'; }

# ---- one flood with the legitimate client, ping and HTTP alongside ------------

# flood_run KIND FAMILY(4|6) [generator options...]: the generator at its
# maximum rate for FLOOD_SECONDS; meanwhile the client (200/s, starting 1 s
# in and ending 1 s before the flood), ping and a TCP service.
flood_run() {
	local kind=$1 fam=$2 dst=$XST_IP4_SRV legit_secs=$((FLOOD_SECONDS - 2)) fpid lpid ppid i

	shift 2
	[ "$fam" = 6 ] && dst=$XST_IP6_SRV
	ip netns exec "$XST_NS_CLI" "$FLOOD" -q -i "$XST_IF_CLI" -d "$dst" -k "$kind" -z flood.test \
		-t "$FLOOD_SECONDS" "$@" >"$TMP/flood.out" 2>&1 &
	fpid=$!
	sleep 1
	ip netns exec "$XST_NS_CLI" "$PY" "$LEGIT" --server "$dst" --zone "$ZONE" --rate 200 \
		--duration "$legit_secs" >"$TMP/legit.json" 2>"$TMP/legit.err" &
	lpid=$!
	ip netns exec "$XST_NS_CLI" ping -c 10 -i 0.4 -W 1 "$dst" >"$TMP/ping.out" 2>&1 &
	ppid=$!
	for i in 1 2 3 4 5; do
		cli curl -s -m 2 "http://$XST_IP4_SRV:$HTTP_PORT/probe.txt" 2>/dev/null | grep -q tcp-ok ||
			echo "$i" >>"$TMP/http.fail"
		sleep 0.8
	done
	wait "$ppid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	grep -q '^xdpstorm-flood: kind=' "$TMP/flood.out" || { why "generator: $(tail -n1 "$TMP/flood.out")"; return 1; }
	[ -s "$TMP/legit.json" ] || { why "legit client: $(tail -n1 "$TMP/legit.err")"; return 1; }
}

flood_sent() { sed -n 's/.* sent=\([0-9]*\) .*/\1/p' "$TMP/flood.out"; }
legit() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/legit.json" "$1"; }

# check_flood MIN_SUCCESS MAX_REACHED_PERCENT(or -) FAMILY: the assertions
# after flood_run.
check_flood() {
	local min=$1 maxpct=$2 fam=$3 sent reached="" success recv

	sent=$(flood_sent)
	[ "${sent:-0}" -gt 100000 ] || { why "the generator sent only ${sent:-0} packets: $(cat "$TMP/flood.out")"; return 1; }
	success=$(legit success)
	"$PY" -c "import sys; sys.exit(not float('$success') >= $min)" ||
		{ why "legitimate success $success% < $min% ($(cat "$TMP/legit.json"); flood: $(cat "$TMP/flood.out"))"; return 1; }
	if [ "$maxpct" != - ]; then
		reached=$(counter "flood$fam")
		"$PY" -c "import sys; sys.exit(not $reached * 100 <= $maxpct * $sent)" ||
			{ why "$reached of $sent flood packets ($("$PY" -c "print(round($reached*100/$sent,2))")%) reached the kernel's input hook (at most $maxpct%)"; return 1; }
	fi
	recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping.out")
	[ "${recv:-0}" -ge 9 ] || { why "ping during the flood: ${recv:-0} of 10 answered"; return 1; }
	[ ! -s "$TMP/http.fail" ] || { why "the TCP service failed during the flood (tries $(tr '\n' ' ' <"$TMP/http.fail"))"; return 1; }
	echo "    $(sed 's/^xdpstorm-flood: //' "$TMP/flood.out"); reached=${reached:-n/a}; legit $(cat "$TMP/legit.json")" >>"$TMP/results"
}

# ---- generator tests (no daemon) ----------------------------------------------

test_gen_refuses() {
	local out

	out=$("$FLOOD" -i lo -d 198.18.0.1 -c 1 2>&1) && { why "ran in the initial namespace"; return 1; }
	echo "$out" | grep -q 'initial network namespace' || { why "init netns: '$out'"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d 192.0.2.1 -c 1 2>&1) && { why "sent off-link"; return 1; }
	echo "$out" | grep -q 'refusing destination' || { why "off-link: '$out'"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d "$XST_IP4_CLI" -c 1 2>&1) && { why "sent to a local address"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d 127.0.0.1 -c 1 2>&1) && { why "sent to loopback"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d ff02::1 -c 1 2>&1) && { why "sent to multicast"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d "$XST_IP4_SRV" 2>&1) && { why "ran unbounded"; return 1; }
	echo "$out" | grep -q 'unbounded' || { why "unbounded: '$out'"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d "$XST_IP4_SRV" -t 601 2>&1) && { why "accepted 601 s"; return 1; }
	out=$(cli "$FLOOD" -i "$XST_IF_CLI" -d "$XST_IP4_SRV" -k fixed -z flood.test -c 5 2>&1) ||
		{ why "a good run failed: '$out'"; return 1; }
	echo "$out" | grep -q 'sent=5 ' || { why "count 5: '$out'"; return 1; }
}

# Every frame of every kind, IPv4 and IPv6, as tcpdump -vv sees it at the
# server: "udp sum ok" on each, no "bad" anywhere; the DNS content per kind.
test_gen_wellformed() {
	local kind fam dst n bad ok

	for fam in 4 6; do
		dst=$XST_IP4_SRV
		[ $fam = 6 ] && dst=$XST_IP6_SRV
		for kind in $KINDS; do
			srv timeout 5 tcpdump -c 200 -nn -vv -i "$XST_IF_SRV" "udp dst port 53" >"$TMP/td.$kind.$fam" 2>/dev/null &
			n=$!
			sleep 0.5
			cli "$FLOOD" -q -i "$XST_IF_CLI" -d "$dst" -k "$kind" -z flood.test -c 200 -r 2000 >/dev/null ||
				{ why "generator $kind v$fam failed"; return 1; }
			wait $n
			bad=$(grep -c -i 'bad cksum\|bad udp' "$TMP/td.$kind.$fam")
			ok=$(grep -c 'udp sum ok' "$TMP/td.$kind.$fam")
			[ "$bad" -eq 0 ] && [ "$ok" -eq 200 ] ||
				{ why "$kind v$fam: $ok of 200 with a good UDP checksum, $bad bad: $(grep -m1 -i 'bad cksum\|bad udp' "$TMP/td.$kind.$fam")"; return 1; }
			case $kind in
			random-subdomain) grep -Eq 'A\? [a-z0-9]{8,16}\.flood\.test\.' "$TMP/td.$kind.$fam" ;;
			fixed) [ "$(grep -c 'A? www.flood.test.' "$TMP/td.$kind.$fam")" -eq 200 ] ;;
			responses) grep -q '\.53 > .* q: A? www.flood.test. 1/0/0' "$TMP/td.$kind.$fam" ;;
			*) true ;;
			esac || { why "$kind v$fam: not the expected DNS content: $(grep -m1 'sum ok' "$TMP/td.$kind.$fam")"; return 1; }
		done
	done
}

# Without a defence NSD loses answers and the counter sees the whole flood:
# the harness can tell a defence from none.
test_nsd_alone_suffers() {
	local sent reached

	nsd_up || return 1
	flood_run fixed 4 -S 3 || return 1
	sent=$(flood_sent)
	reached=$(counter flood4)
	[ "$reached" -ge $((sent * 9 / 10)) ] || { why "the counter saw $reached of $sent flood packets with no defence"; return 1; }
	"$PY" -c "import sys; sys.exit(not float('$(legit success)') < 99)" ||
		{ why "NSD alone kept $(legit success)% under $sent packets: the flood is too weak to test a defence"; return 1; }
	echo "    no defence: $(sed 's/^xdpstorm-flood: //' "$TMP/flood.out"); legit $(cat "$TMP/legit.json")" >>"$TMP/results"
}

# ---- filter mode --------------------------------------------------------------

filter_start() {
	daemon_can --dns-filter || return 1
	nsd_up || return 1
	# The sock_ops verifier needs a cgroup2 mount where the daemon runs.
	NET_CGROUP2=$TMP/cgroup2 net_daemon_start 15 --dns-filter --zone "$ZONE" \
		--verify-cgroup "$TMP/cgroup2" "$@"
}

filter_kind() {	# KIND FAMILY [generator options]
	local kind=$1 fam=$2

	shift 2
	filter_start || return 1
	flood_run "$kind" "$fam" "$@" || return 1
	ctl stats --iface "$XST_IF_SRV" >"$TMP/stats.txt" 2>&1
	if ! check_flood 99 1 "$fam"; then
		# What let it through: the XDP stage and the filter service's counters.
		grep -E '^ *(steer|pass_unsampled|pass_verified|rate_host|rate_net|dns_malformed|passed_|challenged_|local_attack|dropped_)' \
			"$TMP/stats.txt" | tr -s ' ' | tr '\n' ';' | sed 's/^/    counters: /;s/$/\n/' >>"$TMP/results"
		grep -E 'attack|INSPECT|inspect' "$TMP/daemon.log" | head -n 4 | sed 's/^/    log: /' >>"$TMP/results"
		return 1
	fi
	net_daemon_stop
}

test_filter_random_subdomain() { filter_kind random-subdomain 4; }
test_filter_fixed() { filter_kind fixed 4 -S 3; }
test_filter_garbage() { filter_kind garbage 4; }
test_filter_responses() { filter_kind responses 4; }
test_filter_mix() { filter_kind mix 4; }
test_filter_v6() { filter_kind mix 6; }

# After a flood, SIGTERM: exit 0, no XDP program, no TUN, the sysctls as
# before, NSD answering UDP and TCP as before.
test_filter_detach() {
	local before after udp0 tcp0

	nsd_up || return 1
	before=$(sysctls)
	udp0=$(q_udp www.flood.test)
	tcp0=$(q_tcp www.flood.test)
	[ "$udp0" = "192.0.2.80 192.0.2.81" ] && [ "$tcp0" = "$udp0" ] ||
		{ why "NSD before the daemon: udp '$udp0' tcp '$tcp0'"; return 1; }
	filter_start || return 1
	[ -n "$(tun_links)" ] || { why "no TUN (xstp*) while the filter runs: $(ip -n "$XST_NS_SRV" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"; return 1; }
	ip netns exec "$XST_NS_CLI" "$FLOOD" -q -i "$XST_IF_CLI" -d "$XST_IP4_SRV" -k mix -z flood.test -t 3 >/dev/null 2>&1
	net_daemon_stop || return 1
	! has_xdp || { why "an XDP program is left: $(ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep prog)"; return 1; }
	[ -z "$(tun_links)" ] || { why "TUN left: $(tun_links | tr '\n' ' ')"; return 1; }
	after=$(sysctls)
	[ "$after" = "$before" ] || { why "sysctls (all.rp_filter, $XST_IF_SRV.rp_filter, ip_forward) were '$before', now '$after'"; return 1; }
	[ "$(q_udp www.flood.test)" = "$udp0" ] || { why "NSD over UDP after: '$(q_udp www.flood.test)'"; return 1; }
	[ "$(q_tcp www.flood.test)" = "$tcp0" ] || { why "NSD over TCP after: '$(q_tcp www.flood.test)'"; return 1; }
}

# A fixed-name flood from 3 sources: learnt blocks with reason rate and a
# remaining time (block list --json: reason, expires_in_s, expired), gone
# after --block-time.
BLOCK_TIME=6
blocks() {	# prints "N MAXREMAINING" of learnt entries with reason rate
	ctl block list --iface "$XST_IF_SRV" --json 2>"$TMP/block.err" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
n, rem = 0, 0.0
for r in d:
    left = r["expires_in_s"]
    if r["reason"] != "rate" or left is None or r["expired"]:
        continue
    n += 1
    rem = max(rem, float(left))
print(n, rem)'
}

test_learnt_blocks() {
	local b n rem

	daemon_can --block-time || return 1
	filter_start --block-time "${BLOCK_TIME}s" || return 1
	ip netns exec "$XST_NS_CLI" "$FLOOD" -q -i "$XST_IF_CLI" -d "$XST_IP4_SRV" -k fixed -S 3 \
		-z flood.test -t 4 >"$TMP/flood.out" 2>&1
	b=$(blocks) || { why "block list --json: $(cat "$TMP/block.err")"; return 1; }
	read -r n rem <<<"$b"
	[ "${n:-0}" -ge 1 ] || { why "no learnt entry with reason rate after the flood: $(ctl block list --iface "$XST_IF_SRV" | head -n5 | tr '\n' ' ')"; return 1; }
	"$PY" -c "import sys; sys.exit(not 0 < $rem <= $BLOCK_TIME)" ||
		{ why "remaining time $rem not within (0, $BLOCK_TIME]"; return 1; }
	sleep $((BLOCK_TIME + 3))
	b=$(blocks) || { why "block list --json: $(cat "$TMP/block.err")"; return 1; }
	read -r n rem <<<"$b"
	[ "${n:-0}" -eq 0 ] || { why "$n learnt entries left $((BLOCK_TIME + 3)) s after the flood (block time $BLOCK_TIME s)"; return 1; }
	net_daemon_stop
}

# A random-subdomain flood: the zone under attack in ctl stats --json
# ("guard": {"zones": [{"name", "active"...}]}), and
# "attack started" then "attack ended" in the log.
test_visibility() {
	local fpid

	# an attack ends after --attack-hold under both thresholds (default 30 s)
	filter_start --attack-hold 3s || return 1
	ip netns exec "$XST_NS_CLI" "$FLOOD" -q -i "$XST_IF_CLI" -d "$XST_IP4_SRV" -k random-subdomain \
		-z flood.test -t 6 >"$TMP/flood.out" 2>&1 &
	fpid=$!
	sleep 4
	ctl stats --iface "$XST_IF_SRV" --json >"$TMP/stats.json" 2>&1
	wait $fpid
	"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/stats.json" ||
		{ why "stats --json is not JSON: $(head -c 200 "$TMP/stats.json")"; return 1; }
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = d["guard"] or {}
sys.exit(not any(z["name"].rstrip(".").lower() == "flood.test" and z["active"]
                 for z in g.get("zones", [])))' "$TMP/stats.json" ||
		{ why "flood.test is not among the zones under attack in stats --json: $(grep -o '"guard".\{0,200\}' "$TMP/stats.json")"; return 1; }
	grep -q 'attack started' "$TMP/daemon.log" || { why "no 'attack started' in the log: $(tail -n3 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
	for _ in $(seq 30); do
		grep -q 'attack ended' "$TMP/daemon.log" && break
		sleep 0.5
	done
	grep -q 'attack ended' "$TMP/daemon.log" || { why "no 'attack ended' 15 s after the flood (--attack-hold 3s): $(tail -n3 "$TMP/daemon.log" | tr '\n' ' ')"; return 1; }
	net_daemon_stop
}

# ---- serve mode ---------------------------------------------------------------

serve_kind() {	# KIND [generator options]
	local kind=$1

	shift
	[ -x "$DAEMON" ] || { why "$DAEMON missing"; return 1; }
	nsd_down
	net_daemon_start 15 --zone "$ZONE" || return 1
	[ "$(q_udp www.flood.test)" = "192.0.2.80 192.0.2.81" ] || { why "the daemon does not answer www.flood.test"; return 1; }
	flood_run "$kind" 4 "$@" || return 1
	check_flood 99 - 4 || return 1
	net_daemon_stop
}

test_serve_random_subdomain() { serve_kind random-subdomain; }
test_serve_fixed() { serve_kind fixed -S 3; }
test_serve_garbage() { serve_kind garbage; }
test_serve_responses() { serve_kind responses; }
test_serve_mix() { serve_kind mix; }

: >"$TMP/results"
net_run_tests reset
rc=$?
[ -s "$TMP/results" ] && { echo "flood: measurements"; cat "$TMP/results"; }
exit $rc
