// A parse tree node as PostgreSQL's parser gives it (libpg_query's JSON): objects, arrays,
// strings, numbers and booleans. A statement is an object of one field named after its node type
// (`{"IndexStmt": {...}}`); a missing field reads as a null node, so rules can walk a path
// without checking every step.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::sql {

class Node {
public:
    enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

    Kind kind() const { return m_kind; }
    bool is_null() const { return m_kind == Kind::null; }
    // The field of an object; a null node when absent or when this is no object.
    const Node& operator[](std::string_view key) const;
    // An array's items or an object's values.
    std::span<const Node> items() const { return m_items; }
    std::size_t size() const { return m_items.size(); }
    // An object's keys, in the order of items().
    std::span<const std::string> keys() const { return m_keys; }
    // A string's value or a number's digits; empty otherwise.
    std::string_view str() const { return m_text; }
    bool truthy() const { return m_kind == Kind::boolean ? m_text == "true" : m_kind != Kind::null; }
    long number() const;
    // For a node wrapper (an object of one field): the type name and its fields.
    std::string_view tag() const;
    const Node& inner() const;

    // Throws std::runtime_error on malformed JSON.
    static Node parse(std::string_view json);

private:
    friend class JsonReader;
    Kind m_kind = Kind::null;
    std::string m_text;
    std::vector<std::string> m_keys; // objects: the key of each item
    std::vector<Node> m_items;
};

// Shapes libpg_query's trees repeat: a string's value as a std::string, the last of a list of
// String nodes (`["pg_catalog", "int8"]` gives "int8"), a RangeVar's table name (no schema).
std::string text_of(const Node& node);
std::string last_name(const Node& names);
std::string relation_name(const Node& range_var);

} // namespace trellis::sql
