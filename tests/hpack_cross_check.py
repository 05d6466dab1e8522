#!/usr/bin/env python3
"""Decodes header blocks with Python's `hpack` package, an HPACK decoder independent of ours.

Input (the file named on the command line, or stdin): JSON
    [{"story": "story_00.json", "blocks": ["8286...", ...]}, ...]
Each story is decoded with one fresh `hpack.Decoder` (state carried from block to block).
Output (stdout): JSON
    [{"story": "story_00.json", "lists": [[["3a6d6574686f64", "474554"], ...], ...]}, ...]
with every name and value as hex, so that octets come back exactly.
Exits with status 2 when the `hpack` package is missing, 1 when a block does not decode.
"""

import json
import sys

try:
    import hpack
except ImportError:
    sys.stderr.write("python3 cannot import hpack: run scripts/install-test-deps.sh\n")
    sys.exit(2)


def main():
    source = open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer
    stories = json.load(source)
    result = []
    for story in stories:
        decoder = hpack.Decoder()
        lists = []
        for i, block in enumerate(story["blocks"]):
            try:
                fields = decoder.decode(bytes.fromhex(block), raw=True)
            except hpack.HPACKError as e:
                sys.stderr.write("%s block %d: %r\n" % (story["story"], i, e))
                sys.exit(1)
            lists.append([[name.hex(), value.hex()] for name, value in fields])
        result.append({"story": story["story"], "lists": lists})
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
