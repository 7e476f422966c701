// The template body of call_plugin: keeps every call into a plugin inside one try.
#pragma once

#include "util/error.hpp"
#include "util/files.hpp"

#include <exception>

namespace trellis {

template <typename Call> void call_plugin(const LoadedPlugin& plugin, std::string_view what, Call&& call) {
    try {
        call();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw input_error("{}: plugin `{}` failed in {}: {}", files::display(plugin.library), plugin.descriptor.name,
                          what, e.what());
    } catch (...) {
        throw input_error("{}: plugin `{}` failed in {} with a non-standard exception", files::display(plugin.library),
                          plugin.descriptor.name, what);
    }
}

} // namespace trellis
