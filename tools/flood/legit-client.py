#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""legit-client: a well-behaved DNS client for the flood tests and benchmark.

Queries names that exist in a zone file (their A records) at a modest rate,
varying what real resolvers vary: letter case (0x20), RD on or off, EDNS on
or off, and sometimes a client cookie (RFC 7873). A TC=1 answer is retried
over TCP, as a resolver would; that counts as answered. A lost UDP query is
retried (--retries, default 2) after --timeout. At the end one JSON object goes to stdout:

  {"sent": N, "answered": N, "correct": N, "tcp": N, "timeouts": N,
   "wrong": N, "success": 99.9, "seconds": S, "p50_ms": x, "p99_ms": y}

"answered" counts queries that got any response, "correct" those whose
rcode is NOERROR and whose A records are exactly the zone's; success is
100 * correct / sent. Exit 0 whatever the result (the caller judges), 2 on
bad usage.

Needs Debian's python3-dnspython (run with /usr/bin/python3).
"""
import argparse
import concurrent.futures
import json
import os
import random
import sys
import threading
import time

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.zone


def load_names(zone_file, origin, limit):
    """{name: set of A addresses} of the zone (at most limit names)."""
    z = dns.zone.from_file(zone_file, origin=origin, relativize=False, check_origin=False)
    names = {}
    for name, rdataset in z.iterate_rdatasets(dns.rdatatype.A):
        names[name.to_text()] = {rd.address for rd in rdataset}
        if len(names) >= limit:
            break
    return names


def mix_case(name, rnd):
    """0x20: every letter upper or lower case at random."""
    return "".join(c.upper() if c.isalpha() and rnd.random() < 0.5 else c for c in name)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {"sent": 0, "answered": 0, "correct": 0, "tcp": 0, "timeouts": 0, "wrong": 0,
                  "errors": 0}
        self.lat = []

    def add(self, key, lat=None):
        with self.lock:
            self.c[key] += 1
            if lat is not None:
                self.lat.append(lat)


def one_query(args, name, want, rnd, stats):
    qname = mix_case(name, rnd)
    use_edns = rnd.random() < 0.7
    options = []
    if use_edns and rnd.random() < 0.3:
        options.append(dns.edns.GenericOption(dns.edns.COOKIE, os.urandom(8)))
    q = dns.message.make_query(qname, dns.rdatatype.A, use_edns=0 if use_edns else False,
                               payload=1232, options=options)
    if rnd.random() < 0.5:
        q.flags &= ~dns.flags.RD
    t0 = time.monotonic()
    resp = None
    for attempt in range(1 + args.retries):
        try:
            resp = dns.query.udp(q, args.server, port=args.port, timeout=args.timeout,
                                 source=args.source, ignore_unexpected=True)
            break
        except dns.exception.Timeout:
            continue
        except Exception:  # an ICMP error, a malformed answer: a resolver would retry
            stats.add("errors")
            time.sleep(min(args.timeout, 0.2))
    if resp is not None and resp.flags & dns.flags.TC:
        try:
            resp = dns.query.tcp(q, args.server, port=args.port, timeout=args.timeout * 2,
                                 source=args.source)
            stats.add("tcp")
        except Exception:
            resp = None
    if resp is None:
        stats.add("timeouts")
        return
    stats.add("answered", (time.monotonic() - t0) * 1000.0)
    got = set()
    for rrset in resp.answer:
        if rrset.rdtype == dns.rdatatype.A and rrset.name.to_text().lower() == name.lower():
            got |= {rd.address for rd in rrset}
    if resp.rcode() == dns.rcode.NOERROR and got == want:
        stats.add("correct")
    else:
        stats.add("wrong")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", required=True, help="the DNS server's address")
    ap.add_argument("--zone", required=True, help="zone file: the names queried and their A records")
    ap.add_argument("--origin", default=None, help="the zone's origin (default: from $ORIGIN)")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--source", default=None, help="source address to bind")
    ap.add_argument("--rate", type=float, default=200.0, help="queries per second (default 200)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds (default 10, at most 600)")
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds per try (default 1)")
    ap.add_argument("--retries", type=int, default=2,
                    help="UDP retries after a timeout (default 2: three tries, as dig and stub resolvers)")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if not 0 < args.duration <= 600 or not 0 < args.rate <= 5000:
        print("legit-client: --duration 0..600 s, --rate 0..5000 per second", file=sys.stderr)
        return 2
    try:
        names = load_names(args.zone, args.origin, 10000)
    except Exception as e:
        print(f"legit-client: {args.zone}: {e}", file=sys.stderr)
        return 2
    if not names:
        print(f"legit-client: {args.zone}: no A records", file=sys.stderr)
        return 2
    rnd = random.Random(args.seed)
    stats = Stats()
    keys = sorted(names)
    n = int(args.rate * args.duration)
    workers = max(8, int(args.rate * args.timeout * (1 + args.retries)) + 8)
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, 512)) as pool:
        for i in range(n):
            due = t0 + i / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            name = rnd.choice(keys)
            stats.add("sent")
            pool.submit(one_query, args, name, names[name], random.Random(rnd.random()), stats)
    out = dict(stats.c)
    out["seconds"] = round(time.monotonic() - t0, 2)
    out["success"] = round(100.0 * out["correct"] / out["sent"], 2) if out["sent"] else 0.0
    lat = sorted(stats.lat)
    out["p50_ms"] = round(lat[len(lat) // 2], 2) if lat else None
    out["p99_ms"] = round(lat[min(len(lat) - 1, len(lat) * 99 // 100)], 2) if lat else None
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
