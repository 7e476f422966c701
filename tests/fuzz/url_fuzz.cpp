// libFuzzer target for the database URL parser: no password, nor any fragment of one, in an error
// message or in the URL as displayed. An input with no two NUL bytes is the URL itself (its ASCII
// bytes), for crashes only. Else it is `prefix NUL password NUL rest`: the URL tried
// is `<scheme>://<user>:<password>@<rest>`, with the user from the prefix ([A-Za-z0-9._-] only;
// a leading `!` picks `postgres://` over `postgresql://`), and the rest ASCII. Letters and digits of the
// password are given the high bit, which nothing else in the URL or in any message has: a byte at
// or above 0x80 in a message is a piece of the password. URL punctuation (`/ ? : @ # & = %`) is
// kept as written, since passwords with it are what parsers split wrongly.
#include "db/url.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace trellis;

[[noreturn]] void violated(const char* property, const std::string& url, std::string_view text) {
    std::fprintf(stderr, "property violated: %s\n  url: %s\n  text: %.*s\n", property, url.c_str(),
                 static_cast<int>(text.size()), text.data());
    std::abort();
}

std::size_t high_bytes(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
}

bool has_high_byte(std::string_view s) {
    return high_bytes(s) > 0;
}

std::string build_url(std::string_view input, std::string& password) {
    auto first = input.find('\0');
    auto second = first == std::string_view::npos ? first : input.find('\0', first + 1);
    if (second == std::string_view::npos) { // no password: the input is the URL, ASCII only
        std::string url;
        for (char c : input)
            if (static_cast<unsigned char>(c) < 0x80 && c != '\0')
                url += c;
        return url;
    }
    auto prefix = input.substr(0, first);
    auto secret = input.substr(first + 1, second - first - 1);
    auto rest = input.substr(second + 1);
    bool short_scheme = prefix.starts_with('!');
    std::string url = short_scheme ? "postgres://" : "postgresql://";
    for (char c : prefix.substr(short_scheme ? 1 : 0))
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')
            url += c;
    for (char c : secret) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u))
            password += static_cast<char>(u | 0x80);
        else if (u >= 0x80)
            password += c;
        else if (std::string_view("/?:@#&=%[]").find(c) != std::string_view::npos)
            password += c;
    }
    url += ":" + password + "@";
    for (char c : rest)
        if (static_cast<unsigned char>(c) < 0x80 && c != '\0')
            url += c;
    return url;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string password;
    auto url = build_url(std::string_view(reinterpret_cast<const char*>(data), size), password);
    try {
        auto parsed = parse_url(url, "/base");
        auto shown = parsed.display();
        // Every high byte shown is one of the user's, host's or database's (a percent-escape may
        // spell any byte there), never one of the password's: count them.
        auto fields = parsed.user + parsed.host + parsed.database;
        if (high_bytes(shown) > high_bytes(fields))
            violated("display() shows part of the password", url, shown);
    } catch (const Error& e) {
        if (e.code() != ExitCode::bad_input)
            violated("an error other than bad input", url, e.what());
        if (has_high_byte(e.what()))
            violated("an error message holds part of the password", url, e.what());
    }
    return 0;
}
