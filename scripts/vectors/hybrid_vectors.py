#!/usr/bin/env python3
"""Writes the hybrid-combiner known-answer files in tests/vectors/hybrid/ (python3, stdlib only).

    python3 scripts/vectors/hybrid_vectors.py [--shared /work/shared/vectors] [--out tests/vectors/hybrid]

  combiner_etsi103744.vec  ETSI TS 103 744 CatKDF and CasKDF (HKDF, HMAC and KMAC), all 72 vectors of the
                           ETSI reference implementation, and its derandomised X25519 + ML-KEM inputs
  xwing.vec                X-Wing (draft-connolly-cfrg-xwing-kem), all three vectors

Each .vec starts with '#' lines naming the source repository, commit and original path, and this script.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sha2_vectors as common  # noqa: E402

common.SCRIPT = "scripts/vectors/hybrid_vectors.py"

# The JSON's `kdf` text -> the name the tests use.
KDF_NAMES = {"HKDF-SHA256": "hkdf_sha256", "HKDF-SHA384": "hkdf_sha384",
             "HMAC-SHA256 (SSKDF)": "hmac_sha256", "HMAC-SHA384 (SSKDF)": "hmac_sha384",
             "KMAC128 (SSKDF)": "kmac128", "KMAC256 (SSKDF)": "kmac256"}


def kdf_name(text):
    return KDF_NAMES[text.split(" with ")[0]]


def etsi(shared, out):
    rel = "etsi-103744/etsi_ts103744_vectors.json"
    doc = common.load(shared, rel)
    s = doc["_source"]
    source = [f"Source: ETSI TS 103 744 reference implementation ({s['repo']})",
              f"  commit:     {s['commit']}",
              f"  original:   main.c (blob {s['blobs']['main.c']}): inputs and expected key material",
              f"              qshkex.c (blob {s['blobs']['qshkex.c']}): the construction",
              f"  via:        {os.path.join(shared, rel)} (see its README.md and SOURCE.txt)"]
    w = common.VecWriter(os.path.join(out, "combiner_etsi103744.vec"),
                         "ETSI TS 103 744 hybrid key combiners: CatKDF and CasKDF (two rounds)", [source])
    info = doc["info_hex"].lower()
    w.section("expected")
    w.record([("catkdf", str(len(doc["CatKDF"]))), ("caskdf", str(len(doc["CasKDF"])))])
    w.section("catkdf")
    for t in doc["CatKDF"]:
        w.record([("r", str(t["r"])), ("kdf", kdf_name(t["kdf"])), ("cid", t["cid"].lower()),
                  ("psk", t["psk"].lower()), ("LA", t["LA"].lower()), ("LB", t["LB"].lower()),
                  ("PA1", t["PA1"].lower()), ("PA2", t["PA2"].lower()), ("PB1", t["PB1"].lower()),
                  ("PB2", t["PB2"].lower()), ("k1", t["k1"].lower()), ("k2", t["k2"].lower()),
                  ("info", info), ("key_material", t["key_material"].lower())])
    w.section("caskdf")
    for t in doc["CasKDF"]:
        fields = [("r", str(t["r"])), ("kdf", kdf_name(t["kdf"])), ("cid", t["cid"].lower()),
                  ("chain_secret0", t["chain_secret0"].lower())]
        for i in (1, 2):
            fields += [(f"LA{i}", t[f"LA{i}"].lower()), (f"LB{i}", t[f"LB{i}"].lower()),
                       (f"PA{i}", t[f"PA{i}"].lower()), (f"PB{i}", t[f"PB{i}"].lower()),
                       (f"k{i}", t[f"k{i}"].lower()), (f"info{i}", t[f"info{i}"].encode().hex())]
        # key_material1 is derived by the shared folder's script (checked there against OpenSSL);
        # key_material2 is main.c's expected value.
        fields += [("key_material1", t["key_material1"].lower()), ("key_material2", t["key_material2"].lower())]
        w.record(fields)
    w.section("derand_x25519")
    w.comment("main.c's derandomised inputs for the X25519 sets: k1 = X25519(SA, PB), ML-KEM KeyGen(d || z) = PA2,")
    w.comment("Encaps(PA2, m) = (PB2, k2)")
    for t in doc["derand_inputs"]:
        if t["ecdh"] != "X25519":
            continue
        w.record([("r", str(t["r"])), ("kem", t["kem"]), ("private_a", t["SA_ECC_private_key_A"].lower()),
                  ("public_b", t["PB_ECC_peer_public_key_B"].lower()), ("k1", t["expected_k1"].lower()),
                  ("public_a", t["expected_PA1"].lower()), ("d_z", t["mlkem_keygen_randomness_d_z"].lower()),
                  ("m", t["mlkem_encaps_randomness_m"].lower()), ("ek", t["expected_PA2_ek"].lower()),
                  ("ct", t["expected_PB2_ct"].lower()), ("k2", t["expected_k2"].lower())])
    w.write()


def xwing(shared, out):
    rel = "xwing/test-vectors.json"
    doc = common.load(shared, rel)
    text = open(os.path.join(shared, "xwing", "SOURCE.txt"), encoding="utf-8").read()
    repo = re.search(r"^repo:\s*(\S+)", text, re.M).group(1)
    commit = re.search(r"^commit:\s*([0-9a-f]{40})", text, re.M).group(1)
    blob = re.search(r"git blob:\s*([0-9a-f]{40})", text).group(1)
    source = [f"Source: X-Wing test vectors (draft-connolly-cfrg-xwing-kem)",
              f"  repository: {repo}",
              f"  commit:     {commit}",
              f"  original:   spec/test-vectors.json (blob {blob})",
              f"  via:        {os.path.join(shared, rel)}"]
    w = common.VecWriter(os.path.join(out, "xwing.vec"), "X-Wing: DeriveKeyPair, EncapsulateDerand, Decapsulate", [source])
    w.section("xwing")
    for t in doc:
        w.record([(k, t[k].lower()) for k in ("seed", "sk", "pk", "eseed", "ct", "ss")])
    w.write()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default="/work/shared/vectors", help="the shared vectors folder")
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "vectors", "hybrid"))
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    etsi(args.shared, out)
    xwing(args.shared, out)


if __name__ == "__main__":
    main()
