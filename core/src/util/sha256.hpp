// SHA-256 (FIPS 180-4), for revision checksums. No dependency beyond the standard library.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// The lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

} // namespace trellis
