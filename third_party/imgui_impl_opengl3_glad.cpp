// Dear ImGui's OpenGL 3 backend (imgui_impl_opengl3.cpp from libimgui-dev), compiled against the
// glad loader generated at build time instead of the backend's bundled loader. glad's header and
// imgui_impl_opengl3_loader.h must never meet in one translation unit: with
// IMGUI_IMPL_OPENGL_LOADER_CUSTOM the backend does not include its loader.
#include <glad/gl.h>

#define IMGUI_IMPL_OPENGL_LOADER_CUSTOM
#include "imgui_impl_opengl3.cpp"
