#!/usr/bin/env python3
"""Holds many idle HTTP/2 connections to h2lab and measures what they cost it.

    python3 scripts/idle-conns.py [--count 10000] [--h2c]
    python3 scripts/idle-conns.py --port PORT --pid SERVER_PID [--count 10000] [--h2c]

Without --port it starts target/release/h2lab itself (cargo build --release first) with room for
the connections and timeouts longer than the measurement, and at the end stops it with SIGTERM:
every connection answers the shutdown's PING, and the script reports both GOAWAYs, how long the
graceful stop took and the exit status.

Opens COUNT connections (TLS with ALPN h2 unless --h2c), each sending the preface, SETTINGS, the
ACK of the server's SETTINGS, one request (GET /) and one PING, and waits for every PING's ACK:
clients that have been served and stay connected, as a browser's do. Run the server with
--idle-timeout longer than the measurement (a few minutes for 10,000). While they are held it
measures, on the server process:
  - its resident memory (VmRSS) before and after, and so the memory per idle connection;
  - how long a new client (curl, over TLS and over h2c) takes to get a response;
  - its CPU time over a quiet period, as a share of one core;
and at the end checks that every held connection still answers a PING. Prints one line per figure
and, last, one JSON line with all of them.

Loopback only; every wait is bounded. Needs `ulimit -n` above COUNT for this process (it raises its
own soft limit to the hard one) and for the server.
"""

import argparse
import json
import os
import re
import resource
import selectors
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = bytes.fromhex("000000040000000000")
SETTINGS_ACK = bytes.fromhex("000000040100000000")
PING_TYPE = 0x6
GOAWAY_TYPE = 0x7


def get_root(scheme_index: int) -> bytes:
    """HEADERS with END_STREAM and END_HEADERS on stream 1: GET / from the static table (RFC 7541
    Appendix A: :method GET 2, :scheme http 6 / https 7, :path / 4) and :authority localhost as a
    literal with an indexed name (index 1)."""
    block = bytes([0x82, 0x80 | scheme_index, 0x84, 0x41, 9]) + b"localhost"
    return struct.pack(">I", len(block))[1:] + bytes([0x1, 0x5]) + struct.pack(">I", 1) + block


def ping(opaque: bytes) -> bytes:
    return struct.pack(">I", 8)[1:] + bytes([PING_TYPE, 0]) + struct.pack(">I", 0) + opaque


