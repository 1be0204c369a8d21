// Checks a screenshot written by the runner:
//   imhooks_png_check FILE --size W H --clear R G B --window X Y W H
// - the image is W x H;
// - it is not uniform;
// - outside the ImGui window (the bottom-right quarter of the image) it is the clear colour;
// - inside the window rectangle most pixels differ from the clear colour (the window is drawn).
// Exits 0 when every check passes, 1 otherwise, and says why.
#include <stb_image.h>  // libstb exports stbi_load: no STB_IMAGE_IMPLEMENTATION

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

int to_int(const char* text) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0') {
        std::fprintf(stderr, "png_check: not an integer: '%s'\n", text);
        std::exit(2);
    }
    return static_cast<int>(value);
}

int usage() {
    std::fprintf(stderr,
                 "usage: imhooks_png_check FILE --size W H --clear R G B --window X Y W H\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const char* file = argv[1];
    int want_w = 0, want_h = 0;
    int clear[3] = {0, 0, 0};
    Rect window;
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--size" && i + 2 < argc) {
            want_w = to_int(argv[++i]);
            want_h = to_int(argv[++i]);
        } else if (arg == "--clear" && i + 3 < argc) {
            for (int& c : clear) c = to_int(argv[++i]);
        } else if (arg == "--window" && i + 4 < argc) {
            window.x = to_int(argv[++i]);
            window.y = to_int(argv[++i]);
            window.w = to_int(argv[++i]);
            window.h = to_int(argv[++i]);
        } else {
            return usage();
        }
    }

    int w = 0, h = 0, channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load(file, &w, &h, &channels, 3),
                                                           stbi_image_free);
    if (!pixels) {
        std::fprintf(stderr, "png_check: cannot read %s: %s\n", file, stbi_failure_reason());
        return 1;
    }
    std::printf("png_check: %s is %dx%d\n", file, w, h);

    int failures = 0;
    auto fail = [&](const std::string& what) {
        std::fprintf(stderr, "png_check: FAIL: %s\n", what.c_str());
        ++failures;
    };
    auto pixel = [&](int x, int y) {
        return pixels.get() + (static_cast<std::size_t>(y) * w + x) * 3;
    };
    auto is_clear = [&](const unsigned char* p) {
        for (int c = 0; c < 3; ++c) {
            if (std::abs(p[c] - clear[c]) > 2) return false;
        }
        return true;
    };

    if (w != want_w || h != want_h) {
        fail("size " + std::to_string(w) + "x" + std::to_string(h) + ", expected " +
             std::to_string(want_w) + "x" + std::to_string(want_h));
        return 1;  // the region checks below assume the expected size
    }

    std::set<unsigned> colours;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const unsigned char* p = pixel(x, y);
            colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
        }
    }
    std::printf("png_check: %zu distinct colours\n", colours.size());
    if (colours.size() < 8) fail("the image is (nearly) uniform");

    long outside = 0, outside_clear = 0;
    for (int y = h / 2; y < h; ++y) {
        for (int x = w / 2; x < w; ++x) {
            ++outside;
            outside_clear += is_clear(pixel(x, y));
        }
    }
    std::printf("png_check: bottom-right quarter: %ld of %ld pixels are the clear colour\n",
                outside_clear, outside);
    if (outside_clear < outside * 99 / 100) fail("the background is not the clear colour");

    long inside = 0, inside_drawn = 0;
    for (int y = window.y; y < window.y + window.h && y < h; ++y) {
        for (int x = window.x; x < window.x + window.w && x < w; ++x) {
            ++inside;
            inside_drawn += !is_clear(pixel(x, y));
        }
    }
    std::printf("png_check: window rectangle: %ld of %ld pixels drawn\n", inside_drawn, inside);
    if (inside == 0 || inside_drawn < inside * 9 / 10) fail("the ImGui window is not drawn");

    if (failures == 0) std::printf("png_check: OK\n");
    return failures == 0 ? 0 : 1;
}
