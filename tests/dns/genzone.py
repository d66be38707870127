#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Zone generators for the differential test: random zones (diff.py
--random N) and one of very large RRsets (diff.py --big).

Small label vocabulary so that names collide: wildcards, empty non-terminals,
CNAME chains and loops, delegations with glue and DS, MX/SRV/PTR targets
in and out of the zone, absent targets."""
import random, sys
def gen(seed, origin='rnd.test.'):
    r = random.Random(seed)
    labels = ['a', 'b', 'www', 'mail', 'ns', '*', 'sub', 'x', 'deep']
    names = set()
    for _ in range(r.randrange(5, 25)):
        d = r.randrange(1, 4)
        n = '.'.join(r.choice(labels) for _ in range(d))
        names.add(n)
    names = sorted(names)
    lines = ['$ORIGIN ' + origin, '$TTL 3600',
             '@ SOA ns hostmaster 1 7200 3600 1209600 %d' % r.choice([60, 300, 7200]),
             '@ NS ns', '@ NS ns.outside.invalid.', 'ns A 192.0.2.1']
    if r.random() < 0.5:
        lines.append('ns AAAA 2001:db8::1')
    cn = set()
    def target():
        c = r.random()
        if c < 0.15:
            return 'out.outside.invalid.'
        if c < 0.25:
            return 'nothere-%d' % r.randrange(9)
        return r.choice(names + ['@', 'ns']).replace('*', 'w%d' % r.randrange(3))
    for n in names:
        kind = r.random()
        if kind < 0.2 and n not in ('ns',):
            lines.append('%s CNAME %s' % (n, target()))
            cn.add(n)
            continue
        if kind < 0.3 and not n.startswith('*'):
            lines.append('%s NS ns.%s' % (n, n))
            lines.append('%s NS ns' % n)
            lines.append('ns.%s A 192.0.2.%d' % (n, r.randrange(2, 250)))
            if r.random() < 0.5:
                lines.append('%s DS 1 8 2 %s' % (n, '%064X' % r.getrandbits(256)))
            continue
        for t in r.sample(['A', 'AAAA', 'TXT', 'MX', 'SRV', 'PTR', 'CAA'], r.randrange(1, 4)):
            for i in range(r.randrange(1, 3)):
                if t == 'A': lines.append('%s A 192.0.2.%d' % (n, r.randrange(1, 250)))
                if t == 'AAAA': lines.append('%s AAAA 2001:db8::%x' % (n, r.randrange(1, 9999)))
                if t == 'TXT': lines.append('%s TXT "t%d"' % (n, r.randrange(999)))
                if t == 'MX': lines.append('%s MX %d %s' % (n, r.randrange(50), target()))
                if t == 'SRV': lines.append('%s SRV 1 2 3 %s' % (n, target()))
                if t == 'PTR': lines.append('%s PTR %s' % (n, target()))
                if t == 'CAA': lines.append('%s CAA 0 issue "ca%d.example"' % (n, r.randrange(9)))
    # A CNAME must be alone at its name (NSD refuses the zone otherwise).
    owners = {}
    for l in lines[2:]:
        owners.setdefault(l.split()[0], set()).add(l.split()[1])
    seen = []
    for l in lines:
        f = l.split()
        if len(f) > 1 and f[1] == 'CNAME' and len(owners.get(f[0], ())) > 1:
            continue
        if l not in seen:
            seen.append(l)
    return '\n'.join(seen) + '\n'
if __name__ == '__main__':
    sys.stdout.write(gen(int(sys.argv[1])))


def txt(size, tag):
    """TXT RDATA of exactly size bytes (strings of up to 255 characters)."""
    parts, left, i = [], size, 0
    while left > 0:
        n = min(255, left - 1)
        s = ('%s%d-' % (tag, i) + 'x' * 255)[:n]
        parts.append('"%s"' % s)
        left -= n + 1
        i += 1
    return ' '.join(parts)


def big(origin='big.test.'):
    """Large RRsets (issue 11 item 7): every answer must be whole or carry
    TC=1, over UDP and TCP, near and past the 65,535-byte message limit."""
    lines = ['$ORIGIN ' + origin, '$TTL 3600', '@ SOA ns1 hostmaster 1 7200 3600 1209600 300',
             '@ NS ns1', '@ NS ns2', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2', 'ns2 AAAA 2001:db8::2',
             'max TXT ' + txt(65280, 'm'),            # 255 strings of 255: the largest TXT
             'edge TXT ' + txt(65024, 'e'),           # where answers used to go empty
             'below TXT ' + txt(64000, 'b'),
             'two TXT ' + txt(40000, 'a'), 'two TXT ' + txt(40000, 'c'),   # never whole
             'nsfit TXT ' + txt(65490, 'n'),          # answer fits, the apex NS does not
             'alias CNAME max', 'alias2 CNAME below',
             '*.wild TXT ' + txt(65200, 'w'),         # longer qnames shift it
             'mix TXT ' + txt(30000, 'p'), 'mix A 192.0.2.9', 'mix MX 10 ns1', 'mix MX 20 ns2',
             'many MX 10 ns1', 'many MX 20 ns2']
    for i in range(400):                          # a large additional section
        lines.append('many MX %d h%d' % (30 + i, i))
        lines.append('h%d AAAA 2001:db8::%x' % (i, i + 1))
        lines.append('h%d A 192.0.%d.%d' % (i, 3 + i // 250, i % 250 + 1))
    # A RRsets around the limits (16 bytes a record once the owner is a
    # pointer): 4,091 fit in 65,535 bytes and must be sent whole over TCP,
    # 5,000 do not (TC=1, as NSD); 72 and 73 around 1,232 bytes of UDP, 29
    # and 30 around 512; the same behind a CNAME and a wildcard.
    for owner, n in (('a4091', 4091), ('a4092', 4092), ('a5000', 5000), ('a4061', 4061),
                     ('a72', 72), ('a73', 73), ('a76', 76), ('a29', 29), ('a30', 30),
                     ('a250', 250), ('*.wa', 4080), ('*.wb', 4091)):
        for i in range(n):
            lines.append('%s A 10.%d.%d.%d' % (owner, i >> 16, (i >> 8) & 255, i & 255))
    lines += ['ca4091 CNAME a4091', 'ca4080 CNAME a4061', 'ca72 CNAME a72']
    deep = '.'.join(['l%02d' % i + 'y' * 56 for i in range(3)])
    lines.append('%s TXT %s' % (deep, txt(65000, 'd')))    # a long owner name
    return '\n'.join(lines) + '\n'


def sized(origin='sized.test.', over=True):
    """RRsets around the UDP sizes and the 65,535-byte TCP limit, made of
    records that each fit a message (so that AXFR, and so the signers, can
    carry them), for the DNSSEC sets (diff.py --set): with DO their RRSIGs
    and proofs push them over. over=False keeps every RRset under 64 kB in
    its signed (owner-repeating) form: Knot 3.2 signs no larger one ("not
    enough space provided")."""
    def txts(owner, n, size):
        return ['%s TXT "%s"' % (owner, ('%s-%04d-' % (owner[:4], i) + 'x' * size)[:size]) for i in range(n)]
    lines = ['$ORIGIN ' + origin, '$TTL 3600', '@ SOA ns1 hostmaster 1 7200 3600 1209600 300',
             '@ NS ns1', 'ns1 A 192.0.2.1']
    lines += txts('k1', 4, 200)        # about 820 bytes: over 512
    lines += txts('k4', 18, 200)       # about 3.7 kB: over 1232, under 4096 without DO
    lines += txts('k10', 50, 200)      # over 4096: TC over UDP, whole over TCP
    lines += txts('k60', 290 if over else 200, 210)  # 62 kB (or 43): whole over TCP, just
    if over:
        lines += txts('k70', 330, 210)  # about 70 kB: TC over TCP too
    lines += txts('*.w20', 100, 200)   # a wildcard's 20 kB
    lines += txts('*.w16', 74, 200)    # 15.8 kB: with a long qname and DO, the proof past 16 kB
    lines += ['a2000 A 10.%d.%d.%d' % (i >> 16, (i >> 8) & 255, i & 255) for i in range(2000)]
    lines += ['alias CNAME k10', 'alias70 CNAME k%d' % (70 if over else 60)]
    return '\n'.join(lines) + '\n'
