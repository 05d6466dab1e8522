#!/usr/bin/env python3
"""Error cases seen by an independent client, Python `h2`: driven by tests/python_h2_errors.rs.

Usage: h2_errors.py tls|h2c PORT CAFILE CASE

Each CASE sends one thing the server must refuse, reads until the server reacts, and prints one
JSON object: the reaction ("reset" with the stream and code, or "goaway" with the code and the
last stream id) and, for a stream error, the status of a GET / sent afterwards on the same
connection (a stream error must leave the connection serving).
"""
import json
import socket
import ssl
import struct
import sys

import h2.config
import h2.connection
import h2.events


def connect(mode, port, cafile):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.set_alpn_protocols(["h2"])
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    return sock


class Client:
    def __init__(self, sock, scheme):
        self.sock = sock
        self.scheme = scheme
        # Validation off: the point is to send what a careful client would not.
        config = h2.config.H2Configuration(
            client_side=True,
            header_encoding="utf-8",
            validate_outbound_headers=False,
            normalize_outbound_headers=False,
            validate_inbound_headers=False,
        )
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        self.flush()

    def flush(self):
        self.sock.sendall(self.conn.data_to_send())

    def request(self, extra, method="GET", path="/"):
        stream_id = self.conn.get_next_available_stream_id()
        headers = [(":method", method), (":scheme", self.scheme), (":authority", "localhost"), (":path", path)]
        self.conn.send_headers(stream_id, headers + extra, end_stream=True)
        self.flush()
        return stream_id

    def until(self, wanted):
        """Reads until an event of one of the `wanted` types arrives; returns it."""
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit("the server closed the connection without a reaction")
            for event in self.conn.receive_data(data):
                if isinstance(event, wanted):
                    self.flush()
                    return event
            self.flush()

    def status_of_get(self):
        stream_id = self.request([])
        while True:
            event = self.until((h2.events.ResponseReceived, h2.events.StreamReset))
            if event.stream_id == stream_id and isinstance(event, h2.events.ResponseReceived):
                return int(dict(event.headers)[":status"])


def frame(kind, flags, stream_id, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream_id) + payload


def main():
    mode, port, cafile, case = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    client = Client(connect(mode, port, cafile), "https" if mode == "tls" else "http")
    client.until(h2.events.RemoteSettingsChanged)
    raw = {
        # RFC 9113 §6.7: PING on a stream is a connection error PROTOCOL_ERROR.
        "ping-on-a-stream": frame(0x6, 0x0, 1, bytes(8)),
        # RFC 9113 §6.9: a zero increment on the connection is a connection error PROTOCOL_ERROR.
        "zero-window-increment": frame(0x8, 0x0, 0, struct.pack(">I", 0)),
    }
    fields = {
        # RFC 9113 §8.2: field names MUST be lowercase; §8.2.2: no connection-specific fields;
        # §8.2.2: TE only "trailers". Each makes the request malformed: stream error PROTOCOL_ERROR.
        "uppercase-field-name": [("X-Upper", "1")],
        "connection-specific-field": [("connection", "keep-alive")],
        "te-not-trailers": [("te", "gzip")],
    }
    if case in raw:
        client.sock.sendall(raw[case])
        event = client.until(h2.events.ConnectionTerminated)
        result = {"reaction": "goaway", "code": int(event.error_code), "last_stream": event.last_stream_id}
    else:
        stream_id = client.request(fields[case])
        event = client.until(h2.events.StreamReset)
        result = {
            "reaction": "reset",
            "stream": event.stream_id,
            "code": int(event.error_code),
            "expected_stream": stream_id,
            "then_get": client.status_of_get(),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
