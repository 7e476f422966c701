#include "db/url.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace trellis {

namespace {

// What a message may show of a URL that did not parse: its scheme, never a byte past it, since
// an unparsed URL may hold a password anywhere (`user:pa/ss@host`, a forgotten `@`, ...).
std::string unparsed(std::string_view raw) {
    auto scheme = raw.substr(0, raw.find("://"));
    bool plain =
        scheme.size() < raw.size() && !scheme.empty() && scheme.size() <= 16 &&
        std::all_of(scheme.begin(), scheme.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '+'; });
    return plain ? fmt::format("{}://...", scheme) : std::string("(not a URL)");
}

std::string percent_decode(std::string_view s, std::string_view part, const std::string& shown) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= s.size() || std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16).ptr != s.data() + i + 3)
            throw input_error("bad database URL {}: a `%` in the {} is not followed by two hex digits (write `%25` "
                              "for a literal `%`)",
                              shown, part);
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

std::string quote_libpq(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

// A tenant's schema goes into search_path through libpq's `options`, so only plain names are
// taken: nothing that could close the quotes or add a second schema to the path.
void check_schema(const std::string& schema, const std::string& shown) {
    auto plain = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    auto bad = std::find_if_not(schema.begin(), schema.end(), plain);
    std::string why;
    if (schema.empty())
        why = "is empty";
    else if (bad != schema.end())
        why = static_cast<unsigned char>(*bad) < 0x20 || static_cast<unsigned char>(*bad) >= 0x7f
                  ? "holds a character that is not a letter, digit or `_`"
                  : fmt::format("holds `{}`", *bad);
    else if (std::isdigit(static_cast<unsigned char>(schema[0])))
        why = "starts with a digit";
    else if (schema.size() > 63)
        why = "is longer than PostgreSQL's 63 characters";
    else if (schema.starts_with("pg_") || schema == "information_schema")
        why = "is one of PostgreSQL's own schemas";
    if (!why.empty())
        throw input_error("bad database URL {}: the schema after `?schema=` {}; a tenant schema is a letter or `_` "
                          "followed by letters, digits or `_` (case is kept)",
                          shown, why);
}

// `user:password@host:port/dbname?key=value&...`. The credentials run to the last `@`: passwords
// are often pasted without percent-encoding and hold `/`, `?`, `:` or `@`, while nothing after the
// host needs an unencoded `@`. No error quotes any part of the URL (see unparsed()).
DatabaseUrl parse_postgresql(std::string_view rest, const std::string& shown) {
    DatabaseUrl url;
    url.dialect = Dialect::postgresql;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = credentials.find(':');
        url.user = percent_decode(credentials.substr(0, colon), "user name", shown);
        if (colon != std::string_view::npos)
            url.password = percent_decode(credentials.substr(colon + 1), "password", shown);
    }
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        for (const auto& pair : text::split_list(rest.substr(q + 1), '&')) {
            auto eq = pair.find('=');
            if (eq == std::string::npos)
                throw input_error("bad database URL {}: an option after `?` is not `key=value`", shown);
            url.options[percent_decode(pair.substr(0, eq), "options", shown)] =
                percent_decode(pair.substr(eq + 1), "options", shown);
        }
        rest = rest.substr(0, q);
    }
    if (auto schema = url.options.find("schema"); schema != url.options.end()) {
        url.schema = schema->second;
        url.options.erase(schema);
        check_schema(url.schema, shown);
    }
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos)
        url.database = percent_decode(rest.substr(slash + 1), "database name", shown);
    auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        auto port = authority.substr(colon + 1);
        auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), url.port);
        if (error != std::errc{} || end != port.data() + port.size() || url.port <= 0 || url.port > 65535)
            throw input_error("bad database URL {}: the port after the host is not a number from 1 to 65535", shown);
        authority = authority.substr(0, colon);
    }
    url.host = percent_decode(authority, "host", shown);
    if (url.database.empty())
        throw input_error("bad database URL {}: no database name (expected postgresql://user@host:port/dbname)", shown);
    return url;
}

} // namespace

DatabaseUrl parse_url(const std::string& raw, const std::filesystem::path& base) {
    auto shown = unparsed(raw);
    if (raw.starts_with("sqlite://")) {
        auto rest = std::string_view(raw).substr(9);
        if (!rest.starts_with("/") || rest.size() < 2)
            throw input_error("bad SQLite URL {}: expected sqlite:///relative/path.db or sqlite:////absolute/path.db",
                              shown);
        DatabaseUrl url;
        std::filesystem::path path(std::string(rest.substr(1)));
        url.path = path.is_absolute() || path == ":memory:" ? path : (base / path).lexically_normal();
        return url;
    }
    for (std::string_view scheme : {"postgresql://", "postgres://"})
        if (raw.starts_with(scheme))
            return parse_postgresql(std::string_view(raw).substr(scheme.size()), shown);
    throw input_error("unsupported database URL {}: expected sqlite:///path.db or postgresql://user@host:port/dbname",
                      shown);
}

std::string DatabaseUrl::display() const {
    if (dialect == Dialect::sqlite)
        return "sqlite:///" + path.string();
    std::string out = "postgresql://";
    if (!user.empty())
        out += user + (password.empty() ? "" : ":***") + "@";
    out += host;
    if (port)
        out += fmt::format(":{}", port);
    out += "/" + database;
    return schema.empty() ? out : out + "?schema=" + schema;
}

std::string DatabaseUrl::libpq_string() const {
    std::string out;
    auto add = [&](std::string_view key, const std::string& value) {
        if (!value.empty())
            out += fmt::format("{}={} ", key, quote_libpq(value));
    };
    add("host", host);
    add("port", port ? std::to_string(port) : "");
    add("dbname", database);
    add("user", user);
    add("password", password);
    for (const auto& [key, value] : options)
        if (key != "options" || schema.empty())
            add(key, value);
    if (!schema.empty()) {
        // The schema alone: no `public` behind it, so nothing of another tenant's resolves.
        auto own = options.count("options") ? options.at("options") + " " : std::string();
        add("options", own + "-csearch_path=\"" + schema + "\"");
    }
    if (!options.count("application_name"))
        add("application_name", "trellis");
    if (!options.count("connect_timeout"))
        add("connect_timeout", "10");
    return out;
}

} // namespace trellis
