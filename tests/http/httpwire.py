# SPDX-License-Identifier: GPL-2.0
"""HTTP/1.x response reading for the test tools in tests/http (stdlib only).

A Response holds the status line, the header fields in order (names
lower-cased for lookup, values with OWS trimmed), and the body framed as
RFC 9112 6.3 says: none for HEAD, 1xx, 204 and 304; Content-Length bytes;
chunked decoded; else until the peer closes. Readers work on a blocking
socket with a timeout (BufReader) or on asyncio streams (read_async).
"""
import socket


class WireError(Exception):
    pass


class Response:
    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers          # [(lower name, value)]
        self.body = body
        self.raw_head = raw_head

    def get(self, name):
        """Value of the field NAME (several joined by ', '), None if absent."""
        vals = [v for n, v in self.headers if n == name]
        return ", ".join(vals) if vals else None


def parse_head(head):
    """The bytes before the blank line -> (version, status, reason, headers)."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise WireError("bad status line %r" % lines[0][:80])
    headers = []
    for line in lines[1:]:
        if b":" not in line:
            raise WireError("bad header line %r" % line[:80])
        n, v = line.split(b":", 1)
        headers.append((n.decode("latin-1").strip().lower(), v.decode("latin-1").strip(" \t")))
    return (parts[0].decode(), int(parts[1]),
            parts[2].decode("latin-1") if len(parts) > 2 else "", headers)


def body_mode(method, status, headers):
    """('none'|'length'|'chunked'|'eof', length)"""
    if method == "HEAD" or 100 <= status < 200 or status in (204, 304):
        return "none", 0
    te = [v.lower() for n, v in headers if n == "transfer-encoding"]
    if te and te[-1].endswith("chunked"):
        return "chunked", 0
    cl = [v for n, v in headers if n == "content-length"]
    if cl:
        if not cl[0].isdigit():
            raise WireError("bad Content-Length %r" % cl[0])
        return "length", int(cl[0])
    return "eof", 0


class BufReader:
    """Buffered reads from a blocking socket with a timeout."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def _more(self):
        if self.eof:
            return False
        d = self.sock.recv(262144)
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def until(self, sep, limit=1 << 20):
        while sep not in self.buf:
            if len(self.buf) > limit:
                raise WireError("no %r within %d bytes" % (sep, limit))
            if not self._more():
                raise WireError("closed after %d bytes without %r" % (len(self.buf), sep))
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def exactly(self, n):
        while len(self.buf) < n:
            if not self._more():
                raise WireError("closed after %d of %d body bytes" % (len(self.buf), n))
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def rest(self):
        while self._more():
            pass
        out, self.buf = self.buf, b""
        return out

    def closed_soon(self, wait):
        """True if the peer closes (or resets) within WAIT seconds with nothing more sent."""
        if self.buf:
            return False
        old = self.sock.gettimeout()
        self.sock.settimeout(wait)
        try:
            return not self._more()
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        finally:
            self.sock.settimeout(old)

    def response(self, method):
        head = self.until(b"\r\n\r\n")[:-4]
        version, status, reason, headers = parse_head(head)
        mode, n = body_mode(method, status, headers)
        if mode == "none":
            body = b""
        elif mode == "length":
            body = self.exactly(n)
        elif mode == "chunked":
            body = b""
            while True:
                size = int(self.until(b"\r\n")[:-2].split(b";")[0], 16)
                if size == 0:
                    while self.until(b"\r\n") != b"\r\n":
                        pass
                    break
                body += self.exactly(size)
                self.exactly(2)
        else:
            body = self.rest()
        return Response(version, status, reason, headers, body, head)


async def read_async(reader, method):
    """One response from an asyncio StreamReader (Content-Length or EOF framing)."""
    head = (await reader.readuntil(b"\r\n\r\n"))[:-4]
    version, status, reason, headers = parse_head(head)
    mode, n = body_mode(method, status, headers)
    if mode == "none":
        body = b""
    elif mode == "length":
        body = await reader.readexactly(n)
    elif mode == "eof":
        body = await reader.read()
    else:
        raise WireError("chunked response not expected here")
    return Response(version, status, reason, headers, body, head)
