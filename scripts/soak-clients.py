#!/usr/bin/env python3
"""The clients of scripts/soak.sh that are not h2load: idle ones and abusive ones, for a while.

    python3 scripts/soak-clients.py --port PORT --seconds S [--idle N] [--silent N]
                                    [--trickle N] [--pinger N] [--flood N]

Each kind keeps N connections open for S seconds, opening a new one whenever the server closes
one (which, for the abusive kinds, is what the server should do):
  idle     TLS: preface, SETTINGS, one GET /, then nothing: a browser tab left open;
  silent   connects and sends nothing;
  trickle  one octet a second of an HTTP/1.1 request head, or of a TLS record that never ends;
  pinger   h2c: a request whose stream window is 0 (the response cannot move), then a PING a
           second: a stalled stream kept busy;
  flood    h2c, the attacks of the server's limits in turn: a PING flood, Rapid Reset, resets
           provoked by WINDOW_UPDATE 0, and responses held behind a zero window.
Prints, at the end, one line per kind: connections opened and how many the server closed.
Loopback only; bounded by --seconds.
"""

import argparse
import asyncio
import ssl
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS_ACK = bytes.fromhex("000000040100000000")


def frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def settings(params) -> bytes:
    return frame(0x4, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in params))


def get_root(scheme_index: int) -> bytes:
    """GET / on stream 1, from the static table (RFC 7541 Appendix A), :authority localhost."""
    block = bytes([0x82, 0x80 | scheme_index, 0x84, 0x41, 9]) + b"localhost"
    return frame(0x1, 0x5, 1, block)


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    return context


async def drain_until_closed(reader, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        try:
            data = await asyncio.wait_for(reader.read(65536), timeout=stop_at - time.monotonic())
        except asyncio.TimeoutError:
            return
        if not data:
            return


async def idle(port, stop_at):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls_context(),
                                                   server_hostname="localhost")
    writer.write(PREFACE + settings([]) + SETTINGS_ACK + get_root(7))
    await writer.drain()
    await drain_until_closed(reader, stop_at)
    writer.close()


async def silent(port, stop_at):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await drain_until_closed(reader, stop_at)
    writer.close()


async def trickle(port, stop_at, tls_record: bool):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    octets = bytes([0x16, 0x03, 0x01, 0x02, 0x00]) + bytes(512) if tls_record \
        else b"GET / HTTP/1.1\r\nhost: localhost\r\n" + b"x" * 4096
    for octet in octets:
        if time.monotonic() >= stop_at or reader.at_eof():
            break
        try:
            writer.write(bytes([octet]))
            await writer.drain()
            data = await asyncio.wait_for(reader.read(65536), timeout=1.0)
            if not data:
                break
        except asyncio.TimeoutError:
            continue
        except OSError:
            break
    writer.close()


async def pinger(port, stop_at):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # SETTINGS_INITIAL_WINDOW_SIZE (0x4) = 0: no DATA can move on the stream.
    writer.write(PREFACE + settings([(0x4, 0)]) + SETTINGS_ACK + get_root(6))
    await writer.drain()
    while time.monotonic() < stop_at:
        try:
            writer.write(frame(0x6, 0, 0, b"are-you?"))
            await writer.drain()
            data = await asyncio.wait_for(reader.read(65536), timeout=1.0)
            if not data:
                break
        except asyncio.TimeoutError:
            continue
        except OSError:
            break
    writer.close()


def post_echo(stream: int) -> bytes:
    """POST /_h2lab/echo on `stream`, its body still to come, :authority localhost."""
    block = bytes([0x83, 0x86, 0x44, 12]) + b"/_h2lab/echo" + bytes([0x41, 9]) + b"localhost"
    return frame(0x1, 0x4, stream, block)


def attack(turn: int) -> bytes:
    """The octets of one attack after the preface and SETTINGS; each crosses one limit."""
    if turn == 0:
        return frame(0x6, 0, 0, b"flooding") * 1100
    streams = range(1, 2 * 300, 2)
    if turn == 1:
        return b"".join(post_echo(s) + frame(0x3, 0, s, struct.pack(">I", 0x8)) for s in streams)
    if turn == 2:
        return b"".join(post_echo(s) + frame(0x8, 0, s, struct.pack(">I", 0)) for s in streams)
    # Zero windows, then requests whose answers must wait: held until the idle timeout.
    path = b"/small-8.bin"
    held = bytes([0x82, 0x86, 0x44, len(path)]) + path + bytes([0x41, 9]) + b"localhost"
    return b"".join(frame(0x1, 0x5, s, held) for s in range(1, 2 * 100, 2))


async def flood(port, stop_at, turn):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(PREFACE + settings([(0x4, 0)]) + SETTINGS_ACK + attack(turn % 4))
    await writer.drain()
    await drain_until_closed(reader, stop_at)
    writer.close()


async def keep(kind, count, port, stop_at, tally):
    async def one_slot(index):
        while time.monotonic() < stop_at:
            tally[kind][0] += 1
            try:
                if kind == "idle":
                    await idle(port, stop_at)
                elif kind == "silent":
                    await silent(port, stop_at)
                elif kind == "trickle":
                    await trickle(port, stop_at, tls_record=index % 2 == 0)
                elif kind == "flood":
                    await flood(port, stop_at, tally[kind][0] + index)
                else:
                    await pinger(port, stop_at)
            except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
                pass
            if time.monotonic() < stop_at:
                tally[kind][1] += 1
                await asyncio.sleep(0.2)
    await asyncio.gather(*(one_slot(i) for i in range(count)))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    for kind in ("idle", "silent", "trickle", "pinger", "flood"):
        parser.add_argument(f"--{kind}", type=int, default=0)
    args = parser.parse_args()
    stop_at = time.monotonic() + args.seconds
    tally = {kind: [0, 0] for kind in ("idle", "silent", "trickle", "pinger", "flood")}
    await asyncio.gather(*(keep(kind, getattr(args, kind), args.port, stop_at, tally)
                           for kind in tally if getattr(args, kind) > 0))
    for kind, (opened, closed) in tally.items():
        if getattr(args, kind):
            print(f"{kind}: {opened} connections opened, {closed} closed by the server")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
