// Built as cycle_a and cycle_b, each declared in CMake to depend on the other.
#include <trellis/plugin.hpp>

namespace {

void describe(trellis::PluginDescriptor&) {}

} // namespace

TRELLIS_PLUGIN(describe)
