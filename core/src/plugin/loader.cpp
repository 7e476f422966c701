#include "plugin/loader.hpp"

#include "util/module.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>
#include <map>

namespace trellis {

namespace {

constexpr const char* k_entry_point = "trellis_plugin_entry";

std::vector<std::filesystem::path> list_libraries(const std::vector<std::filesystem::path>& directories) {
    std::vector<std::filesystem::path> found;
    for (const auto& directory : directories) {
        std::error_code error;
        if (!std::filesystem::is_directory(directory, error))
            throw input_error("plugin directory {} does not exist", files::display(directory));
        std::vector<std::filesystem::path> here;
        for (const auto& entry : std::filesystem::directory_iterator(directory, error))
            if (entry.path().extension() == ".so" && entry.is_regular_file(error))
                here.push_back(entry.path());
        std::sort(here.begin(), here.end());
        found.insert(found.end(), here.begin(), here.end());
    }
    return found;
}

std::filesystem::path version_path_of(const std::filesystem::path& library, const std::string& baked) {
    // The source tree's `versions/` while developing; `versions/` beside an installed library.
    std::error_code error;
    if (!baked.empty() && std::filesystem::is_directory(baked, error))
        return baked;
    auto beside = library.parent_path() / "versions";
    if (std::filesystem::is_directory(beside, error))
        return beside;
    return baked.empty() ? beside : std::filesystem::path(baked);
}

// The dynamic loader's own words for why `path` does not load ("invalid ELF header", a missing
// dependency), which Boost.DLL reduces to an errno text such as "Bad file descriptor".
std::string loader_message(const std::filesystem::path& path, const std::error_code& error) {
    ::dlerror();
    if (void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        ::dlclose(handle);
        return error.message();
    }
    const char* why = ::dlerror();
    return why ? why : error.message();
}

LoadedPlugin load_one(const std::filesystem::path& path) {
    auto name = files::display(path);
    // Libraries stay loaded for the life of the process: descriptors hold std::function objects
    // whose code lives in them, and unloading is a source of crashes for no gain in a CLI.
    std::error_code error;
    auto* library = module::load_for_good(path, error);
    if (!library)
        throw input_error("{}: not a plugin library: the dynamic loader refused it ({}); a plugin is a shared "
                          "library built with trellis_add_plugin",
                          name, loader_message(path, error));
    if (!library->has(k_entry_point))
        throw input_error("{}: not a trellis plugin (no `{}` symbol; export one with TRELLIS_PLUGIN)", name,
                          k_entry_point);
    auto entry_function = library->get<const PluginEntry*()>(k_entry_point);

    LoadedPlugin plugin{path, {}};
    const PluginEntry* entry = nullptr;
    call_plugin(plugin, "its entry point", [&] { entry = entry_function(); });
    if (!entry)
        throw input_error("{}: the plugin entry point returned null", name);
    if (entry->abi_version != k_plugin_abi_version)
        throw input_error("{}: built for plugin ABI version {}, this trellis loads version {}; rebuild the plugin "
                          "against this trellis",
                          name, entry->abi_version, k_plugin_abi_version);
    if (!entry->describe)
        throw input_error("{}: the plugin's describe callback is null", name);

    auto& descriptor = plugin.descriptor;
    descriptor.name = entry->name ? entry->name : "";
    descriptor.depends = text::split_list(entry->depends ? entry->depends : "");
    descriptor.version_path = entry->version_path ? entry->version_path : "";
    call_plugin(plugin, "describe", [&] { entry->describe(descriptor); });
    if (!text::is_revision_id(descriptor.name))
        throw input_error("{}: plugin name `{}` must be [A-Za-z0-9_], 1 to 64 characters", name, descriptor.name);
    descriptor.version_path = version_path_of(path, descriptor.version_path).string();
    return plugin;
}

} // namespace

std::vector<LoadedPlugin> load_plugins(const std::vector<std::filesystem::path>& directories) {
    std::vector<LoadedPlugin> plugins;
    std::map<std::string, std::filesystem::path> by_name;
    for (const auto& path : list_libraries(directories)) {
        LoadedPlugin plugin;
        try {
            plugin = load_one(path);
        } catch (Error& e) {
            // A library refused before its name is known is named by its file.
            if (e.facts().file.empty())
                e.at(files::display(path));
            if (e.facts().plugin.empty())
                e.plugin(files::display(path));
            throw;
        }
        auto [it, fresh] = by_name.emplace(plugin.descriptor.name, path);
        if (!fresh)
            throw input_error("{}: plugin name `{}` is taken already by {}", files::display(path),
                              plugin.descriptor.name, files::display(it->second))
                .at(files::display(path))
                .plugin(plugin.descriptor.name);
        plugins.push_back(std::move(plugin));
    }
    return plugins;
}

} // namespace trellis
