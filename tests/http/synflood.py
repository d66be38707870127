#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Spoofed TCP SYNs from random sources, bounded in count, time and rate.

  synflood.py --dst IP [--port 80] --count N --seconds S [--rate R]
              [--src-nets 198.51.100.0/24,203.0.113.0/24]

Raw socket (IPPROTO_RAW: we write the IP header), one SYN per datagram with a
random source address in --src-nets, random source port, sequence number and
IP id, MSS option, valid IP and TCP checksums. An IPv6 --dst sends IPv6 SYNs
(default sources 2001:db8:5e::/48 and 2001:db8:5f::/48). Stops after N SYNs
or S seconds, whichever comes first, never faster than --rate per second
(default 20000). Prints "synflood: sent N in T s". Runs only inside a network
namespace other than the initial one (the test's client namespace).
"""
import argparse
import ipaddress
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_guard import require_test_netns  # noqa: E402


def csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_syn(src, dst, sport, dport, seq, pseudo):
    opts = struct.pack("!BBH", 2, 4, 1460)                 # MSS 1460
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (5 + 1) << 4, 0x02, 64240, 0, 0) + opts
    c = csum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def syn4(src, dst, dport, rnd):
    sport = rnd.randint(1024, 65535)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, 24)
    tcp = tcp_syn(src, dst, sport, dport, rnd.getrandbits(32), pseudo)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), rnd.getrandbits(16), 0x4000,
                     64, socket.IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def syn6(src, dst, dport, rnd):
    sport = rnd.randint(1024, 65535)
    pseudo = src + dst + struct.pack("!IxxxB", 24, socket.IPPROTO_TCP)
    tcp = tcp_syn(src, dst, sport, dport, rnd.getrandbits(32), pseudo)
    ip = struct.pack("!IHBB16s16s", 6 << 28 | rnd.getrandbits(20), len(tcp), socket.IPPROTO_TCP,
                     64, src, dst)
    return ip + tcp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--rate", type=int, default=20000, help="SYNs per second at most")
    ap.add_argument("--src-nets", default=None)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    dst = ipaddress.ip_address(args.dst)
    v6 = dst.version == 6
    nets_s = args.src_nets or ("2001:db8:5e::/48,2001:db8:5f::/48" if v6
                               else "198.51.100.0/24,203.0.113.0/24")
    nets = [ipaddress.ip_network(n.strip(), strict=False) for n in nets_s.split(",") if n.strip()]
    if not nets or any(n.version != dst.version for n in nets):
        ap.error("--src-nets must be networks of the --dst family")
    if not (0 < args.count <= 10**8 and 0 < args.seconds <= 3600 and 0 < args.rate <= 10**6):
        ap.error("--count 1..1e8, --seconds 0..3600, --rate 1..1e6")
    require_test_netns("synflood")

    rnd = random.Random(args.seed)
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)   # implies IP(V6)_HDRINCL
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    dst_b = dst.packed
    build = syn6 if v6 else syn4
    addr = (str(dst), 0)

    sent = errors = 0
    t0 = time.monotonic()
    end = t0 + args.seconds
    batch = max(1, min(500, args.rate // 100))    # check the clock every batch
    while sent < args.count:
        now = time.monotonic()
        if now >= end:
            break
        ahead = sent / args.rate - (now - t0)      # seconds ahead of the allowed rate
        if ahead > 0:
            time.sleep(min(ahead, end - now))
            continue
        for _ in range(min(batch, args.count - sent)):
            net = nets[rnd.randrange(len(nets))]
            host = rnd.randrange(1, net.num_addresses - 1) if net.num_addresses > 2 else 0
            src = (net.network_address + host).packed
            try:
                s.sendto(build(src, dst_b, args.port, rnd), addr)
                sent += 1
            except OSError as e:          # ENOBUFS when the queue is full
                errors += 1
                if errors > 1000 and sent == 0:
                    sys.exit("synflood: cannot send: %s" % e)
    el = time.monotonic() - t0
    print("synflood: sent %d in %.2f s%s" % (sent, el, " (%d send errors)" % errors if errors else ""))
    return 0 if sent else 1


if __name__ == "__main__":
    sys.exit(main())
