#!/usr/bin/env python3
"""Writes the Keccak-family known-answer files tests/vectors/hash/*.vec.

Reads the NIST ACVP subsets in /work/shared/vectors/acvp-hash/ and the Wycheproof KMAC files in
/work/shared/vectors/wycheproof-classic/ (python3 standard library only) and writes

    sha3_acvp.vec        SHA3-224/256/384/512: AFT (byte-aligned), MCT chains, smallest LDT
    shake_acvp.vec       SHAKE128/256 1.0 (AFT, VOT, MCT) and FIPS202 (AFT)
    cshake_acvp.vec      cSHAKE128/256 AFT (byte-aligned messages) and MCT
    kmac_acvp.vec        KMAC/KMACXOF128/256 AFT and MVT cases with byte-aligned key and message
    kdf_kmac_acvp.vec    SP 800-108r1 KDF-KMAC (all cases)
    kmac_wycheproof.vec  Wycheproof kmac128/256_no_customization (valid and invalid)

The qkdnq API is byte-oriented: a case is skipped when an input length (message, key) is not a
multiple of 8 bits, or, for fixed-length KMAC, when the MAC length is not (it enters
right_encode(L)). XOF outputs of bit length L are kept: the test squeezes ceil(L/8) bytes and
keeps the first L bits. `last_bits` says how ACVP wrote the last partial byte (acvp-hash/README.md,
"Bit-string conventions"): `low` = the valid bits as they are (SHAKE-*-1.0), `high` = shifted to
the most significant end (cSHAKE, KMAC, SHAKE-*-FIPS202). The run/skip counts go into each file's
header and to stdout.

Text fields (customization, function names) are written as hex (`*_hex`) so that no character
of them can clash with the .vec syntax.

Usage: scripts/vectors/keccak_vectors.py [--shared /work/shared/vectors] [--out tests/vectors/hash]
"""

import argparse
import json
import os
import re

SCRIPT = "scripts/vectors/keccak_vectors.py"


def acvp_source_lines(shared, name):
    """Header lines naming repository, commit and original paths of one ACVP file."""
    data = json.load(open(os.path.join(shared, "acvp-hash", name), encoding="utf-8"))
    src = data["_source"]
    return [
        f"# Source: NIST ACVP vector set {data['algorithm']}"
        + (f" {data['mode']}" if "mode" in data else "")
        + f" revision {data['revision']} (isSample={data['isSample']})",
        f"#   repository: https://github.com/{src['repo']} (mirror of {src['upstream']})",
        f"#   commit:     {src['commit']}",
        f"#   original:   {src['prompt']} (blob {src['prompt_blob']})",
        f"#               {src['expectedResults']} (blob {src['expectedResults_blob']})",
        f"#   via:        /work/shared/vectors/acvp-hash/{name} (prompt and expected results merged by tcId)",
    ]


def wycheproof_source_lines(shared, name):
    source = open(os.path.join(shared, "wycheproof-classic", "SOURCE.txt"), encoding="utf-8").read()
    repo = re.search(r"repo:\s*(\S+)", source).group(1)
    commit = re.search(r"commit:\s*(\S+)", source).group(1)
    block = source[source.index(name):]
    original = re.search(r"original path:\s*(\S+)", block).group(1)
    blob = re.search(r"git blob:\s*(\S+)", block).group(1)
    data = json.load(open(os.path.join(shared, "wycheproof-classic", name), encoding="utf-8"))
    return [
        f"# Source: Wycheproof {data['algorithm']} ({data['numberOfTests']} tests, {data['schema']})",
        f"#   repository: {repo}",
        f"#   commit:     {commit}",
        f"#   original:   {original} (blob {blob})",
        f"#   via:        /work/shared/vectors/wycheproof-classic/{name}",
    ]


def load(shared, folder, name):
    return json.load(open(os.path.join(shared, folder, name), encoding="utf-8"))


