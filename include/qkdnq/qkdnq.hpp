// Umbrella header: every public header of qkdnq.
#pragma once

#include <qkdnq/version.hpp>

#include <qkdnq/simd/arch.hpp>
#include <qkdnq/simd/gf2_words.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <qkdnq/core/base64.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/json.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/core/strong_type.hpp>

#include <qkdnq/hash/cshake.hpp>
#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_x4.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <qkdnq/amplify/finite_key.hpp>
#include <qkdnq/amplify/toeplitz.hpp>

#include <qkdnq/auth/channel.hpp>
#include <qkdnq/auth/key_pool.hpp>
#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/auth/wegman_carter.hpp>

#include <qkdnq/reconcile/cascade.hpp>
#include <qkdnq/reconcile/cascade_parameters.hpp>
#include <qkdnq/reconcile/ldpc_code.hpp>
#include <qkdnq/reconcile/ldpc_decoder.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>
#include <qkdnq/reconcile/permutation.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>
#include <qkdnq/sim/bb84_link.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>
#include <qkdnq/pqc/ml_kem.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <qkdnq/hybrid/tls_psk.hpp>
#include <qkdnq/hybrid/x25519.hpp>
#include <qkdnq/hybrid/xwing.hpp>
#include <qkdnq/relay/etsi014.hpp>
#include <qkdnq/relay/key_id.hpp>
#include <qkdnq/relay/key_store.hpp>
#include <qkdnq/relay/network.hpp>
#include <qkdnq/relay/relay_message.hpp>
#include <qkdnq/relay/trusted_node.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/pipeline/session_wire.hpp>
#include <qkdnq/pipeline/statistics.hpp>
#include <qkdnq/pipeline/throughput.hpp>
