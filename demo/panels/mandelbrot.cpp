// Panel 2: a Generator job. The Mandelbrot set is computed on a worker row by row; each co_yield
// hands the UI the picture so far, which it uploads to an OpenGL texture.
#include "panels.h"

// glad before anything that could include a system GL header.
#include <glad/gl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

namespace demo {

namespace {

constexpr int kWidth = 400;
constexpr int kHeight = 225;
constexpr int kRowsPerYield = 3;

// The part of the plane shown: its centre and the size of one pixel.
struct View {
    double x = -0.65;
    double y = 0.0;
    double pixel = 3.0 / kWidth;
    bool operator==(const View&) const = default;
};

using Pixels = std::vector<std::uint32_t>;  // RGBA8, kWidth x kHeight

// A partial result: each one an immutable snapshot, so the UI may upload it while the worker
// goes on with the next rows.
struct Image {
    std::shared_ptr<const Pixels> pixels;
    int rows = 0;  // rows computed so far, from the top
};

// Coroutine frames of render_mandelbrot alive now: drops back to zero when a render is cancelled,
// because the runtime destroys the generator (and its locals) at the checkpoint between two
// elements.
std::atomic<int> g_frames_alive{0};
struct CountAlive {
    CountAlive() { g_frames_alive.fetch_add(1, std::memory_order_relaxed); }
    ~CountAlive() { g_frames_alive.fetch_sub(1, std::memory_order_relaxed); }
    CountAlive(const CountAlive&) = delete;
    CountAlive& operator=(const CountAlive&) = delete;
};

std::uint32_t rgba(double r, double g, double b) {
    auto byte = [](double v) {
        return static_cast<std::uint32_t>(std::clamp(v, 0.0, 1.0) * 255.0 + 0.5);
    };
    return byte(r) | byte(g) << 8 | byte(b) << 16 | 0xFFu << 24;
}

// A smooth, cyclic palette through deep blue, white and gold.
void palette(double t, double out[3]) {
    static const double stops[][4] = {{0.0, 0.00, 0.03, 0.39},    {0.16, 0.13, 0.42, 0.80},
                                      {0.42, 0.93, 1.00, 1.00},   {0.6425, 1.00, 0.67, 0.00},
                                      {0.8575, 0.00, 0.01, 0.00}, {1.0, 0.00, 0.03, 0.39}};
    t -= std::floor(t);
    int i = 0;
    while (t > stops[i + 1][0]) ++i;
    const double f = (t - stops[i][0]) / (stops[i + 1][0] - stops[i][0]);
    for (int c = 0; c < 3; ++c)
        out[c] = stops[i][c + 1] + f * (stops[i + 1][c + 1] - stops[i][c + 1]);
}

// One pixel, 2 x 2 samples, smooth colouring; the inside of the set is black.
std::uint32_t shade(const View& view, int px, int py, int max_iterations) {
    double sum[3] = {0, 0, 0};
    for (int sample = 0; sample < 4; ++sample) {
        const double cx = view.x + (px + 0.25 + 0.5 * (sample & 1) - kWidth / 2.0) * view.pixel;
        const double cy = view.y + (py + 0.25 + 0.5 * (sample >> 1) - kHeight / 2.0) * view.pixel;
        double zx = 0, zy = 0;
        int i = 0;
        while (i < max_iterations && zx * zx + zy * zy <= 256.0) {
            const double t = zx * zx - zy * zy + cx;
            zy = 2 * zx * zy + cy;
            zx = t;
            ++i;
        }
        if (i == max_iterations) continue;
        const double smooth = i + 1 - std::log2(std::log(std::sqrt(zx * zx + zy * zy)));
        double colour[3];
        palette(std::sqrt(smooth) * 0.18 - 0.12, colour);
        for (int c = 0; c < 3; ++c) sum[c] += colour[c];
    }
    return rgba(sum[0] / 4, sum[1] / 4, sum[2] / 4);
}

// The job: a free function, not a capturing lambda coroutine, because a coroutine frame keeps
// copies of its parameters while a lambda's captures would dangle once the lambda is gone.
imhooks::Generator<Image> render_mandelbrot(View view, int max_iterations) {
    CountAlive alive;
    Pixels pixels(static_cast<std::size_t>(kWidth) * kHeight, 0);  // transparent until computed
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) pixels[y * kWidth + x] = shade(view, x, y, max_iterations);
        if ((y + 1) % kRowsPerYield == 0 || y + 1 == kHeight) {
            // A named value, not a braced temporary: g++ 12 destroys a temporary aggregate in a
            // co_yield operand too early (use-after-free under AddressSanitizer).
            Image partial{std::make_shared<const Pixels>(pixels), y + 1};
            co_yield partial;
        }
    }
}

