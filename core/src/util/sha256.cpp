#include "util/sha256.hpp"

#include "util/error.hpp"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

namespace trellis {

namespace {

#define TRELLIS_TEXT(x) #x
#define TRELLIS_NUMBER_TEXT(x) TRELLIS_TEXT(x)
// The libcrypto of the headers compiled against (Debian 12: libcrypto.so.3).
constexpr const char* k_libcrypto = "libcrypto.so." TRELLIS_NUMBER_TEXT(OPENSSL_VERSION_MAJOR);

// libcrypto is opened on the first checksum, not linked: linking it cost every command about
// 0.8 ms at start-up (ARCHITECTURE.md, "SHA-256"), and most commands never compute one. Found by
// its soname as the dynamic loader finds any system library; never closed.
struct Crypto {
    decltype(&EVP_Digest) digest = nullptr;
    decltype(&EVP_sha256) sha256 = nullptr;
};

const Crypto& crypto() {
    static const Crypto loaded = [] {
        void* library = ::dlopen(k_libcrypto, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!library)
            throw input_error("revision checksums need OpenSSL's {} (Debian: libssl3): {}", k_libcrypto, ::dlerror());
        Crypto c{reinterpret_cast<decltype(&EVP_Digest)>(::dlsym(library, "EVP_Digest")),
                 reinterpret_cast<decltype(&EVP_sha256)>(::dlsym(library, "EVP_sha256"))};
        if (!c.digest || !c.sha256)
            throw input_error("{} has no EVP_Digest or EVP_sha256: it is not OpenSSL's libcrypto", k_libcrypto);
        return c;
    }();
    return loaded;
}

} // namespace

std::string sha256_hex(std::string_view data) {
    const auto& c = crypto();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    // One call: no context to free on any path. It fails only when OpenSSL cannot allocate.
    if (c.digest(data.data(), data.size(), digest, &size, c.sha256(), nullptr) != 1)
        throw input_error("SHA-256 failed in {}", k_libcrypto);
    constexpr char k_hex[] = "0123456789abcdef";
    std::string hex(2 * size, '0');
    for (unsigned int i = 0; i < size; ++i) {
        hex[2 * i] = k_hex[digest[i] >> 4];
        hex[2 * i + 1] = k_hex[digest[i] & 0xf];
    }
    return hex;
}

} // namespace trellis
