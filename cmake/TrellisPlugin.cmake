# trellis_add_plugin(NAME SOURCES ... [VERSIONS DIR] [DEPENDS plugin ...] [OUTPUT_DIRECTORY DIR])
#
# Builds a trellis plugin: a shared library exporting `trellis_plugin_entry` through the
# TRELLIS_PLUGIN macro of <trellis/plugin.hpp>. The name, the dependencies and the absolute
# version path are baked in here, so they are declared once. VERSIONS defaults to `versions/`
# beside the calling CMakeLists.txt. An installed plugin whose baked path is gone falls back to
# the `versions/` directory beside the library.
function(trellis_add_plugin name)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "VERSIONS;OUTPUT_DIRECTORY" "SOURCES;DEPENDS")
    if(NOT ARG_SOURCES)
        message(FATAL_ERROR "trellis_add_plugin(${name}): SOURCES is required")
    endif()
    if(NOT ARG_VERSIONS)
        set(ARG_VERSIONS "${CMAKE_CURRENT_SOURCE_DIR}/versions")
    endif()
    get_filename_component(versions "${ARG_VERSIONS}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(JOIN ARG_DEPENDS "," depends)

    add_library(${name} MODULE ${ARG_SOURCES})
    if(TARGET trellis::sdk)
        target_link_libraries(${name} PRIVATE trellis::sdk)
    else()
        target_link_libraries(${name} PRIVATE trellis_sdk)
    endif()
    target_compile_definitions(${name} PRIVATE
        TRELLIS_PLUGIN_NAME="${name}"
        TRELLIS_PLUGIN_DEPENDS="${depends}"
        TRELLIS_PLUGIN_VERSION_PATH="${versions}")
    set_target_properties(${name} PROPERTIES
        PREFIX ""
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    if(ARG_OUTPUT_DIRECTORY)
        set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
    elseif(DEFINED TRELLIS_PLUGIN_OUTPUT_DIRECTORY)
        set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${TRELLIS_PLUGIN_OUTPUT_DIRECTORY}")
    endif()
endfunction()
