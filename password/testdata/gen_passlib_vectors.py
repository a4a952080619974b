#!/usr/bin/python3
"""Generate the interoperability vectors in passlib_vectors.json.

Run with Debian's Python and python3-passlib (not a virtualenv):

    /usr/bin/python3 password/testdata/gen_passlib_vectors.py > password/testdata/passlib_vectors.json

bcrypt and bcrypt_sha256 hashes come from passlib itself, the library the
seed's Python stack uses (CryptContext(schemes=["bcrypt"], bcrypt__rounds=12,
bcrypt__ident="2b")). passlib has no argon2 backend on Debian without
python3-argon2, so argon2id hashes come from libargon2 (the reference
implementation that argon2-cffi, passlib's argon2 backend, wraps), called
through ctypes.

Each vector says what the Go verifier must answer for its password:
"match", or "too_long" for passlib's silently truncated bcrypt of a
password over 72 bytes, which the Go package refuses rather than truncates.
"""
import base64
import ctypes
import json
import os
import sys
import warnings

import passlib
from passlib.context import CryptContext
from passlib.hash import bcrypt, bcrypt_sha256

warnings.simplefilter("ignore")

# Passwords, chosen to cover ASCII, Latin-1 and astral-plane UTF-8, spaces,
# exactly 72 bytes, and long ones that plain bcrypt would truncate.
ASCII = "password"
TROUB = "Tr0ub4dor&3"
LATIN = "p\u00e4ssw\u00f6rd-\u00df"           # pässwörd-ß
CJK = "\u30d1\u30b9\u30ef\u30fc\u30c9\U0001f511"  # パスワード🔑
PHRASE = "correct horse battery staple"
SPACES = " leading and trailing spaces "
A72 = "a" * 72                                  # 72 bytes
E72 = "\u00e9" * 36                              # é x36 = 72 bytes
LONG128 = "\u00fc" * 64 + "Zz9!" * 16             # 128 characters, 192 bytes
NUL = "a\x00b"

vectors = []


def add(scheme, password, hash_, expect="match", note=""):
    vectors.append({
        "scheme": scheme,
        "password": password,
        "hash": hash_,
        "expect": expect,
        "note": note,
    })


# Plain bcrypt, each ident passlib writes, at cost 4 to keep the tests fast.
for ident in ("2a", "2b", "2y"):
    h = bcrypt.using(rounds=4, ident=ident)
    for pw in (ASCII, TROUB, LATIN, CJK, PHRASE, SPACES, A72, E72):
        add("bcrypt", pw, h.hash(pw), note="passlib bcrypt ident=%s rounds=4" % ident)

# The seed's exact CryptContext, at its real cost 12.
seed = CryptContext(schemes=["bcrypt"], deprecated="auto",
                    bcrypt__rounds=12, bcrypt__ident="2b")
add("bcrypt", "AutoSpot-Seed-Pass1!", seed.hash("AutoSpot-Seed-Pass1!"),
    note="the seed's CryptContext, rounds=12")
add("bcrypt", LATIN, bcrypt.using(rounds=12, ident="2y").hash(LATIN),
    note="passlib bcrypt ident=2y rounds=12")

# passlib silently truncates plain bcrypt at 72 bytes: this hash "verifies"
# A72+"SUFFIX" in passlib. The Go package must refuse, not truncate.
add("bcrypt", A72 + "SUFFIX", bcrypt.using(rounds=4).hash(A72 + "SUFFIX"),
    expect="too_long", note="passlib truncated this password to 72 bytes")

# bcrypt_sha256 v2 (passlib >= 1.7.3): HMAC-SHA256 keyed by the salt string.
v2 = bcrypt_sha256.using(rounds=4)
for pw in (ASCII, LATIN, CJK, A72, A72 + "b", A72 + "c", LONG128, NUL):
    add("bcrypt_sha256", pw, v2.hash(pw), note="passlib bcrypt_sha256 v=2 rounds=4")
add("bcrypt_sha256", LONG128, bcrypt_sha256.using(rounds=12).hash(LONG128),
    note="passlib bcrypt_sha256 v=2 rounds=12")

# bcrypt_sha256 v1 (passlib < 1.7.3): plain SHA-256, ident 2a or 2b.
for ident in ("2a", "2b"):
    v1 = bcrypt_sha256.using(rounds=4, version=1, ident=ident)
    for pw in (ASCII, LONG128):
        add("bcrypt_sha256", pw, v1.hash(pw), note="passlib bcrypt_sha256 v=1 ident=%s rounds=4" % ident)

# argon2id from the reference implementation (libargon2), PHC strings.
lib = ctypes.CDLL("libargon2.so.1")
encode = lib.argon2id_hash_encoded
encode.argtypes = [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32,
                   ctypes.c_char_p, ctypes.c_size_t,
                   ctypes.c_char_p, ctypes.c_size_t,
                   ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]


def argon2id(pw, t, m, p, salt_len=16, hash_len=32):
    raw = pw.encode("utf-8")
    salt = os.urandom(salt_len)
    buf = ctypes.create_string_buffer(512)
    rc = encode(t, m, p, raw, len(raw), salt, len(salt), hash_len, buf, len(buf))
    if rc != 0:
        raise RuntimeError("argon2id_hash_encoded: %d" % rc)
    return buf.value.decode("ascii")


for (t, m, p) in ((1, 64, 1), (2, 256, 2), (3, 128, 4)):
    for pw in (ASCII, CJK, LONG128):
        add("argon2id", pw, argon2id(pw, t, m, p),
            note="libargon2 argon2id t=%d m=%d p=%d" % (t, m, p))
add("argon2id", TROUB, argon2id(TROUB, 1, 64, 1, salt_len=8, hash_len=16),
    note="libargon2 argon2id, 8-byte salt, 16-byte tag")
add("argon2id", TROUB, argon2id(TROUB, 1, 64, 1, salt_len=32, hash_len=64),
    note="libargon2 argon2id, 32-byte salt, 64-byte tag")
add("argon2id", PHRASE, argon2id(PHRASE, 2, 19456, 1),
    note="libargon2 argon2id, OWASP minimum m=19456 t=2 p=1")

json.dump({
    "generator": "password/testdata/gen_passlib_vectors.py",
    "passlib": passlib.__version__,
    "python": sys.version.split()[0],
    "vectors": vectors,
}, sys.stdout, indent=1, ensure_ascii=True)
sys.stdout.write("\n")
