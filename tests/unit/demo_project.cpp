#include "demo_project.hpp"

#include "project.hpp"

#include <fmt/format.h>

namespace trellis::test {

const std::vector<std::pair<std::string, std::string>> k_demo_plugins = {{"uber", ""},         {"panels", "uber"},
                                                                         {"guests", "panels"}, {"tabletop", "panels"},
                                                                         {"magprime", "uber"}, {"mivs", "uber"}};

DemoProject::DemoProject(const std::string& dialect, const std::string& extra)
    : m_dialect(dialect) {
    if (dialect == "postgresql") {
        m_pg = std::make_unique<PostgresDatabase>();
        m_url = m_pg->url();
    } else {
        m_url = "sqlite:///" + (dir() / "demo.db").string();
    }
    std::filesystem::create_directories(dir() / "plugins");
    for (const auto& [name, parent] : k_demo_plugins)
        install_library(name);
    write_file(dir() / "trellis.ini",
               "plugin_path = plugins\ndefault_plugin = uber\ndev = true\nlock_timeout = 30\n" + extra);
}

Result DemoProject::run(const std::vector<std::string>& args) const {
    std::vector<std::string> all{"--url", m_url};
    all.insert(all.end(), args.begin(), args.end());
    return run_trellis(all, dir());
}

std::set<std::string> DemoProject::remove_library(const std::string& plugin) {
    std::set<std::string> removed{plugin};
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& [name, parent] : k_demo_plugins)
            if (removed.count(parent) && removed.insert(name).second)
                grew = true;
    }
    for (const auto& name : removed)
        std::filesystem::remove(dir() / "plugins" / (name + ".so"));
    return removed;
}

void DemoProject::install_library(const std::string& plugin) {
    for (const auto& [name, parent] : k_demo_plugins)
        if (name == plugin && !parent.empty())
            install_library(parent);
    std::filesystem::copy_file(std::filesystem::path(TRELLIS_PLUGIN_DIR) / (plugin + ".so"),
                               dir() / "plugins" / (plugin + ".so"), std::filesystem::copy_options::skip_existing);
}

std::set<std::string> DemoProject::libraries() const {
    std::set<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir() / "plugins"))
        out.insert(entry.path().stem().string());
    return out;
}

std::set<std::string> DemoProject::columns() const {
    auto rows = m_dialect == "sqlite"
                    ? sql("SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                          "WHERE m.type = 'table' AND m.name NOT IN ('trellis_version', 'trellis_version_lock')")
                    : sql("SELECT table_name || '.' || column_name FROM information_schema.columns "
                          "WHERE table_schema = 'public' AND table_name NOT IN ('trellis_version', "
                          "'trellis_version_lock')");
    auto list = lines(rows);
    return {list.begin(), list.end()};
}

} // namespace trellis::test