// ImTextureID is a pointer before Dear ImGui 1.91.4 and an integer (ImU64) since, unless the
// application's imconfig.h says otherwise.
template <class Id>
Id texture_id(GLuint texture) {
    if constexpr (std::is_pointer_v<Id>)
        return reinterpret_cast<Id>(static_cast<std::uintptr_t>(texture));
    else
        return static_cast<Id>(texture);
}

}  // namespace

void MandelbrotPanel() {
    Note(
        "What to look for: rows stream in via co_yield. Click: zoom in, right-click: out; the old "
        "render stops.");

    auto [view, set_view] = imhooks::use_state(View{});
    auto [iterations, set_iterations] = imhooks::use_state(600);
    imhooks::Result<Image> image =
        imhooks::use_thread([view, iterations] { return render_mandelbrot(view, iterations); },
                            imhooks::deps(view, iterations));

    // The texture belongs to this component: created after its first frame, deleted when it
    // unmounts (the effect's cleanup). Effects run on the UI thread, where the GL context is.
    GLuint& texture = imhooks::use_ref(GLuint{0});
    imhooks::use_effect(
        [&texture] {
            const Pixels clear(static_cast<std::size_t>(kWidth) * kHeight, 0);
            glGenTextures(1, &texture);
            glBindTexture(GL_TEXTURE_2D, texture);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kWidth, kHeight, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                         clear.data());
            return [&texture] {
                glDeleteTextures(1, &texture);
                texture = 0;
            };
        },
        imhooks::deps());

    // Upload when the Result's value changed: a new snapshot is a new pointer. Rows the current
    // render has not reached yet keep the previous picture.
    auto& uploaded = imhooks::use_ref(std::shared_ptr<const Pixels>{});
    const Image* shown = image.value();
    if (texture && shown && shown->pixels != uploaded) {
        glBindTexture(GL_TEXTURE_2D, texture);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, kWidth, shown->rows, GL_RGBA, GL_UNSIGNED_BYTE,
                        shown->pixels->data());
        uploaded = shown->pixels;
    }

    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (texture)
        ImGui::Image(texture_id<ImTextureID>(texture), ImVec2(kWidth, kHeight));
    else
        ImGui::Dummy(ImVec2(kWidth, kHeight));
    const bool running = image.state() == imhooks::ResultState::Running;
    if (shown && running && shown->rows < kHeight) {
        const float y = origin.y + static_cast<float>(shown->rows);
        ImGui::GetWindowDrawList()->AddLine(ImVec2(origin.x, y), ImVec2(origin.x + kWidth, y),
                                            ImGui::GetColorU32(ImGuiCol_PlotHistogram), 2.0f);
    }
    if (ImGui::IsItemHovered()) {
        // Zooming changes the dependency: the next frame starts a new render.
        const ImVec2 mouse = ImGui::GetMousePos();
        View next = view;
        next.x += (mouse.x - origin.x - kWidth / 2.0) * view.pixel;
        next.y += (mouse.y - origin.y - kHeight / 2.0) * view.pixel;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            next.pixel /= 2;
            set_view(next);
        } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
            next.pixel = std::min(next.pixel * 2, View{}.pixel);
            set_view(next);
        }
    }

    ImGui::AlignTextToFramePadding();
    StateBadge(image.state());
    ImGui::SameLine();
    ImGui::Text("rows %3d/%d", shown ? shown->rows : 0, kHeight);
    ImGui::SameLine();
    ImGui::TextDisabled("zoom %gx", View{}.pixel / view.pixel);
    ImGui::SameLine();
    ImGui::TextDisabled("coroutines alive: %d", g_frames_alive.load(std::memory_order_relaxed));

    int slider = iterations;
    ImGui::SetNextItemWidth(150.0f);
    if (ImGui::SliderInt("iterations", &slider, 100, 5000, "%d", ImGuiSliderFlags_Logarithmic))
        set_iterations(slider);
    ImGui::SameLine();
    ImGui::BeginDisabled(!running || image.cancel_requested());
    if (ImGui::Button("Cancel")) image.cancel();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Retry")) image.retry();
    ImGui::SameLine();
    if (ImGui::Button("Reset")) set_view(View{});
}

}  // namespace demo
