# imhooks_test_imgui_library(NAME SOURCE_DIR [INSTALL]): a static library NAME compiled from the
# core sources of the Dear ImGui in SOURCE_DIR, as applications with ImGui in a submodule or
# fetched with FetchContent define it. Its users get SOURCE_DIR on their include path (and
# include/ of the install prefix with INSTALL). For the compatibility tests only.
function(imhooks_test_imgui_library name source_dir)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "INSTALL" "" "")
    add_library(${name} STATIC
        ${source_dir}/imgui.cpp
        ${source_dir}/imgui_draw.cpp
        ${source_dir}/imgui_tables.cpp
        ${source_dir}/imgui_widgets.cpp)
    if(ARG_INSTALL)
        target_include_directories(${name} PUBLIC
            $<BUILD_INTERFACE:${source_dir}> $<INSTALL_INTERFACE:include>)
    else()
        target_include_directories(${name} PUBLIC ${source_dir})
    endif()
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
