#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""N HTTP connections at once, one GET on each, every body compared.

  concurrent.py --host H [--port 80] --conns N --path P --expect FILE [--timeout S]

Opens all N connections before the first request is written (asyncio), so
the server holds N established connections at the same moment; then sends
"GET P HTTP/1.1" with Connection: close on each, reads each whole response
(status line, headers, body by Content-Length) and compares the body with
FILE. Prints "concurrent: K of N ok" (and the first failures) and exits 0
only if K == N. The whole run is bounded by --timeout (default 60 s).
"""
import os
import sys

# This file's name shadows the standard "concurrent" package that asyncio
# imports: take our directory off the path until asyncio is in.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import argparse  # noqa: E402
import asyncio  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

sys.path.append(HERE)
import httpwire  # noqa: E402


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))   # root may raise hard
            return
        except (ValueError, OSError):
            need = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


async def one(i, args, want, connected, go):
    try:
        reader, writer = await asyncio.open_connection(args.host, args.port)
    except OSError as e:
        connected.set_result_once(i)
        return "conn %d: connect: %s" % (i, e)
    connected.set_result_once(i)
    try:
        await go.wait()
        host = "[%s]" % args.host if ":" in args.host else args.host
        writer.write(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: xst-concurrent\r\n"
                      "Connection: close\r\n\r\n" % (args.path, host)).encode())
        await writer.drain()
        resp = await httpwire.read_async(reader, "GET")
        if resp.status != 200:
            return "conn %d: status %d" % (i, resp.status)
        if resp.body != want:
            return "conn %d: body of %d bytes differs (want %d)" % (i, len(resp.body), len(want))
        return None
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, httpwire.WireError) as e:
        return "conn %d: %s: %s" % (i, type(e).__name__, e)
    finally:
        writer.close()


class Counter:
    """Counts finished connection attempts; sets an event when all are in."""

    def __init__(self, n):
        self.n = n
        self.done = 0
        self.event = asyncio.Event()

    def set_result_once(self, _i):
        self.done += 1
        if self.done >= self.n:
            self.event.set()


async def run(args, want):
    connected = Counter(args.conns)
    go = asyncio.Event()
    tasks = [asyncio.ensure_future(one(i, args, want, connected, go)) for i in range(args.conns)]
    await connected.event.wait()
    go.set()
    return await asyncio.gather(*tasks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--conns", type=int, required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--expect", required=True, help="file the body must equal")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    if args.conns < 1 or args.conns > 100000:
        ap.error("--conns: 1..100000")
    with open(args.expect, "rb") as f:
        want = f.read()
    raise_nofile(args.conns + 64)
    t0 = time.monotonic()
    try:
        results = asyncio.run(asyncio.wait_for(run(args, want), args.timeout))
    except asyncio.TimeoutError:
        print("concurrent: 0 of %d ok" % args.conns)
        print("concurrent: not finished within %g s" % args.timeout)
        return 1
    fails = [r for r in results if r is not None]
    ok = args.conns - len(fails)
    print("concurrent: %d of %d ok (%.2f s)" % (ok, args.conns, time.monotonic() - t0))
    for f in fails[:5]:
        print("  " + f)
    return 0 if ok == args.conns else 1


if __name__ == "__main__":
    sys.exit(main())
