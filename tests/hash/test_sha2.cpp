#include <qkdnq/hash/sha2.hpp>

#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

using qkdnq::bytes_view;
using qkdnq::test::vec_record;

// SHA-256 with the compression function pinned to the scalar reference, whatever the build
// selected: the [simd] tests compare it with the public class.
struct sha256_scalar_params : qkdnq::detail::sha256_params {
    static constexpr std::string_view implementation = "scalar";
    static void compress(std::span<std::uint32_t, 8> state, bytes_view blocks) noexcept {
        qkdnq::detail::sha256_compress_scalar(state, blocks);
    }
};
struct sha224_scalar_params : qkdnq::detail::sha224_params {
    static void compress(std::span<std::uint32_t, 8> state, bytes_view blocks) noexcept {
        qkdnq::detail::sha256_compress_scalar(state, blocks);
    }
};
using sha256_scalar = qkdnq::detail::sha2_hash<sha256_scalar_params>;
using sha224_scalar = qkdnq::detail::sha2_hash<sha224_scalar_params>;

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

template <class Hash>
std::string hex_of(bytes_view data) {
    return qkdnq::to_hex(Hash::hash(data));
}

// Records of one section of a .vec file.
std::vector<vec_record> section(const std::vector<vec_record>& all, const std::string& name) {
    std::vector<vec_record> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const vec_record& r) { return r.section == name; });
    return out;
}

void report(const std::string& what, std::size_t run, std::size_t skipped) {
    std::printf("%s: %zu run, %zu skipped (bit-oriented)\n", what.c_str(), run, skipped);
}

template <class Hash>
void check_acvp_aft(const std::vector<vec_record>& all, const std::string& name) {
    const auto records = section(all, name + " AFT");
    std::size_t run = 0, skipped = 0;
    for (const auto& r : records) {
        INFO(r.where() << " tcId " << r.text("TcId"));
        const auto bits = r.number("Len");
        if (bits % 8 != 0) {  // bit-oriented message: the API is byte-oriented
            ++skipped;
            continue;
        }
        const auto msg = r.hex("Msg");
        REQUIRE(msg.size() == bits / 8);
        CHECK(hex_of<Hash>(msg) == r.text("MD"));
        ++run;
    }
    report("sha2_acvp.vec [" + name + " AFT]", run, skipped);
    REQUIRE(run > 0);
    CHECK(run + skipped == records.size());
}

// ACVP SHA-2 Monte Carlo test (usnistgov/ACVP src/sha/sections/04-testtypes.adoc, see
// /work/shared/vectors/acvp-hash/README.md): standard, or alternate (each message cut or zero-padded
// to the seed's length).
template <class Hash>
void check_acvp_mct(const std::vector<vec_record>& all, const std::string& name) {
    const auto records = section(all, name + " MCT");
    REQUIRE(records.size() == 1);
    const auto& r = records.front();
    const bool alternate = r.text("Version") == "alternate";
    REQUIRE((alternate || r.text("Version") == "standard"));
    std::vector<std::uint8_t> seed = r.hex("Seed");
    const std::size_t seed_length = seed.size();
    REQUIRE(seed_length * 8 == r.number("Len"));
    std::size_t checked = 0;
    for (std::size_t j = 0; j < 100; ++j) {
        std::vector<std::uint8_t> a = seed, b = seed, c = seed;
        std::array<std::uint8_t, Hash::digest_size> md{};
        for (int i = 0; i < 1000; ++i) {
            std::vector<std::uint8_t> msg;
            msg.insert(msg.end(), a.begin(), a.end());
            msg.insert(msg.end(), b.begin(), b.end());
            msg.insert(msg.end(), c.begin(), c.end());
            if (alternate) msg.resize(seed_length, 0);  // leftmost bits, or zero bits appended
            md = Hash::hash(msg);
            a = std::move(b);
            b = std::move(c);
            c.assign(md.begin(), md.end());
        }
        INFO(r.where() << " outer iteration " << j);
        CHECK(qkdnq::to_hex(md) == r.text("MD_" + std::to_string(j)));
        seed.assign(md.begin(), md.end());
        ++checked;
    }
    report("sha2_acvp.vec [" + name + " MCT]", checked, 0);
}

