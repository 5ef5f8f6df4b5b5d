#!/usr/bin/env python3
"""Converts every Wycheproof ML-DSA case into tests/vectors/pqc/ml_dsa_wycheproof_<set>.vec.

Input: /work/shared/vectors/wycheproof/testvectors_v1/mldsa_<set>_{sign_noseed,sign_seed,verify}_test.json
(C2SP Wycheproof; the commit is in ../COMMIT). One output file per parameter set (44, 65, 87).

Keys are group fields in Wycheproof. Each group becomes a record with `group = <n>` and the
group's key fields (privateKey, privateSeed, publicKey; a field that is null in the source is left
out, an empty one is written empty), followed by its cases. Each case keeps its tcId, result,
flags (comma-separated, empty when none), comment and every byte field verbatim (hex, lower case
as in the source). Sections are <parameterSet>/<kind> with kind sign_noseed, sign_seed, verify. A
final [expected] section holds one record per source file with its numberOfTests, so the test can
require that it ran exactly that many cases.

Python 3 stdlib only; deterministic output.
Usage: python3 scripts/vectors/ml_dsa_wycheproof.py [wycheproof_dir] [out_dir]
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors/wycheproof"
OUT_DIR = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "vectors", "pqc")

# kind -> (file name pattern, schema, group key fields, case byte fields in output order)
KINDS = [
    ("sign_noseed", "mldsa_%d_sign_noseed_test.json", "mldsa_sign_noseed_schema.json",
     ["privateKey", "publicKey"], ["msg", "ctx", "mu", "rnd", "sig"]),
    ("sign_seed", "mldsa_%d_sign_seed_test.json", "mldsa_sign_seed_schema.json",
     ["privateSeed", "publicKey"], ["msg", "ctx", "mu", "rnd", "sig"]),
    ("verify", "mldsa_%d_verify_test.json", "mldsa_verify_schema.json",
     ["publicKey"], ["msg", "ctx", "mu", "sig"]),
]
RESULTS = ("valid", "invalid", "acceptable")
IGNORED_GROUP_FIELDS = {"type", "source", "tests", "privateKeyPkcs8", "publicKeyDer"}


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def one_line(text):
    return " ".join(str(text).split())


def field(key, value):
    """`key = value`, or `key =` for an empty value (no trailing blank)."""
    return "%s = %s" % (key, value) if value else "%s =" % key


def convert(ps, commit):
    name = "ML-DSA-%d" % ps
    header = [
        "# ML-DSA (FIPS 204) Wycheproof tests for %s: every case of the three ML-DSA files" % name,
        "# Made by scripts/vectors/ml_dsa_wycheproof.py (python3, stdlib); do not edit by hand.",
        "#",
        "# Source: C2SP Wycheproof, repository https://github.com/C2SP/wycheproof",
        "#   commit: %s" % commit,
        "#   via:    /work/shared/vectors/wycheproof/testvectors_v1/ (copied verbatim)",
    ]
    body = []
    expected = []
    for kind, pattern, schema, group_fields, fields in KINDS:
        fname = pattern % ps
        with open(os.path.join(SRC, "testvectors_v1", fname), "rb") as f:
            raw = f.read()
        data = json.loads(raw)
        assert data["algorithm"] == name, fname
        assert data["schema"] == schema, fname
        cases = [t for g in data["testGroups"] for t in g["tests"]]
        assert len(cases) == data["numberOfTests"], (fname, len(cases), data["numberOfTests"])
        header.append("#   file:   testvectors_v1/%s (git blob %s), numberOfTests %d" %
                      (fname, git_blob_sha1(raw), data["numberOfTests"]))
        expected.append((fname, "%s/%s" % (name, kind), data["numberOfTests"]))
        seen = set()
        body.append("")
        body.append("[%s/%s]" % (name, kind))
        for number, group in enumerate(data["testGroups"], 1):
            unknown = set(group) - set(group_fields) - IGNORED_GROUP_FIELDS
            assert not unknown, (fname, number, unknown)
            body.append("group = %d" % number)
            body.append(field("source", "%s %s" % (group["source"]["name"], group["source"]["version"])))
            for key in group_fields:
                if group.get(key) is not None:
                    bytes.fromhex(group[key])  # must be hex
                    body.append(field(key, group[key].lower()))
            body.append("")
            for t in group["tests"]:
                unknown = set(t) - set(fields) - {"tcId", "comment", "result", "flags"}
                assert not unknown, (fname, t["tcId"], unknown)
                assert t["result"] in RESULTS, (fname, t["tcId"], t["result"])
                assert t["tcId"] not in seen, (fname, t["tcId"])
                seen.add(t["tcId"])
                body.append("tcId = %d" % t["tcId"])
                body.append("result = %s" % t["result"])
                body.append(field("flags", ",".join(t.get("flags", []))))
                body.append(field("comment", one_line(t.get("comment", ""))))
                for key in fields:
                    if key in t:
                        bytes.fromhex(t[key])  # must be hex
                        body.append(field(key, t[key].lower()))
                body.append("")
    header += [
        "#",
        "# Sections: [%s/<kind>], kind = sign_noseed | sign_seed | verify. A record with `group` holds" % name,
        "#   the key fields of the cases after it (privateKey = expanded sk, privateSeed = xi, publicKey;",
        "#   absent where the source has null). Fields per case: tcId, result (valid/invalid/acceptable),",
        "#   flags (comma-separated), comment, then the file's byte fields msg, ctx, mu, rnd, sig (hex;",
        "#   absent or empty exactly as in the source).",
        "# [expected]: per source file, the numberOfTests the test must count.",
    ]
    body.append("")
    body.append("[expected]")
    for fname, section, n in expected:
        body.append("file = %s" % fname)
        body.append("section = %s" % section)
        body.append("numberOfTests = %d" % n)
        body.append("")
    out = os.path.join(OUT_DIR, "ml_dsa_wycheproof_%d.vec" % ps)
    with open(out, "w") as f:
        f.write("\n".join(header + body).rstrip("\n") + "\n")
    return out, expected


def main():
    with open(os.path.join(SRC, "COMMIT")) as f:
        commit = f.read().strip()
    for ps in (44, 65, 87):
        out, expected = convert(ps, commit)
        print("%s: %s (%d bytes)" % (out, ", ".join("%s %d" % (e[0], e[2]) for e in expected),
                                    os.path.getsize(out)))


if __name__ == "__main__":
    main()
