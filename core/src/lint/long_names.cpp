#include "lint/long_names.hpp"

#include <fmt/format.h>
#include <set>
#include <string_view>

namespace trellis::lint {

namespace {

constexpr std::size_t k_name_bytes = 63;

// What PostgreSQL keeps of an identifier: 63 bytes, cut back to a whole UTF-8 character;
// an unquoted one folded to lower case as the parser folds it.
std::string kept(const sql::Token& token) {
    auto n = k_name_bytes;
    while (n > 0 && (static_cast<unsigned char>(token.text[n]) & 0xC0) == 0x80)
        --n;
    auto name = token.text.substr(0, n);
    return token.kind == sql::TokenKind::word ? sql::key(name) : name;
}

// Every string of the tree that may be a cut name (a cut name has 61 to 63 bytes).
void collect(const sql::Node& node, std::set<std::string_view>& out) {
    if (node.kind() == sql::Node::Kind::string) {
        if (node.str().size() + 3 > k_name_bytes && node.str().size() <= k_name_bytes)
            out.insert(node.str());
        return;
    }
    for (const auto& item : node.items())
        collect(item, out);
}

bool is_long_name(const sql::Token& token) {
    return (token.kind == sql::TokenKind::word || token.kind == sql::TokenKind::quoted) &&
           token.text.size() > k_name_bytes;
}

std::string message(const sql::Token& token, const std::string& name) {
    return fmt::format("the name {} is {} bytes long: PostgreSQL keeps the first {} ({})", token.text,
                       token.text.size(), name.size(), name);
}

} // namespace

std::optional<std::string> long_name(std::span<const sql::Node* const> trees, sql::Tokens tokens) {
    if (trees.empty()) {
        for (const auto& token : tokens)
            if (is_long_name(token))
                return message(token, kept(token));
        return std::nullopt;
    }
    std::set<std::string_view> names;
    for (const auto* tree : trees)
        collect(*tree, names);
    if (names.empty())
        return std::nullopt;
    for (const auto& token : tokens)
        if (is_long_name(token)) {
            auto name = kept(token);
            if (names.contains(name))
                return message(token, name);
        }
    return std::nullopt;
}

} // namespace trellis::lint
