#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Zone load time and memory (`make bench-load`, and the last step of `make
# bench-dns`), side by side with NSD: for each zone size, a zone like the
# benchmark's (tools/bench/bench_zone.py --mix load: A, AAAA every 4th
# host, MX every 10th, TXT every 5th, a delegation every 100th) is
#   checked:  `xdpstorm --check` against `nsd-checkzone`: wall time, CPU
#             time (user + system: steadier on a shared machine) and peak
#             RSS (/usr/bin/time), the median over BENCH_LOAD_ROUNDS runs;
#   served:   build/tools/dns-sock (the daemon's loader: parse, build, free
#             the parsed zones; kernel sockets instead of XDP, so no netns)
#             against nsd, both on loopback: the time from start to the
#             first answer, and the memory once it answers, as PSS summed
#             over the server's processes (NSD forks: pages shared after
#             the fork count once). One run per size.
# Then one DNSSEC-signed zone (BENCH_LOAD_SIGNED names, the same mix),
# signed here with ldns-signzone -n (NSEC3, fixed salt and validity, new
# ECDSAP256SHA256 keys: about 25 s for 100k names), measured the same way.
# No namespaces, no XDP: the load is what is measured. Results go to
# $O/bench/load-results.csv, the table to docs/BENCHMARKS.md (its "Zone
# load" section, tools/bench/bench_load_report.py).
#
# Variables (defaults in brackets):
#   BENCH_LOAD_SIZES  zone sizes in host names [BENCH_SIZES and 500000]
#   BENCH_SIZES       as bench-dns.sh [10 10000 1000000]
#   BENCH_LOAD_ROUNDS runs of each check [3]
#   BENCH_LOAD_SIGNED names of the NSEC3-signed zone [100000]; empty: none
#   BENCH_DOCS        where BENCHMARKS.md is [docs]; empty: no report
#   O                 build directory [build]
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac

BENCH_SIZES=${BENCH_SIZES:-10 10000 1000000}
# shellcheck disable=SC2086 # a word list
BENCH_LOAD_SIZES=${BENCH_LOAD_SIZES:-$(printf '%s\n' $BENCH_SIZES 500000 | sort -n | uniq | tr '\n' ' ')}
BENCH_LOAD_ROUNDS=${BENCH_LOAD_ROUNDS:-3}
BENCH_LOAD_SIGNED=${BENCH_LOAD_SIGNED-100000}
BENCH_DOCS=${BENCH_DOCS-docs}
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-600}

PY=/usr/bin/python3
OUT=$O/bench
ZONES=$OUT/zones
CSV=$OUT/load-results.csv
LOG=$OUT/load.log
DAEMON=$O/xdpstorm
SOCK=$O/tools/dns-sock
ORIGIN=bench.test.

BENCH_NAME=load
TB_UP=0
PIDS=""
SRV_PID=""
mkdir -p "$OUT" "$ZONES"
: >"$LOG"
TMP=$(mktemp -d /tmp/xst-bench-load.XXXXXX)
# shellcheck source=tools/bench/lib.sh
. "$ROOT/tools/bench/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

for n in $BENCH_LOAD_SIZES $BENCH_LOAD_ROUNDS $READY_TIMEOUT $BENCH_LOAD_SIGNED; do
	case $n in ''|*[!0-9]*) die "'$n' is not a number" ;; esac
done
for tool in nsd nsd-checkzone dig /usr/bin/time ${BENCH_LOAD_SIGNED:+ldns-keygen ldns-signzone}; do
	command -v "$tool" >/dev/null || die "'$tool' not installed (make deps)"
done
[ -x "$DAEMON" ] && [ -x "$SOCK" ] || die "$DAEMON or $SOCK missing (make all)"

# "wall_s cpu_s KiB" of one run of CMD (wall time, user + system time,
# peak RSS); dies if it fails.
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >>"$LOG" 2>&1 || die "failed: $*"
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$TMP/time"
}

# A loopback port free for both UDP and TCP (nsd binds both).
free_port() {
	"$PY" - <<-'EOF'
	import socket
	for _ in range(100):
	    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    u.bind(("127.0.0.1", 0))
	    p = u.getsockname()[1]
	    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	    try:
	        t.bind(("127.0.0.1", p))
	        print(p)
	        break
	    except OSError:
	        pass
	    finally:
	        t.close()
	        u.close()
	EOF
}

descendants() {
	local k

	for k in $(pgrep -P "$1" 2>/dev/null || true); do
		echo "$k"
		descendants "$k"
	done
}

