#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The flood benchmark (`make bench-flood`, after `make all`): on one throw-away
# netns testbed, each defence in BENCH_FLOOD_SERVERS in front of (or instead
# of) a DNS server, under build/xdpstorm-flood at each rate of
# BENCH_FLOOD_RATES for each kind of BENCH_FLOOD_KINDS, while
# tools/flood/legit-client.py queries existing names at 200/s. Per run: the
# legitimate success (% of its queries answered correctly, TCP after TC=1
# included), the flood rate actually sent, and the DNS server's CPU (NSD, or
# knotd for knot-xdp: utime+stime of its process tree from /proc/PID/stat over
# the run, in % of one core) and, apart, the CPU of the defence in front of it
# (dnsdist, xdpstorm; its AF_XDP busy work included, softirq work not).
#
#   nsd        NSD alone, no defence (rrl-ratelimit: 0)
#   nsd-rrl    NSD with its RRL (rrl-ratelimit: 200)
#   dnsdist    dnsdist (Debian's) with a dynBlockRulesGroup (query rate per
#              source and NXDOMAIN rate) in front of NSD on port 5300
#   knot-xdp   knotd in XDP mode with mod-rrl (rate-limit 200), kernel TCP
#   xdpstorm   xdpstorm --dns-filter --zone in front of NSD (defaults)
#
# The server and its defence run on core BENCH_SRV_CPU, the generator on
# BENCH_GEN_CPU; on veth the receiver's XDP and softirq work runs on the
# sender's core (docs/TESTBED facts), so compare defences with each other.
#
# Output: $O/bench/flood-results.csv and .json, flood-table.md and
# flood.png (legitimate success against flood rate, one panel per kind);
# with BENCH_DOCS (default docs) the section "DNS flood defence" of
# docs/BENCHMARKS.md is replaced and the plot copied to docs/bench-flood.png.
#
# Variables [defaults]:
#   BENCH_FLOOD_SECONDS  each run's flood [6] (a run takes about 3 s more)
#   BENCH_FLOOD_RATES    packets per second, "max" = as fast as it can
#                        [50000 100000 200000 400000 max]
#   BENCH_FLOOD_KINDS    [random-subdomain fixed]
#   BENCH_FLOOD_SERVERS  [nsd nsd-rrl dnsdist knot-xdp xdpstorm]
#   BENCH_SRV_CPU / BENCH_GEN_CPU [1 / 0]
# Total time: about servers x kinds x rates x (BENCH_FLOOD_SECONDS + 3) s plus
# 5 s per server start: 5 x 2 x 5 x 9 s = 7.5 minutes by default. A short run:
#   BENCH_FLOOD_SECONDS=4 BENCH_FLOOD_RATES="100000 max" make bench-flood
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac

BENCH_FLOOD_SECONDS=${BENCH_FLOOD_SECONDS:-6}
BENCH_FLOOD_RATES=${BENCH_FLOOD_RATES:-50000 100000 200000 400000 max}
BENCH_FLOOD_KINDS=${BENCH_FLOOD_KINDS:-random-subdomain fixed}
BENCH_FLOOD_SERVERS=${BENCH_FLOOD_SERVERS:-nsd nsd-rrl dnsdist knot-xdp xdpstorm}
BENCH_SRV_CPU=${BENCH_SRV_CPU:-1}
BENCH_GEN_CPU=${BENCH_GEN_CPU:-0}
BENCH_DOCS=${BENCH_DOCS-docs}

PY=/usr/bin/python3
OUT=$O/bench
LOG=$OUT/flood.log
CSV=$OUT/flood-results.csv
DAEMON=$O/xdpstorm
FLOOD=$O/xdpstorm-flood
LEGIT=$ROOT/tools/flood/legit-client.py
ZONE=$ROOT/tests/net/flood/flood.test.zone

BENCH_NAME=flood
BENCH_XDP_WARN='xdpstorm'	# knotd leaves its program: expected
# shellcheck source=tools/bench/lib.sh
. "$ROOT/tools/bench/lib.sh"

[ "$BENCH_FLOOD_SECONDS" -ge 3 ] 2>/dev/null || { echo "bench-flood: BENCH_FLOOD_SECONDS >= 3" >&2; exit 2; }
for r in $BENCH_FLOOD_RATES; do
	case $r in max) ;; ''|*[!0-9]*) echo "bench-flood: rate '$r': a number or max" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "bench-flood: needs root (network namespaces, XDP)" >&2; exit 1; }
for tool in ip taskset timeout dig nsd; do
	command -v "$tool" >/dev/null || { echo "bench-flood: '$tool' not installed (make deps)" >&2; exit 1; }
done
[ -x "$FLOOD" ] || { echo "bench-flood: $FLOOD missing (make all)" >&2; exit 1; }

mkdir -p "$OUT"
: >"$LOG"
TMP=$(mktemp -d /tmp/xst-bench-flood.XXXXXX)
export XST_TB_ID="ff9b$$"
XST_TB_ID=${XST_TB_ID:0:10}
TB_UP=0
PIDS=""
SRV_PID=""
NSD_PID=""	# the DNS server whose CPU is measured
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

