// Every compiled block kernel of the polynomial hashes (auth/detail/poly_hash_simd.hpp) against
// the Horner reference (auth/detail/gf2_128.hpp): random keys, accumulators and data of every
// block count of a 4096-byte message, unaligned data, zeros, ones, single bits, keys 0, 1 and
// all-ones; and the public poly_hash over every byte length 0..4096 against a reference built from
// the Horner kernel plus the padded last block and the length block (poly_hash.hpp).
// In a QKDNQ_FORCE_SCALAR build only the reference and aggregated kernels are listed.
#include <qkdnq/auth/detail/poly_hash_simd.hpp>
#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace {

namespace d = qkdnq::auth::detail;

constexpr std::size_t max_bytes = 4096;

std::vector<std::uint8_t> random_bytes(qkdnq::shake_drbg& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    rng.fill(out);
    return out;
}

std::uint64_t random_u64(qkdnq::shake_drbg& rng) {
    std::array<std::uint8_t, 8> b{};
    rng.fill(b);
    return qkdnq::load_le64(b.data());
}

d::gf128 random_gf128(qkdnq::shake_drbg& rng) { return {random_u64(rng), random_u64(rng)}; }

d::gf128_powers powers128(d::gf128 k) {
    d::gf128_powers pw;
    pw.compute(k);
    return pw;
}

d::gf64_powers powers64(std::uint64_t k) {
    d::gf64_powers pw;
    pw.compute(k);
    return pw;
}

// Runs every GF(2^128) kernel on (acc, k, data, blocks) and checks it against the reference.
// Returns the number of mismatches (each is reported).
int check128(d::gf128 acc, d::gf128 k, const std::uint8_t* data, std::size_t blocks) {
    const d::gf128_powers pw = powers128(k);
    d::gf128 expect = acc;
    d::gf128_blocks_reference(expect, k, data, blocks);
    int bad = 0;
    for (const d::poly_kernel kernel : d::gf128_kernels) {
        d::gf128 got = acc;
        d::gf128_blocks(kernel, got, pw, data, blocks);
        if (got != expect) {
            ++bad;
            FAIL_CHECK("GF(2^128) kernel " << d::poly_kernel_name(kernel) << ", " << blocks << " blocks");
        }
    }
    d::gf128 fast = acc;
    d::gf128_blocks_fast(fast, pw, data, blocks);
    if (fast != expect) {
        ++bad;
        FAIL_CHECK("gf128_blocks_fast, " << blocks << " blocks");
    }
    return bad;
}

int check64(std::uint64_t acc, std::uint64_t k, const std::uint8_t* data, std::size_t blocks) {
    const d::gf64_powers pw = powers64(k);
    std::uint64_t expect = acc;
    d::gf64_blocks_reference(expect, k, data, blocks);
    int bad = 0;
    for (const d::poly_kernel kernel : d::gf64_kernels) {
        std::uint64_t got = acc;
        d::gf64_blocks(kernel, got, pw, data, blocks);
        if (got != expect) {
            ++bad;
            FAIL_CHECK("GF(2^64) kernel " << d::poly_kernel_name(kernel) << ", " << blocks << " blocks");
        }
    }
    std::uint64_t fast = acc;
    d::gf64_blocks_fast(fast, pw, data, blocks);
    if (fast != expect) {
        ++bad;
        FAIL_CHECK("gf64_blocks_fast, " << blocks << " blocks");
    }
    return bad;
}

}  // namespace

TEST_CASE("poly_hash kernels: the compiled list", "[auth][simd]") {
    CHECK(d::gf128_kernels.front() == d::poly_kernel::reference);
    CHECK(d::gf64_kernels.front() == d::poly_kernel::reference);
    CHECK(d::gf128_kernel_fast == d::gf128_kernels.back());
    CHECK(d::gf64_kernel_fast == d::gf64_kernels.back());
    for (const d::poly_kernel k : d::gf128_kernels) CHECK(std::strlen(d::poly_kernel_name(k)) > 0);
    CHECK(std::string(d::poly_kernel_name(d::poly_kernel::vpclmul512)) == "vpclmul512");
#if QKDNQ_FORCE_SCALAR
    CHECK(d::gf128_kernels.size() == 2);
    CHECK(d::gf64_kernels.size() == 2);
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
    CHECK(d::gf128_kernel_fast == d::poly_kernel::vpclmul512);
#endif
}

