# imhooks_check_one_imgui(BUILD_DIR TARGET): exactly one Dear ImGui is linked into TARGET, built
# in BUILD_DIR (a project with the Makefile generator, the target linked with
# -Wl,-Map=BUILD_DIR/TARGET.map):
#   - its link command (CMakeFiles/TARGET.dir/link.txt) names exactly one ImGui library (a
#     library whose name contains "imgui": libimgui.a, -limgui, libapp_imgui.a...);
#   - the linker's map shows every ImGui object (imgui.o, imgui_draw.o, ... from any archive)
#     taken from that one library, and the GLFW / OpenGL3 backend objects (if any) from one
#     place only (never Debian's prebuilt ones in libimgui.a next to the runner's).
function(imhooks_check_one_imgui build_dir target)
    file(GLOB_RECURSE link_files "${build_dir}/CMakeFiles/${target}.dir/link.txt")
    if(NOT link_files)
        message(FATAL_ERROR "one ImGui: no link command for ${target} in ${build_dir}")
    endif()
    list(GET link_files 0 link_file)
    file(READ "${link_file}" link_line)
    string(REPLACE "\n" " " link_line "${link_line}")
    separate_arguments(items UNIX_COMMAND "${link_line}")
    set(imgui_libraries)
    foreach(item ${items})
        get_filename_component(name "${item}" NAME)
        if(name MATCHES "^-l.*imgui" OR name MATCHES "^lib.*imgui.*\\.(a|so)(\\.[0-9.]+)?$")
            list(APPEND imgui_libraries "${item}")
        endif()
    endforeach()
    list(REMOVE_DUPLICATES imgui_libraries)
    list(LENGTH imgui_libraries count)
    if(NOT count EQUAL 1)
        message(FATAL_ERROR "one ImGui: the link command of ${target} names ${count} ImGui "
                            "libraries (${imgui_libraries}):\n${link_line}")
    endif()

    set(map "${build_dir}/${target}.map")
    if(NOT EXISTS "${map}")
        message(FATAL_ERROR "one ImGui: no linker map ${map}")
    endif()
    file(STRINGS "${map}" members REGEX "[^ (]+\\((imgui|imgui_draw|imgui_tables|imgui_widgets)(\\.cpp)?\\.o\\)")
    set(archives)
    foreach(line ${members})
        if(line MATCHES "([^ (]+)\\((imgui|imgui_draw|imgui_tables|imgui_widgets)(\\.cpp)?\\.o\\)")
            list(APPEND archives "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    list(REMOVE_DUPLICATES archives)
    list(LENGTH archives count)
    if(NOT count EQUAL 1)
        message(FATAL_ERROR "one ImGui: ${target} takes Dear ImGui's objects from ${count} "
                            "archives (${archives}), see ${map}")
    endif()
    file(STRINGS "${map}" members REGEX "[^ (]+\\(imgui_impl_(glfw|opengl3)[a-z0-9_]*(\\.cpp)?\\.o\\)")
    set(backend_archives)
    foreach(line ${members})
        if(line MATCHES "([^ (]+)\\(imgui_impl_(glfw|opengl3)[a-z0-9_]*(\\.cpp)?\\.o\\)")
            list(APPEND backend_archives "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    list(REMOVE_DUPLICATES backend_archives)
    list(LENGTH backend_archives count)
    if(count GREATER 1)
        message(FATAL_ERROR "one ImGui: ${target} takes Dear ImGui's backends from ${count} "
                            "archives (${backend_archives}), see ${map}")
    endif()
    message(STATUS "one ImGui: ${target} links ${imgui_libraries}; its ImGui objects all come "
                   "from ${archives}")
endfunction()