// The ACVP large-data test: `content` repeated to `full_bits` bits, streamed through update()
// in 1 MiB pieces (never held in memory whole).
template <class Hash>
void check_acvp_ldt(const std::vector<vec_record>& all, const std::string& name) {
    const auto records = section(all, name + " LDT");
    REQUIRE(records.size() == 1);
    const auto& r = records.front();
    const auto content = r.hex("Content");
    REQUIRE(content.size() * 8 == r.number("ContentLen"));
    const std::uint64_t full_bytes = r.number("FullLen") / 8;
    REQUIRE(full_bytes == (std::uint64_t{1} << 30));
    std::vector<std::uint8_t> piece(std::size_t{1} << 20);
    REQUIRE(piece.size() % content.size() == 0);
    for (std::size_t i = 0; i < piece.size(); ++i) piece[i] = content[i % content.size()];
    Hash h;
    for (std::uint64_t done = 0; done < full_bytes; done += piece.size()) h.update(piece);
    CHECK(qkdnq::to_hex(h.final()) == r.text("MD"));
    report("sha2_acvp.vec [" + name + " LDT 1 GiB]", 1, 0);
}

const std::vector<vec_record>& acvp_records() {
    static const auto records = qkdnq::test::read_vec_file("hash/sha2_acvp.vec");
    return records;
}

}  // namespace

