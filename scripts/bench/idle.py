#!/usr/bin/env python3
"""Opens N HTTP/2 connections to a server and holds them, idle, for scripts/bench.sh (scenario S5).

Each connection does the whole HTTP/2 opening and then says nothing more: TCP, TLS with ALPN h2
(or, with --h2c, cleartext with prior knowledge), the client preface with an empty SETTINGS, the
server's SETTINGS acknowledged, and the ACK of ours received (RFC 9113 §3.4, §6.5.3). A server
that refuses a connection (closes it, resets it, sends GOAWAY, or keeps it waiting more than
--timeout seconds during the opening) simply holds one connection fewer.

Once all N are tried it checks which are still open and prints one line, `held K of N`, to
stdout; then it holds them until SIGTERM, SIGINT or --hold seconds, whichever comes first.
Standard library only.
"""

import argparse
import select
import signal
import socket
import ssl
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = 0x4
GOAWAY = 0x7
ACK = 0x1


def empty_frame(kind, flags):
    """A frame on stream 0 with no payload: the 9-octet header of RFC 9113 §4.1 alone."""
    return bytes([0, 0, 0, kind, flags, 0, 0, 0, 0])


def frames(buffer):
    """Splits the whole frames off the front of `buffer`: ([(type, flags)], the rest)."""
    found = []
    while len(buffer) >= 9:
        length = int.from_bytes(buffer[:3], "big")
        if len(buffer) < 9 + length:
            break
        found.append((buffer[3], buffer[4]))
        buffer = buffer[9 + length :]
    return found, buffer


def open_one(host, port, tls, timeout):
    """One connection through the HTTP/2 opening, or None when the server does not complete it."""
    sock = None
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=host)
            if sock.selected_alpn_protocol() != "h2":
                sock.close()
                return None
        sock.sendall(PREFACE + empty_frame(SETTINGS, 0))
        theirs = ours_acked = False
        buffer = b""
        while not (theirs and ours_acked):
            data = sock.recv(65536)
            if not data:
                sock.close()
                return None
            found, buffer = frames(buffer + data)
            for kind, flags in found:
                if kind == GOAWAY:
                    sock.close()
                    return None
                if kind == SETTINGS and flags & ACK:
                    ours_acked = True
                elif kind == SETTINGS:
                    theirs = True
                    sock.sendall(empty_frame(SETTINGS, ACK))
        return sock
    except (OSError, ssl.SSLError):
        if sock is not None:
            sock.close()
        return None


def still_open(sock):
    """False when the server has closed the connection or sent GOAWAY since the opening."""
    sock.setblocking(False)
    buffer = b""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return False
            found, buffer = frames(buffer + data)
            if any(kind == GOAWAY for kind, _ in found):
                return False
    except (ssl.SSLWantReadError, BlockingIOError):
        return True
    except (OSError, ssl.SSLError):
        return False
    finally:
        sock.setblocking(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int, help="how many connections to open (N)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--h2c", action="store_true", help="cleartext with prior knowledge")
    parser.add_argument("--timeout", type=float, default=10, help="seconds for one opening")
    parser.add_argument("--hold", type=float, default=600, help="seconds to hold at most")
    args = parser.parse_args()

    tls = None
    if not args.h2c:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        tls.set_alpn_protocols(["h2"])

    # Stop on SIGTERM as on Ctrl-C: the connections close when the process ends.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        opened = [open_one(args.host, args.port, tls, args.timeout) for _ in range(args.count)]
        held = [sock for sock in opened if sock is not None]
        # poll(), not select(): select() cannot watch descriptors past 1023.
        poller = select.poll()
        for sock in held:
            poller.register(sock, select.POLLIN)
        spoken = {fd for fd, _ in poller.poll(0)}
        kept = []
        for sock in held:
            if sock.fileno() in spoken and not still_open(sock):
                sock.close()
            else:
                kept.append(sock)
        print(f"held {len(kept)} of {args.count}", flush=True)
        time.sleep(args.hold)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
