#!/usr/bin/env python3
"""Writes the X25519 known-answer files in tests/vectors/hybrid/ (python3, stdlib only).

    python3 scripts/vectors/x25519_vectors.py [--shared /work/shared/vectors] [--out tests/vectors/hybrid]

  x25519_rfc7748.vec     RFC 7748 section 5.2 (two vectors, iterated 1 / 1,000 / 1,000,000) and 6.1
  x25519_wycheproof.vec  Wycheproof x25519_test.json, every case (valid and acceptable), with an
                         [expected] record giving the source's numberOfTests

Each .vec starts with '#' lines naming the source repository, commit and original path, and this script.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sha2_vectors as common  # noqa: E402

common.SCRIPT = "scripts/vectors/x25519_vectors.py"


def rfc7748(shared, out):
    rel = "rfc/rfc7748_x25519.json"
    doc = common.load(shared, rel)
    w = common.VecWriter(os.path.join(out, "x25519_rfc7748.vec"), "RFC 7748 X25519 test vectors (sections 5.2 and 6.1)",
                         [common.rfc_source_lines(shared, rel, doc)])
    w.section("scalar_mult")
    for t in doc["section_5_2"]:
        w.record([("scalar", t["scalar"].lower()), ("u", t["u"].lower()), ("output", t["output"].lower())])
    it = doc["section_5_2_iterated"]
    w.section("iterated")
    for n in ("1", "1000", "1000000"):
        w.record([("iterations", n), ("k", it[f"after_{n}"].lower())])
    dh = doc["section_6_1"]
    w.section("diffie_hellman")
    w.record([(k, dh[k].lower()) for k in ("alice_private", "alice_public", "bob_private", "bob_public", "shared_secret")])
    w.write()


def wycheproof(shared, out):
    name = "x25519_test.json"
    doc = common.load(shared, "wycheproof-classic/" + name)
    w = common.VecWriter(os.path.join(out, "x25519_wycheproof.vec"),
                         "Wycheproof X25519 tests (valid and acceptable: X25519(private, public) = shared)",
                         [common.wycheproof_source_lines(shared, name)])
    w.section("expected")
    w.record([("file", name), ("tests", str(doc["numberOfTests"]))])
    w.section("x25519")
    for g in doc["testGroups"]:
        for t in g["tests"]:
            w.record([("tcId", str(t["tcId"])), ("result", t["result"]), ("flags", ",".join(t["flags"])),
                      ("private", t["private"].lower()), ("public", t["public"].lower()), ("shared", t["shared"].lower())])
    w.write()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default="/work/shared/vectors", help="the shared vectors folder")
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "vectors", "hybrid"))
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    rfc7748(args.shared, out)
    wycheproof(args.shared, out)


if __name__ == "__main__":
    main()
