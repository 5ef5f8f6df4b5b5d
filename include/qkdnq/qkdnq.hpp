// Umbrella header: every public header of qkdnq.
#pragma once

#include <qkdnq/version.hpp>

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
