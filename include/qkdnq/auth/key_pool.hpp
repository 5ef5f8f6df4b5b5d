// A pool of authentication key: a stream of secret bytes shared by two parties, from which
// Wegman-Carter tags draw their one-time pads (auth/wegman_carter.hpp, auth/channel.hpp).
//
//   qkdnq::auth::key_pool pool(pre_shared_key);   // the first bytes of the stream
//   pool.deposit(share_of_new_qkd_key);            // appended at the end
//   auto pad = pool.take(16);                      // result<secure_bytes>: not_enough_key when dry
//
// Both parties hold the same stream and consume it in the same order, so a byte is named by its
// offset: the number of bytes consumed before it since the pool was created. `offset()` is the
// position of the next unused byte; message headers carry it so that a receiver can tell that the
// two sides are in step (channel.hpp) before it uses a pad. Consumed bytes are wiped at once and
// never handed out again. Running dry is a result (status::not_enough_key), not an exception;
// asking to consume bytes that are not there is a programmer error.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace qkdnq::auth {

class key_pool {
public:
    key_pool() = default;
    explicit key_pool(bytes_view initial_key) { deposit(initial_key); }

    // Copying would let two owners hand out the same pads: a pool is moved, never copied.
    key_pool(const key_pool&) = delete;
    key_pool& operator=(const key_pool&) = delete;
    key_pool(key_pool&&) noexcept = default;
    key_pool& operator=(key_pool&&) noexcept = default;

    // Appends fresh shared key bytes to the end of the stream.
    void deposit(bytes_view key) {
        if (m_head != 0 && m_head >= m_bytes.size() / 2) {  // drop the wiped prefix before growing
            const std::size_t live = m_bytes.size() - m_head;
            std::memmove(m_bytes.data(), m_bytes.data() + m_head, live);
            secure_zero(m_bytes.data() + live, m_head);  // the moved bytes' old copies
            m_bytes.resize(live);
            m_head = 0;
        }
        m_bytes.insert(m_bytes.end(), key.begin(), key.end());
        m_deposited += key.size();
    }

    // Unused bytes in the pool.
    [[nodiscard]] std::size_t available() const noexcept { return m_bytes.size() - m_head; }
    // Stream position of the next unused byte (= bytes consumed so far).
    [[nodiscard]] std::uint64_t offset() const noexcept { return m_deposited - available(); }
    // Bytes deposited since the pool was created (= offset() + available()).
    [[nodiscard]] std::uint64_t deposited() const noexcept { return m_deposited; }

    // Copies the next out.size() unused bytes into `out` without consuming them; not_enough_key
    // (and `out` untouched) if the pool holds fewer.
    [[nodiscard]] status peek(std::span<std::uint8_t> out) const noexcept {
        if (out.size() > available()) return status::not_enough_key;
        if (!out.empty()) std::memcpy(out.data(), m_bytes.data() + m_head, out.size());
        return status::ok;
    }

    // Marks the next n bytes used and wipes them. Throws invalid_argument if fewer are available.
    void consume(std::size_t n) {
        if (n > available()) {
            throw invalid_argument("qkdnq::auth::key_pool::consume: argument 'n' is " + std::to_string(n) + ", but only " +
                                   std::to_string(available()) + " bytes are available");
        }
        secure_zero(m_bytes.data() + m_head, n);
        m_head += n;
    }

    // peek then consume: the next out.size() bytes, or not_enough_key with nothing consumed.
    [[nodiscard]] status take(std::span<std::uint8_t> out) {
        const status s = peek(out);
        if (s == status::ok) consume(out.size());
        return s;
    }
    [[nodiscard]] result<secure_bytes> take(std::size_t n) {
        if (n > available()) return status::not_enough_key;
        secure_bytes out(n);
        (void)take(std::span<std::uint8_t>(out));
        return out;
    }

private:
    secure_bytes m_bytes;        // [m_head, size) unused; [0, m_head) already wiped
    std::size_t m_head = 0;
    std::uint64_t m_deposited = 0;
};

}  // namespace qkdnq::auth
