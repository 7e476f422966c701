// Looks like a plugin to the file system (a .so in the plugin directory) but exports no
// `trellis_plugin_entry`: a stray library the loader must refuse by name.
extern "C" __attribute__((visibility("default"))) int no_entry_answer() {
    return 42;
}
