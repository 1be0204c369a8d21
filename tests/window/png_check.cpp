// Checks the content of a screenshot written by the runner. Checks run in order; each prints one
// line, and every one must pass:
//
//   imhooks_png_check FILE [CHECK...]
//     --size W H                    the image is W x H pixels (required before region checks)
//     --colour X Y W H R G B MIN [MAX]
//                                   MIN% to MAX% (default 100) of the region's pixels are the
//                                   colour R G B (each channel within 3)
//     --not-colour X Y W H R G B MIN
//                                   at least MIN% of the region's pixels are NOT that colour
//     --distinct X Y W H N          the region holds at least N distinct colours (text, an image)
//     --print X Y                   prints the colour at (X, Y); never fails (to write checks)
//
// The whole image must also hold at least 8 distinct colours (a blank or uniform frame fails).
// Regions are in image pixels, (0, 0) at the top left. Exits 0 when every check passes, 1 when
// one fails, 2 on a usage error.
#include <stb_image.h>  // libstb exports stbi_load: no STB_IMAGE_IMPLEMENTATION

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace {

constexpr int kTolerance = 3;

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

struct Image {
    int w = 0, h = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> pixels{nullptr, stbi_image_free};

    const unsigned char* at(int x, int y) const {
        return pixels.get() + (static_cast<std::size_t>(y) * w + x) * 3;
    }
    // Visits the pixels of `r` clipped to the image; returns how many were visited.
    template <class F>
    long each(const Rect& r, F&& f) const {
        long n = 0;
        for (int y = std::max(r.y, 0); y < r.y + r.h && y < h; ++y)
            for (int x = std::max(r.x, 0); x < r.x + r.w && x < w; ++x, ++n) f(at(x, y));
        return n;
    }
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "png_check: %s\n"
                 "usage: imhooks_png_check FILE [--size W H] [--colour X Y W H R G B MIN [MAX]]\n"
                 "       [--not-colour X Y W H R G B MIN] [--distinct X Y W H N] [--print X Y]\n",
                 why);
    std::exit(2);
}

// Reads the command line's integers one by one.
struct Args {
    int argc;
    char** argv;
    int i = 2;

    bool done() const { return i >= argc; }
    std::string_view next_word() { return argv[i++]; }
    bool next_is_int() const {
        if (i >= argc) return false;
        char* end = nullptr;
        std::strtol(argv[i], &end, 10);
        return end != argv[i] && *end == '\0';
    }
    int next_int() {
        if (!next_is_int())
            usage(i < argc ? ("not an integer: '" + std::string(argv[i]) + "'").c_str()
                           : "missing a number at the end");
        return static_cast<int>(std::strtol(argv[i++], nullptr, 10));
    }
    Rect next_rect() {
        Rect r;
        r.x = next_int();
        r.y = next_int();
        r.w = next_int();
        r.h = next_int();
        return r;
    }
};

bool same(const unsigned char* p, const int rgb[3]) {
    for (int c = 0; c < 3; ++c)
        if (std::abs(p[c] - rgb[c]) > kTolerance) return false;
    return true;
}

std::string describe(const Rect& r) {
    return "[" + std::to_string(r.x) + " " + std::to_string(r.y) + " " + std::to_string(r.w) + "x" +
           std::to_string(r.h) + "]";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage("no file given");
    const char* file = argv[1];
    Image image;
    int channels = 0;
    image.pixels.reset(stbi_load(file, &image.w, &image.h, &channels, 3));
    if (!image.pixels) {
        std::fprintf(stderr, "png_check: cannot read %s: %s\n", file, stbi_failure_reason());
        return 1;
    }
    std::printf("png_check: %s is %dx%d\n", file, image.w, image.h);

    int failures = 0;
    auto report = [&](bool ok, const std::string& what) {
        std::printf("png_check: %s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
        failures += ok ? 0 : 1;
    };

    std::set<unsigned> all;
    image.each({0, 0, image.w, image.h},
               [&](const unsigned char* p) { all.insert(p[0] << 16 | p[1] << 8 | p[2]); });
    report(all.size() >= 8,
           std::to_string(all.size()) + " distinct colours in the image (want 8+)");

    Args args{argc, argv};
    while (!args.done()) {
        const std::string_view check = args.next_word();
        if (check == "--size") {
            const int w = args.next_int();
            const int h = args.next_int();
            const bool ok = image.w == w && image.h == h;
            report(ok, "size " + std::to_string(image.w) + "x" + std::to_string(image.h) +
                           " (want " + std::to_string(w) + "x" + std::to_string(h) + ")");
            if (!ok) return 1;  // the regions below assume the expected size
        } else if (check == "--colour" || check == "--not-colour") {
            const Rect r = args.next_rect();
            int rgb[3];
            for (int& c : rgb) c = args.next_int();
            const int min = args.next_int();
            const int max = check == "--colour" && args.next_is_int() ? args.next_int() : 100;
            long matching = 0;
            const long n = image.each(r, [&](const unsigned char* p) { matching += same(p, rgb); });
            if (check == "--not-colour") matching = n - matching;
            const double percent = n ? 100.0 * matching / n : 0.0;
            char what[200];
            std::snprintf(what, sizeof what, "%s(%d,%d,%d) in %s: %.1f%% (want %d..%d%%)",
                          check == "--colour" ? "colour " : "not colour ", rgb[0], rgb[1], rgb[2],
                          describe(r).c_str(), percent, min, max);
            report(n > 0 && percent >= min && percent <= max, what);
        } else if (check == "--distinct") {
            const Rect r = args.next_rect();
            const int want = args.next_int();
            std::set<unsigned> colours;
            image.each(
                r, [&](const unsigned char* p) { colours.insert(p[0] << 16 | p[1] << 8 | p[2]); });
            report(static_cast<int>(colours.size()) >= want,
                   std::to_string(colours.size()) + " distinct colours in " + describe(r) +
                       " (want " + std::to_string(want) + "+)");
        } else if (check == "--print") {
            const int x = args.next_int();
            const int y = args.next_int();
            if (x < 0 || y < 0 || x >= image.w || y >= image.h) usage("--print: outside the image");
            const unsigned char* p = image.at(x, y);
            std::printf("png_check: pixel (%d, %d) = %d %d %d\n", x, y, p[0], p[1], p[2]);
        } else {
            usage(("unknown check: '" + std::string(check) + "'").c_str());
        }
    }

    std::printf("png_check: %s\n", failures == 0 ? "OK" : "FAILED");
    return failures == 0 ? 0 : 1;
}