TEST_CASE("SHA-2 reproduces the FIPS 180-4 example messages", "[hash][kat]") {
    // NIST's SHA examples (csrc.nist.gov "Examples with Intermediate Values", the FIPS 180-2
    // appendices); the values agree with Python's hashlib.
    const std::string abc = "abc";
    const std::string two_block = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const std::string two_block_512 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    const std::string million_a(1000000, 'a');
    using qkdnq::as_bytes;

    CHECK(hex_of<qkdnq::sha224>({}) == "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f");
    CHECK(hex_of<qkdnq::sha224>(as_bytes(abc)) == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    CHECK(hex_of<qkdnq::sha224>(as_bytes(two_block)) == "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525");
    CHECK(hex_of<qkdnq::sha224>(as_bytes(two_block_512)) == "c97ca9a559850ce97a04a96def6d99a9e0e0e2ab14e6b8df265fc0b3");
    CHECK(hex_of<qkdnq::sha224>(as_bytes(million_a)) == "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67");

    CHECK(hex_of<qkdnq::sha256>({}) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex_of<qkdnq::sha256>(as_bytes(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_of<qkdnq::sha256>(as_bytes(two_block)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex_of<qkdnq::sha256>(as_bytes(two_block_512)) ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(hex_of<qkdnq::sha256>(as_bytes(million_a)) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    CHECK(hex_of<qkdnq::sha384>({}) ==
          "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    CHECK(hex_of<qkdnq::sha384>(as_bytes(abc)) ==
          "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    CHECK(hex_of<qkdnq::sha384>(as_bytes(two_block_512)) ==
          "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
    CHECK(hex_of<qkdnq::sha384>(as_bytes(million_a)) ==
          "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");

    CHECK(hex_of<qkdnq::sha512>({}) ==
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    CHECK(hex_of<qkdnq::sha512>(as_bytes(abc)) ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(hex_of<qkdnq::sha512>(as_bytes(two_block_512)) ==
          "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
          "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK(hex_of<qkdnq::sha512>(as_bytes(million_a)) ==
          "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
          "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST_CASE("SHA-512/224 and SHA-512/256 reproduce the FIPS 180-4 example messages", "[hash][kat]") {
    // NIST's SHA examples for SHA-512/224 and SHA-512/256 (csrc.nist.gov "Examples with
    // Intermediate Values"); every value agrees with Python's hashlib ("sha512_224", "sha512_256").
    const std::string abc = "abc";
    const std::string two_block_512 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    const std::string million_a(1000000, 'a');
    using qkdnq::as_bytes;

    CHECK(hex_of<qkdnq::sha512_224>({}) == "6ed0dd02806fa89e25de060c19d3ac86cabb87d6a0ddd05c333b84f4");
    CHECK(hex_of<qkdnq::sha512_224>(as_bytes(abc)) == "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa");
    CHECK(hex_of<qkdnq::sha512_224>(as_bytes(two_block_512)) == "23fec5bb94d60b23308192640b0c453335d664734fe40e7268674af9");
    CHECK(hex_of<qkdnq::sha512_224>(as_bytes(million_a)) == "37ab331d76f0d36de422bd0edeb22a28accd487b7a8453ae965dd287");

    CHECK(hex_of<qkdnq::sha512_256>({}) == "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a");
    CHECK(hex_of<qkdnq::sha512_256>(as_bytes(abc)) == "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
    CHECK(hex_of<qkdnq::sha512_256>(as_bytes(two_block_512)) ==
          "3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a");
    CHECK(hex_of<qkdnq::sha512_256>(as_bytes(million_a)) ==
          "9a59a052930187a97038cae692f30708aa6491923ef5194394dc68d56c74fb21");
}

namespace {
// SHA-512 with the initial hash value H(0)'' = H(0) xor a5a5...a5 (FIPS 180-4 §5.3.6, step 1).
struct sha512_t_generator_params : qkdnq::detail::sha512_params {
    static constexpr std::array<word, 8> initial_hash = [] {
        auto h = qkdnq::detail::sha512_params::initial_hash;
        for (auto& w : h) w ^= 0xa5a5a5a5a5a5a5a5;
        return h;
    }();
};
}  // namespace

TEST_CASE("SHA-512/t initial hash values come from the IV generation function (FIPS 180-4 §5.3.6)", "[hash][kat]") {
    // H(0) of SHA-512/t is SHA-512 with the modified IV of the ASCII string "SHA-512/t".
    using generator = qkdnq::detail::sha2_hash<sha512_t_generator_params>;
    auto words_of = [](const std::array<std::uint8_t, 64>& digest) {
        std::array<std::uint64_t, 8> w{};
        for (std::size_t i = 0; i < 8; ++i) w[i] = qkdnq::load_be64(digest.data() + 8 * i);
        return w;
    };
    CHECK(words_of(generator::hash(qkdnq::as_bytes("SHA-512/224"))) == qkdnq::detail::sha512_224_params::initial_hash);
    CHECK(words_of(generator::hash(qkdnq::as_bytes("SHA-512/256"))) == qkdnq::detail::sha512_256_params::initial_hash);
}

TEST_CASE("SHA-2 ACVP AFT (byte-oriented cases)", "[hash][kat]") {
    const auto& records = acvp_records();
    check_acvp_aft<qkdnq::sha256>(records, "SHA2-256");
    check_acvp_aft<qkdnq::sha384>(records, "SHA2-384");
    check_acvp_aft<qkdnq::sha512>(records, "SHA2-512");
}

TEST_CASE("SHA-2 ACVP MCT (alternate for SHA-256/512, standard for SHA-384)", "[hash][kat]") {
    const auto& records = acvp_records();
    check_acvp_mct<qkdnq::sha256>(records, "SHA2-256");
    check_acvp_mct<qkdnq::sha384>(records, "SHA2-384");
    check_acvp_mct<qkdnq::sha512>(records, "SHA2-512");
}

TEST_CASE("SHA-2 ACVP LDT, 1 GiB streamed", "[hash][kat][ldt]") {
    const auto& records = acvp_records();
    check_acvp_ldt<qkdnq::sha256>(records, "SHA2-256");
    check_acvp_ldt<qkdnq::sha384>(records, "SHA2-384");
    check_acvp_ldt<qkdnq::sha512>(records, "SHA2-512");
}

TEMPLATE_TEST_CASE("SHA-2: incremental update equals one shot, over random chunkings", "[hash][property]",
                   qkdnq::sha224, qkdnq::sha256, qkdnq::sha384, qkdnq::sha512, qkdnq::sha512_224,
                   qkdnq::sha512_256) {
    const auto seed = GENERATE(values<std::uint64_t>({1, 2, 3, 4}));
    std::mt19937_64 rng(seed);
    // Every length up to three blocks (every padding tail), then a few long ones.
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 3 * TestType::block_size + 1; ++n) lengths.push_back(n);
    for (std::size_t n : {1000u, 4096u, 4099u, 65537u}) lengths.push_back(n);
    for (const std::size_t n : lengths) {
        const auto msg = random_bytes(rng, n);
        const auto expected = TestType::hash(msg);
        TestType h;
        std::size_t done = 0;
        while (done < n) {
            // Chunks of 0..2 blocks, with empty updates mixed in.
            const std::size_t take = std::min<std::size_t>(n - done, rng() % (2 * TestType::block_size + 1));
            h.update(bytes_view(msg).subspan(done, take));
            done += take;
        }
        INFO("seed " << seed << ", length " << n);
        CHECK(h.final() == expected);
    }
}

TEMPLATE_TEST_CASE("SHA-2: use after final throws, reset and copies", "[hash][property]", qkdnq::sha224,
                   qkdnq::sha256, qkdnq::sha384, qkdnq::sha512, qkdnq::sha512_224, qkdnq::sha512_256) {
    const auto msg = qkdnq::as_bytes("The quick brown fox jumps over the lazy dog");
    TestType h;
    h.update(msg.first(10));
    TestType copy = h;  // a copy continues on its own
    h.update(msg.subspan(10));
    const auto digest = h.final();
    CHECK(digest == TestType::hash(msg));

    CHECK_THROWS_AS(h.update(msg), qkdnq::invalid_state);
    std::array<std::uint8_t, TestType::digest_size> out;
    out.fill(0xa5);
    CHECK_THROWS_AS(h.final(out), qkdnq::invalid_state);
    CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0xa5; }));  // untouched
    CHECK_THROWS_WITH(h.update(msg), Catch::Contains("::update") && Catch::Contains("finalised"));

    h.reset();
    h.update(msg);
    CHECK(h.final() == digest);

    copy.update(msg.subspan(10));
    CHECK(copy.final() == digest);

    h.reset();  // reset in the middle of a message forgets it
    h.update(msg.first(3));
    h.reset();
    CHECK(h.final() == TestType::hash({}));
}

TEST_CASE("SHA-2 reports the compression function it uses", "[hash][simd]") {
#if defined(QKDNQ_SHA256_HAVE_SHANI)
    CHECK(qkdnq::sha256::implementation == "shani");
#else
    CHECK(qkdnq::sha256::implementation == "scalar");
#endif
    CHECK(qkdnq::sha512::implementation == "scalar");
    STATIC_REQUIRE(sha256_scalar::implementation == "scalar");
    std::printf("sha256 compression: %s\n", std::string(qkdnq::sha256::implementation).c_str());
}

TEST_CASE("SHA-256 scalar compression processes many blocks as one call or block by block", "[hash][property]") {
    std::mt19937_64 rng(99);
    const auto data = random_bytes(rng, 64 * 9);
    std::array<std::uint32_t, 8> one_call = qkdnq::detail::sha256_params::initial_hash;
    std::array<std::uint32_t, 8> by_block = one_call;
    qkdnq::detail::sha256_compress_scalar(one_call, data);
    for (std::size_t i = 0; i < 9; ++i) qkdnq::detail::sha256_compress_scalar(by_block, bytes_view(data).subspan(64 * i, 64));
    CHECK(one_call == by_block);

    std::array<std::uint64_t, 8> one_call512 = qkdnq::detail::sha512_params::initial_hash;
    std::array<std::uint64_t, 8> by_block512 = one_call512;
    qkdnq::detail::sha512_compress_scalar(one_call512, bytes_view(data).first(128 * 4));
    for (std::size_t i = 0; i < 4; ++i)
        qkdnq::detail::sha512_compress_scalar(by_block512, bytes_view(data).subspan(128 * i, 128));
    CHECK(one_call512 == by_block512);
}

TEST_CASE("SHA-224/256 through the scalar reference equal the public classes on every tail length", "[hash][simd]") {
    // In a SHA-NI build this compares the two compression functions end to end; in a scalar
    // build it compares the scalar path with itself (and still checks the test's own plumbing).
    std::mt19937_64 rng(2024);
    for (std::size_t n = 0; n <= 300; ++n) {
        const auto msg = random_bytes(rng, n);
        INFO("length " << n);
        CHECK(sha256_scalar::hash(msg) == qkdnq::sha256::hash(msg));
        CHECK(sha224_scalar::hash(msg) == qkdnq::sha224::hash(msg));
    }
}

#if defined(QKDNQ_SHA256_HAVE_SHANI)
TEST_CASE("SHA-NI compression equals the scalar reference", "[hash][simd]") {
    std::mt19937_64 rng(7);
    auto check = [](std::array<std::uint32_t, 8> state, bytes_view blocks) {
        std::array<std::uint32_t, 8> scalar = state;
        std::array<std::uint32_t, 8> shani = state;
        qkdnq::detail::sha256_compress_scalar(scalar, blocks);
        qkdnq::detail::sha256_compress_shani(shani, blocks);
        CHECK(scalar == shani);
    };
    const std::array<std::uint32_t, 8> iv = qkdnq::detail::sha256_params::initial_hash;

    SECTION("zero blocks and zero state") {
        const std::vector<std::uint8_t> zeros(64 * 3, 0);
        check(iv, zeros);
        check({}, zeros);
        check(iv, bytes_view{});  // no block: state unchanged
    }
    SECTION("single set bits in the message and in the state") {
        for (std::size_t bit = 0; bit < 512; ++bit) {
            std::vector<std::uint8_t> block(64, 0);
            block[bit / 8] = static_cast<std::uint8_t>(1u << (bit % 8));
            INFO("message bit " << bit);
            check(iv, block);
        }
        const std::vector<std::uint8_t> zeros(64, 0);
        for (std::size_t bit = 0; bit < 256; ++bit) {
            std::array<std::uint32_t, 8> state{};
            state[bit / 32] = std::uint32_t{1} << (bit % 32);
            INFO("state bit " << bit);
            check(state, zeros);
        }
    }
    SECTION("random states, 1 to 16 random blocks") {
        for (int trial = 0; trial < 200; ++trial) {
            std::array<std::uint32_t, 8> state;
            for (auto& w : state) w = static_cast<std::uint32_t>(rng());
            const auto blocks = random_bytes(rng, 64 * (1 + rng() % 16));
            INFO("trial " << trial);
            check(state, blocks);
        }
    }
}
#endif
