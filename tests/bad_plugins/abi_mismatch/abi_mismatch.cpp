// A plugin built against a newer SDK than the host: its entry point reports the next plugin ABI
// version, so the host must refuse it before touching the descriptor, whose layout may differ.
#include <trellis/plugin.hpp>

namespace {

void describe(trellis::PluginDescriptor&) {}

} // namespace

extern "C" __attribute__((visibility("default"))) const trellis::PluginEntry* trellis_plugin_entry() {
    static const trellis::PluginEntry entry{trellis::k_plugin_abi_version + 1, TRELLIS_PLUGIN_NAME,
                                            TRELLIS_PLUGIN_DEPENDS, TRELLIS_PLUGIN_VERSION_PATH, &describe};
    return &entry;
}
