#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Zone and query mix for tools/bench/bench-dns.sh.

    bench_zone.py --names N --zone OUT.zone --queries OUT.txt [--lines L] [--seed S]
                  [--mix load]

The zone bench.test. has N host names host0..host<N-1> besides the apex,
ns and mail: every host has one A record, every 4th also an AAAA, every 10th
also an MX pointing at mail (so MX answers carry an additional A). The query
file is kxdpgun's format ("name type" per line, read in a loop): L lines
(default 100000) drawn uniformly with a fixed seed, 80% A of existing hosts,
8% AAAA of hosts that have one, 4% MX of hosts that have one, 8% A of names
that do not exist (NXDOMAIN). Every server is given these same two files.

--mix load (the load-time benchmark, tools/bench/bench-load.sh) adds a TXT
record to every 5th host and makes every 100th host a delegation (NS
ns.hostI.bench.test. with its glue A) instead of a host."""
import argparse
import random
import sys

ORIGIN = 'bench.test.'
MIX = (('A', 80), ('AAAA', 8), ('MX', 4), ('NX', 8))


def write_zone(f, n, mix='bench'):
    f.write('$ORIGIN %s\n$TTL 300\n' % ORIGIN)
    f.write('@ IN SOA ns hostmaster 1 3600 600 86400 300\n')
    f.write('@ IN NS ns\nns IN A 198.18.0.1\nmail IN A 198.18.0.2\n')
    out = []
    load = mix == 'load'
    for i in range(n):
        if load and i % 100 == 99:
            out.append('host%d IN NS ns.host%d\nns.host%d IN A 10.%d.%d.%d\n'
                       % (i, i, i, i >> 16 & 255, i >> 8 & 255, i & 255))
            continue
        if load and i % 5 == 0:
            out.append('host%d IN TXT "v=spf1 ip4:10.%d.%d.%d -all"\n'
                       % (i, i >> 16 & 255, i >> 8 & 255, i & 255))
        out.append('host%d IN A 10.%d.%d.%d\n' % (i, i >> 16 & 255, i >> 8 & 255, i & 255))
        if i % 4 == 0:
            out.append('host%d IN AAAA fd00::%x:%x\n' % (i, i >> 16, i & 0xffff))
        if i % 10 == 0:
            out.append('host%d IN MX 10 mail\n' % i)
        if len(out) >= 65536:
            f.write(''.join(out))
            out = []
    f.write(''.join(out))


def write_queries(f, n, lines, seed):
    r = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    out = []
    for _ in range(lines):
        k = r.choice(kinds)
        if k == 'A':
            out.append('host%d.%s A\n' % (r.randrange(n), ORIGIN))
        elif k == 'AAAA':
            out.append('host%d.%s AAAA\n' % (4 * r.randrange((n + 3) // 4), ORIGIN))
        elif k == 'MX':
            out.append('host%d.%s MX\n' % (10 * r.randrange((n + 9) // 10), ORIGIN))
        else:
            out.append('nohost%d.%s A\n' % (r.randrange(max(n, 1000)), ORIGIN))
    f.write(''.join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--names', type=int, required=True)
    p.add_argument('--zone', required=True)
    p.add_argument('--queries', required=True)
    p.add_argument('--lines', type=int, default=100000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--mix', choices=('bench', 'load'), default='bench')
    a = p.parse_args()
    if a.names < 1 or a.lines < 1:
        p.error('--names and --lines must be positive')
    with open(a.zone, 'w') as f:
        write_zone(f, a.names, a.mix)
    with open(a.queries, 'w') as f:
        write_queries(f, a.names, a.lines, a.seed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
