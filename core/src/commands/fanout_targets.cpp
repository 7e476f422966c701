// The targets of a fan-out: `--url`s, the config's `[databases]`, `databases_file` and
// `catalog_query` (with `tenant_url`), and the shard of them that this runner takes.
#include "commands/fanout.hpp"
#include "db/database.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <set>

namespace trellis {

namespace {

std::string server_of(const DatabaseUrl& url) {
    return url.dialect == Dialect::sqlite ? "local" : fmt::format("{}:{}", url.host, url.port ? url.port : 5432);
}

// A URL as a child must read it: a relative SQLite path is relative to the config's directory
// here, and the child may resolve it against another.
std::string absolute_url(const DatabaseUrl& parsed, const std::string& raw) {
    return parsed.dialect == Dialect::sqlite && !parsed.in_memory() ? "sqlite:///" + parsed.path.string() : raw;
}

void add_target(std::vector<FanoutTarget>& out, std::set<std::string>& seen, std::string name, const std::string& raw,
                const std::filesystem::path& base) {
    auto parsed = parse_url(raw, base);
    auto url = absolute_url(parsed, raw);
    if (!seen.insert(url).second)
        return;
    out.push_back({name.empty() ? parsed.display() : std::move(name), url, server_of(parsed)});
}

// `databases_file`: one `URL` or `NAME = URL` a line; blank lines and `#` comments skipped.
void add_file_targets(std::vector<FanoutTarget>& out, std::set<std::string>& seen, const std::filesystem::path& file) {
    auto content = files::read(file);
    std::size_t start = 0;
    for (int number = 1; start < content.size(); ++number) {
        auto end = content.find('\n', start);
        auto line = text::trim(std::string_view(content).substr(start, end == std::string::npos ? end : end - start));
        start = end == std::string::npos ? content.size() : end + 1;
        if (line.empty() || line.starts_with("#"))
            continue;
        auto equals = line.find('=');
        auto scheme = line.find("://");
        bool named = equals != std::string_view::npos && (scheme == std::string_view::npos || equals < scheme);
        std::string name = named ? std::string(text::trim(line.substr(0, equals))) : "";
        auto url = std::string(named ? text::trim(line.substr(equals + 1)) : line);
        try {
            add_target(out, seen, name, url, file.parent_path());
        } catch (const Error& e) {
            throw input_error("{}:{}: {}", files::display(file), number, e.what());
        }
    }
}

// `catalog_query`'s rows: (url) or (name, url); with `tenant_url`, (name), each put into the
// template's `{name}` (a schema per tenant: `...?schema={name}`), so the catalog holds no password.
void add_catalog_targets(std::vector<FanoutTarget>& out, std::set<std::string>& seen, const Config& config) {
    auto catalog = connect(parse_url(*config.catalog_url, config.directory), OpenMode::read_only, 10);
    std::vector<Row> rows;
    try {
        rows = catalog->query(*config.catalog_query);
    } catch (const SqlError& e) {
        throw database_error("{}: catalog_query failed: {}", files::display(config.file), e.what());
    }
    auto where = files::display(config.file);
    for (const auto& row : rows) {
        if (config.tenant_url) {
            if (row.size() != 1 || !row[0])
                throw input_error("{}: with tenant_url, catalog_query must return rows of (name)", where);
            // Only plain names go into a URL: a `&` or `/` would add an option or change the database.
            auto plain = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
            if (row[0]->empty() || !std::all_of(row[0]->begin(), row[0]->end(), plain))
                throw input_error("{}: catalog_query returned a tenant name that is not letters, digits, `_` or `-` "
                                  "(row {}); refused before it reaches tenant_url",
                                  where, &row - rows.data() + 1);
            auto url = *config.tenant_url;
            for (auto at = url.find("{name}"); at != std::string::npos; at = url.find("{name}", at + row[0]->size()))
                url.replace(at, 6, *row[0]);
            try {
                add_target(out, seen, *row[0], url, config.directory);
            } catch (const Error& e) {
                throw input_error("{}: tenant `{}` from catalog_query: {}", where, *row[0], e.what());
            }
            continue;
        }
        if (row.empty() || row.size() > 2 || !row.back())
            throw input_error("{}: catalog_query must return rows of (url) or (name, url)", where);
        add_target(out, seen, row.size() == 2 && row[0] ? *row[0] : "", *row.back(), config.directory);
    }
}

// FNV-1a: stable across machines and builds, unlike std::hash.
std::uint64_t stable_hash(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s)
        h = (h ^ c) * 1099511628211ULL;
    return h;
}

} // namespace

Shard parse_shard(const std::string& text) {
    Shard shard;
    auto slash = text.find('/');
    auto number = [&](std::string_view s, int& out) {
        auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
        return error == std::errc{} && end == s.data() + s.size();
    };
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), shard.index) ||
        !number(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 1 ||
        shard.index > shard.count)
        throw input_error("--shard `{}`: expected I/N with 1 <= I <= N, e.g. --shard 2/4", text);
    return shard;
}

std::vector<FanoutTarget> fanout_targets(Context& context, const std::vector<std::string>& urls, bool all) {
    std::vector<FanoutTarget> out;
    std::set<std::string> seen;
    for (const auto& url : urls)
        add_target(out, seen, "", url, std::filesystem::current_path());
    if (all) {
        const auto& config = context.config();
        for (const auto& [name, url] : config.databases) {
            try {
                add_target(out, seen, name, url, config.directory);
            } catch (const Error& e) {
                throw input_error("{} [databases] {}: {}", files::display(config.file), name, e.what());
            }
        }
        if (config.databases_file)
            add_file_targets(out, seen, *config.databases_file);
        if (config.catalog_query && config.catalog_url)
            add_catalog_targets(out, seen, config);
    }
    if (out.empty())
        throw input_error("--all-databases: no database listed; add a [databases] section (NAME = URL), "
                          "databases_file or catalog_url and catalog_query to {}",
                          context.config().file.empty() ? "trellis.ini" : files::display(context.config().file));
    return out;
}

std::vector<FanoutTarget> shard_of(const std::vector<FanoutTarget>& targets, Shard shard) {
    std::vector<FanoutTarget> out;
    for (const auto& t : targets)
        if (static_cast<int>(stable_hash(t.name) % static_cast<std::uint64_t>(shard.count)) == shard.index - 1)
            out.push_back(t);
    return out;
}

} // namespace trellis
