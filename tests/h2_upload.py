#!/usr/bin/env python3
"""An upload through Python `h2`'s flow control: driven by tests/uploads.rs.

Usage: h2_upload.py tls|h2c PORT CAFILE SIZE

POSTs SIZE octets (octet i is i mod 251) to /_h2lab/echo the way a plain h2 client does: the
headers and as much of the body as its windows allow go out at once, before anything is read, so
that the first flight is sent against the initial window of 65,535 octets, before the server's
SETTINGS have been seen; the rest follows as WINDOW_UPDATEs come. Prints the echo's JSON.
"""
import json
import socket
import ssl
import sys

import h2.config
import h2.connection
import h2.events


def main():
    mode, port, cafile, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    # As HTTP/2 clients do: without it, each round trip of window may wait for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.set_alpn_protocols(["h2"])
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    stream_id = conn.get_next_available_stream_id()
    scheme = "https" if mode == "tls" else "http"
    conn.send_headers(
        stream_id,
        [(":method", "POST"), (":scheme", scheme), (":authority", "localhost"),
         (":path", "/_h2lab/echo"), ("content-length", str(size))],
        end_stream=size == 0,
    )
    body = bytes(i % 251 for i in range(size))
    sent = 0

    def send_what_the_windows_allow():
        nonlocal sent
        while sent < size:
            room = min(conn.local_flow_control_window(stream_id), conn.max_outbound_frame_size)
            chunk = min(room, size - sent)
            if chunk <= 0:
                return
            conn.send_data(stream_id, body[sent:sent + chunk], end_stream=sent + chunk == size)
            sent += chunk

    send_what_the_windows_allow()
    sock.sendall(conn.data_to_send())
    answer = b""
    status = None
    while True:
        data = sock.recv(65536)
        if not data:
            raise SystemExit("the server closed the connection before the response ended")
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                status = int(dict(event.headers)[b":status"])
            elif isinstance(event, h2.events.DataReceived):
                answer += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                raise SystemExit(f"stream {event.stream_id} reset with {event.error_code!r}")
            elif isinstance(event, h2.events.ConnectionTerminated):
                raise SystemExit(f"GOAWAY {event.error_code!r}")
            elif isinstance(event, h2.events.StreamEnded):
                print(json.dumps({"status": status, "echo": json.loads(answer)}))
                return
        send_what_the_windows_allow()
        sock.sendall(conn.data_to_send())


if __name__ == "__main__":
    main()
