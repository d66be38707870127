#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An Ethernet relay between two interfaces that reorders and duplicates frames.

  relay.py --a IF --b IF --b-mac MAC [--seconds S] [--reorder-every N]
           [--dup-every M] [--max-frames F]

Bridges interface A (the testbed's client veth end) and interface B (the
end of a second veth whose peer is the cli2 namespace) with two AF_PACKET
sockets in promiscuous mode: every frame received on B goes out on A
unchanged; from A only frames for B-MAC (cli2's MAC) or multicast go to B,
so the client namespace's own traffic on A is left alone. In each
direction, of the IPv4/IPv6 frames, every Nth is held back until one or two
(alternately) later frames have passed (reordering; a held frame is let go
after 20 ms if nothing follows), and every Mth is sent twice (duplication).
The MACs are not rewritten, so the server answers cli2's MAC.

Bounded: stops after S seconds (default 300) or F frames, or on SIGTERM /
SIGINT, then prints "relay: forwarded N (a->b X, b->a Y), reordered R,
duplicated D, oversize O, send errors E". Runs only outside the initial
network namespace.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_guard import require_test_netns  # noqa: E402

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_OUTGOING = 4
HOLD_TIMEOUT = 0.02


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, ETH_P_ALL))
    idx = socket.if_nametoindex(name)
    s.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, struct.pack("iHH8s", idx, PACKET_MR_PROMISC, 0, b""))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.setblocking(False)
    with open("/sys/class/net/%s/mtu" % name) as f:
        mtu = int(f.read())
    return s, mtu


class Direction:
    """One way through the relay, with its own counters and held frame."""

    def __init__(self, name, out, out_mtu, args, stats):
        self.name, self.out, self.mtu = name, out, out_mtu
        self.args, self.stats = args, stats
        self.n = 0
        self.held = None        # (frame, frames still to pass, deadline)
        self.depth = 1
        self.count = 0

    def send(self, frame):
        if len(frame) > self.mtu + 14:
            self.stats["oversize"] += 1
        try:
            self.out.send(frame)
        except OSError:
            self.stats["errors"] += 1

    def forward(self, frame):
        self.count += 1
        self.send(frame)
        if self.held is not None:
            f, left, dl = self.held
            if left <= 1:
                self.held = None
                self.send(f)
            else:
                self.held = (f, left - 1, dl)

    def frame(self, frame):
        self.stats["forwarded"] += 1
        is_ip = frame[12:14] in (b"\x08\x00", b"\x86\xdd")
        if not is_ip:
            return self.forward(frame)
        self.n += 1
        a = self.args
        if a.reorder_every and self.n % a.reorder_every == 0 and self.held is None:
            self.held = (frame, self.depth, time.monotonic() + HOLD_TIMEOUT)
            self.depth = 3 - self.depth          # hold by 1, then 2, then 1...
            self.stats["reordered"] += 1
            self.count += 1
            return
        self.forward(frame)
        if a.dup_every and self.n % a.dup_every == 0:
            self.send(frame)
            self.stats["duplicated"] += 1

    def expire(self, now):
        if self.held is not None and now >= self.held[2]:
            f = self.held[0]
            self.held = None
            self.send(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="toward the server (testbed client veth)")
    ap.add_argument("--b", required=True, help="toward cli2")
    ap.add_argument("--b-mac", required=True, help="cli2's MAC: frames from A for it go to B")
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--reorder-every", type=int, default=7)
    ap.add_argument("--dup-every", type=int, default=11)
    ap.add_argument("--max-frames", type=int, default=5000000)
    args = ap.parse_args()
    if not 0 < args.seconds <= 3600:
        ap.error("--seconds 0..3600")
    require_test_netns("relay")
    b_mac = bytes.fromhex(args.b_mac.replace(":", ""))
    if len(b_mac) != 6:
        ap.error("--b-mac: six bytes")

    sa, mtu_a = open_if(args.a)
    sb, mtu_b = open_if(args.b)
    stats = dict(forwarded=0, reordered=0, duplicated=0, oversize=0, errors=0)
    a2b = Direction("a->b", sb, mtu_b, args, stats)
    b2a = Direction("b->a", sa, mtu_a, args, stats)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("relay: %s <-> %s up" % (args.a, args.b), flush=True)

    end = time.monotonic() + args.seconds
    while not stop and stats["forwarded"] < args.max_frames:
        now = time.monotonic()
        if now >= end:
            break
        try:
            r, _, _ = select.select([sa, sb], [], [], min(HOLD_TIMEOUT, end - now))
        except InterruptedError:
            continue
        for s in r:
            for _ in range(64):               # drain a little, then look at the other side
                try:
                    frame, addr = s.recvfrom(65536)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError as e:            # the veth went away (relay.sh down)
                    print("relay: %s: %s" % (args.a if s is sa else args.b, e), flush=True)
                    stop.append(1)
                    break
                if addr[2] == PACKET_OUTGOING:  # our own sends and the namespace's own traffic
                    continue
                if s is sa:
                    if frame[0:6] == b_mac or frame[0] & 1:
                        a2b.frame(frame)
                else:
                    b2a.frame(frame)
        now = time.monotonic()
        a2b.expire(now)
        b2a.expire(now)
    for d in (a2b, b2a):
        d.expire(float("inf"))
    print("relay: forwarded %d (a->b %d, b->a %d), reordered %d, duplicated %d, oversize %d, "
          "send errors %d" % (stats["forwarded"], a2b.count, b2a.count, stats["reordered"],
                              stats["duplicated"], stats["oversize"], stats["errors"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
