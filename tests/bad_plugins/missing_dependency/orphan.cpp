// Declares (in CMake) a dependency on `no_such_plugin`, which is not on the plugin path.
#include <trellis/plugin.hpp>

namespace {

void describe(trellis::PluginDescriptor&) {}

} // namespace

TRELLIS_PLUGIN(describe)
