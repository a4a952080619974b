#!/usr/bin/python3
"""Decrypt Fernet tokens made by the Go package with Python's cryptography.

Used by TestFernetGoTokensDecryptInPython: reads a JSON list of
{"keys": [...], "token": "...", "ttl": seconds or null, "now": seconds or null}
on stdin and writes a JSON list of {"ok": bool, "plaintext_b64": "...",
"timestamp": int} (or {"ok": false, "error": "..."}) on stdout.
"""
import base64
import json
import sys

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def extract_timestamp(fernets, tok):
    for f in fernets:
        try:
            return f.extract_timestamp(tok)
        except InvalidToken:
            pass
    raise InvalidToken


def main():
    out = []
    for case in json.load(sys.stdin):
        fernets = [Fernet(k.encode()) for k in case["keys"]]
        f = MultiFernet(fernets)
        tok = case["token"].encode()
        try:
            if case.get("now") is not None and case.get("ttl") is not None:
                pt = f.decrypt_at_time(tok, case.get("ttl"), case["now"])
            else:
                pt = f.decrypt(tok, case.get("ttl"))
            out.append({
                "ok": True,
                "plaintext_b64": base64.b64encode(pt).decode(),
                "timestamp": extract_timestamp(fernets, tok),
            })
        except InvalidToken:
            out.append({"ok": False, "error": "InvalidToken"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