TEST_CASE("GF(2^128) kernels equal the Horner reference on every block count", "[auth][simd]") {
    qkdnq::shake_drbg rng(0x9f128);
    // One byte of slack so that odd counts also run on data one byte off alignment.
    const std::vector<std::uint8_t> buffer = random_bytes(rng, max_bytes + 1);
    int bad = 0;
    for (std::size_t blocks = 0; blocks <= max_bytes / 16; ++blocks) {
        const std::uint8_t* data = buffer.data() + (blocks & 1);
        bad += check128(random_gf128(rng), random_gf128(rng), data, blocks);
    }
    CHECK(bad == 0);
}

TEST_CASE("GF(2^64) kernels equal the Horner reference on every block count", "[auth][simd]") {
    qkdnq::shake_drbg rng(0x9f064);
    const std::vector<std::uint8_t> buffer = random_bytes(rng, max_bytes + 1);
    int bad = 0;
    for (std::size_t blocks = 0; blocks <= max_bytes / 8; ++blocks) {
        const std::uint8_t* data = buffer.data() + (blocks & 1);
        bad += check64(random_u64(rng), random_u64(rng), data, blocks);
    }
    CHECK(bad == 0);
}

TEST_CASE("poly_hash kernels: zeros, ones, single bits, keys 0, 1 and all-ones", "[auth][simd]") {
    qkdnq::shake_drbg rng(0x9f0b17);
    const std::uint64_t ones = ~std::uint64_t{0};
    const std::array<d::gf128, 4> keys128{d::gf128{0, 0}, d::gf128{1, 0}, d::gf128{ones, ones}, random_gf128(rng)};
    const std::array<std::uint64_t, 4> keys64{0, 1, ones, random_u64(rng)};
    // Block counts around the vector widths and the 32-block chunk.
    const std::array<std::size_t, 12> counts{1, 3, 4, 5, 8, 31, 32, 33, 63, 64, 65, 100};
    const std::vector<std::uint8_t> zeros(100 * 16, 0x00), all_ones(100 * 16, 0xff);
    int bad = 0;
    for (std::size_t ki = 0; ki < keys128.size(); ++ki) {
        for (const std::size_t n : counts) {
            for (const d::gf128 acc : {d::gf128{0, 0}, d::gf128{ones, ones}, random_gf128(rng)}) {
                bad += check128(acc, keys128[ki], zeros.data(), n);
                bad += check128(acc, keys128[ki], all_ones.data(), n);
                bad += check64(acc.lo, keys64[ki], zeros.data(), 2 * n);
                bad += check64(acc.lo, keys64[ki], all_ones.data(), 2 * n);
            }
        }
    }
    // Single bits: every bit of a 37-block (GF(2^128)) / 74-block (GF(2^64)) message, zero acc.
    std::vector<std::uint8_t> bit(37 * 16, 0);
    for (std::size_t i = 0; i < bit.size() * 8; ++i) {
        bit[i / 8] = static_cast<std::uint8_t>(1u << (i % 8));
        for (const std::size_t ki : {std::size_t{2}, std::size_t{3}}) {  // keys all-ones and random
            bad += check128(d::gf128{}, keys128[ki], bit.data(), 37);
            bad += check64(0, keys64[ki], bit.data(), 74);
        }
        bit[i / 8] = 0;
    }
    CHECK(bad == 0);
}

namespace {

// poly_hash's definition (poly_hash.hpp) from the Horner reference: whole blocks, the zero-padded
// last block, the length block 8 len; `whole[b]` is the reference state after b whole blocks.
template <std::size_t Bits, class Element, class Mul>
Element reference_hash(const std::vector<Element>& whole, const std::uint8_t* msg, std::size_t len, Element k, Mul mul) {
    constexpr std::size_t B = Bits / 8;
    Element acc = whole[len / B];
    if (len % B != 0) {
        std::array<std::uint8_t, B> last{};
        std::memcpy(last.data(), msg + len / B * B, len % B);
        Element m{};
        if constexpr (Bits == 128) {
            m = d::load_gf128(last.data());
        } else {
            m = qkdnq::load_le64(last.data());
        }
        acc = mul(acc ^ m, k);
    }
    Element length{};
    if constexpr (Bits == 128) {
        length = d::gf128{std::uint64_t{len} << 3, 0};
    } else {
        length = std::uint64_t{len} << 3;
    }
    return mul(acc ^ length, k);
}

}  // namespace

