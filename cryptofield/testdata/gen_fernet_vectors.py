#!/usr/bin/python3
"""Generate Fernet interoperability vectors with Python's cryptography.

Run with Debian's python3-cryptography (the library the AutoSpot Python
stack used):

    /usr/bin/python3 cryptofield/testdata/gen_fernet_vectors.py > cryptofield/testdata/fernet_python.json

Keys and IVs are random on every run, so the output changes; the Go tests
read whatever was committed. Each vector is a token made by
cryptography.fernet, the key(s) that can read it, the plaintext (base64, so
that binary values round-trip), and the timestamp written in the token.
"""
import base64
import json
import os
import sys

import cryptography
from cryptography.fernet import Fernet, MultiFernet


def b64(b):
    return base64.b64encode(b).decode()


def main():
    primary = Fernet.generate_key()
    old = Fernet.generate_key()
    f = Fernet(primary)
    f_old = Fernet(old)
    multi = MultiFernet([f, f_old])

    plaintexts = [
        b"",
        b"hello",
        b"alice@example.com",
        b"+61 2 9876 5432",
        "Zoë Ångström, 東京 🚗".encode("utf-8"),
        bytes(range(256)),
        b"x" * 15,
        b"y" * 16,
        b"z" * 17,
        os.urandom(1024),
    ]
    times = [0, 499162800, 1700000000, 2000000000]

    vectors = []
    for i, pt in enumerate(plaintexts):
        ts = times[i % len(times)]
        tok = f.encrypt_at_time(pt, ts)
        assert f.decrypt(tok) == pt
        vectors.append({
            "desc": "Fernet.encrypt_at_time, plaintext %d" % i,
            "keys": [primary.decode()],
            "token": tok.decode(),
            "plaintext_b64": b64(pt),
            "timestamp": ts,
        })

    # A value written under the old key, readable by MultiFernet([new, old]).
    tok = f_old.encrypt_at_time(b"written before rotation", 1600000000)
    vectors.append({
        "desc": "old key, read by MultiFernet([new, old])",
        "keys": [primary.decode(), old.decode()],
        "token": tok.decode(),
        "plaintext_b64": b64(multi.decrypt(tok)),
        "timestamp": 1600000000,
    })
    # MultiFernet.rotate keeps the timestamp and re-encrypts with the new key.
    rotated = multi.rotate(tok)
    vectors.append({
        "desc": "MultiFernet.rotate of the previous token",
        "keys": [primary.decode()],
        "token": rotated.decode(),
        "plaintext_b64": b64(f.decrypt(rotated)),
        "timestamp": f.extract_timestamp(rotated),
    })
    # The seed's FieldEncryption.encrypt_field: str in, str out, time.time().
    seed_token = f.encrypt("0412 345 678".encode()).decode()
    vectors.append({
        "desc": "seed FieldEncryption.encrypt_field (current time)",
        "keys": [primary.decode()],
        "token": seed_token,
        "plaintext_b64": b64(f.decrypt(seed_token.encode())),
        "timestamp": f.extract_timestamp(seed_token.encode()),
    })

    # A deterministic known answer: fixed key, timestamp and IV, through
    # cryptography's internal _encrypt_from_parts (the function encrypt()
    # calls), so the Go encoder can be checked byte for byte.
    fixed_key = base64.urlsafe_b64encode(bytes(range(32)))
    fixed_iv = bytes(range(100, 116))
    known = Fernet(fixed_key)._encrypt_from_parts(b"AutoSpot field", 1700000000, fixed_iv)
    vectors.append({
        "desc": "deterministic: fixed key, timestamp and IV",
        "keys": [fixed_key.decode()],
        "token": known.decode(),
        "plaintext_b64": b64(b"AutoSpot field"),
        "timestamp": 1700000000,
        "iv_b64": b64(fixed_iv),
    })

    json.dump({
        "generator": "cryptofield/testdata/gen_fernet_vectors.py",
        "cryptography_version": cryptography.__version__,
        "python_version": sys.version.split()[0],
        "vectors": vectors,
    }, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
