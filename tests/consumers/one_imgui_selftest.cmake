# cmake -D CASE=<case> -D WORK_DIR=<dir> -P one_imgui_selftest.cmake: runs the one-ImGui check
# (one_imgui.cmake) on a made-up link command and linker map, so that the consumer tests' check
# is shown to fail on what it must catch:
#   one            one ImGui library, all of its objects from it           -> passes
#   two_libraries  Debian's libimgui.a on the link line next to the app's  -> fails
#   two_archives   ImGui objects taken from two archives                   -> fails
#   two_backends   the GLFW backend taken from libimgui.a and the runner   -> fails
include(${CMAKE_CURRENT_LIST_DIR}/one_imgui.cmake)
set(dir ${WORK_DIR}/${CASE})
file(REMOVE_RECURSE ${dir})
set(app_imgui /build/libapp_imgui.a)
set(debian_imgui /usr/lib/x86_64-linux-gnu/libimgui.a)
set(link "/usr/bin/c++ -O2 CMakeFiles/app.dir/app.cpp.o -o app libimhooks_runner.a libimhooks.a")
set(map "Archive member included to satisfy reference by file (symbol)\n\n")
string(APPEND map "${app_imgui}(imgui.cpp.o)\n                              app.o (ImGui::Begin)\n")
string(APPEND map "${app_imgui}(imgui_widgets.cpp.o)\n")
string(APPEND map "/build/libimhooks_runner.a(imgui_impl_glfw.cpp.o)\n")
if(CASE STREQUAL "one")
    string(APPEND link " ${app_imgui} -lglfw")
elseif(CASE STREQUAL "two_libraries")
    string(APPEND link " ${app_imgui} ${debian_imgui} -lstb")
elseif(CASE STREQUAL "two_archives")
    string(APPEND link " ${app_imgui}")
    string(APPEND map "${debian_imgui}(imgui_draw.o)\n")
elseif(CASE STREQUAL "two_backends")
    string(APPEND link " ${app_imgui}")
    string(APPEND map "${debian_imgui}(imgui_impl_opengl3.o)\n")
else()
    message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
file(WRITE ${dir}/CMakeFiles/app.dir/link.txt "${link}\n")
file(WRITE ${dir}/app.map "${map}")
imhooks_check_one_imgui(${dir} app)
