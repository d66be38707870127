#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal DNS wire reader for the differential test (tests/dns/diff.py):
reads any message field by field, whatever types it carries, where
dnspython would refuse RDATA it knows a stricter form of (a SvcParam NSD
accepts, an odd LOC), and copies a zone out of a server by AXFR.

Names are decompressed in the owners and in the RDATA of the types whose
names RFC 1035 and NSD compress (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR,
MINFO, MX), so two servers that compress differently read the same; any
other RDATA is kept as bytes."""
import socket
import struct
import time

import dns.name

# type -> where its compressible names are: a list of ('n' name | int bytes)
COMPRESSED = {2: 'n', 3: 'n', 4: 'n', 5: 'n', 6: 'nn', 7: 'n', 8: 'n', 9: 'n',
              12: 'n', 14: 'nn', 15: [2, 'n']}


class WireError(ValueError):
    pass


def read_name(msg, off):
    """(labels, offset after the name in place); follows pointers backwards."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(msg):
            raise WireError('name past the end')
        n = msg[off]
        if n & 0xc0 == 0xc0:
            if off + 1 >= len(msg):
                raise WireError('pointer past the end')
            ptr = (n & 0x3f) << 8 | msg[off + 1]
            if end is None:
                end = off + 2
            hops += 1
            if ptr >= off or hops > 128:
                raise WireError('bad pointer')
            off = ptr
            continue
        if n & 0xc0:
            raise WireError('label type %#x' % n)
        off += 1
        if n == 0:
            break
        if off + n > len(msg):
            raise WireError('label past the end')
        labels.append(bytes(msg[off:off + n]))
        off += n
    if sum(len(x) + 1 for x in labels) + 1 > 255:
        raise WireError('name too long')
    return labels, (end if end is not None else off)


def name_wire(labels):
    return b''.join(bytes([len(x)]) + x for x in labels) + b'\x00'


def name_text(labels):
    return dns.name.Name(tuple(labels) + (b'',)).to_text()


def rdata_plain(msg, off, rdlen, rtype):
    """The RDATA with its compressed names written out in full."""
    end = off + rdlen
    shape = COMPRESSED.get(rtype)
    if not shape:
        return bytes(msg[off:end])
    out = b''
    p = off
    for part in (shape if isinstance(shape, list) else list(shape)):
        if part == 'n':
            labels, p = read_name(msg, p)
            out += name_wire(labels)
        else:
            out += bytes(msg[p:p + part])
            p += part
    if p > end:
        raise WireError('rdata past its length')
    return out + bytes(msg[p:end])


def parse(msg):
    """{'id','flags','question':[(labels,type,class)],'answer'|'authority'|
    'additional': [(labels, type, class, ttl, rdata)]}; raises WireError."""
    if len(msg) < 12:
        raise WireError('short header')
    mid, flags, qd, an, ns, ar = struct.unpack('!HHHHHH', msg[:12])
    off = 12
    out = {'id': mid, 'flags': flags, 'question': []}
    for _ in range(qd):
        labels, off = read_name(msg, off)
        if off + 4 > len(msg):
            raise WireError('question past the end')
        t, c = struct.unpack('!HH', msg[off:off + 4])
        off += 4
        out['question'].append((labels, t, c))
    for sec, n in (('answer', an), ('authority', ns), ('additional', ar)):
        rrs = []
        for _ in range(n):
            labels, off = read_name(msg, off)
            if off + 10 > len(msg):
                raise WireError('record past the end')
            t, c, ttl, rdlen = struct.unpack('!HHIH', msg[off:off + 10])
            off += 10
            if off + rdlen > len(msg):
                raise WireError('rdata past the end')
            rrs.append((labels, t, c, ttl, rdata_plain(msg, off, rdlen, t)))
            off += rdlen
        out[sec] = rrs
    if off != len(msg):
        raise WireError('%d bytes after the last record' % (len(msg) - off))
    return out


def axfr(host, port, zone, timeout=5.0):
    """Every record of zone (text name) from host:port by AXFR over TCP, as
    (labels, type, class, ttl, rdata), the closing SOA left out."""
    q = struct.pack('!HHHHHH', 0x4158, 0, 1, 0, 0, 0) + \
        dns.name.from_text(zone).to_wire() + struct.pack('!HH', 252, 1)
    s = socket.create_connection((host, port), timeout)
    rrs = []
    soas = 0
    deadline = time.time() + 60
    try:
        s.sendall(struct.pack('!H', len(q)) + q)
        buf = b''
        while soas < 2:
            while len(buf) < 2 or len(buf) < 2 + struct.unpack('!H', buf[:2])[0]:
                if time.time() > deadline:
                    raise WireError('AXFR of %s: no end after 60 s' % zone)
                c = s.recv(65536)
                if not c:
                    raise WireError('AXFR of %s: connection closed after %d records' % (zone, len(rrs)))
                buf += c
            n = struct.unpack('!H', buf[:2])[0]
            m = parse(buf[2:2 + n])
            buf = buf[2 + n:]
            if m['flags'] & 15:
                raise WireError('AXFR of %s: rcode %d' % (zone, m['flags'] & 15))
            for rr in m['answer']:
                if rr[1] == 6:
                    soas += 1
                    if soas == 2:
                        break
                rrs.append(rr)
    finally:
        s.close()
    return rrs
