#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The query set of the every-type and DNSSEC differential sets
(tests/dns/diff.py --set NAME), made from the zones' own records (as NSD
loaded them, read back by AXFR: tests/dns/sign.py records()) so that it
follows the zones, signed or not.

Every query is sent with EDNS, with DO=0 and with DO=1 (the answers, the
RRSIGs and the NSEC/NSEC3 proofs in every section, the DO echo): each name
x each type it owns, the types it lacks (NODATA), DS and ANY; NXDOMAIN
names at several depths (below names, below empty non-terminals, below
NSEC3 owner names); names matched by wildcards (answers and NODATA, two
labels deep too); at, below and beside the cuts (referrals, DS, glue);
every type of the zone at a few chosen names; UDP sizes 512/1232/4096 and
TCP; CHAOS identity names. max_names bounds the names walked (the chosen
ones are always in)."""
import random

import dns.message
import dns.name
import dns.rdatatype

import dnswire

CHAOS = ['version.bind.', 'id.server.', 'hostname.bind.', 'version.server.', 'authors.bind.']
NSEC3 = 50
NSEC3_NAMES = 12  # NSEC3 owner names walked per zone


def zone_shape(origin, rrs):
    apex = dns.name.from_text(origin)
    names = {}
    for labels, t, c, ttl, rd in rrs:
        n = dns.name.from_text(dnswire.name_text(labels)).canonicalize()
        names.setdefault(n, set()).add(t)
    cuts = {n for n, ts in names.items() if 2 in ts and n != apex}
    dnames = {n for n, ts in names.items() if 39 in ts}
    ents = set()
    for n in names:
        p = n.parent() if n != apex else apex
        while p != apex and p.is_subdomain(apex):
            if p not in names:
                ents.add(p)
            p = p.parent()
    wild = {n for n in names if n.labels[0] == b'*'}
    below = {n for n in names if any(n != c and n.is_subdomain(c) for c in cuts | dnames)}
    types = set()
    for ts in names.values():
        types |= ts
    return {'apex': apex, 'names': names, 'cuts': cuts, 'dnames': dnames, 'ents': ents,
            'wild': wild, 'below': below, 'types': types}


def tname(t):
    return dns.rdatatype.to_text(t) if isinstance(t, int) else t


def build(recs, seed, max_names=0):
    """(label, wire, tcp) for the zones {origin: records}."""
    rnd = random.Random(seed)
    qs = []
    seen = set()

    def q(name, qtype, do=None, payload=1232, tcp=False, rdclass='IN'):
        for d in ((False, True) if do is None else (do,)):
            key = (str(name).lower(), tname(qtype), d, payload, tcp, rdclass)
            if key in seen:
                continue
            seen.add(key)
            m = dns.message.make_query(name, tname(qtype), rdclass=rdclass, use_edns=0,
                                       payload=payload, want_dnssec=d)
            qs.append(('%s/%s%s%s%s' % (name, tname(qtype), ' do' if d else '',
                                        '' if payload == 1232 else ' edns %d' % payload,
                                        ' class %s' % rdclass if rdclass != 'IN' else ''),
                       m.to_wire(), tcp))

    def child(label, parent):
        try:
            return dns.name.from_text(label, parent)
        except dns.name.NameTooLong:
            return None

    for origin, rrs in recs.items():
        z = zone_shape(origin, rrs)
        apex, names = z['apex'], z['names']
        chosen = {apex} | z['cuts'] | z['dnames'] | z['wild']
        rest = sorted(set(names) - chosen)
        # NSEC3 owners are all alike: a sample of them is enough
        hashed = [n for n in rest if names[n] <= {NSEC3, 46}]
        if len(hashed) > NSEC3_NAMES:
            drop = set(hashed) - set(rnd.sample(hashed, NSEC3_NAMES))
            rest = [n for n in rest if n not in drop]
        if max_names and len(rest) > max_names:
            rest = rnd.sample(rest, max_names)
        walk = sorted(chosen) + sorted(rest)
        for n in walk:
            ts = names[n]
            for t in sorted(ts) + ['A', 'TXT', 'DS', 'ANY', 'TYPE65280']:
                q(n, t)
            for t in sorted(ts)[:3]:
                q(n, t, do=True, payload=512)
                q(n, t, do=True, payload=4096)
                q(n, t, tcp=True)
            q(n, 'ANY', do=True, tcp=True)
            if n in z['below']:
                continue
            nx = child('nx-%d' % rnd.randrange(10000), n)
            if nx and n not in z['wild']:
                q(nx, 'A')
                q(nx, 'DS', do=True)
                deep = child('a.b', nx)
                if deep:
                    q(deep, 'TXT', do=True)
            if NSEC3 in ts:
                x = child('x', n)
                if x:
                    q(x, 'A', do=True)
        for e in sorted(z['ents']):
            if any(e.is_subdomain(c) for c in z['cuts'] | z['dnames']):
                continue
            for t in ('A', 'DS', 'ANY', 'NSEC'):
                q(e, t)
            q(child('nx-%d' % rnd.randrange(10000), e), 'A')
        for w in sorted(z['wild']):
            parent = w.parent()
            for lab in ('match-%d' % rnd.randrange(10000), 'a.b'):
                m = child(lab, parent)
                if not m:
                    continue
                for t in sorted(names[w]) + ['A', 'AAAA', 'DS', 'ANY', 'TYPE65280']:
                    q(m, t)
                q(m, 'MX', do=True, payload=512)
                q(m, 'ANY', do=True, tcp=True)
            # three 60-byte labels: a big wildcard answer's proof lands past
            # the 16 kB compression pointer reach
            long = child('.'.join(['x' * 60] * 3), parent)
            if long:
                q(long, 'TXT', do=True, tcp=True)
        for c in sorted(z['cuts']):
            for t in ('DS', 'NS', 'A', 'ANY', 'DNSKEY'):
                q(c, t)
            for lab in ('www', 'ns', 'a.b.deep'):
                m = child(lab, c)
                if m:
                    q(m, 'A')
                    q(m, 'DS')
            q(c, 'A', do=True, payload=512)
            q(c, 'DS', do=True, tcp=True)
        for d in sorted(z['dnames']):
            for lab in ('www', 'a.b', 'nx-%d' % rnd.randrange(10000)):
                m = child(lab, d)
                if m:
                    q(m, 'A')
                    q(m, 'DNAME')
                    q(m, 'TXT', do=True, payload=512)
            long = child('.'.join(['x' * 60] * 3), d)
            if long:
                q(long, 'A', do=True)
        # every type of the zone at a few names of each kind
        every = sorted(z['types']) + ['NSEC', 'NSEC3', 'RRSIG', 'DNSKEY', 'NSEC3PARAM', 'DS',
                                      'CDS', 'CDNSKEY', 'TYPE65280']
        plain = [n for n in sorted(names) if n not in chosen and n not in z['below']
                 and NSEC3 not in names[n]]
        where = [apex, child('nx-every', apex)] + plain[:1]
        where += [child('every', w.parent()) for w in sorted(z['wild'])[:1]]
        where += [child('every', c) for c in sorted(z['cuts'])[:1]]
        where += sorted(z['ents'])[:1]
        for n in where:
            if n is None:
                continue
            for t in every:
                q(n, t, do=True)
            q(n, 'ANY', do=False)
        for t in ('DNSKEY', 'SOA', 'NS', 'NSEC3PARAM', 'ANY'):
            q(apex, t, do=True, payload=512)
            q(apex, t, do=True, payload=4096)
            q(apex, t, do=True, tcp=True)
            q(apex, t, do=False, tcp=True)
    for n in CHAOS:
        q(n, 'TXT', rdclass='CH')
        q(n, 'A', rdclass='CH', do=False)
        q(n, 'TXT', rdclass='CH', tcp=True, do=True)
    q('version.bind.', 'TXT', rdclass='IN', do=False)
    return qs
