// A program outside the project that uses qkdnq as a package would: one umbrella include,
// one call, checked against a known answer (SHA3-256("abc"), FIPS 202 example values).
#include <qkdnq/qkdnq.hpp>

#include <cstdio>

int main() {
    const auto digest = qkdnq::sha3_256::hash(qkdnq::as_bytes("abc"));
    const bool ok = qkdnq::to_hex(digest) ==
                    "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532";
    std::puts(ok ? "qkdnq consumer: SHA3-256(\"abc\") matches" : "qkdnq consumer: WRONG digest");
    return ok ? 0 : 1;
}
