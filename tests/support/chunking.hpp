// Random chunkings for the incremental == one-shot property tests.
#pragma once

#include <algorithm>
#include <cstddef>
#include <random>
#include <span>

namespace qkdnq::test {

// Calls `use(chunk)` on consecutive chunks of `data`, each of a size drawn uniformly from
// [min_chunk, max_chunk] by `rng` (the last one shorter if need be), until all of `data` is used.
// Zero-length chunks are allowed when min_chunk is 0.
template <class T, class Rng, class Use>
void for_random_chunks(std::span<T> data, Rng& rng, std::size_t min_chunk, std::size_t max_chunk, Use&& use) {
    std::uniform_int_distribution<std::size_t> size_of(min_chunk, max_chunk);
    for (std::size_t at = 0; at < data.size();) {
        const std::size_t take = std::min(data.size() - at, size_of(rng));
        use(data.subspan(at, take));
        at += take;
    }
}

// Names a type as a value, for dispatching on a vector file's section name.
template <class T>
struct type_tag {
    using type = T;
};

}  // namespace qkdnq::test