TEST_CASE("poly_hash<128> equals its definition on every length 0..4096", "[auth][simd]") {
    qkdnq::shake_drbg rng(0x9f1280);
    const std::vector<std::uint8_t> msg = random_bytes(rng, max_bytes);
    const std::vector<std::uint8_t> key_bytes = random_bytes(rng, 16);
    const d::gf128 k = d::load_gf128(key_bytes.data());
    const qkdnq::auth::poly_hash_key<128> key(std::span<const std::uint8_t, 16>(key_bytes.data(), 16));

    std::vector<d::gf128> whole(max_bytes / 16 + 1);
    for (std::size_t b = 1; b < whole.size(); ++b) {
        whole[b] = whole[b - 1];
        d::gf128_blocks_reference(whole[b], k, msg.data() + 16 * (b - 1), 1);
    }
    const auto mul = [](d::gf128 a, d::gf128 b) { return d::mul<true>(a, b); };
    int bad = 0;
    for (std::size_t len = 0; len <= max_bytes; ++len) {
        const d::gf128 expect = reference_hash<128>(whole, msg.data(), len, k, mul);
        const auto one_shot = qkdnq::auth::poly_hash(key, qkdnq::bytes_view(msg.data(), len));
        // Incremental, split at a length-dependent point (exercises the partial-block buffer).
        qkdnq::auth::poly_hasher<128> h(key);
        const std::size_t cut = (len * 7) / 13;
        h.update(qkdnq::bytes_view(msg.data(), cut)).update(qkdnq::bytes_view(msg.data() + cut, len - cut));
        const auto split = h.finalize();
        if (d::load_gf128(one_shot.data()) != expect || d::load_gf128(split.data()) != expect) {
            ++bad;
            FAIL_CHECK("poly_hash<128>, " << len << " bytes");
        }
    }
    CHECK(bad == 0);
}

TEST_CASE("poly_hash<64> equals its definition on every length 0..4096", "[auth][simd]") {
    qkdnq::shake_drbg rng(0x9f0640);
    const std::vector<std::uint8_t> msg = random_bytes(rng, max_bytes);
    const std::vector<std::uint8_t> key_bytes = random_bytes(rng, 8);
    const std::uint64_t k = qkdnq::load_le64(key_bytes.data());
    const qkdnq::auth::poly_hash_key<64> key(std::span<const std::uint8_t, 8>(key_bytes.data(), 8));

    std::vector<std::uint64_t> whole(max_bytes / 8 + 1);
    for (std::size_t b = 1; b < whole.size(); ++b) {
        whole[b] = whole[b - 1];
        d::gf64_blocks_reference(whole[b], k, msg.data() + 8 * (b - 1), 1);
    }
    const auto mul = [](std::uint64_t a, std::uint64_t b) { return d::mul64<true>(a, b); };
    int bad = 0;
    for (std::size_t len = 0; len <= max_bytes; ++len) {
        const std::uint64_t expect = reference_hash<64>(whole, msg.data(), len, k, mul);
        const auto one_shot = qkdnq::auth::poly_hash(key, qkdnq::bytes_view(msg.data(), len));
        qkdnq::auth::poly_hasher<64> h(key);
        const std::size_t cut = (len * 7) / 13;
        h.update(qkdnq::bytes_view(msg.data(), cut)).update(qkdnq::bytes_view(msg.data() + cut, len - cut));
        const auto split = h.finalize();
        if (qkdnq::load_le64(one_shot.data()) != expect || qkdnq::load_le64(split.data()) != expect) {
            ++bad;
            FAIL_CHECK("poly_hash<64>, " << len << " bytes");
        }
    }
    CHECK(bad == 0);
}