# PSS of PID and its descendants, KiB.
pss_tree() {
	local p v total=0

	for p in "$1" $(descendants "$1"); do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

# Seconds until PID answers the SOA on PORT (dies if it exits first). One
# dig every 0.2 s, times from bash's clock: the polling must not take the
# CPU the loading server needs (2 cores shared).
wait_ready() {
	local pid=$1 port=$2 t0=$3 now

	while :; do
		kill -0 "$pid" 2>/dev/null || die "server (pid $pid) exited before answering; see $LOG"
		# (dig writes its errors on stdout too: look for the answer)
		if dig +noall +answer +time=1 +tries=1 -p "$port" @127.0.0.1 "$ORIGIN" SOA 2>/dev/null |
			grep -q 'SOA'; then
			break
		fi
		now=$EPOCHREALTIME
		[ $(( ${now%.*} - ${t0%.*} )) -le "$READY_TIMEOUT" ] ||
			die "server (pid $pid) not ready after $READY_TIMEOUT s"
		sleep 0.2
	done
	now=$EPOCHREALTIME
	awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.2f\n", b - a }'
}

stop_srv() {
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	untrack "$1"
}

# "ready_s pss_kib" of dns-sock serving ZONE.
serve_xst() {
	local zone=$1 port t0 pid ready

	port=$(free_port)
	t0=$EPOCHREALTIME
	"$SOCK" --origin "$ORIGIN" --zone "$zone" --listen 127.0.0.1 --port "$port" >>"$LOG" 2>&1 &
	pid=$!
	track "$pid"
	ready=$(wait_ready "$pid" "$port" "$t0")
	sleep 1
	echo "$ready $(pss_tree "$pid")"
	stop_srv "$pid"
}

# "ready_s pss_kib" of nsd serving ZONE (as tests/dns/diff.py starts it).
serve_nsd() {
	local zone=$1 port t0 pid ready dir=$TMP/nsd

	rm -rf "$dir"
	mkdir -p "$dir"
	port=$(free_port)
	cat >"$dir/nsd.conf" <<-EOF
	server:
		ip-address: 127.0.0.1@$port
		rrl-ratelimit: 0
		zonesdir: "$dir"
		pidfile: ""
		username: ""
		database: ""
		xfrdfile: "$dir/xfrd.state"
		zonelistfile: "$dir/zone.list"
		verbosity: 0
		reuseport: no
		server-count: 1
	remote-control:
		control-enable: no
	zone:
		name: "$ORIGIN"
		zonefile: "$zone"
	EOF
	t0=$EPOCHREALTIME
	nsd -d -c "$dir/nsd.conf" >>"$LOG" 2>&1 &
	pid=$!
	track "$pid"
	ready=$(wait_ready "$pid" "$port" "$t0")
	sleep 1
	echo "$ready $(pss_tree "$pid")"
	stop_srv "$pid"
}

echo "zone,names,records,round,xst_check_s,xst_check_cpu_s,xst_check_kib,nsd_check_s,nsd_check_cpu_s,nsd_check_kib,xst_ready_s,xst_serve_kib,nsd_ready_s,nsd_serve_kib" >"$CSV"

# The check and serving runs of ZONE (KIND, SIZE names) into the CSV.
measure() {
	local kind=$1 size=$2 zone=$3 records round xc_s xc_c xc_k nc_s nc_c nc_k xr xs nr ns

	records=$(grep -cv '^\$' "$zone")
	for round in $(seq 1 "$BENCH_LOAD_ROUNDS"); do
		# shellcheck disable=SC2046 # two fields
		set -- $(timed "$DAEMON" --check --zone "$zone:$ORIGIN") $(timed nsd-checkzone "$ORIGIN" "$zone")
		xc_s=$1 xc_c=$2 xc_k=$3 nc_s=$4 nc_c=$5 nc_k=$6
		xr="" xs="" nr="" ns=""
		if [ "$round" = 1 ]; then
			# shellcheck disable=SC2046
			set -- $(serve_xst "$zone") $(serve_nsd "$zone")
			xr=$1 xs=$2 nr=$3 ns=$4
		fi
		echo "$kind,$size,$records,$round,$xc_s,$xc_c,$xc_k,$nc_s,$nc_c,$nc_k,$xr,$xs,$nr,$ns" >>"$CSV"
		log "$kind $size names, round $round: check $xc_s s ($xc_c s CPU) / $((xc_k / 1024)) MiB (nsd-checkzone $nc_s s ($nc_c s CPU) / $((nc_k / 1024)) MiB)${xs:+; serving $xr s to ready, $((xs / 1024)) MiB (nsd $nr s, $((ns / 1024)) MiB)}"
	done
}

log "sizes: $BENCH_LOAD_SIZES; $BENCH_LOAD_ROUNDS check runs each${BENCH_LOAD_SIGNED:+; NSEC3-signed: $BENCH_LOAD_SIGNED}"
for size in $BENCH_LOAD_SIZES; do
	zone=$ZONES/load-$size.zone
	"$PY" "$ROOT/tools/bench/bench_zone.py" --names "$size" --zone "$zone" --queries /dev/null \
		--lines 1 --mix load
	measure plain "$size" "$zone"
done

if [ -n "$BENCH_LOAD_SIGNED" ]; then
	size=$BENCH_LOAD_SIGNED
	zone=$ZONES/load-$size.nsec3.zone
	"$PY" "$ROOT/tools/bench/bench_zone.py" --names "$size" --zone "$TMP/unsigned.zone" \
		--queries /dev/null --lines 1 --mix load
	# as tests/dns/sign.py signs: ECDSA keys (fast), fixed salt and times
	ksk=$(cd "$TMP" && ldns-keygen -a ECDSAP256SHA256 -k "$ORIGIN")
	zsk=$(cd "$TMP" && ldns-keygen -a ECDSAP256SHA256 "$ORIGIN")
	log "signing the $size-name zone (ldns-signzone -n)"
	(cd "$TMP" && ldns-signzone -n -s beef1234 -t 0 -i 20240101000000 -e 20371231000000 \
		-o "$ORIGIN" -f "$zone" unsigned.zone "$ksk" "$zsk") >>"$LOG" 2>&1 ||
		die "ldns-signzone failed; see $LOG"
	rm -f "$TMP/unsigned.zone"
	measure nsec3 "$size" "$zone"
fi

if [ -n "$BENCH_DOCS" ]; then
	"$PY" "$ROOT/tools/bench/bench_load_report.py" --csv "$CSV" --md "$ROOT/$BENCH_DOCS/BENCHMARKS.md"
	log "wrote the zone load section of $BENCH_DOCS/BENCHMARKS.md"
fi
log "raw results in $CSV"
