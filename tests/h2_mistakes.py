#!/usr/bin/env python3
"""What Python `h2` says about h2lab's mistakes on demand, and about its server push.

Usage: h2_mistakes.py tls|h2c PORT CAFILE PATH [--no-push]

Sends one GET of PATH with `h2`'s checks on (as a careful client has them) and reads until the
response ends, the stream is reset, the connection ends, `h2` refuses what it received, or 3
seconds pass. Received DATA is not acknowledged, so that `h2` checks the flow-control window it
announced. Prints one JSON object:

  {"outcome": "complete" | "refused" | "reset" | "terminated" | "timeout" | "closed",
   "error": "<exception class>: <message>" (refused), "code": N (reset, terminated),
   "status": "200", "body_length": N, "pushed": [{"stream": 2, "path": "...", "status": "200",
   "body_length": N}, ...]}

--no-push sends SETTINGS_ENABLE_PUSH = 0.
"""
import json
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings


def connect(mode, port, cafile):
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.set_alpn_protocols(["h2"])
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    return sock


def main():
    mode, port, cafile, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    push = "--no-push" not in sys.argv[5:]
    sock = connect(mode, port, cafile)
    conn = h2.connection.H2Connection(
        config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
    )
    conn.local_settings = h2.settings.Settings(
        client=True, initial_values={h2.settings.SettingCodes.ENABLE_PUSH: int(push)}
    )
    conn.initiate_connection()
    stream_id = conn.get_next_available_stream_id()
    scheme = "https" if mode == "tls" else "http"
    headers = [(":method", "GET"), (":scheme", scheme), (":authority", "localhost"), (":path", path)]
    conn.send_headers(stream_id, headers, end_stream=True)
    sock.sendall(conn.data_to_send())

    result = {"outcome": "timeout", "pushed": []}
    streams = {stream_id: {}}
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if not data:
            result["outcome"] = "closed"
            break
        try:
            events = conn.receive_data(data)
        except h2.exceptions.H2Error as error:
            name, message = type(error).__name__, str(error)
            said = message if message.startswith(name) else f"{name}: {message}"
            result.update(outcome="refused", error=said)
            break
        for event in events:
            if isinstance(event, h2.events.PushedStreamReceived):
                promised = dict(event.headers)
                streams[event.pushed_stream_id] = {"path": promised.get(":path")}
            elif isinstance(event, h2.events.ResponseReceived):
                streams.setdefault(event.stream_id, {})["status"] = dict(event.headers).get(":status")
            elif isinstance(event, h2.events.DataReceived):
                seen = streams.setdefault(event.stream_id, {})
                seen["body_length"] = seen.get("body_length", 0) + len(event.data)
            elif isinstance(event, h2.events.StreamEnded):
                streams.setdefault(event.stream_id, {})["ended"] = True
            elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream_id:
                result.update(outcome="reset", code=int(event.error_code))
            elif isinstance(event, h2.events.ConnectionTerminated):
                result.update(outcome="terminated", code=int(event.error_code))
        sock.sendall(conn.data_to_send())
        if result["outcome"] != "timeout":
            break
        if all(seen.get("ended") for seen in streams.values()):
            result["outcome"] = "complete"
            break

    mine = streams[stream_id]
    result["status"] = mine.get("status")
    result["body_length"] = mine.get("body_length", 0)
    for pushed_id, seen in sorted(streams.items()):
        if pushed_id != stream_id:
            result["pushed"].append(
                {
                    "stream": pushed_id,
                    "path": seen.get("path"),
                    "status": seen.get("status"),
                    "body_length": seen.get("body_length", 0),
                }
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