class VecWriter:
    def __init__(self, title):
        self.header = [f"# {title}", f"# Made by {SCRIPT} (python3, stdlib); do not edit by hand."]
        self.body = []
        self.counts = []

    def source(self, lines):
        self.header.extend(lines)

    def count(self, what, run, skipped, why="bit-oriented"):
        line = f"{what}: {run} run, {skipped} skipped" + (f" ({why})" if skipped else "")
        self.counts.append(line)

    def section(self, name):
        self.body.append(f"[{name}]")

    def record(self, fields):
        for key, value in fields:
            self.body.append(f"{key} = {value}")
        self.body.append("")

    def write(self, path):
        lines = list(self.header)
        lines.append("# Cases:")
        lines.extend("#   " + c for c in self.counts)
        lines.append("")
        lines.extend(self.body)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines).rstrip("\n") + "\n")
        print(f"wrote {path}")
        for c in self.counts:
            print("   ", c)


def hexlow(h):
    return h.lower()


def text_hex(s):
    return s.encode("utf-8").hex()


def last_bits_field(bits, convention):
    return [("last_bits", convention)] if bits % 8 else []


# ---------------------------------------------------------------- SHA3
def make_sha3(shared, out):
    w = VecWriter("SHA3-224/256/384/512 (FIPS 202 §6.1) known answers: byte-aligned AFT, MCT chains, 1 GiB LDT")
    w.header.append("# Sections: [SHA3-xxx] msg -> md; [SHA3-xxx MCT] seed, md_00..md_99 (mctVersion standard);")
    w.header.append("#   [SHA3-xxx LDT] content repeated to full_bytes bytes -> md (the smallest LDT case).")
    for bits in (224, 256, 384, 512):
        name = f"SHA3-{bits}-2.0.json"
        data = load(shared, "acvp-hash", name)
        w.source(acvp_source_lines(shared, name))
        aft, skipped, mct, ldt, ldt_total = [], 0, [], None, 0
        for group in data["testGroups"]:
            for t in group["tests"]:
                if group["testType"] == "AFT":
                    if t["len"] % 8:
                        skipped += 1
                    else:
                        aft.append(t)
                elif group["testType"] == "MCT":
                    assert group["mctVersion"] == "standard"
                    mct.append(t)
                elif group["testType"] == "LDT":
                    ldt_total += 1
                    m = t["largeMsg"]
                    assert m["expansionTechnique"] == "repeating" and m["contentLength"] % 8 == 0
                    if ldt is None or m["fullLength"] < ldt["largeMsg"]["fullLength"]:
                        ldt = t
        w.count(f"{name} AFT", len(aft), skipped)
        w.count(f"{name} MCT", len(mct), 0)
        w.count(f"{name} LDT", 1, ldt_total - 1, "larger than 1 GiB: 2, 4 and 8 GiB cases")
        w.section(f"SHA3-{bits}")
        for t in aft:
            w.record([("tc", t["tcId"]), ("msg", hexlow(t["msg"][: t["len"] // 4])), ("md", hexlow(t["md"]))])
        w.section(f"SHA3-{bits} MCT")
        for t in mct:
            fields = [("tc", t["tcId"]), ("seed", hexlow(t["msg"]))]
            fields += [(f"md_{j:02d}", hexlow(r["md"])) for j, r in enumerate(t["resultsArray"])]
            w.record(fields)
        w.section(f"SHA3-{bits} LDT")
        m = ldt["largeMsg"]
        assert m["fullLength"] % 8 == 0
        w.record([("tc", ldt["tcId"]), ("content", hexlow(m["content"])), ("full_bytes", m["fullLength"] // 8),
                  ("md", hexlow(ldt["md"]))])
    w.write(os.path.join(out, "sha3_acvp.vec"))


# ---------------------------------------------------------------- SHAKE
def make_shake(shared, out):
    w = VecWriter("SHAKE128/256 (FIPS 202 §6.2) known answers: AFT, VOT, MCT (1.0) and AFT (FIPS202 revision)")
    w.header.append("# Fields: msg, out_bits -> md (ceil(out_bits/8) bytes; last_bits = low|high for a partial last byte).")
    w.header.append("# MCT: seed, min_out_bits, max_out_bits, then md_00.., out_bits_00.. (ACVP SHAKE MCT).")
    for bits in (128, 256):
        for revision, convention in (("1.0", "low"), ("FIPS202", "high")):
            name = f"SHAKE-{bits}-{revision}.json"
            data = load(shared, "acvp-hash", name)
            w.source(acvp_source_lines(shared, name))
            for group in data["testGroups"]:
                kind = group["testType"]
                section = f"SHAKE-{bits} {revision} {kind}"
                if kind == "MCT":
                    w.section(section)
                    for t in group["tests"]:
                        fields = [("tc", t["tcId"]), ("seed", hexlow(t["msg"])),
                                  ("min_out_bits", group["minOutLen"]), ("max_out_bits", group["maxOutLen"])]
                        assert group["minOutLen"] % 8 == 0 and group["maxOutLen"] % 8 == 0
                        for j, r in enumerate(t["resultsArray"]):
                            fields += [(f"md_{j:02d}", hexlow(r["md"])), (f"out_bits_{j:02d}", r["outLen"])]
                        w.record(fields)
                    w.count(f"{name} MCT", len(group["tests"]), 0)
                    continue
                run = [t for t in group["tests"] if t["len"] % 8 == 0]
                w.count(f"{name} {kind}", len(run), len(group["tests"]) - len(run))
                w.section(section)
                for t in run:
                    w.record([("tc", t["tcId"]), ("msg", hexlow(t["msg"][: t["len"] // 4])),
                              ("out_bits", t["outLen"])] + last_bits_field(t["outLen"], convention)
                             + [("md", hexlow(t["md"]))])
    w.write(os.path.join(out, "shake_acvp.vec"))


# ---------------------------------------------------------------- cSHAKE
def make_cshake(shared, out):
    w = VecWriter("cSHAKE128/256 (SP 800-185 §3) known answers: AFT with byte-aligned messages, MCT")
    w.header.append("# Fields: msg, name_hex (N), custom_hex (S), out_bits -> md (last_bits = high: ACVP cSHAKE convention).")
    w.header.append("# MCT: seed, min_out_bits, max_out_bits, out_len_increment, md_00.., out_bits_00.. (acvp-hash/README.md).")
    for bits in (128, 256):
        name = f"cSHAKE-{bits}-1.0.json"
        data = load(shared, "acvp-hash", name)
        w.source(acvp_source_lines(shared, name))
        for group in data["testGroups"]:
            kind = group["testType"]
            assert not group["hexCustomization"]
            w.section(f"cSHAKE-{bits} {kind}")
            if kind == "MCT":
                for t in group["tests"]:
                    assert t["functionName"] == "" and t["customization"] == ""
                    fields = [("tc", t["tcId"]), ("seed", hexlow(t["msg"])),
                              ("min_out_bits", group["minOutLen"]), ("max_out_bits", group["maxOutLen"]),
                              ("out_len_increment", group["outLenIncrement"])]
                    for j, r in enumerate(t["resultsArray"]):
                        fields += [(f"md_{j:02d}", hexlow(r["md"])), (f"out_bits_{j:02d}", r["outLen"])]
                    w.record(fields)
                w.count(f"{name} MCT", len(group["tests"]), 0)
                continue
            run = [t for t in group["tests"] if t["len"] % 8 == 0]
            w.count(f"{name} {kind}", len(run), len(group["tests"]) - len(run))
            for t in run:
                w.record([("tc", t["tcId"]), ("msg", hexlow(t["msg"][: t["len"] // 4])),
                          ("name_hex", text_hex(t["functionName"])), ("custom_hex", text_hex(t["customization"])),
                          ("out_bits", t["outLen"])] + last_bits_field(t["outLen"], "high") + [("md", hexlow(t["md"]))])
    w.write(os.path.join(out, "cshake_acvp.vec"))


# ---------------------------------------------------------------- KMAC
def make_kmac(shared, out):
    w = VecWriter("KMAC128/256 and KMACXOF128/256 (SP 800-185 §4) known answers: AFT and MVT")
    w.header.append("# Fields: key, msg, custom_hex (S), mac_bits, xof (0|1) -> mac; MVT adds passed (0|1).")
    w.header.append("# Kept: key and message byte-aligned, and mac_bits a multiple of 8 unless xof = 1 (then the")
    w.header.append("# output is truncated to mac_bits; last_bits = high, the ACVP KMAC convention).")
    for bits in (128, 256):
        name = f"KMAC-{bits}-1.0.json"
        data = load(shared, "acvp-hash", name)
        w.source(acvp_source_lines(shared, name))
        for group in data["testGroups"]:
            kind = group["testType"]
            xof = bool(group["xof"])
            custom_kind = "hex" if group["hexCustomization"] else "text"
            run = [t for t in group["tests"]
                   if t["keyLen"] % 8 == 0 and t["msgLen"] % 8 == 0 and (xof or t["macLen"] % 8 == 0)]
            w.count(f"{name} {kind} xof={str(xof).lower()} S={custom_kind} (tgId {group['tgId']})", len(run),
                    len(group["tests"]) - len(run))
            if not run:
                continue
            w.section(f"KMAC-{bits} {kind}")
            for t in run:
                custom = hexlow(t["customizationHex"]) if group["hexCustomization"] else text_hex(t["customization"])
                fields = [("tc", t["tcId"]), ("key", hexlow(t["key"][: t["keyLen"] // 4])),
                          ("msg", hexlow(t["msg"][: t["msgLen"] // 4])), ("custom_hex", custom),
                          ("xof", int(xof)), ("mac_bits", t["macLen"])] + last_bits_field(t["macLen"], "high")
                fields.append(("mac", hexlow(t["mac"])))
                if kind == "MVT":
                    fields.append(("passed", int(bool(t["testPassed"]))))
                w.record(fields)
    w.write(os.path.join(out, "kmac_acvp.vec"))


def make_kdf_kmac(shared, out):
    name = "KDF-KMAC-Sp800-108r1.json"
    w = VecWriter("SP 800-108r1 KDF with KMAC: derived_key = KMAC#(K = key, X = context, L = derived_bits, S = label)")
    data = load(shared, "acvp-hash", name)
    w.source(acvp_source_lines(shared, name))
    for group in data["testGroups"]:
        mode = group["macMode"]
        assert mode in ("KMAC-128", "KMAC-256")
        run = [t for t in group["tests"] if t["derivedKeyLength"] % 8 == 0]
        w.count(f"{name} {mode} (tgId {group['tgId']})", len(run), len(group["tests"]) - len(run))
        w.section(mode)
        for t in run:
            w.record([("tc", t["tcId"]), ("key", hexlow(t["keyDerivationKey"])), ("context", hexlow(t["context"])),
                      ("label", hexlow(t["label"])), ("derived_bits", t["derivedKeyLength"]),
                      ("derived_key", hexlow(t["derivedKey"]))])
    w.write(os.path.join(out, "kdf_kmac_acvp.vec"))


def make_kmac_wycheproof(shared, out):
    w = VecWriter("Wycheproof KMAC128/256 with S = \"\": tag = KMAC(key, msg, L = 8*len(tag), \"\")")
    w.header.append("# Fields: key, msg, tag, result (valid: must match; invalid: must not verify).")
    for bits in (128, 256):
        name = f"kmac{bits}_no_customization_test.json"
        data = load(shared, "wycheproof-classic", name)
        w.source(wycheproof_source_lines(shared, name))
        w.section(f"KMAC{bits}")
        n = {"valid": 0, "invalid": 0}
        for group in data["testGroups"]:
            for t in group["tests"]:
                assert t["result"] in n, t["result"]
                assert len(t["tag"]) * 4 == group["tagSize"] or t["result"] == "invalid"
                n[t["result"]] += 1
                w.record([("tc", t["tcId"]), ("key", t["key"]), ("msg", t["msg"]), ("tag_bits", group["tagSize"]),
                          ("tag", t["tag"]), ("result", t["result"])])
        assert sum(n.values()) == data["numberOfTests"]
        w.count(f"{name} (valid {n['valid']}, invalid {n['invalid']})", sum(n.values()), 0)
    w.write(os.path.join(out, "kmac_wycheproof.vec"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default="/work/shared/vectors")
    parser.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "..", "tests", "vectors", "hash")))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    make_sha3(args.shared, args.out)
    make_shake(args.shared, args.out)
    make_cshake(args.shared, args.out)
    make_kmac(args.shared, args.out)
    make_kdf_kmac(args.shared, args.out)
    make_kmac_wycheproof(args.shared, args.out)


if __name__ == "__main__":
    main()
