#!/usr/bin/env python3
"""One connection, one large download, and the server still answers: driven by tests/responsive.rs.

Usage: responsive.py tls|h2c PORT CAFILE BIG_PATH SMALL_PATH

On one HTTP/2 connection (Python `h2`):
 1. GET BIG_PATH with windows as large as RFC 9113 allows, so that only the socket holds the
    server back; after the first DATA, stop reading for a moment so the server's writes block.
 2. Send a PING and GET SMALL_PATH, then read again: the PING ACK and the small response must
    arrive before the large one ends.
 3. GET BIG_PATH again and, after 1 MiB of it, RST_STREAM (CANCEL) it; then PING: count the
    octets that still arrive before the PING ACK (the stream must stop), and GET SMALL_PATH once
    more (the connection must still work).
Prints one JSON object with what it saw.
"""
import hashlib
import json
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.settings

MAX_WINDOW = 2**31 - 1


def connect(mode, port, cafile):
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.set_alpn_protocols(["h2"])
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
        if sock.selected_alpn_protocol() != "h2":
            raise SystemExit("ALPN did not select h2")
    return sock


class Client:
    def __init__(self, sock, authority):
        self.sock = sock
        self.authority = authority
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.local_settings = h2.settings.Settings(
            client=True,
            initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: MAX_WINDOW},
        )
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window(MAX_WINDOW - 65535)
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def get(self, path):
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(
            stream_id,
            [(":method", "GET"), (":scheme", "https"), (":authority", self.authority), (":path", path)],
            end_stream=True,
        )
        self.flush()
        return stream_id

    def events(self):
        """Reads once from the socket; returns (octets read, events)."""
        data = self.sock.recv(256 * 1024)
        if not data:
            raise SystemExit("the server closed the connection")
        events = self.conn.receive_data(data)
        for event in events:
            if isinstance(event, h2.events.DataReceived) and event.stream_id in self.conn.streams:
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                raise SystemExit("unexpected %r" % event)
        self.flush()
        return len(data), events


def main():
    mode, port, cafile, big_path, small_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    client = Client(connect(mode, port, cafile), "127.0.0.1:%d" % port)
    result = {}

    # 1 and 2: a PING and a small request while the large download runs.
    big = client.get(big_path)
    digest = hashlib.sha256()
    big_octets = 0
    big_status = None
    small = None
    small_body = b""
    small_status = None
    ping_ack_at = None
    small_end_at = None
    big_ended = False
    paused = False
    while not big_ended:
        _, events = client.events()
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                status = dict(event.headers)[":status"]
                if event.stream_id == big:
                    big_status = status
                elif event.stream_id == small:
                    small_status = status
            elif isinstance(event, h2.events.DataReceived):
                if event.stream_id == big:
                    digest.update(event.data)
                    big_octets += len(event.data)
                elif event.stream_id == small:
                    small_body += event.data
            elif isinstance(event, h2.events.PingAckReceived):
                ping_ack_at = big_octets
            elif isinstance(event, h2.events.StreamEnded):
                if event.stream_id == big:
                    big_ended = True
                elif event.stream_id == small:
                    small_end_at = big_octets
        if big_octets > 0 and not paused:
            paused = True
            time.sleep(0.5)
            client.conn.ping(b"h2lab-01")
            small = client.get(small_path)
    result.update(
        big_status=big_status,
        big_octets=big_octets,
        big_sha256=digest.hexdigest(),
        ping_ack_at=ping_ack_at,
        small_status=small_status,
        small_body=small_body.decode("utf-8", "replace"),
        small_end_at=small_end_at,
    )

    # 3: a reset stream stops, and the connection goes on.
    big2 = client.get(big_path)
    received = 0
    reset = False
    after_reset = 0
    ping_acked = False
    while not ping_acked:
        octets, events = client.events()
        if reset:
            after_reset += octets
        for event in events:
            if isinstance(event, h2.events.DataReceived) and event.stream_id == big2:
                received += len(event.data)
            elif isinstance(event, h2.events.PingAckReceived) and reset:
                ping_acked = True
        if not reset and received >= 1024 * 1024:
            client.conn.reset_stream(big2, error_code=h2.errors.ErrorCodes.CANCEL)
            client.conn.ping(b"h2lab-02")
            client.flush()
            reset = True
    small2 = client.get(small_path)
    small2_status = None
    small2_done = False
    while not small2_done:
        octets, events = client.events()
        after_reset += octets
        for event in events:
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == small2:
                small2_status = dict(event.headers)[":status"]
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == small2:
                small2_done = True
    result.update(after_reset=after_reset, small2_status=small2_status)

    client.conn.close_connection()
    client.flush()
    client.sock.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
