# Package test: installs this build into a prefix inside the build tree, then configures, builds and
# runs tests/consumer/ (a separate project that uses find_package(imhooks)) against it.
# Included from tests/CMakeLists.txt.
if(NOT TARGET imhooks)
    return()
endif()

# The consumer links the installed libimhooks.a: it needs the same sanitizer runtime.
set(IMHOOKS_CONSUMER_FLAGS "")
if(SAN STREQUAL "thread")
    set(IMHOOKS_CONSUMER_FLAGS "-fsanitize=thread")
elseif(SAN STREQUAL "address")
    set(IMHOOKS_CONSUMER_FLAGS "-fsanitize=address,undefined")
endif()

# Where this build found its Dear ImGui CMake package (if it did), for the consumer to find it too.
string(REPLACE ";" "|" IMHOOKS_CONSUMER_PREFIX_PATH "${CMAKE_PREFIX_PATH}")

add_test(NAME consumer_find_package
    COMMAND ${CMAKE_COMMAND}
        -D BUILD_DIR=${PROJECT_BINARY_DIR}
        -D CONFIG=$<CONFIG>
        -D SOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/consumer
        -D WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer
        -D GENERATOR=${CMAKE_GENERATOR}
        -D CXX_COMPILER=${CMAKE_CXX_COMPILER}
        -D C_COMPILER=${CMAKE_C_COMPILER}
        -D FLAGS=${IMHOOKS_CONSUMER_FLAGS}
        "-D PREFIX_PATH=${IMHOOKS_CONSUMER_PREFIX_PATH}"
        -P ${CMAKE_CURRENT_LIST_DIR}/consumer/run.cmake)
set_tests_properties(consumer_find_package PROPERTIES
    LABELS "package"
    TIMEOUT 300
    # Installs into and builds in its own directory; never two at once.
    RESOURCE_LOCK imhooks_consumer_prefix)

# The same package, with another Dear ImGui found first: configuring the consumer must fail,
# naming both versions, instead of linking that other ImGui.
add_test(NAME consumer_find_package_refuses_another_imgui
    COMMAND ${CMAKE_COMMAND}
        -D BUILD_DIR=${PROJECT_BINARY_DIR}
        -D CONFIG=$<CONFIG>
        -D SOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/consumer
        -D WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer_other_imgui
        -D GENERATOR=${CMAKE_GENERATOR}
        -D CXX_COMPILER=${CMAKE_CXX_COMPILER}
        -D C_COMPILER=${CMAKE_C_COMPILER}
        "-D PREFIX_PATH=${IMHOOKS_CONSUMER_PREFIX_PATH}"
        -D OTHER_IMGUI=ON
        -P ${CMAKE_CURRENT_LIST_DIR}/consumer/run.cmake)
set_tests_properties(consumer_find_package_refuses_another_imgui PROPERTIES
    LABELS "package"
    TIMEOUT 300)
