#!/usr/bin/python3
"""Generate interoperability vectors for the auth package with PyJWT.

The seed application is Python (FastAPI + PyJWT). These tokens are made by
Debian's python3-jwt, the library the seed's stack uses, so the Go verifier
is checked against an independent implementation. Run from auth/:

    /usr/bin/python3 testdata/gen_pyjwt_vectors.py > testdata/pyjwt_vectors.json

Everything is deterministic: fixed keys, fixed times, fixed ids; HS256 and
EdDSA signatures are deterministic too, so the output only changes when
this script does.
"""
import json
import sys

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HMAC_KID = "py-hs"
HMAC_SECRET = bytes(range(32))  # 00 01 .. 1f
ED_KID = "py-ed"
ED_SEED = bytes([0x42]) * 32
ED_KEY = Ed25519PrivateKey.from_private_bytes(ED_SEED)
ED_PUBLIC = ED_KEY.public_key()
OTHER_SECRET = b"not-the-server-secret-not-the-se"

NOW = 1750000000  # the verifier's clock in the Go test
IAT = NOW - 60


def claims(**overrides):
    c = {
        "sub": "user-42",
        "sid": "session-42",
        "typ": "access",
        "jti": "jti-42",
        "iss": "autospot",
        "aud": ["autospot"],
        "iat": IAT,
        "nbf": IAT,
        "exp": IAT + 3600,
        "roles": ["driver"],
        "csrf": "csrf-42",
    }
    for k, v in overrides.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def hs(payload, alg="HS256", key=HMAC_SECRET, kid=HMAC_KID, **headers):
    h = dict(headers)
    if kid is not None:
        h["kid"] = kid
    return jwt.encode(payload, key, algorithm=alg, headers=h)


def ed(payload, kid=ED_KID, **headers):
    h = dict(headers)
    if kid is not None:
        h["kid"] = kid
    return jwt.encode(payload, ED_KEY, algorithm="EdDSA", headers=h)


def main():
    from cryptography.hazmat.primitives import serialization

    pub_raw = ED_PUBLIC.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    vectors = [
        # name, token, expect ("ok" or the error the Go side must report)
        ("hs256 access", hs(claims()), "ok"),
        ("hs256 operator with facility", hs(claims(roles=["operator"], fac="westfield-sydney", sub="op-1")), "ok"),
        ("hs256 aud as a single string", hs(claims(aud="autospot")), "ok"),
        ("hs256 with epoch", hs(claims(ep=2)), "ok"),
        ("eddsa access", ed(claims()), "ok"),
        ("hs256 expired", hs(claims(exp=NOW - 3600)), "expired"),
        ("hs256 nbf in the future", hs(claims(nbf=NOW + 3600)), "not_yet_valid"),
        ("hs256 wrong issuer", hs(claims(iss="someone-else")), "invalid"),
        ("hs256 wrong audience", hs(claims(aud=["other"])), "invalid"),
        ("hs256 no exp", hs(claims(exp=None)), "invalid"),
        ("hs256 refresh token as access", hs(claims(typ="refresh", roles=None, csrf=None)), "wrong_type"),
        ("hs256 no typ", hs(claims(typ=None)), "invalid"),
        ("hs512 with the server secret", hs(claims(), alg="HS512", key=HMAC_SECRET * 2), "invalid"),
        ("hs512 with the HS256 secret", hs(claims(), alg="HS512"), "invalid"),
        ("alg none", jwt.encode(claims(), None, algorithm="none", headers={"kid": HMAC_KID}), "invalid"),
        ("hs256 without kid", hs(claims(), kid=None), "invalid"),
        ("hs256 unknown kid", hs(claims(), kid="nope"), "invalid"),
        ("hs256 kid path traversal", hs(claims(), kid="../../dev/null"), "invalid"),
        ("hs256 jku header", hs(claims(), jku="https://evil.test/jwks.json"), "invalid"),
        ("hs256 wrong secret", hs(claims(), key=OTHER_SECRET), "invalid"),
        ("hs256 with the Ed25519 public key as secret, ed kid", hs(claims(), key=pub_raw, kid=ED_KID), "invalid"),
        ("eddsa with the HMAC kid", ed(claims(), kid=HMAC_KID), "invalid"),
    ]
    out = {
        "generator": "testdata/gen_pyjwt_vectors.py",
        "pyjwt_version": jwt.__version__,
        "now": NOW,
        "hmac": {"kid": HMAC_KID, "secret_hex": HMAC_SECRET.hex()},
        "ed25519": {"kid": ED_KID, "seed_hex": ED_SEED.hex(), "public_hex": pub_raw.hex()},
        "vectors": [{"name": n, "token": t, "expect": e} for n, t, e in vectors],
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
