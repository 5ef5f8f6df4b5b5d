#!/usr/bin/env python3
"""Converts the compact ACVP ML-KEM vectors into tests/vectors/pqc/ml_kem_acvp.vec.

Input: /work/shared/vectors/pqc/compact/ML-KEM-{512,768,1024}.json (see the README there and
vectors/pqc/acvp/SOURCE.txt). Python 3 stdlib only; deterministic output.
Usage: python3 scripts/vectors/ml_kem_vectors.py [compact_dir] [out_file]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
COMPACT = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors/pqc/compact"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "vectors", "pqc", "ml_kem_acvp.vec")

FIELDS = {
    "keyGen": ["d", "z", "ek", "dk"],
    "encapsulation": ["ek", "m", "c", "k"],
    "decapsulation": ["dk", "c", "k", "reason"],
    "decapsulationKeyCheck": ["dk", "testPassed", "reason"],
    "encapsulationKeyCheck": ["ek", "testPassed", "reason"],
    "decapsulation_seed": ["d", "z", "c", "k", "reason"],
}


def section_of(group):
    if group["mode"] == "keyGen":
        return "keyGen"
    if group.get("keyFormat") == "seed":
        return "decapsulation_seed"
    return group["function"]


def main():
    lines = [
        "# ML-KEM (FIPS 203) known answers from NIST ACVP, ML-KEM-512/768/1024",
        "# Made by scripts/vectors/ml_kem_vectors.py (python3, stdlib); do not edit by hand.",
        "# Source: NIST ACVP-Server gen-val/json-files v1.1.0.43 (commit 975de31eb83d), folders",
        "#   ML-KEM-keyGen-FIPS203, ML-KEM-encapDecap-FIPS203, ML-KEM-encapDecap-FIPS203-tr1,",
        "#   via the gzip mirror github.com/paulmillr/acvp-vectors @ 2e9216ceafb854d7bc113088a2f8b043654226a8",
        "#   and the compact set /work/shared/vectors/pqc/compact/ML-KEM-*.json (make_compact.py).",
        "# Sections: <parameterSet>/<function>; decapsulation_seed is the tr1 keyFormat=seed group.",
        "# Fields are the ACVP names; testPassed is true/false.",
    ]
    body = []
    counts = []
    for ps in (512, 768, 1024):
        name = "ML-KEM-%d" % ps
        with open(os.path.join(COMPACT, name + ".json")) as f:
            data = json.load(f)
        for group in data["testGroups"]:
            sec = section_of(group)
            counts.append("#   %s/%s: %d (%s tgId %d)" % (name, sec, len(group["tests"]), group["acvpFolder"], group["tgId"]))
            body.append("")
            body.append("[%s/%s]" % (name, sec))
            for t in group["tests"]:
                body.append("tcId = %s" % t["tcId"])
                for key in FIELDS[sec]:
                    v = t[key]
                    if key == "testPassed":
                        v = "true" if str(v).lower() == "true" else "false"
                    body.append("%s = %s" % (key, v))
                body.append("")
    lines.append("# Cases:")
    lines.extend(counts)
    with open(OUT, "w") as f:
        f.write("\n".join(lines + body).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
