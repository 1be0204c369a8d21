// A minimal PNG writer for the runner's screenshots: RGB, 8 bits, uncompressed deflate blocks.
// Screenshots are written rarely and read by tools; size does not matter, a dependency would.
#pragma once

#include <cstdint>
#include <string>

namespace imhooks::detail {

// Writes `width` x `height` RGB pixels, rows given bottom-up (as glReadPixels returns them), to
// `path`. Returns false (errno set by the C library) when the file cannot be written.
bool write_png_rgb_bottom_up(const std::string& path, int width, int height,
                             const std::uint8_t* pixels);

}  // namespace imhooks::detail
