#!/usr/bin/python3
"""Python side of the Fernet comparison: cryptography.fernet encrypt and
decrypt of the values BenchmarkFernetEncrypt/Decrypt use in Go (b"a" * n
for n = 32 and 1024). Prints one line per case:

    python <op> <size>B <ops/s>

Run by bench/fernet/run.sh; usable alone with /usr/bin/python3.
"""
import sys
import timeit

import cryptography
from cryptography.fernet import Fernet

SIZES = (32, 1024)


def best_rate(stmt, repeat):
    timer = timeit.Timer(stmt)
    number, _ = timer.autorange()  # enough loops for >= 0.2 s
    best = min(timer.repeat(repeat=repeat, number=number))
    return number / best


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    f = Fernet(Fernet.generate_key())
    print("# cryptography %s, Python %s" % (cryptography.__version__, sys.version.split()[0]))
    for n in SIZES:
        value = b"a" * n
        token = f.encrypt(value)
        enc = best_rate(lambda: f.encrypt(value), repeat)
        dec = best_rate(lambda: f.decrypt(token), repeat)
        print("python encrypt %dB %.0f" % (n, enc))
        print("python decrypt %dB %.0f" % (n, dec))


if __name__ == "__main__":
    main()
