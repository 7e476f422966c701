#include "util/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace trellis::utf8 {

namespace {

constexpr std::uint64_t k_ones = 0x0101010101010101ull;
constexpr std::uint64_t k_highs = 0x8080808080808080ull;

// Eight ASCII bytes, none of them NUL.
bool plain_ascii(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    bool has_zero = ((v - k_ones) & ~v & k_highs) != 0;
    return (v & k_highs) == 0 && !has_zero;
}

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// The length of the well-formed sequence at `p` (at most `left` bytes), or 0 (Unicode 15,
// table 3-7: the second byte's range depends on the first).
std::size_t sequence_length(const unsigned char* p, std::size_t left) {
    unsigned char c = p[0];
    if (c != 0 && c < 0x80)
        return 1;
    std::size_t length = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (length == 0 || length > left)
        return 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c == 0xE0)
        low = 0xA0; // overlong
    else if (c == 0xED)
        high = 0x9F; // surrogates
    else if (c == 0xF0)
        low = 0x90; // overlong
    else if (c == 0xF4)
        high = 0x8F; // past U+10FFFF
    if (p[1] < low || p[1] > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (!continuation(p[k]))
            return 0;
    return length;
}

} // namespace

std::size_t find_invalid(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t size = text.size(), at = 0;
    while (at < size) {
        if (at + 8 <= size && plain_ascii(p + at)) {
            at += 8;
            continue;
        }
        auto length = sequence_length(p + at, size - at);
        if (length == 0)
            return at;
        at += length;
    }
    return std::string_view::npos;
}

Position position(std::string_view text, std::size_t at) {
    auto before = text.substr(0, std::min(at, text.size()));
    Position where;
    where.line += static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    auto newline = before.rfind('\n');
    where.column = newline == std::string_view::npos ? at + 1 : at - newline;
    return where;
}

} // namespace trellis::utf8
