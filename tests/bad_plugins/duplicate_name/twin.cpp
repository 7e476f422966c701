// Built twice (twin_a.so, twin_b.so), both named `twin` by CMake: two libraries claiming one
// plugin name, as when an old copy of a plugin is left next to the new one.
#include <trellis/plugin.hpp>

namespace {

void describe(trellis::PluginDescriptor&) {}

} // namespace

TRELLIS_PLUGIN(describe)
