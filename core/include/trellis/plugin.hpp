// trellis/plugin.hpp — how a shared library becomes a trellis plugin.
//
// A plugin exports one C function, `trellis_plugin_entry`, returning a plain struct: the plugin ABI
// version it was built against, and a callback that fills in the descriptor (models, C++ steps).
// Write it with the TRELLIS_PLUGIN macro; the CMake function `trellis_add_plugin` bakes the name,
// the dependencies and the version path in, so they are declared once, in CMake:
//
//     #include <trellis/plugin.hpp>
//     static void describe(trellis::PluginDescriptor& plugin) {
//         plugin.models.tables.push_back({"panel_application", {...}, {"id"}});
//         plugin.steps.push_back({"backfill_slugs", [](trellis::StepConnection& db) { ... }});
//     }
//     TRELLIS_PLUGIN(describe)
//
// The host loads a library once and never unloads it. It calls `describe` once, on its own
// thread; an exception from it refuses the plugin with the library's name.
#pragma once

#include "trellis/connection.hpp"
#include "trellis/model.hpp"

#include <functional>
#include <string>
#include <vector>

namespace trellis {

// Bumped whenever PluginDescriptor or anything it holds changes layout.
inline constexpr int k_plugin_abi_version = 2; // 2: the models grew (types, identity, indexes, keys)

struct Step {
    std::string name;
    std::function<void(StepConnection&)> run;
};

struct PluginDescriptor {
    std::string name;
    std::vector<std::string> depends;
    std::string version_path; // absolute; empty: `versions/` beside the library
    Models models;
    std::vector<Step> steps;
};

struct PluginEntry {
    int abi_version;
    const char* name;
    const char* depends;      // comma-separated plugin names
    const char* version_path; // as baked in at build time
    void (*describe)(PluginDescriptor&);
};

} // namespace trellis

#ifndef TRELLIS_PLUGIN_NAME
#define TRELLIS_PLUGIN_NAME ""
#endif
#ifndef TRELLIS_PLUGIN_DEPENDS
#define TRELLIS_PLUGIN_DEPENDS ""
#endif
#ifndef TRELLIS_PLUGIN_VERSION_PATH
#define TRELLIS_PLUGIN_VERSION_PATH ""
#endif

// Exports the plugin's entry point. `describe_function` is `void(trellis::PluginDescriptor&)`.
#define TRELLIS_PLUGIN(describe_function)                                                                              \
    extern "C" __attribute__((visibility("default"))) const ::trellis::PluginEntry* trellis_plugin_entry() {           \
        static const ::trellis::PluginEntry entry{::trellis::k_plugin_abi_version, TRELLIS_PLUGIN_NAME,                \
                                                  TRELLIS_PLUGIN_DEPENDS, TRELLIS_PLUGIN_VERSION_PATH,                 \
                                                  &describe_function};                                                 \
        return &entry;                                                                                                 \
    }