eval "$("$ROOT/tools/testbed.sh" up --id "$XST_TB_ID" --queues 1 2>>"$LOG")"
TB_UP=1
srv ip route add 10.99.0.0/16 via "$XST_IP4_CLI" dev "$XST_IF_SRV"
log "testbed $XST_TB_ID up; servers: $BENCH_FLOOD_SERVERS; kinds: $BENCH_FLOOD_KINDS; rates: $BENCH_FLOOD_RATES"

# ---- servers: srv_X_avail (0 or prints why not) / srv_X_start DIR -----------

nsd_start() {	# DIR PORT RRL
	cat >"$1/nsd.conf" <<EOF
server:
	ip-address: $XST_IP4_SRV@$2
	username: ""
	chroot: ""
	zonesdir: "$1"
	database: ""
	pidfile: "$1/nsd.pid"
	xfrdfile: "$1/xfrd.state"
	zonelistfile: "$1/zone.list"
	logfile: "$1/nsd.log"
	server-count: 1
	rrl-ratelimit: $3
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: flood.test.
	zonefile: "$ZONE"
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" nsd -d -c "$1/nsd.conf" >"$1/nsd.out" 2>&1 &
	NSD_PID=$!
	track "$NSD_PID"
}

srv_nsd_avail() { return 0; }
srv_nsd_start() { nsd_start "$1" 53 0; }
srv_nsd_rrl_avail() { return 0; }
srv_nsd_rrl_start() { nsd_start "$1" 53 200; }

srv_dnsdist_avail() { command -v dnsdist >/dev/null || { echo "dnsdist not installed (make deps)"; return 1; }; }
srv_dnsdist_start() {
	nsd_start "$1" 5300 0
	cat >"$1/dnsdist.conf" <<EOF
setLocal("$XST_IP4_SRV:53")
setACL({"0.0.0.0/0", "::/0"})
newServer({address="$XST_IP4_SRV:5300", name="nsd"})
-- dynamic blocks: a source over 300 queries/s or 50 NXDOMAIN/s over 2 s is
-- dropped for 10 s (the pattern of the dnsdist documentation)
local dbr = dynBlockRulesGroup()
dbr:setQueryRate(300, 2, "query rate", 10)
dbr:setRCodeRate(DNSRCode.NXDOMAIN, 50, 2, "nxdomain rate", 10)
function maintenance()
	dbr:apply()
end
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" dnsdist --supervised --disable-syslog \
		-C "$1/dnsdist.conf" >"$1/server.out" 2>&1 </dev/null &
	SRV_PID=$!
	track "$SRV_PID"
}

srv_knot_xdp_avail() { command -v knotd >/dev/null || { echo "knotd not installed"; return 1; }; }
srv_knot_xdp_start() {
	mkdir -p "$1/storage"
	cat >"$1/knot.conf" <<EOF
server:
    rundir: "$1"
    user: root:root
    pidfile: "$1/knot.pid"
    listen: $XST_IP4_SRV@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
xdp:
    listen: $XST_IF_SRV@53
    udp: on
    tcp: off
log:
  - target: stderr
    any: info
database:
    storage: "$1/storage"
mod-rrl:
  - id: default
    rate-limit: 200
    slip: 2
template:
  - id: default
    storage: "$1/storage"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
    global-module: mod-rrl/default
zone:
  - domain: flood.test.
    file: "$ZONE"
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" knotd -c "$1/knot.conf" >"$1/server.out" 2>&1 &
	SRV_PID=$!
	NSD_PID=$SRV_PID
	track "$SRV_PID"
}

srv_xdpstorm_avail() {
	[ -x "$DAEMON" ] || { echo "${DAEMON#"$ROOT"/} not built"; return 1; }
	"$DAEMON" --help 2>&1 | grep -q -- --dns-filter || { echo "the daemon has no --dns-filter"; return 1; }
}
srv_xdpstorm_start() {
	nsd_start "$1" 53 0
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" "$DAEMON" --iface "$XST_IF_SRV" --dns-filter \
		--zone "$ZONE" --queues 1 --cpus "$BENCH_SRV_CPU" >"$1/server.out" 2>&1 &
	SRV_PID=$!
	track "$SRV_PID"
}
srv_xdpstorm_ready_extra() { grep -q ' ready on ' "$1/server.out"; }

server_stop() {	# NAME DIR
	srv_stop "$1" "$2"
	if [ -n "$NSD_PID" ] && kill -0 "$NSD_PID" 2>/dev/null; then
		kill -TERM "$NSD_PID" 2>/dev/null
		wait "$NSD_PID" 2>/dev/null || true
	fi
	untrack "$NSD_PID"
	NSD_PID=""
	srv ip link set dev "$XST_IF_SRV" xdp off 2>/dev/null || true
}

