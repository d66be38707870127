#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted Ethernet frames for the netns suites: spoofed, foreign, martian,
extension-header and oversized DNS queries sent raw (AF_PACKET) from the
client end of a testbed veth, and a capture of what comes back (every frame
from UDP port 53, whatever its destination MAC: a reply to a broadcast or to
another host's MAC shows up here too).

  frames.py probe --iface IF --cli-mac M --srv-mac M --cli4 A --srv4 A
                  --cli6 A --srv6 A [--case NAME...] [--prefill] [--wait S]

prints one line per case: "CASE replies=N [dst-mac=... src-mac=... dst=...]".
--prefill first sends each case's question from the real client address (a
legitimate query), so that a precopy server holds a ready copy when the
spoofed one arrives: the reflection scenario.

Only standard library; needs root (raw sockets) and is run by the netns
suites inside their own namespaces.
"""
import argparse
import ipaddress
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def dns_query(qid, name, qtype=1, edns=False, pad=0):
    hdr = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    q = b''.join(bytes([len(l)]) + l.encode() for l in name.strip('.').split('.')) + b'\0'
    q += struct.pack('!HH', qtype, 1)
    if edns:
        opts = b''
        if pad:
            opts = struct.pack('!HH', 12, pad) + b'\0' * pad
        q += b'\0' + struct.pack('!HHIH', 41, 1232, 0, len(opts)) + opts
    return hdr + q


def udp4(src, dst, sport, dport, payload, csum_zero=False):
    ulen = 8 + len(payload)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 17, ulen)
    u = struct.pack('!HHHH', sport, dport, ulen, 0) + payload
    c = 0 if csum_zero else (~csum(ph + u) & 0xffff) or 0xffff
    u = u[:6] + struct.pack('!H', c) + u[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 0x1234, 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', ~csum(ip) & 0xffff) + ip[12:]
    return ip + u


def udp6(src, dst, sport, dport, payload, csum_zero=False, ext=b'', first_nh=None):
    ulen = 8 + len(payload)
    s6 = socket.inet_pton(socket.AF_INET6, src)
    d6 = socket.inet_pton(socket.AF_INET6, dst)
    ph = s6 + d6 + struct.pack('!IxxxB', ulen, 17)
    u = struct.pack('!HHHH', sport, dport, ulen, 0) + payload
    c = 0 if csum_zero else (~csum(ph + u) & 0xffff) or 0xffff
    u = u[:6] + struct.pack('!H', c) + u[8:]
    nh = first_nh if ext else 17
    ip = struct.pack('!IHBB16s16s', 0x60000000, len(ext) + ulen, nh, 64, s6, d6)
    return ip + ext + u


def eth(dst, src, ethertype, payload, vlan=None):
    if vlan is not None:
        return dst + src + struct.pack('!HHH', 0x8100, vlan, ethertype) + payload
    return dst + src + struct.pack('!H', ethertype) + payload


def hbh(nh=17):
    """An 8-byte hop-by-hop header holding a PadN option."""
    return bytes([nh, 0, 1, 4, 0, 0, 0, 0])


def cases(a):
    """name -> (frame, should_answer). Each question names a different host
    so that a reply in the capture belongs to one case only."""
    cm, sm = mac(a.cli_mac), mac(a.srv_mac)
    net4 = ipaddress.ip_interface(a.srv4 + '/30').network
    bcast4 = str(net4.broadcast_address)
    q = lambda n, **kw: dns_query(0x4000 + sum(n.encode()) % 0x3fff, n + '.example.test', **kw)
    c = {}
    c['legit4'] = (eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 40001, 53, q('www'))), True)
    c['legit6'] = (eth(sm, cm, 0x86dd, udp6(a.cli6, a.srv6, 40002, 53, q('mail'))), True)
    c['src_mac_bcast'] = (eth(sm, b'\xff' * 6, 0x0800, udp4(a.cli4, a.srv4, 40003, 53, q('ns1'))), False)
    c['src_mac_stp'] = (eth(sm, mac('01:80:c2:00:00:00'), 0x0800,
                            udp4(a.cli4, a.srv4, 40004, 53, q('ns1'))), False)
    c['dst_mac_bcast'] = (eth(b'\xff' * 6, cm, 0x0800, udp4(a.cli4, a.srv4, 40005, 53, q('ns1'))), False)
    c['dst_mac_foreign'] = (eth(mac('02:de:ad:be:ef:01'), cm, 0x0800,
                                udp4(a.cli4, a.srv4, 40006, 53, q('ns1'))), False)
    c['src4_bcast'] = (eth(sm, cm, 0x0800, udp4('255.255.255.255', a.srv4, 40007, 53, q('ns1'))), False)
    c['src4_mdns'] = (eth(sm, cm, 0x0800, udp4('224.0.0.251', a.srv4, 5353, 53, q('ns1'))), False)
    c['src4_zero'] = (eth(sm, cm, 0x0800, udp4('0.0.0.0', a.srv4, 40008, 53, q('ns1'))), False)
    c['src4_loopback'] = (eth(sm, cm, 0x0800, udp4('127.0.0.1', a.srv4, 40009, 53, q('ns1'))), False)
    c['src4_own'] = (eth(sm, cm, 0x0800, udp4(a.srv4, a.srv4, 40010, 53, q('ns1'))), False)
    c['src4_subnet_bcast'] = (eth(sm, cm, 0x0800, udp4(bcast4, a.srv4, 40011, 53, q('ns1'))), False)
    c['sport_zero'] = (eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 0, 53, q('ns1'))), False)
    c['src6_unspec'] = (eth(sm, cm, 0x86dd, udp6('::', a.srv6, 40012, 53, q('ns1'))), False)
    c['src6_loopback'] = (eth(sm, cm, 0x86dd, udp6('::1', a.srv6, 40013, 53, q('ns1'))), False)
    c['src6_mcast'] = (eth(sm, cm, 0x86dd, udp6('ff02::1', a.srv6, 40014, 53, q('ns1'))), False)
    c['src6_own'] = (eth(sm, cm, 0x86dd, udp6(a.srv6, a.srv6, 40015, 53, q('ns1'))), False)
    c['src6_v4mapped'] = (eth(sm, cm, 0x86dd, udp6('::ffff:' + a.cli4, a.srv6, 40016, 53, q('ns1'))),
                          False)
    c['vlan_none'] = (eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 40017, 53, q('ns1')), vlan=999), False)
    c['v6_hbh'] = (eth(sm, cm, 0x86dd, udp6(a.cli6, a.srv6, 40018, 53, q('hbh'), ext=hbh(), first_nh=0)),
                   True)
    c['v6_csum_zero'] = (eth(sm, cm, 0x86dd, udp6(a.cli6, a.srv6, 40019, 53, q('ns1'), csum_zero=True)),
                         False)
    c['big_query'] = (eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 40020, 53,
                                               q('big', edns=True, pad=1540))), True)
    c['huge_query'] = (eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 40021, 53,
                                                q('huge', edns=True, pad=5800))), False)
    return c


def prefill_frame(a, frame):
    """The same question from the real client (right MACs and addresses)."""
    cm, sm = mac(a.cli_mac), mac(a.srv_mac)
    off = 14
    et = struct.unpack('!H', frame[12:14])[0]
    if et == 0x8100:
        et = struct.unpack('!H', frame[16:18])[0]
        off = 18
    if et == 0x0800:
        ihl = (frame[off] & 15) * 4
        dns = frame[off + ihl + 8:]
        return eth(sm, cm, 0x0800, udp4(a.cli4, a.srv4, 41000, 53, dns))
    nh, p = frame[off + 6], off + 40
    while nh in (0, 43, 60):
        nh, p = frame[p], p + 8 + 8 * frame[p + 1]
    dns = frame[p + 8:]
    return eth(sm, cm, 0x86dd, udp6(a.cli6, a.srv6, 41000, 53, dns))


def replies(sock, until):
    """Frames from UDP port 53 seen until time 'until': (dst mac, src mac, dst ip, dns id)."""
    out = []
    while True:
        left = until - time.time()
        if left <= 0:
            return out
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            continue
        f = sock.recv(65536)
        off, et = 14, struct.unpack('!H', f[12:14])[0]
        if et == 0x8100:
            off, et = 18, struct.unpack('!H', f[16:18])[0]
        if et == 0x0800 and len(f) >= off + 28 and f[off + 9] == 17:
            ihl = (f[off] & 15) * 4
            u = off + ihl
            if struct.unpack('!H', f[u:u + 2])[0] == 53:
                out.append((f[:6], f[6:12], socket.inet_ntoa(f[off + 16:off + 20]),
                            struct.unpack('!H', f[u + 8:u + 10])[0]))
        elif et == 0x86dd and len(f) >= off + 48 and f[off + 6] == 17:
            u = off + 40
            if struct.unpack('!H', f[u:u + 2])[0] == 53:
                out.append((f[:6], f[6:12],
                            socket.inet_ntop(socket.AF_INET6, f[off + 24:off + 40]),
                            struct.unpack('!H', f[u + 8:u + 10])[0]))


def hexmac(b):
    return ':'.join('%02x' % x for x in b)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('cmd', choices=['probe', 'list'])
    for o in ('iface', 'cli-mac', 'srv-mac', 'cli4', 'srv4', 'cli6', 'srv6'):
        p.add_argument('--' + o)
    p.add_argument('--case', action='append')
    p.add_argument('--prefill', action='store_true')
    p.add_argument('--wait', type=float, default=0.4)
    a = p.parse_args()
    all_cases = cases(a) if a.cmd == 'probe' else {}
    if a.cmd == 'list':
        print(' '.join(sorted(cases(argparse.Namespace(cli_mac='02:00:00:00:00:01',
                                                        srv_mac='02:00:00:00:00:02',
                                                        cli4='198.18.0.2', srv4='198.18.0.1',
                                                        cli6='fd00::2', srv6='fd00::1')))))
        return 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    for name in a.case or sorted(all_cases):
        frame, _ = all_cases[name]
        if a.prefill:
            s.send(prefill_frame(a, frame))
            time.sleep(0.05)
            replies(s, time.time() + 0.2)  # drain the legitimate answer
        s.send(frame)
        got = replies(s, time.time() + a.wait)
        line = '%s replies=%d' % (name, len(got))
        for dm, sm, dip, _ in got:
            line += ' [dst-mac=%s src-mac=%s dst=%s]' % (hexmac(dm), hexmac(sm), dip)
        print(line, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
