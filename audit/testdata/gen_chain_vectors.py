#!/usr/bin/env python3
"""Generates chain_vectors.json: known-answer vectors for audit.Chain.

An independent implementation of the canonical encoding documented on
audit.Chain, so that the Go code (and any future verifier, in any language)
is checked against the specification rather than against itself:

    tag || u64 seq || u32 len || prev || i64 unix-ms ||
    u32 len || action || u32 len || outcome || u32 len || actor || u32 len || data

big-endian; tag "autospot.audit.chain.v1.sha256\\0" for SHA-256 and
"autospot.audit.chain.v1.hmac-sha256\\0" for HMAC-SHA256.

Run: python3 gen_chain_vectors.py > chain_vectors.json
"""
import hashlib
import hmac
import json
import struct

KEY = bytes(range(32))

ENTRIES = [
    (1735732800000, "auth.login", "failure", "alice@example.com",
     b'{"time":"2025-01-01T12:00:00Z","level":"WARN","msg":"auth.login"}'),
    (1735732800001, "auth.login", "success", "alice@example.com",
     b'{"msg":"a\\r\\nlevel=INFO msg=login ok"}'),
    (1735732860000, "user.delete", "success", "",
     "{\"actor\":\"\u00fcnic\u00f8de\"}".encode()),
    (-1000, "", "", "", b""),
]


def field(b):
    return struct.pack(">I", len(b)) + b


def encode(tag, seq, prev, ms, action, outcome, actor, data):
    return (tag + struct.pack(">Q", seq) + field(prev) + struct.pack(">q", ms)
            + field(action.encode()) + field(outcome.encode())
            + field(actor.encode()) + field(data))


def chain(mode):
    tag = ("autospot.audit.chain.v1.%s\x00" % mode).encode()
    prev = b""
    out = []
    for seq, (ms, action, outcome, actor, data) in enumerate(ENTRIES, 1):
        msg = encode(tag, seq, prev, ms, action, outcome, actor, data)
        if mode == "sha256":
            h = hashlib.sha256(msg).digest()
        else:
            h = hmac.new(KEY, msg, hashlib.sha256).digest()
        out.append({"seq": seq, "unix_ms": ms, "action": action,
                    "outcome": outcome, "actor": actor,
                    "data_hex": data.hex(), "prev_hex": prev.hex(),
                    "hash_hex": h.hex()})
        prev = h
    return out


print(json.dumps({"hmac_key_hex": KEY.hex(), "sha256": chain("sha256"),
                  "hmac-sha256": chain("hmac-sha256")}, indent=1))