def status(pid: int, field: str) -> int:
    """A number from /proc/PID/status (VmRSS in KiB, Threads)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class Conn:
    """One held connection: its socket, its TLS object, what is left to send, what it read."""

    def __init__(self, sock, tls):
        # The TLS socket takes over the plain one's descriptor: select on whichever is in use.
        self.sock = tls if tls is not None else sock
        self.tls = tls
        self.handshaken = tls is None
        self.out = b""
        self.inbuf = b""
        self.acked = False
        # (last stream id, error code) of each GOAWAY received.
        self.goaways = []
        self.closed = False


def frames_in(conn: Conn):
    """Takes whole frames off conn.inbuf: yields (type, flags, payload)."""
    while len(conn.inbuf) >= 9:
        length = int.from_bytes(conn.inbuf[:3], "big")
        if len(conn.inbuf) < 9 + length:
            return
        kind, flags, payload = conn.inbuf[3], conn.inbuf[4], conn.inbuf[9:9 + length]
        conn.inbuf = conn.inbuf[9 + length:]
        yield kind, flags, payload


def on_frame(conn: Conn, selector, kind: int, flags: int, payload: bytes):
    if kind == PING_TYPE and flags & 0x1:
        conn.acked = True
    elif kind == PING_TYPE:
        # RFC 9113 §6.7: a PING is answered with the same payload and ACK; the server's
        # graceful shutdown waits for it.
        conn.out += struct.pack(">I", 8)[1:] + bytes([PING_TYPE, 0x1]) + bytes(4) + payload
        selector.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
    elif kind == GOAWAY_TYPE:
        conn.goaways.append(struct.unpack(">II", payload[:8]))


def pump(conns, selector, deadline, done, closing=False):
    """Drives handshakes, writes and reads until done() or the deadline. A connection the server
    closes is reported, unless `closing` (the server is stopping)."""
    while not done() and time.monotonic() < deadline:
        for key, events in selector.select(timeout=0.5):
            conn = key.data
            try:
                if not conn.handshaken:
                    try:
                        conn.tls.do_handshake()
                        conn.handshaken = True
                        selector.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
                    except ssl.SSLWantReadError:
                        selector.modify(conn.sock, selectors.EVENT_READ, conn)
                        continue
                    except ssl.SSLWantWriteError:
                        selector.modify(conn.sock, selectors.EVENT_WRITE, conn)
                        continue
                if conn.out:
                    try:
                        sent = conn.sock.send(conn.out)
                        conn.out = conn.out[sent:]
                    except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                        pass
                    if not conn.out:
                        selector.modify(conn.sock, selectors.EVENT_READ, conn)
                if events & selectors.EVENT_READ:
                    try:
                        data = conn.sock.recv(65536)
                    except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                        continue
                    if not data:
                        raise ConnectionError("closed by the server")
                    conn.inbuf += data
                    for kind, flags, payload in frames_in(conn):
                        on_frame(conn, selector, kind, flags, payload)
            except (OSError, ConnectionError) as e:
                if not closing:
                    print(f"idle-conns: a connection failed: {e}", file=sys.stderr)
                conn.closed = True
                selector.unregister(conn.sock)
                conns.remove(conn)


def connect_all(args, context):
    selector = selectors.DefaultSelector()
    conns = []
    hello = PREFACE + SETTINGS + SETTINGS_ACK + get_root(6 if context is None else 7) + ping(b"idle-one")
    for i in range(args.count):
        sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
        sock.setblocking(False)
        tls = None
        if context is not None:
            tls = context.wrap_socket(sock, server_hostname="localhost", do_handshake_on_connect=False)
        conn = Conn(sock, tls)
        conn.out = hello
        conns.append(conn)
        selector.register(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
        # Handshake in batches, so that the listen backlog and the server's threads keep up.
        if (i + 1) % args.batch == 0:
            pump(conns, selector, time.monotonic() + 60, lambda: all(c.acked for c in conns))
    pump(conns, selector, time.monotonic() + 120, lambda: all(c.acked for c in conns))
    return conns, selector


def ping_all(conns, selector):
    for conn in conns:
        conn.acked = False
        conn.out = ping(b"still-up")
        selector.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
    pump(conns, selector, time.monotonic() + 120, lambda: all(c.acked for c in conns))
    return sum(1 for c in conns if c.acked)


def new_client_seconds(port: int, tls: bool) -> float:
    url = f"https://127.0.0.1:{port}/" if tls else f"http://127.0.0.1:{port}/"
    flags = ["--http2", "-k"] if tls else ["--http2-prior-knowledge"]
    out = subprocess.run(
        ["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code} %{time_total}"]
        + flags + [url],
        capture_output=True, text=True, check=False)
    code, seconds = (out.stdout.split() + ["0", "nan"])[:2]
    if code != "200":
        print(f"idle-conns: the new client got {code}: {out.stderr.strip()}", file=sys.stderr)
        return float("nan")
    return float(seconds)


def start_server(count: int):
    """target/release/h2lab on a free port, serving a folder with one small index.html."""
    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.path.join(here, "..", "target", "release", "h2lab")
    root = tempfile.mkdtemp(prefix="h2lab-idle-")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<h1>idle</h1>\n")
    server = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--max-connections", str(count + 100),
         "--idle-timeout", "3600", "--first-request-timeout", "3600", root],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "RUST_LOG": "h2lab=info"})
    port = None
    for line in server.stderr:
        match = re.search(r"^h2lab: serving .* on https://127\.0\.0\.1:(\d+)/", line)
        if match:
            port = int(match.group(1))
            break
    if port is None:
        sys.exit("idle-conns: h2lab did not start")
    # Keep its log flowing (a full pipe would stop it), and keep the last lines.
    server.log_tail = []
    def drain():
        for line in server.stderr:
            server.log_tail = (server.log_tail + [line.rstrip()])[-5:]
    threading.Thread(target=drain, daemon=True).start()
    return server, port


def stop_server(server, conns, selector):
    """SIGTERM while the connections are held; answers the shutdown's PINGs; reports."""
    all_conns = list(conns)
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    pump(conns, selector, time.monotonic() + 30, lambda: not conns, closing=True)
    try:
        status = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        status = None
    took = time.monotonic() - started
    both = sum(1 for c in all_conns if [g[0] for g in c.goaways[:2]] == [0x7fffffff, 1])
    print(f"SIGTERM: exit status {status} after {took:.2f} s; {both} of {len(all_conns)} "
          f"connections saw GOAWAY 2^31-1 then GOAWAY 1; {len(conns)} not closed")
    for line in server.log_tail:
        print(f"  h2lab: {line}")
    return {"stop_seconds": round(took, 2), "exit_status": status, "both_goaways": both}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help="an h2lab already running (with --pid)")
    parser.add_argument("--pid", type=int, help="the server's process id")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--quiet-seconds", type=float, default=10.0)
    parser.add_argument("--h2c", action="store_true", help="cleartext h2c instead of TLS")
    args = parser.parse_args()

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server = None
    if args.port is None:
        server, args.port = start_server(args.count)
        args.pid = server.pid
    context = None
    if not args.h2c:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])

    rss_before = status(args.pid, "VmRSS")
    started = time.monotonic()
    conns, selector = connect_all(args, context)
    took = time.monotonic() - started
    held = sum(1 for c in conns if c.acked)
    time.sleep(1)
    rss_after = status(args.pid, "VmRSS")
    per_conn = (rss_after - rss_before) / max(held, 1)
    print(f"held {held} of {args.count} {'h2c' if args.h2c else 'TLS'} connections "
          f"(opened in {took:.1f} s)")
    print(f"server RSS {rss_before} KiB before, {rss_after} KiB with them: "
          f"{per_conn:.1f} KiB per idle connection; threads {status(args.pid, 'Threads')}, "
          f"open files {open_fds(args.pid)}")

    new_tls = new_client_seconds(args.port, True)
    new_h2c = new_client_seconds(args.port, False)
    print(f"a new client while they are held: {new_tls * 1000:.1f} ms over TLS, "
          f"{new_h2c * 1000:.1f} ms over h2c")

    cpu0, wall0 = cpu_seconds(args.pid), time.monotonic()
    time.sleep(args.quiet_seconds)
    cpu1, wall1 = cpu_seconds(args.pid), time.monotonic()
    cpu_share = 100 * (cpu1 - cpu0) / (wall1 - wall0)
    print(f"server CPU while they are idle: {cpu_share:.2f} % of one core "
          f"over {wall1 - wall0:.0f} s")

    answered = ping_all(conns, selector)
    print(f"{answered} of {held} still answer a PING")
    stop = stop_server(server, conns, selector) if server else {}
    print(json.dumps({
        "transport": "h2c" if args.h2c else "tls", "count": args.count, "held": held,
        "rss_before_kib": rss_before, "rss_after_kib": rss_after,
        "kib_per_connection": round(per_conn, 1),
        "new_client_ms_tls": round(new_tls * 1000, 1), "new_client_ms_h2c": round(new_h2c * 1000, 1),
        "idle_cpu_percent": round(cpu_share, 2), "answered_ping": answered, **stop,
    }))
    for conn in conns:
        conn.sock.close()
    return 0 if held == args.count and answered == held else 1


if __name__ == "__main__":
    sys.exit(main())