ready() {	# NAME DIR: www.flood.test answered within 15 s
	local extra

	extra=$(fn_of "$1" ready_extra)
	for _ in $(seq 150); do
		if [ "$(cli dig +time=1 +tries=1 @"$XST_IP4_SRV" www.flood.test A +short 2>/dev/null | sort | head -n1)" = 192.0.2.80 ] &&
			{ [ -z "$extra" ] || "$extra" "$2"; }; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# cpu_ticks PID: utime+stime of PID and its descendants
cpu_ticks() {
	local p kids t=0

	[ -r "/proc/$1/stat" ] || { echo 0; return; }
	t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat")
	kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
	for p in $kids; do
		t=$((t + $(cpu_ticks "$p")))
	done
	echo "$t"
}

# ---- the matrix -------------------------------------------------------------

HZ=$(getconf CLK_TCK)
echo "server,kind,rate_target,sent,rate_sent,legit_sent,legit_correct,success,server_cpu_pct,defence_cpu_pct" >"$CSV"
for name in $BENCH_FLOOD_SERVERS; do
	avail=$(fn_of "$name" avail)
	[ -n "$avail" ] || die "unknown server '$name'"
	if ! why=$("$avail"); then
		log "$name: skipped: $why"
		continue
	fi
	for kind in $BENCH_FLOOD_KINDS; do
		for rate in $BENCH_FLOOD_RATES; do
			dir=$TMP/$name
			rm -rf "$dir"
			mkdir -p "$dir"
			NSD_PID=""
			"$(fn_of "$name" start)" "$dir"
			if ! ready "$name" "$dir"; then
				log "$name: not answering: $(tail -n2 "$dir"/*.out 2>/dev/null | tr '\n' ' ')"
				server_stop "$name" "$dir"
				continue 2
			fi
			r=$rate
			[ "$r" = max ] && r=0
			src=""
			[ "$kind" = fixed ] && src="-S 3"
			# the defence in front (dnsdist, xdpstorm) is measured apart
			DEF_PID=""
			[ -n "$SRV_PID" ] && [ "$SRV_PID" != "$NSD_PID" ] && DEF_PID=$SRV_PID
			c0=$(cpu_ticks "$NSD_PID")
			d0=$(cpu_ticks "${DEF_PID:-0}")
			t0=$(date +%s.%N)
			# shellcheck disable=SC2086 # src is two words or none
			ip netns exec "$XST_NS_CLI" taskset -c "$BENCH_GEN_CPU" "$FLOOD" -q -i "$XST_IF_CLI" \
				-d "$XST_IP4_SRV" -k "$kind" -z flood.test $src -r "$r" -t "$BENCH_FLOOD_SECONDS" \
				>"$dir/flood.out" 2>&1 &
			fpid=$!
			track "$fpid"
			sleep 1
			ip netns exec "$XST_NS_CLI" "$PY" "$LEGIT" --server "$XST_IP4_SRV" --zone "$ZONE" \
				--rate 200 --duration $((BENCH_FLOOD_SECONDS - 2)) >"$dir/legit.json" 2>>"$LOG" || true
			wait "$fpid" || true
			untrack "$fpid"
			c1=$(cpu_ticks "$NSD_PID")
			d1=$(cpu_ticks "${DEF_PID:-0}")
			t1=$(date +%s.%N)
			server_stop "$name" "$dir"
			line=$("$PY" - "$dir/flood.out" "$dir/legit.json" "$c0" "$c1" "$t0" "$t1" "$HZ" "$d0" "$d1" <<-'EOF'
			import json, re, sys
			f = open(sys.argv[1]).read()
			sent = int(re.search(r"sent=(\d+)", f).group(1)) if "sent=" in f else 0
			rate = float(re.search(r"rate=(\d+)", f).group(1)) if "rate=" in f else 0
			try:
			    l = json.load(open(sys.argv[2]))
			except Exception:
			    l = {"sent": 0, "correct": 0, "success": 0.0}
			c0, c1, t0, t1, hz = (float(x) for x in sys.argv[3:8])
			d0, d1 = (float(x) for x in sys.argv[8:10])
			cpu = 100.0 * (c1 - c0) / hz / (t1 - t0) if t1 > t0 else 0
			dcpu = 100.0 * (d1 - d0) / hz / (t1 - t0) if t1 > t0 else 0
			print(f"{sent},{rate:.0f},{l['sent']},{l['correct']},{l['success']},{cpu:.1f},{dcpu:.1f}")
			EOF
			)
			echo "$name,$kind,$rate,$line" >>"$CSV"
			log "$name $kind rate=$rate: sent,rate,legit_sent,legit_correct,success%,server_cpu%,defence_cpu% = $line"
		done
	done
done

"$PY" "$ROOT/tools/bench/bench_flood_report.py" "$CSV" "$OUT" "${BENCH_DOCS:+$ROOT/$BENCH_DOCS}" \
	"$BENCH_FLOOD_SECONDS" >>"$LOG" 2>&1 || die "report failed (see $LOG)"
log "done: $CSV, $OUT/flood-table.md, $OUT/flood.png"
