#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Writes the seed corpus of fuzz_http_frame (tests/fuzz/fuzz_http_frame.c
# describes the record format): client conversations with the HTTP service,
# checksums left zero and acks left to the harness's fix-ups (ctl bits 0-1).
# usage: seed_http_frame.py [DIR]   (default: tests/fuzz/corpus/fuzz_http_frame)
import os
import struct
import sys

MAC_S = bytes.fromhex("026677889aaa")
MAC_C = bytes.fromhex("021122334455")
IP4_C, IP4_S = bytes([198, 18, 0, 2]), bytes([198, 18, 0, 1])
IP6_C = bytes.fromhex("fd585354000000000000000000000002")
IP6_S = bytes.fromhex("fd585354000000000000000000000001")

SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08


def seg(v6, port, seq, flags, payload=b"", mss=None):
    opts = struct.pack("!BBH", 2, 4, mss) if mss else b""
    tcp = struct.pack("!HHIIBBHHH", port, 80, seq, 0, (20 + len(opts)) // 4 << 4, flags,
                      65535, 0, 0) + opts + payload
    if v6:
        ip = struct.pack("!IHBB", 0x60000000, len(tcp), 6, 64) + IP6_C + IP6_S
        eth = MAC_S + MAC_C + b"\x86\xdd"
    else:
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0) + IP4_C + IP4_S
        eth = MAC_S + MAC_C + b"\x08\x00"
    return eth + ip + tcp


def rec(frame, fix_ack=True, tick=0):
    ctl = (1 if fix_ack else 0) | 2 | (tick << 2)
    return struct.pack("<BH", ctl, len(frame)) + frame


class Conv:
    def __init__(self, v6=False, port=40000, mss=None):
        self.v6, self.port, self.seq = v6, port, 1000 + port
        self.out = rec(seg(v6, port, self.seq, SYN, mss=mss or (1440 if v6 else 1460)), False)
        self.seq += 1
        self.out += rec(seg(v6, port, self.seq, ACK))

    def send(self, data, flags=ACK | PSH, tick=0):
        self.out += rec(seg(self.v6, self.port, self.seq, flags, data), True, tick)
        self.seq += len(data) + (1 if flags & FIN else 0)

    def acks(self, n, tick=0):
        for _ in range(n):
            self.send(b"", ACK, tick)

    def fin(self):
        self.send(b"", ACK | FIN)


def get(path, extra=""):
    return ("GET %s HTTP/1.1\r\nHost: t\r\n%s\r\n" % (path, extra)).encode()


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                          "corpus", "fuzz_http_frame")
    os.makedirs(d, exist_ok=True)
    seeds = {}

    c = Conv()
    c.send(get("/f1461.bin"))
    c.acks(3)
    c.fin()
    c.acks(1)
    seeds["v4_get_close"] = c.out

    c = Conv(v6=True, port=40001)
    c.send(get("/big.bin"))
    c.acks(20)
    c.send(get("/", "Connection: close\r\n"))
    c.acks(3)
    seeds["v6_keepalive"] = c.out

    c = Conv(port=40002)
    c.send(get("/e1.txt") + b"HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n" + get("/sub"))
    c.acks(4)
    seeds["v4_pipelined"] = c.out

    c = Conv(port=40003)
    c.send(get("/big.bin", "Range: bytes=100-2000\r\n"))
    c.acks(3)
    c.send(get("/big.bin", "Range: bytes=30000-\r\n"))
    c.acks(2)
    c.send(get("/f1460.bin", 'If-None-Match: "x", *\r\n'))
    c.acks(2)
    seeds["v4_range_304"] = c.out

    c = Conv(port=40004, mss=536)
    c.send(get("/big.bin"))
    c.acks(2, tick=63)      # the flight is lost: RTOs
    c.acks(20)
    seeds["v4_mss536_rto"] = c.out

    c = Conv(port=40005)
    c.send(b"GET /noindex/ HT")
    c.send(b"TP/1.1\r\nHo")
    c.send(b"st: t\r\n\r\n")
    c.acks(2)
    c.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd")
    c.acks(2)
    c.send(b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: t\r\n\r\n")
    c.acks(2)
    seeds["v4_split_errors"] = c.out

    c = Conv(port=40006)
    c2 = Conv(v6=True, port=40007)
    c.send(get("/f1459.bin"))
    c2.send(get("/index.html"))
    c.out += c2.out
    c.acks(2)
    c.send(b"", RST)
    seeds["two_conns_rst"] = c.out

    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


main()
