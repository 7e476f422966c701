#include "config/config.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <array>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <map>
#include <sstream>

namespace po = boost::program_options;

namespace trellis {

namespace {

// The line where `key` is set, for messages (Program_options does not keep line numbers).
int line_of(const std::string& content, std::string_view key) {
    std::istringstream lines(content);
    std::string line;
    std::string section;
    for (int number = 1; std::getline(lines, line); ++number) {
        auto trimmed = text::trim(line);
        if (trimmed.starts_with("[")) {
            auto close = trimmed.find(']');
            section = std::string(trimmed.substr(1, close == std::string_view::npos ? 0 : close - 1)) + ".";
            continue;
        }
        auto equals = trimmed.find('=');
        if (equals != std::string_view::npos && section + std::string(text::trim(trimmed.substr(0, equals))) == key)
            return number;
    }
    return 0;
}

// Checks every line before Program_options sees the file: its errors quote the offending line
// whole, and a mistyped `url: postgresql://user:password@...` must not be echoed. Also refuses a
// key set twice in one section, which Program_options would take silently (the last one winning).
// Messages name the file, the line and the key, never a value.
void check_lines(const std::filesystem::path& file, const std::string& content) {
    std::istringstream lines(content);
    std::string line, section;
    std::map<std::string, int> seen; // `section.key` -> line
    for (int number = 1; std::getline(lines, line); ++number) {
        auto trimmed = text::trim(std::string_view(line).substr(0, line.find('#')));
        if (trimmed.empty())
            continue;
        if (trimmed.starts_with("[")) {
            if (!trimmed.ends_with("]") || trimmed.size() < 3)
                throw input_error("{}:{}: a section header must be `[name]`", files::display(file), number)
                    .at(files::display(file), number);
            section = std::string(trimmed.substr(1, trimmed.size() - 2)) + ".";
            continue;
        }
        auto equals = trimmed.find('=');
        auto key = text::trim(trimmed.substr(0, equals == std::string_view::npos ? 0 : equals));
        if (equals == std::string_view::npos || key.empty())
            throw input_error(
                "{}:{}: expected `key = value`, a `[section]` or a `#` comment (the line is not shown: it "
                "may hold a password)",
                files::display(file), number)
                .at(files::display(file), number);
        auto [it, fresh] = seen.emplace(section + std::string(key), number);
        if (!fresh)
            throw input_error(
                "{}:{}: `{}` is set twice{} (first on line {}); keep one", files::display(file), number, key,
                section.empty() ? "" : fmt::format(" in [{}]", section.substr(0, section.size() - 1)), it->second)
                .at(files::display(file), number);
    }
}

// An input error about `key`: the message starts with the file and line where it is set, and
// the error carries both as facts.
template <typename... Args>
Error key_error(const Config& config, const std::string& content, std::string_view key,
                fmt::format_string<Args...> format, Args&&... args) {
    int line = line_of(content, key);
    auto file = files::display(config.file);
    auto where = line ? fmt::format("{}:{}", file, line) : file;
    return Error(ExitCode::bad_input, where + ": " + fmt::format(format, std::forward<Args>(args)...)).at(file, line);
}

std::filesystem::path resolve(const Config& config, const std::string& path) {
    std::filesystem::path p(path);
    return p.is_absolute() ? p : (config.directory / p).lexically_normal();
}

bool parse_bool(const Config& config, const std::string& content, std::string_view key, const std::string& value) {
    auto v = text::to_lower(value);
    if (v == "true" || v == "yes" || v == "on" || v == "1")
        return true;
    if (v == "false" || v == "no" || v == "off" || v == "0")
        return false;
    throw key_error(config, content, key, "`{}` must be true or false, not `{}`", key, value);
}

// A whole number of seconds, 0 to 2147483 (PostgreSQL's time-outs are milliseconds in an int).
int parse_seconds(const Config& config, const std::string& content, std::string_view key, const std::string& value) {
    int seconds = -1;
    try {
        std::size_t used = 0;
        seconds = std::stoi(value, &used);
        if (used != value.size())
            seconds = -1;
    } catch (const std::exception&) {
    }
    if (seconds < 0 || seconds > k_max_seconds)
        throw key_error(config, content, key, "{} must be a whole number of seconds from 0 to {}, not `{}`", key,
                        k_max_seconds, value);
    return seconds;
}

void apply_plugin_key(Config& config, const std::string& content, const std::string& key, const std::string& value) {
    // key is `plugin.NAME.setting`
    auto last_dot = key.rfind('.');
    auto name = key.substr(7, last_dot - 7);
    auto setting = key.substr(last_dot + 1);
    if (name.empty() || !text::is_revision_id(name))
        throw key_error(config, content, key, "bad plugin section name `{}`", name);
    PluginSection* section = nullptr;
    for (auto& s : config.plugins)
        if (s.name == name)
            section = &s;
    if (!section) {
        config.plugins.push_back({name, std::nullopt, std::nullopt, std::nullopt});
        section = &config.plugins.back();
    }
    if (setting == "version_path")
        section->version_path = resolve(config, value);
    else if (setting == "depends")
        section->depends = text::split_list(value);
    else if (setting == "sql_only")
        section->sql_only = parse_bool(config, content, key, value);
    else
        throw key_error(config, content, key,
                        "unknown key `{}` in [plugin.{}] (known: version_path, depends, sql_only)", setting, name)
            .plugin(name);
}

// The top-level keys, in the order the error for an unknown key lists them.
constexpr std::array<std::string_view, 17> k_keys{"url",
                                                  "plugin_path",
                                                  "default_plugin",
                                                  "version_table",
                                                  "dev",
                                                  "exclude_tables",
                                                  "lock_timeout",
                                                  "lock_lease",
                                                  "ddl_lock_timeout",
                                                  "ddl_retry_budget",
                                                  "statement_timeout",
                                                  "version_schema",
                                                  "scratch_url",
                                                  "databases_file",
                                                  "catalog_url",
                                                  "catalog_query",
                                                  "tenant_url"};

po::parsed_options parse_options(const Config& config, const std::string& content, po::options_description& known) {
    for (auto key : k_keys)
        known.add_options()(std::string(key).c_str(), po::value<std::string>());
    try {
        std::istringstream stream(content);
        return po::parse_config_file(stream, known, true);
    } catch (const po::error& e) {
        throw input_error("{}: {}", files::display(config.file), e.what()).at(files::display(config.file));
    }
}

// A key of a section: `[plugin.NAME]` or `[databases]`; any other is refused.
void apply_section_key(Config& config, const std::string& content, const std::string& key, const std::string& value) {
    if (key.starts_with("plugin.") && std::count(key.begin(), key.end(), '.') >= 2)
        return apply_plugin_key(config, content, key, value);
    if (key.starts_with("databases.") && key.size() > 10) {
        config.databases.emplace_back(key.substr(10), value);
        return;
    }
    throw key_error(config, content, key, "unknown key `{}` (known: {}, [plugin.NAME] and [databases] sections)", key,
                    fmt::join(k_keys, ", "));
}

// The keys whose value is a number of seconds.
void apply_seconds_key(Config& config, const std::string& content, const std::string& key, const std::string& value) {
    auto seconds = parse_seconds(config, content, key, value);
    if (key == "lock_timeout")
        config.lock_timeout = seconds;
    else if (key == "lock_lease")
        config.lock_lease = seconds;
    else if (key == "ddl_lock_timeout")
        config.ddl_lock_timeout = seconds;
    else if (key == "ddl_retry_budget")
        config.ddl_retry_budget = seconds;
    else if (key == "statement_timeout")
        config.statement_timeout = seconds;
}

void apply_key(Config& config, const std::string& content, const std::string& key, const std::string& value) {
    if (key == "url")
        config.url = value;
    else if (key == "plugin_path")
        for (const auto& p : text::split_list(value, value.find(',') != std::string::npos ? ',' : ':'))
            config.plugin_path.push_back(resolve(config, p));
    else if (key == "default_plugin")
        config.default_plugin = value;
    else if (key == "version_table") {
        if (!text::is_revision_id(value))
            throw key_error(config, content, key, "version_table `{}` must be a plain table name", value);
        config.version_table = value;
    } else if (key == "dev")
        config.dev = parse_bool(config, content, key, value);
    else if (key == "exclude_tables")
        config.exclude_tables = text::split_list(value);
    else if (key == "scratch_url")
        config.scratch_url = value;
    else if (key == "databases_file")
        config.databases_file = resolve(config, value);
    else if (key == "catalog_url")
        config.catalog_url = value;
    else if (key == "catalog_query")
        config.catalog_query = value;
    else if (key == "tenant_url") {
        if (value.find("{name}") == std::string::npos)
            throw key_error(config, content, key,
                            "tenant_url must hold `{{name}}`, where each name from catalog_query goes (e.g. "
                            "postgresql://app@db1/saas?schema={{name}})");
        config.tenant_url = value;
    } else if (key == "version_schema") {
        if (!text::is_revision_id(value))
            throw key_error(config, content, key, "version_schema `{}` must be a plain schema name", value);
        config.version_schema = value;
    } else
        apply_seconds_key(config, content, key, value);
}

} // namespace

const PluginSection* Config::plugin(std::string_view name) const {
    for (const auto& s : plugins)
        if (s.name == name)
            return &s;
    return nullptr;
}

Config load_config(const std::filesystem::path& file) {
    Config config;
    config.file = std::filesystem::absolute(file).lexically_normal();
    config.directory = config.file.parent_path();
    auto content = files::read(config.file);
    check_lines(config.file, content);
    po::options_description known;
    for (const auto& option : parse_options(config, content, known).options) {
        const auto& key = option.string_key;
        auto value = option.value.empty() ? std::string{} : option.value.front();
        if (option.unregistered)
            apply_section_key(config, content, key, value);
        else
            apply_key(config, content, key, value);
    }
    return config;
}

std::optional<std::filesystem::path> find_config(const std::filesystem::path& start) {
    std::error_code error;
    for (auto dir = std::filesystem::absolute(start, error); !dir.empty(); dir = dir.parent_path()) {
        auto candidate = dir / "trellis.ini";
        if (std::filesystem::is_regular_file(candidate, error))
            return candidate;
        if (std::filesystem::exists(candidate, error))
            throw input_error("{} is not a file: a config must be a regular file (or pass -c FILE)",
                              files::display(candidate));
        if (dir == dir.root_path())
            break;
    }
    return std::nullopt;
}

} // namespace trellis
