#!/usr/bin/env python3
"""Converts the compact ACVP ML-DSA vectors into tests/vectors/pqc/ml_dsa_acvp.vec.

Input: /work/shared/vectors/pqc/compact/ML-DSA-{44,65,87}.json (see the README there and
vectors/pqc/acvp/SOURCE.txt). Every case of every group is written; nothing is filtered.
Python 3 stdlib only; deterministic output.
Usage: python3 scripts/vectors/ml_dsa_vectors.py [compact_dir] [out_file]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
COMPACT = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors/pqc/compact"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "vectors", "pqc", "ml_dsa_acvp.vec")

# Data fields per mode, in output order; a field a test lacks is left out of its record.
FIELDS = {
    "keyGen": ["seed", "pk", "sk"],
    "sigGen": ["seed", "sk", "message", "mu", "context", "hashAlg", "rnd", "signature"],
    "sigVer": ["pk", "message", "mu", "context", "hashAlg", "signature", "testPassed", "reason"],
}


def kind(group):
    """The function a group exercises, as one word: pure, preHash (external) or mu, message (internal)."""
    if group["signatureInterface"] == "external":
        return group["preHash"]
    return "mu" if group["externalMu"] else "message"


def main():
    lines = [
        "# ML-DSA (FIPS 204) known answers from NIST ACVP, ML-DSA-44/65/87",
        "# Made by scripts/vectors/ml_dsa_vectors.py (python3, stdlib); do not edit by hand.",
        "# Source: NIST ACVP-Server gen-val/json-files v1.1.0.43 (commit 975de31eb83d), folders",
        "#   ML-DSA-keyGen-FIPS204, ML-DSA-sigGen-FIPS204, ML-DSA-sigGen-FIPS204-tr1, ML-DSA-sigVer-FIPS204,",
        "#   via the gzip mirror github.com/paulmillr/acvp-vectors @ 2e9216ceafb854d7bc113088a2f8b043654226a8",
        "#   and the compact set /work/shared/vectors/pqc/compact/ML-DSA-*.json (make_compact.py), all cases.",
        "# Sections: <parameterSet>/keyGen, <parameterSet>/sigGen, <parameterSet>/sigVer.",
        "# Group fields on every record: tgId and folder (ACVP), kind = pure | preHash (external interface,",
        "#   FIPS 204 Alg. 2-5) or message | mu (internal interface: Sign_internal on M' = message, or",
        "#   with the given mu), for sigGen also deterministic (rnd = 0^32) and keyFormat (sk | seed).",
        "# Data fields are the ACVP names; an empty context is 'context ='; testPassed is true/false.",
    ]
    body = []
    counts = []
    for ps in (44, 65, 87):
        name = "ML-DSA-%d" % ps
        with open(os.path.join(COMPACT, name + ".json")) as f:
            data = json.load(f)
        for group in data["testGroups"]:
            mode = group["mode"]
            body.append("")
            body.append("[%s/%s]" % (name, mode))
            extra = []
            if mode != "keyGen":
                extra.append(("kind", kind(group)))
            if mode == "sigGen":
                extra.append(("deterministic", "true" if group["deterministic"] else "false"))
                extra.append(("keyFormat", group.get("keyFormat", "sk")))
            desc = " ".join("%s=%s" % kv for kv in extra)
            counts.append("#   %s/%s%s: %d (%s tgId %d)" % (name, mode, " " + desc if desc else "", len(group["tests"]),
                                                           group["acvpFolder"], group["tgId"]))
            for t in group["tests"]:
                body.append("tcId = %s" % t["tcId"])
                body.append("tgId = %s" % group["tgId"])
                body.append("folder = %s" % group["acvpFolder"])
                for key, value in extra:
                    body.append("%s = %s" % (key, value))
                for key in FIELDS[mode]:
                    if key not in t:
                        continue
                    v = t[key]
                    if key == "testPassed":
                        v = "true" if v is True or str(v).lower() == "true" else "false"
                    body.append(("%s = %s" % (key, v)).rstrip())
                body.append("")
    lines.append("# Cases:")
    lines.extend(counts)
    with open(OUT, "w") as f:
        f.write("\n".join(lines + body).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
