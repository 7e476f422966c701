// Plugin discovery and loading through Boost.DLL (SPEC.md, "Plugins"). A library is loaded once
// and never unloaded; its descriptor is copied into host memory. Every refusal is an input error
// naming the library file, raised before anything touches a database.
#pragma once

#include "trellis/plugin.hpp"

#include <filesystem>
#include <vector>

namespace trellis {

struct LoadedPlugin {
    std::filesystem::path library;
    PluginDescriptor descriptor;
    // Whether it declares any table or column (SQL-only plugins and plugins without models do not).
    bool has_models() const { return !descriptor.models.tables.empty() || !descriptor.models.extensions.empty(); }
};

// Every `.so` directly inside each directory, each directory's files in name order. Refuses a
// library that cannot be loaded, has no entry point, was built for another plugin ABI, has a
// null callback, throws while describing itself, or repeats a name.
std::vector<LoadedPlugin> load_plugins(const std::vector<std::filesystem::path>& directories);

// Runs a call into a plugin; any exception comes back as an error naming the library.
template <typename Call> void call_plugin(const LoadedPlugin& plugin, std::string_view what, Call&& call);

} // namespace trellis

#include "plugin/loader_call.hpp"
