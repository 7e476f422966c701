// Throws while describing itself; the host must name the library and keep the message.
#include <stdexcept>
#include <trellis/plugin.hpp>

namespace {

void describe(trellis::PluginDescriptor&) {
    throw std::runtime_error("models are not ready: config.yaml missing");
}

} // namespace

TRELLIS_PLUGIN(describe)
