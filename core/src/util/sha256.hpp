// SHA-256 (FIPS 180-4), for revision checksums, through OpenSSL's libcrypto (SHA-NI where the
// CPU has it), opened on first use. Thread-safe. The digest is the standard's: checksums stored in ledgers stay valid.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// The lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

} // namespace trellis
