#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Differential DNS test: send the same queries to two servers, compare.

Default: starts NSD (the reference) and build/tools/dns-sock (xst_dns_respond
behind kernel sockets) on 127.0.0.1, each serving the given zones, and
compares every answer: rcode (extended included), the AA/TC/RD/QR flags, the
EDNS echo, the question, and every section as a set of RRsets (order within
a section is ignored; TTLs and RDATA compared).

  tests/dns/diff.py [--zone FILE[:ORIGIN]]... [--server-a HOST:PORT --server-b HOST:PORT]

  tests/dns/diff.py --set types|nsec|nsec3|optout|knot [--nsd-b]

Without --zone it uses tests/dns/zones/*.zone. With --server-a/--server-b it
starts nothing and compares the two given servers (A is the reference);
--nsd-b starts a second NSD as B, to check the harness (0 failures).

--set: the zones of tests/dns/zones/types/ (every type NSD reads, DNAME,
wildcards, cuts) and genzone.sized(), unsigned ('types') or signed in a
temporary directory by tests/dns/sign.py (ldns NSEC, NSEC3, NSEC3 opt-out;
kzonesign NSEC3), queried as tests/dns/dnssecq.py says (DO=0 and DO=1).

A zone dns-sock refuses is reported as one failure, "zone refused by
xdpstorm: FILE:LINE: reason", and left out of both servers; the rest is
compared. Replies dnspython will not read are compared field by field
(tests/dns/dnswire.py). Prints one line per difference and "dnsdiff: N
passed, M failed"; exit 1 if anything failed.
"""
import argparse
import glob
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnssecq  # noqa: E402
import dnswire  # noqa: E402
import sign  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# Queries whose answers are known to differ from NSD 4.6.1 on purpose; they
# are sent and printed with --show-known but do not count as failures.
#  - compressed-question backward: issue 3 asks us to answer a question whose
#    name uses a compression pointer; NSD answers FORMERR to any. We follow
#    pointers that point back (RFC 1035), which in a question can only be
#    into the header; a forward one is FORMERR as in NSD (issue 11 item 8).
KNOWN = {'compressed-question backward'}



def is_known(label):
    return label in KNOWN


DO_ALL = False

QTYPES = ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'CNAME', 'PTR', 'SRV', 'CAA', 'DS', 'ANY',
          'NAPTR', 'TYPE65280']


def zone_args(specs):
    out = []
    for s in specs:
        path, _, origin = s.partition(':')
        if not origin:
            base = os.path.basename(path)
            for suf in ('.zone', '.db'):
                if base.endswith(suf):
                    base = base[:-len(suf)]
            origin = base
        if not origin.endswith('.'):
            origin += '.'
        out.append((os.path.abspath(path), origin))
    return out


def free_port():
    """A port free for both UDP and TCP (a TCP port may still be held by a
    TIME_WAIT connection of an earlier run on the same UDP-free port)."""
    for _ in range(100):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(('127.0.0.1', 0))
        p = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(('127.0.0.1', p))
            return p
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise SystemExit('no free port for UDP and TCP')


class StartError(Exception):
    """A server under test that exited before answering; text: its log."""


def wait_port(port, proc, what, secs=10, log=None):
    end = time.time() + secs
    q = dns.message.make_query('.', 'SOA').to_wire()
    while time.time() < end:
        if proc.poll() is not None:
            tail = ''
            if log and os.path.exists(log):
                with open(log) as f:
                    tail = ''.join(f.readlines()[-5:])
            raise StartError('%s exited early (rc %s)\n%s' % (what, proc.returncode, tail))
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(0.2)
            s.sendto(q, ('127.0.0.1', port))
            s.recv(65535)
            s.close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit('%s did not answer on port %d' % (what, port))


# The CHAOS identity both servers are given (NSD's identity:/version:, and
# dns-sock's --identity/--version-string where it has them), and --hide.
IDENTITY = 'dnsdiff.identity'
VERSION = 'dnsdiff version 1'


def start_nsd(zones, tmp, xfr=False, name='nsd', hide=()):
    """NSD serving zones on a free port; xfr: allow AXFR from 127.0.0.1
    (only the throwaway NSD that reads zones back, never the one compared:
    it would change the answers to AXFR over UDP)."""
    port = free_port()
    tmp = os.path.join(tmp, name)
    os.makedirs(tmp, exist_ok=True)
    conf = os.path.join(tmp, 'nsd.conf')
    with open(conf, 'w') as f:
        f.write('server:\n\tip-address: 127.0.0.1@%d\n\trrl-ratelimit: 0\n' % port)
        f.write('\tidentity: "%s"\n\tversion: "%s"\n' % (IDENTITY, VERSION))
        for h in hide:
            f.write('\thide-%s: yes\n' % h)
        f.write('\tzonesdir: "%s"\n\tpidfile: ""\n\tusername: ""\n\tdatabase: ""\n' % tmp)
        f.write('\txfrdfile: "%s/xfrd.state"\n\tzonelistfile: "%s/zone.list"\n' % (tmp, tmp))
        f.write('\tverbosity: 0\n\treuseport: no\nremote-control:\n\tcontrol-enable: no\n')
        for path, origin in zones:
            f.write('zone:\n\tname: "%s"\n\tzonefile: "%s"\n' % (origin, path))
            if xfr:
                f.write('\tprovide-xfr: 127.0.0.1 NOKEY\n')
    log = open(os.path.join(tmp, 'nsd.log'), 'w')
    p = subprocess.Popen([shutil.which('nsd') or '/usr/sbin/nsd', '-d', '-c', conf],
                         stdout=log, stderr=log)
    wait_port(port, p, name, log=log.name)
    return p, port


def start_sock(zones, tmp, binary, hide=()):
    port = free_port()
    args = [binary]
    usage = subprocess.run([binary, '--help'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True).stdout
    if '--identity' in usage:
        args += ['--identity', IDENTITY, '--version-string', VERSION]
        args += ['--hide-%s' % h for h in hide]
    for path, origin in zones:
        args += ['--origin', origin, '--zone', path]
    args += ['--listen', '127.0.0.1', '--port', str(port)]
    log = open(os.path.join(tmp, 'dns-sock.log'), 'w')
    p = subprocess.Popen(args, stdout=log, stderr=log)
    wait_port(port, p, 'dns-sock', log=log.name)
    return p, port


def read_zone(path, origin):
    """The zone as dnspython reads it, for its names and types; a file it
    cannot read (NSD's lexer takes more: quoted owners, unknown types...)
    is read from NSD's own print of it (nsd-checkzone -p), else only the
    apex is queried."""
    try:
        return dns.zone.from_file(path, origin=origin, relativize=False, check_origin=False)
    except Exception:  # noqa: BLE001 - any failure: try NSD's form
        pass
    try:
        out = subprocess.run([shutil.which('nsd-checkzone') or '/usr/sbin/nsd-checkzone', '-p',
                              origin, path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=60).stdout.decode(errors='replace')
        return dns.zone.from_text(out, origin=origin, relativize=False, check_origin=False)
    except Exception:  # noqa: BLE001
        z = dns.zone.Zone(origin, relativize=False)
        z.find_node(dns.name.from_text(origin), create=True)
        return z


def build_queries(zones, seed, max_names=0, names_only=False):
    """(label, wire bytes, tcp) triples covering every name and type."""
    rnd = random.Random(seed)
    qs = []
    names = []
    for path, origin in zones:
        # a zone in RFC 3597 form for the servers: the names from its text twin
        qpath = path.replace('.3597', '') if os.path.exists(path.replace('.3597', '')) else path
        z = read_zone(qpath, origin)
        for name, node in z.nodes.items():
            types = set(dns.rdatatype.to_text(r.rdtype) for r in node.rdatasets)
            names.append((name, types, z.origin))
    if max_names and len(names) > max_names:
        names = rnd.sample(names, max_names)

    def q(label, name, qtype, tcp=False, **kw):
        if DO_ALL:
            # --do: every query asks for DNSSEC records (EDNS, DO=1)
            if kw.get('use_edns') is False:
                kw['use_edns'] = 0
            kw['want_dnssec'] = True
            label += ' DO'
        m = dns.message.make_query(name, qtype, **kw)
        qs.append((label, m.to_wire(), tcp))

    def mixed(name):
        t = name.to_text()
        return dns.name.from_text(''.join(c.upper() if rnd.random() < 0.5 else c for c in t))

    for name, types, origin in names:
        for t in sorted(set(QTYPES) | types):
            q('%s/%s' % (name, t), name, t, use_edns=False)
        for t in sorted(types):
            q('%s/%s tcp' % (name, t), name, t, tcp=True, use_edns=False)
            q('%s/%s edns 4096' % (name, t), name, t, use_edns=0, payload=4096)
        q('%s/A edns' % name, name, 'A', use_edns=0, payload=1232)
        q('%s/A mixed-case' % name, mixed(name), 'A', use_edns=False)
        q('%s/MX mixed-case edns do' % name, mixed(name), 'MX', use_edns=0, payload=4096,
          want_dnssec=True)
        for pre in ('nx-%d' % rnd.randrange(1000), 'a.b.c', '*'):
            try:
                n2 = dns.name.from_text(pre, name)
            except dns.name.NameTooLong:
                continue
            if n2 not in [x[0] for x in names]:
                for t in ('A', 'TXT', 'MX', 'DS', 'ANY'):
                    q('%s/%s' % (n2, t), n2, t, use_edns=False)
                q('%s/TXT tcp edns' % n2, n2, 'TXT', tcp=True, use_edns=0)
                q('%s/A tcp' % n2, n2, 'A', tcp=True, use_edns=False)
                q('%s/A class any' % n2, n2, 'A', rdclass='ANY', use_edns=False)
                q('%s/A mixed edns' % n2, mixed(n2), 'A', use_edns=0)
        # names near 255 bytes: a DNAME whose target is longer than its
        # owner makes them too long (YXDOMAIN)
        long = name
        while True:
            try:
                longer = dns.name.from_text('l' * 50, long)
            except dns.name.NameTooLong:
                break
            if len(longer.to_wire()) > 240:
                break
            long = longer
        if long != name:
            q('%s/A long' % long, long, 'A', use_edns=0)
            q('%s/A long no edns' % long, long, 'A', use_edns=False)
        for payload in (512, 600, 1232, 4096):
            q('%s/ANY edns %d' % (name, payload), name, 'TXT', use_edns=0, payload=payload)
            q('%s/MX edns %d' % (name, payload), name, 'MX', use_edns=0, payload=payload)
        q('%s/TXT tcp' % name, name, 'TXT', tcp=True, use_edns=False)
        q('%s/TXT tcp edns do' % name, name, 'TXT', tcp=True, use_edns=0, want_dnssec=True)
        q('%s/MX tcp class any' % name, name, 'MX', tcp=True, rdclass='ANY', use_edns=False)
        q('%s/ANY tcp' % name, name, 'ANY', tcp=True, use_edns=False)
        q('%s/NS tcp' % name, name, 'NS', tcp=True, use_edns=0)
        # class ANY: AA and the optional sections follow rules of their own
        q('%s/A class any' % name, name, 'A', rdclass='ANY', use_edns=False)
        q('%s/MX class any edns' % name, name, 'MX', rdclass='ANY', use_edns=0)

    if names_only:
        return qs
    origin = zones[0][1]
    q('out of zone', 'www.outside.invalid.', 'A', use_edns=False)
    q('out of zone edns', 'www.outside.invalid.', 'A', use_edns=0)
    q('root', '.', 'SOA', use_edns=False)
    q('tld', 'test.', 'SOA', use_edns=0)
    q('axfr udp', origin, 'AXFR', use_edns=False)
    q('ixfr udp', origin, 'IXFR', use_edns=0)
    q('class chaos', origin, 'A', rdclass='CH', use_edns=False)
    for n in ('version.bind.', 'version.server.', 'id.server.', 'hostname.bind.',
              'VERSION.Bind.', 'authors.bind.', 'version.bind.x.'):
        for t in ('TXT', 'ANY', 'A'):
            q('chaos %s %s' % (n, t), n, t, rdclass='CH', use_edns=False)
        q('chaos %s TXT edns' % n, n, 'TXT', rdclass='CH', use_edns=0)
        q('chaos %s TXT tcp' % n, n, 'TXT', rdclass='CH', tcp=True, use_edns=False)
    q('class any', origin, 'A', rdclass='ANY', use_edns=False)
    q('class any nx', 'nx.' + origin, 'A', rdclass='ANY', use_edns=False)
    q('class none', origin, 'A', rdclass='NONE', use_edns=False)

    base = dns.message.make_query(origin, 'A', use_edns=False).to_wire()
    based = dns.message.make_query(origin, 'A', use_edns=0).to_wire()

    def raw(label, b):
        qs.append((label, bytes(b), False))
    w = bytearray(base)
    w[2] |= 0x80
    raw('qr set (dropped)', w)
    for op in (1, 2, 4, 5, 6, 15):
        w = bytearray(base)
        w[2] = (w[2] & 0x87) | (op << 3)
        raw('opcode %d' % op, w)
    w = bytearray(base)
    w[5] = 2
    raw('qdcount 2', w)
    w = bytearray(base)
    w[5] = 0
    raw('qdcount 0', w)
    raw('header only', base[:12])
    for cut in (13, 15, len(base) - 3, len(base) - 1):
        raw('truncated question %d' % cut, base[:cut])
    w = bytearray(base)
    w[7] = 1
    raw('ancount 1', w)
    w = bytearray(base)
    w[3] |= 0x0f
    raw('rcode set in query', w)
    w = bytearray(base)
    w[3] |= 0x40
    raw('z bit', w)
    w = bytearray(base)
    w[2] |= 0x06
    raw('aa tc in query', w)
    raw('trailing garbage', base + b'\x01\x02\x03')
    raw('opt truncated', based[:-3])
    w = bytearray(based)
    w[11] = 2
    raw('two opt', w + based[-11:])
    raw('non-opt additional', based[:-11] + b'\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00')
    raw('opt bad option length', based[:-2] + b'\x00\x04\x00\x0a\x00\x09')
    raw('opt good option', based[:-2] + b'\x00\x08\x00\x0a\x00\x04abcd')
    w = bytearray(based)
    w[-5] = 1
    raw('badvers', w)
    w = bytearray(based)
    w[-5] = 1
    w[-4] = 0x80
    raw('badvers', w)
    hdr = bytes(base[:4]) + b'\x00\x01\x00\x00\x00\x00\x00\x00'
    raw('pointer loop', hdr + b'\xc0\x0c\x00\x01\x00\x01')
    raw('label type 01', hdr + b'\x43www\x00\x00\x01\x00\x01')
    on = dns.name.from_text(origin).to_wire()
    raw('compressed-question', hdr + b'\x03www\xc0\x16\x00\x01\x00\x01' + on)
    raw('compressed-question forward into the qname', hdr + b'\xc0\x0e\x03www' + on + b'\x00\x01\x00\x01')
    raw('compressed-question forward, edns', bytes(hdr[:11]) + b'\x01' + b"\x03www\xc0\x21\x00\x01\x00\x01"
        + b'\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00' + on)
    raw('compressed-question backward', hdr + b'\x03www\xc0\x04\x00\x01\x00\x01')
    raw('long name', hdr + (b'\x3f' + b'a' * 63) * 4 + b'\x00\x00\x01\x00\x01')
    for label, wire in crafted(origin, names[0][0].to_text() if names else origin):
        raw(label, wire)
    return qs


def crafted(origin, name):
    """Messages NSD answers by rules of their own (issue 11 item 8): NOTIFY
    (NXDOMAIN for a name that is not a zone, REFUSED for one without an
    allow-notify, FORMERR/NOTAUTH from the records it reads first), TSIG
    (NOTAUTH with a BADKEY TSIG: no keys), IXFR's authority section, and a
    message with no question and only an OPT."""
    def msg(qname, qtype='SOA', op=0, qd=1, an=0, ns=0, ars=(), flags=0x0100, body=b''):
        q = dns.name.from_text(qname).to_wire() + struct.pack('!HH', dns.rdatatype.from_text(qtype), 1)
        return struct.pack('!HHHHHH', 0x4242, flags | op << 11, qd, an, ns, len(ars)) + \
            (q if qd else b'') + body + b''.join(ars)

    def opt(ver=0, do=0, rd=b''):
        return b'\x00\x00\x29' + struct.pack('!HBBHH', 4096, 0, ver, 0x8000 if do else 0, len(rd)) + rd

    def tsig(key=b'\x03Key\x00', ttl=0, other=b'', rdlen=None):
        rd = dns.name.from_text('HMAC-SHA256').to_wire() + struct.pack('!HIH', 0, 0x12345678, 300) + \
            b'\x00\x03abc' + struct.pack('!HHH', 0x4242, 0, len(other)) + other
        return key + struct.pack('!HHIH', 250, 255, ttl, len(rd) if rdlen is None else rdlen) + rd
    a_rr = b'\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x7f\x00\x00\x01'
    soa = b'\xc0\x0c\x00\x06\x00\x01\x00\x00\x00\x00\x00\x16' + b'\x00\x00' + b'\x00' * 20
    out = [
        ('notify apex', msg(origin, op=4)),
        ('notify apex upper case', msg(origin.upper(), op=4)),
        ('notify apex edns', msg(origin, op=4, ars=[opt()])),
        ('notify apex qdcount 2', msg(origin, op=4, qd=1, body=b'')[:4] + b'\x00\x02' + msg(origin, op=4)[6:]),
        ('notify apex additional A', msg(origin, op=4, ars=[a_rr])),
        ('notify apex additional cut', msg(origin, op=4, ars=[a_rr[:6]])),
        ('notify apex tsig', msg(origin, op=4, ars=[tsig()])),
        ('notify apex opt then tsig', msg(origin, op=4, ars=[opt(), tsig()])),
        ('notify apex tsig rdlength 0', msg(origin, op=4, ars=[tsig()[:13] + b'\x00\x00'])),
        ('notify apex tsig ttl 1', msg(origin, op=4, ars=[tsig(ttl=1)])),
        ('notify below the apex', msg(name if name != origin else 'x.' + origin, op=4)),
        ('notify nx', msg('nx-notify.' + origin, op=4)),
        ('notify out of zone', msg('www.outside.invalid.', op=4)),
        ('notify out of zone with tsig', msg('www.outside.invalid.', op=4, ars=[tsig()])),
        ('notify root', msg('.', op=4)),
        ('notify forward pointer', struct.pack('!HHHHHH', 0x4242, 0x2100, 1, 0, 0, 0) +
         b'\xc0\x12\x00\x06\x00\x01' + dns.name.from_text(origin).to_wire()),
        ('query tsig', msg(origin, 'A', ars=[tsig()])),
        ('query out of zone tsig', msg('www.outside.invalid.', 'A', ars=[tsig()])),
        ('query opt then tsig', msg(origin, 'A', ars=[opt(), tsig()])),
        ('query opt do then tsig', msg(origin, 'A', ars=[opt(do=1), tsig()])),
        ('query opt version 1 then tsig', msg(origin, 'A', ars=[opt(ver=1), tsig()])),
        ('query tsig then opt', msg(origin, 'A', ars=[tsig(), opt()])),
        ('query tsig other data', msg(origin, 'A', ars=[tsig(other=b'123456')])),
        ('query tsig other data 17', msg(origin, 'A', ars=[tsig(other=b'x' * 17)])),
        ('query tsig ttl 1', msg(origin, 'A', ars=[tsig(ttl=1)])),
        ('query tsig key pointer', msg(origin, 'A', ars=[tsig(key=b'\xc0\x0c')])),
        ('query tsig rdlength past the end', msg(origin, 'A', ars=[tsig(rdlen=500)])),
        ('query two tsig', msg(origin, 'A', ars=[tsig(), tsig()])),
        ('axfr tsig', msg(origin, 'AXFR', ars=[tsig()])),
        ('ixfr authority soa', msg(origin, 'IXFR', ns=1, body=soa)),
        ('ixfr authority missing', msg(origin, 'IXFR', ns=1)),
        ('ixfr authority cut', msg(origin, 'IXFR', ns=1, body=soa[:20])),
        ('ixfr authority 65', msg(origin, 'IXFR', ns=65, body=soa * 65)),
        ('ixfr authority then opt', msg(origin, 'IXFR', ns=1, body=soa, ars=[opt()])),
        ('no question, lone opt', msg(origin, qd=0, ars=[opt()])),
        ('no question, lone opt do', msg(origin, qd=0, ars=[opt(do=1)])),
        ('no question, lone opt cookie', msg(origin, qd=0, ars=[opt(rd=b'\x00\x0a\x00\x08' + b'12345678')])),
        ('no question, lone opt version 1', msg(origin, qd=0, ars=[opt(ver=1)])),
        ('no question, lone opt cut', msg(origin, qd=0, ars=[opt()[:10]])),
        ('no question, additional A', msg(origin, qd=0, ars=[a_rr])),
    ]
    return out


def ask(server, wire, tcp, timeout=2.0):
    host, port = server
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    if tcp:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect((host, port))
            s.sendall(struct.pack('!H', len(wire)) + wire)
            hdr = b''
            while len(hdr) < 2:
                c = s.recv(2 - len(hdr))
                if not c:
                    return None
                hdr += c
            n = struct.unpack('!H', hdr)[0]
            out = b''
            while len(out) < n:
                c = s.recv(n - len(out))
                if not c:
                    return None
                out += c
            return out
        except OSError:
            return None
        finally:
            s.close()
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(wire, (host, port))
        return s.recv(65535)
    except socket.timeout:
        return None
    finally:
        s.close()


def summarize(r):
    """A comparable digest of a reply (or a reason it cannot be parsed)."""
    if r is None:
        return {'reply': 'none'}
    d = {'id': r[:2], 'len<12': len(r) < 12}
    if len(r) < 12:
        return d
    flags = struct.unpack('!H', r[2:4])[0]
    d['qr'] = bool(flags & 0x8000)
    d['opcode'] = (flags >> 11) & 15
    d['aa'] = bool(flags & 0x0400)
    d['tc'] = bool(flags & 0x0200)
    d['rd'] = bool(flags & 0x0100)
    d['ra'] = bool(flags & 0x0080)
    d['cd'] = bool(flags & 0x0010)
    d['ad'] = bool(flags & 0x0020)
    d['counts'] = struct.unpack('!HHHH', r[4:12])
    try:
        m = dns.message.from_wire(r, question_only=False, ignore_trailing=False)
    except Exception as e:  # noqa: BLE001 - any parse failure is a result
        d['header_rcode'] = flags & 15
        return summarize_wire(r, d, type(e).__name__)
    d['rcode'] = dns.rcode.to_text(m.rcode())
    d['question'] = [(q.name.to_wire(), q.rdtype, q.rdclass) for q in m.question]
    d['edns'] = m.edns
    if m.edns >= 0:
        d['payload'] = m.payload
        d['do'] = bool(m.ednsflags & dns.flags.DO)
        d['options'] = len(m.options)
    for sec in ('answer', 'authority', 'additional'):
        rrsets = set()
        for rs in getattr(m, sec):
            rrsets.add((rs.name.to_text().lower(), dns.rdatatype.to_text(rs.rdtype),
                        dns.rdataclass.to_text(rs.rdclass), rs.ttl,
                        tuple(sorted(rd.to_text().lower() for rd in rs))))
        d[sec] = rrsets
    return d


def summarize_wire(r, d, why):
    """summarize() by tests/dns/dnswire.py, for a reply dnspython will not
    read (a TSIG it has no key for, RDATA it knows a stricter form of)."""
    try:
        m = dnswire.parse(r)
    except dnswire.WireError as e:
        d['parse'] = '%s, %s' % (why, e)
        d['raw'] = r[2:].hex()  # every byte
        return d
    d['parse'] = 'dnswire'
    d['question'] = [(dnswire.name_wire(lb).lower(), t, c) for lb, t, c in m['question']]
    for sec in ('answer', 'authority', 'additional'):
        rrsets = set()
        for lb, t, c, ttl, rd in m[sec]:
            if t == 41:
                d['opt'] = (c, ttl, rd)
                continue
            rrsets.add((dnswire.name_text(lb).lower(), t, c, ttl, rd.hex()))
        d[sec] = rrsets
    return d


def compare(a, b):
    diffs = []
    for k in sorted(set(a) | set(b)):
        if k == 'id':
            continue
        if a.get(k) != b.get(k):
            if isinstance(a.get(k), set) and isinstance(b.get(k), set):
                diffs.append('%s: only A %s; only B %s' % (k, sorted(a[k] - b[k]), sorted(b[k] - a[k])))
            else:
                diffs.append('%s: A=%r B=%r' % (k, a.get(k), b.get(k)))
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--zone', action='append', default=[], help='zone file[:origin] (repeatable)')
    ap.add_argument('--server-a', help='reference server HOST:PORT (default: start nsd)')
    ap.add_argument('--server-b', help='server under test HOST:PORT (default: start dns-sock)')
    ap.add_argument('--dns-sock', default=os.path.join(ROOT, 'build', 'tools', 'dns-sock'))
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--show-known', action='store_true', help='print the known differences too')
    ap.add_argument('--max-names', type=int, default=0, metavar='N',
                    help='query only N names picked at random (big zones)')
    ap.add_argument('--random', type=int, default=0, metavar='N',
                    help='instead of --zone: N random zones (tests/dns/genzone.py), seeds from --seed')
    ap.add_argument('--hide', default='', metavar='WHAT',
                    help='identity, version or both (comma-separated): both servers hide them '
                         '(NSD hide-identity/hide-version, --hide-identity/--hide-version)')
    ap.add_argument('--big', action='store_true',
                    help='instead of --zone: a zone of very large RRsets (genzone.big())')
    ap.add_argument('--names-only', action='store_true',
                    help='only the queries made from the zones\' names, not the fixed set of '
                         'malformed and special messages (sent once is enough: many runs)')
    ap.add_argument('--max-udp', type=int, default=0, metavar='BYTES',
                    help='skip UDP queries longer than BYTES (over a real link they would be '
                         'IP fragments, which the steering program leaves to the kernel)')
    ap.add_argument('--do', action='store_true', help='set DO=1 (and EDNS) on every query')
    ap.add_argument('--set', choices=['types'] + sorted(sign.SETS),
                    help='instead of --zone: the zones of tests/dns/zones/types/, unsigned (types) '
                         'or signed (tests/dns/sign.py), and the DNSSEC query set (dnssecq.py)')
    ap.add_argument('--nsd-b', action='store_true',
                    help='server B is a second NSD (checks the harness: expect 0 failures)')
    ap.add_argument('--keep', action='store_true', help='--set: keep the signed zones if anything failed')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    global DO_ALL
    DO_ALL = args.do
    if args.big:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import genzone
        d = tempfile.mkdtemp(prefix='dnsbig.')
        path = os.path.join(d, 'big.test.zone')
        with open(path, 'w') as f:
            f.write(genzone.big())
        r = subprocess.call([sys.executable, sys.argv[0], '--zone', path + ':big.test.',
                             '--dns-sock', args.dns_sock])
        if r:
            print('  zone kept in %s' % path)
        else:
            shutil.rmtree(d, ignore_errors=True)
        return r
    if args.random:
        rc = 0
        for seed in range(args.seed, args.seed + args.random):
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import genzone
            d = tempfile.mkdtemp(prefix='dnsrnd.')
            path = os.path.join(d, 'rnd.test.zone')
            with open(path, 'w') as f:
                f.write(genzone.gen(seed))
            argv = [sys.argv[0], '--zone', path + ':rnd.test.', '--seed', str(seed),
                    '--dns-sock', args.dns_sock]
            print('random zone seed %d:' % seed, flush=True)
            r = subprocess.call([sys.executable] + argv)
            if r:
                rc = 1
                print('  zone kept in %s' % path)
            else:
                shutil.rmtree(d, ignore_errors=True)
        return rc
    if args.set:
        return run_set(args)
    specs = args.zone or sorted(glob.glob(os.path.join(ROOT, 'tests', 'dns', 'zones', '*.zone')))
    tmp = tempfile.mkdtemp(prefix='dnsdiff.')
    try:
        return run_diff(zone_args(specs), lambda zs: build_queries(zs, args.seed, args.max_names, args.names_only),
                        args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --set NAME: the zones of tests/dns/zones/types/, as they are ('types') or
# signed by tests/dns/sign.py; the query set of tests/dns/dnssecq.py
SET_DIR = os.path.join(ROOT, 'tests', 'dns', 'zones', 'types')
SET_ZONES = {
    'types': ['types.test', 'edge.test', 'tree.test', 'child.tree.test', 'unsigned.tree.test',
              'dname.test'],
    'signed': ['types.test', 'tree.test', 'child.tree.test', 'unsigned.tree.test', 'dname.test'],
}
SET_UNSIGNED = {'unsigned.tree.test.'}  # stays unsigned in the signed sets


def run_set(args):
    names = SET_ZONES['types' if args.set == 'types' else 'signed']
    zones = zone_args([os.path.join(SET_DIR, n + '.zone') for n in names])
    tmp = tempfile.mkdtemp(prefix='dnsdiff-%s.' % args.set)
    keep = False
    try:
        import genzone
        sized = os.path.join(tmp, 'sized.test.zone')
        with open(sized, 'w') as f:
            f.write(genzone.sized(over=args.set != 'knot'))
        zones += zone_args([sized])
        for path, origin in zones:
            r = subprocess.run(['nsd-checkzone', origin, path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            if r.returncode:
                print('FAIL nsd-checkzone refuses %s: %s' % (path, r.stdout.strip()[-300:]))
                return 1
        if args.set != 'types':
            try:
                signed = sign.sign_set(args.set, zones, SET_UNSIGNED, tmp, start_nsd)
                for (path, _), (spath, _) in zip(zones, signed):
                    if path != spath:
                        was = os.path.relpath(path, ROOT) if path.startswith(ROOT + '/') else \
                            '%s from genzone.py' % os.path.basename(path)
                        ORIGINAL[spath] = '%s signed for set %s' % (was, args.set)
                zones = signed
            except sign.SignError as e:
                print('FAIL signing the %s set: %s' % (args.set, e))
                keep = True
                return 1
        recs = sign.records(zones, tmp, start_nsd)

        def queries(zs):
            return dnssecq.build({o: recs[o] for _, o in zs}, args.seed, args.max_names)
        r = run_diff(zones, queries, args, tmp)
        keep = bool(r) and args.keep
        return r
    finally:
        if keep:
            print('  zones kept in %s' % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# signed zone file -> what it was made from, for the messages
ORIGINAL = {}


def refused_zone(err, zones):
    """(message, zone) when dns-sock's start failed on one of zones."""
    for line in str(err).splitlines():
        m = re.match(r'dns-sock: (.+?):(\d+): (.*)$', line)
        if m:
            for z in zones:
                if os.path.abspath(m.group(1)) == z[0]:
                    was = ORIGINAL.get(z[0])
                    return '%s:%s: %s%s' % (m.group(1), m.group(2), m.group(3),
                                            ' (%s)' % was if was else ''), z
            return line, None
    return None, None


def stop(procs):
    for p in procs:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
    del procs[:]


def run_diff(zones, queries, args, tmp):
    """Start the servers on zones (a zone dns-sock refuses is reported, as
    one failure, and left out of both), send queries(zones) to both and
    compare. Returns the exit code."""
    procs = []
    failed = refused = 0
    hide = [h for h in args.hide.split(',') if h]
    try:
        while True:
            if args.server_a:
                h, _, p = args.server_a.rpartition(':')
                a = (h.strip('[]'), int(p))
            else:
                p, port = start_nsd(zones, tmp, hide=hide)
                procs.append(p)
                a = ('127.0.0.1', port)
            bproc = None
            if args.server_b:
                h, _, p = args.server_b.rpartition(':')
                b = (h.strip('[]'), int(p))
                break
            try:
                if args.nsd_b:
                    bproc, port = start_nsd(zones, tmp, name='nsd-b', hide=hide)
                else:
                    bproc, port = start_sock(zones, tmp, args.dns_sock, hide)
            except StartError as e:
                stop(procs)
                msg, z = refused_zone(e, zones)
                if not msg:
                    raise SystemExit(str(e))
                print('FAIL zone refused by xdpstorm: %s' % msg, flush=True)
                failed += 1
                refused += 1
                if z is None or len(zones) == 1:
                    print('dnsdiff: 0 passed, %d failed (0 known differences), %d zones refused'
                          % (failed, refused))
                    return 1
                zones = [x for x in zones if x != z]
                continue
            procs.append(bproc)
            b = ('127.0.0.1', port)
            break
        passed = known = skipped = silent = b_quiet = 0
        qs = queries(zones)
        for i, (label, wire, tcp) in enumerate(qs):
            if args.max_udp and not tcp and len(wire) > args.max_udp:
                skipped += 1
                continue
            # a server under test that stops answering costs 0.3 s a query,
            # not 2 s, once it has been silent 10 times in a row
            ra, rb = ask(a, wire, tcp), ask(b, wire, tcp, 2.0 if b_quiet < 10 else 0.3)
            b_quiet = b_quiet + 1 if rb is None else 0
            silent += ra is None
            if rb is None and bproc is not None and bproc.poll() is not None:
                print('FAIL %s: server B exited (rc %s); %d queries not sent'
                      % (label, bproc.returncode, len(qs) - i))
                failed += len(qs) - i
                break
            if b_quiet >= 50:
                print('FAIL %s: server B did not answer 50 queries in a row; %d queries not sent'
                      % (label, len(qs) - i - 1))
                failed += len(qs) - i
                break
            diffs = compare(summarize(ra), summarize(rb))
            if not diffs:
                passed += 1
                if args.verbose:
                    print('ok   %s%s' % (label, ' (tcp)' if tcp else ''))
            elif is_known(label + (' (tcp)' if tcp else '')):
                known += 1
                if args.show_known:
                    print('KNOWN %s: %s' % (label, '; '.join(diffs)))
            else:
                failed += 1
                print('FAIL %s%s: %s' % (label, ' (tcp)' if tcp else '', '; '.join(diffs)))
        if skipped:
            print('dnsdiff: %d UDP queries longer than %d bytes skipped' % (skipped, args.max_udp))
        print('dnsdiff: %d passed, %d failed (%d known differences)%s%s'
              % (passed, failed, known, ', %d zones refused' % refused if refused else '',
                 ', %d queries A did not answer' % silent if silent else ''))
        return 1 if failed else 0
    finally:
        stop(procs)


if __name__ == '__main__':
    sys.exit(main())
