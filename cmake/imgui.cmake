# Which Dear ImGui imhooks builds against: always the application's own, never a second copy.
#
#   IMHOOKS_IMGUI_TARGET (cache)  the CMake target that provides Dear ImGui. When empty, the first
#                                 of: an existing target imgui::imgui, an existing target imgui,
#                                 find_package(imgui CONFIG) (vcpkg, Conan, an installed ImGui
#                                 CMake package), pkg-config 'imgui' (Debian's libimgui-dev).
#
# Sets, for the rest of the project:
#   IMHOOKS_IMGUI_LINK         the target to link
#   IMHOOKS_IMGUI_HOW          how it was found, so that the installed package finds it again:
#                              "package" (find_package(imgui CONFIG)), "pkgconfig", or "target"
#                              (a target of the project that builds imhooks)
#   IMHOOKS_IMGUI_PKGCONFIG_PREFIX  with "pkgconfig": the prefix of PkgConfig::<prefix>
#   IMHOOKS_IMGUI_VERSION, IMHOOKS_IMGUI_VERSION_NUM, IMHOOKS_IMGUI_HEADER  read from its imgui.h
include_guard(DIRECTORY)
include(${CMAKE_CURRENT_LIST_DIR}/imhooksImGuiVersion.cmake)

set(IMHOOKS_IMGUI_TARGET "" CACHE STRING
    "CMake target providing Dear ImGui (empty: imgui::imgui, imgui, find_package(imgui CONFIG), pkg-config imgui)")

set(IMHOOKS_IMGUI_PKGCONFIG_PREFIX "")
if(IMHOOKS_IMGUI_TARGET)
    if(NOT TARGET ${IMHOOKS_IMGUI_TARGET})
        message(FATAL_ERROR
            "imhooks: IMHOOKS_IMGUI_TARGET is '${IMHOOKS_IMGUI_TARGET}', but there is no such "
            "target. Define it (add_library, or find_package of your ImGui) before "
            "add_subdirectory(imhooks) / FetchContent_MakeAvailable(imhooks), or leave "
            "IMHOOKS_IMGUI_TARGET empty to use imgui::imgui, imgui, find_package(imgui) or "
            "pkg-config.")
    endif()
    set(IMHOOKS_IMGUI_LINK ${IMHOOKS_IMGUI_TARGET})
    set(IMHOOKS_IMGUI_HOW target)
elseif(TARGET imgui::imgui)
    set(IMHOOKS_IMGUI_LINK imgui::imgui)
    set(IMHOOKS_IMGUI_HOW target)
elseif(TARGET imgui)
    set(IMHOOKS_IMGUI_LINK imgui)
    set(IMHOOKS_IMGUI_HOW target)
else()
    find_package(imgui CONFIG QUIET)
    if(imgui_FOUND AND TARGET imgui::imgui)
        set(IMHOOKS_IMGUI_LINK imgui::imgui)
        set(IMHOOKS_IMGUI_HOW package)
    else()
        find_package(PkgConfig QUIET)
        if(PKG_CONFIG_FOUND)
            # GLOBAL: the projects that add imhooks as a subdirectory link it through imhooks.
            pkg_check_modules(IMHOOKS_PC_IMGUI QUIET IMPORTED_TARGET GLOBAL imgui)
        endif()
        if(NOT TARGET PkgConfig::IMHOOKS_PC_IMGUI)
            message(FATAL_ERROR
                "imhooks: no Dear ImGui found. Give imhooks yours: a target imgui::imgui or imgui "
                "defined before imhooks, -DIMHOOKS_IMGUI_TARGET=<your target>, an ImGui CMake "
                "package (find_package(imgui CONFIG): CMAKE_PREFIX_PATH or imgui_DIR), or on "
                "Debian: apt-get install libimgui-dev (found through pkg-config).")
        endif()
        set(IMHOOKS_IMGUI_LINK PkgConfig::IMHOOKS_PC_IMGUI)
        set(IMHOOKS_IMGUI_HOW pkgconfig)
        set(IMHOOKS_IMGUI_PKGCONFIG_PREFIX IMHOOKS_PC_IMGUI)
    endif()
endif()

# A target the application found itself may still come from a package or from pkg-config: the
# installed imhooks package then finds it again the same way.
if(IMHOOKS_IMGUI_HOW STREQUAL "target")
    set(_imhooks_target ${IMHOOKS_IMGUI_LINK})
    get_target_property(_imhooks_aliased ${_imhooks_target} ALIASED_TARGET)
    get_target_property(_imhooks_imported ${_imhooks_target} IMPORTED)
    if(NOT _imhooks_aliased AND _imhooks_imported)
        if(_imhooks_target MATCHES "^PkgConfig::(.+)$")
            set(IMHOOKS_IMGUI_HOW pkgconfig)
            set(IMHOOKS_IMGUI_PKGCONFIG_PREFIX ${CMAKE_MATCH_1})
        elseif(_imhooks_target STREQUAL "imgui::imgui" AND imgui_DIR)
            set(IMHOOKS_IMGUI_HOW package)
        endif()
    endif()
    unset(_imhooks_target)
    unset(_imhooks_aliased)
    unset(_imhooks_imported)
endif()

imhooks_imgui_version(${IMHOOKS_IMGUI_LINK}
    IMHOOKS_IMGUI_VERSION IMHOOKS_IMGUI_VERSION_NUM IMHOOKS_IMGUI_HEADER)
if(NOT IMHOOKS_IMGUI_VERSION)
    message(WARNING "imhooks: imgui.h was not found on the include path of '${IMHOOKS_IMGUI_LINK}': "
                    "the Dear ImGui version imhooks is built against is unknown")
    set(IMHOOKS_IMGUI_VERSION unknown)
endif()
message(STATUS "imhooks: Dear ImGui ${IMHOOKS_IMGUI_VERSION} (${IMHOOKS_IMGUI_HEADER}), "
               "target ${IMHOOKS_IMGUI_LINK}, found as ${IMHOOKS_IMGUI_HOW}")
