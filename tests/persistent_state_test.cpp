// use_persistent_state: values kept in Dear ImGui's .ini settings, across contexts (an application
// restart) through SaveIniSettingsToMemory / LoadIniSettingsFromMemory and through a real file.
#include "error_reports.h"
#include "support.h"

#include <imhooks/detail/imgui_compat.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;

namespace {

enum class Mode { Light = 1, Dark = 2 };

struct Point {
    int x = 0, y = 0;
    bool operator==(const Point&) const = default;
};

// A type whose text never parses: from_string throws.
struct Strict {
    int value = 0;
    bool operator==(const Strict&) const = default;
};

}  // namespace

template <>
struct imhooks::persist<Point> {
    static std::string to_string(const Point& p) {
        return std::to_string(p.x) + " " + std::to_string(p.y);
    }
    static std::optional<Point> from_string(std::string_view text) {
        std::istringstream in{std::string(text)};
        Point p;
        if (!(in >> p.x >> p.y) || !(in >> std::ws).eof()) return std::nullopt;
        return p;
    }
};

template <>
struct imhooks::persist<Strict> {
    static std::string to_string(const Strict& s) { return std::to_string(s.value); }
    static std::optional<Strict> from_string(std::string_view) {
        throw std::runtime_error("strict parser refuses everything");
    }
};

namespace {

std::string save_settings(Headless& ui) {
    ImGui::SetCurrentContext(ui.context());
    std::size_t size = 0;
    const char* text = ImGui::SaveIniSettingsToMemory(&size);
    return std::string(text, size);
}

void load_settings(Headless& ui, const std::string& text) {
    ImGui::SetCurrentContext(ui.context());
    ImGui::LoadIniSettingsFromMemory(text.data(), text.size());
}

// A directory of its own under the system's temporary directory, removed at the end.
struct TempDir {
    TempDir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("imhooks-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::filesystem::path path;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The values of each supported kind of type, as a component shows them.
struct Values {
    std::int64_t integer = 0;
    unsigned char byte = 0;
    double real = 0;
    float single = 0;
    bool flag = false;
    std::string text;
    Mode mode = Mode::Light;
    Point point;
};

// A component with one persistent value of each kind; `set` (when given) sets them all.
void AllKinds(Values& shown, const Values* set) {
    auto [integer, set_integer] = use_persistent_state("integer", std::int64_t{1});
    auto [byte, set_byte] = use_persistent_state("byte", static_cast<unsigned char>(1));
    auto [real, set_real] = use_persistent_state("real", 1.0);
    auto [single, set_single] = use_persistent_state("single", 1.0f);
    auto [flag, set_flag] = use_persistent_state("flag", false);
    auto [text, set_text] = use_persistent_state("text", "initial");
    auto [mode, set_mode] = use_persistent_state("mode", Mode::Light);
    auto [point, set_point] = use_persistent_state("point", Point{});
    shown = Values{integer, byte, real, single, flag, text, mode, point};
    if (set) {
        set_integer(set->integer);
        set_byte(set->byte);
        set_real(set->real);
        set_single(set->single);
        set_flag(set->flag);
        set_text(set->text);
        set_mode(set->mode);
        set_point(set->point);
    }
}

}  // namespace

TEST_CASE("a persistent value is restored from settings saved by another context") {
    std::string saved;
    {
        Headless first;
        bool set = true;
        auto body = [&] {
            component("panel", [&] {
                auto [count, set_count] = use_persistent_state("count", 1);
                if (set) set_count(42);
                set = false;
            });
        };
        first.frames(2, body);
        saved = save_settings(first);
    }
    CHECK_THAT(saved, Catch::Contains("[imhooks][count]\nvalue=42\n"));

    Headless second;
    load_settings(second, saved);
    int seen = 0;
    second.frame(
        [&] { component("panel", [&] { seen = use_persistent_state("count", 1).value; }); });
    CHECK(seen == 42);  // in the first frame already
}

TEST_CASE("arithmetic types, enums, strings and user types round-trip through the settings") {
    const Values set{INT64_MIN,  200,         0.1, 1.5e-7f, true, "line 1\nline 2 \\ [x] = y\r\n",
                     Mode::Dark, Point{3, -4}};
    std::string saved;
    {
        Headless first;
        Values shown;
        bool once = true;
        auto body = [&] {
            component("panel", [&] {
                AllKinds(shown, once ? &set : nullptr);
                once = false;
            });
        };
        first.frames(2, body);
        REQUIRE(shown.text == set.text);
        saved = save_settings(first);
    }
    // Each value on one line: the string's line breaks and backslash are escaped.
    CHECK_THAT(saved, Catch::Contains("value=line 1\\nline 2 \\\\ [x] = y\\r\\n\n") &&
                          Catch::Contains("[imhooks][mode]\nvalue=2\n") &&
                          Catch::Contains("[imhooks][point]\nvalue=3 -4\n") &&
                          Catch::Contains("[imhooks][real]\nvalue=0.1\n"));

    Headless second;
    load_settings(second, saved);
    Values shown;
    second.frame([&] { component("panel", [&] { AllKinds(shown, nullptr); }); });
    CHECK(shown.integer == set.integer);
    CHECK(shown.byte == set.byte);
    CHECK(shown.real == set.real);
    CHECK(shown.single == set.single);
    CHECK(shown.flag == set.flag);
    CHECK(shown.text == set.text);
    CHECK(shown.mode == set.mode);
    CHECK(shown.point == set.point);
}

TEST_CASE("saved text that does not parse gives the initial value and a report naming it") {
    Headless ui;
    test::ErrorReports reports(ui);
    load_settings(ui,
                  "[imhooks][zoom]\nvalue=1.5x\n\n[imhooks][strict]\nvalue=7\n\n"
                  "[imhooks][count]\nvalue= 12 \n");
    float zoom = 0;
    int count = 0;
    ui.frame([&] {
        component("view", [&] {
            zoom = use_persistent_state("zoom", 2.0f).value;
            use_persistent_state("strict", Strict{3});
            count = use_persistent_state("count", 0).value;  // blanks around a number are fine
        });
    });
    CHECK(zoom == 2.0f);
    CHECK(count == 12);
    REQUIRE(reports.errors.size() == 2);
    CHECK(reports.errors[0].component == "view");
    CHECK(std::string(reports.errors[0].where) == "persistent_state");
    CHECK_THAT(reports.errors[0].message, Catch::Contains("\"zoom\"") &&
                                              Catch::Contains("\"1.5x\"") &&
                                              Catch::Contains("float"));
    CHECK_THAT(reports.errors[1].message,
               Catch::Contains("\"strict\"") && Catch::Contains("strict parser refuses"));
    // Nothing is lost: the text stays saved until the value changes.
    CHECK_THAT(save_settings(ui), Catch::Contains("[imhooks][zoom]\nvalue=1.5x\n"));
}

TEST_CASE(
    "a change marks ImGui's settings dirty, and without an .ini file ImGui asks the app to save") {
    Headless ui;
    ImGuiIO& io = ImGui::GetIO();
    io.IniSavingRate = 0.05f;  // three frames of the harness
    bool set = false;
    auto body = [&] {
        component("panel", [&] {
            auto [value, set_value] = use_persistent_state("value", 1);
            if (set) set_value(2);
            set = false;
        });
    };
    ui.frames(10, body);
    // The app saved whatever ImGui had to save at start-up (the docking branch saves its new
    // windows' dock settings); from then on nothing is dirty until the state changes.
    io.WantSaveIniSettings = false;
    ui.frames(10, body);
    CHECK_FALSE(io.WantSaveIniSettings);
    set = true;
    CHECK(ui.frame_until(body, [&] { return io.WantSaveIniSettings; }));
}

TEST_CASE("saved entries that no mounted hook uses are kept and written back") {
    Headless ui;
    load_settings(ui, "[imhooks][elsewhere]\nvalue=7\n\n[imhooks][here]\nvalue=1\n");
    ui.frames(2, [&] {
        component("panel", [&] {
            auto [here, set_here] = use_persistent_state("here", 0);
            set_here(5);
        });
    });
    const std::string saved = save_settings(ui);
    CHECK_THAT(saved, Catch::Contains("[imhooks][elsewhere]\nvalue=7\n") &&
                          Catch::Contains("[imhooks][here]\nvalue=5\n"));
}

TEST_CASE("hooks sharing a key share its value") {
    Headless ui;
    int seen_by_reader = 0;
    bool set = true;
    auto body = [&] {
        component("reader", [&] { seen_by_reader = use_persistent_state("shared", 0).value; });
        component("writer", [&] {
            auto [value, set_value] = use_persistent_state("shared", 0);
            if (set) set_value(4);
            set = false;
        });
    };
    ui.frames(3, body);
    CHECK(seen_by_reader == 4);
}

TEST_CASE("settings loaded while a hook is mounted show in its next render") {
    Headless ui;
    std::vector<int> seen;
    auto body = [&] {
        component("panel", [&] { seen.push_back(use_persistent_state("value", 1).value); });
    };
    ui.frame(body);
    load_settings(ui, "[imhooks][value]\nvalue=9\n");
    ui.frame(body);
    CHECK(seen == std::vector<int>{1, 9});
}

TEST_CASE("without an .ini file the value lasts until the application exits, across a remount") {
    Headless ui;
    bool shown = true;
    bool set = true;
    int seen = 0;
    auto body = [&] {
        if (!shown) return;
        component("panel", [&] {
            auto [value, set_value] = use_persistent_state("value", 1);
            seen = value;
            if (set) set_value(3);
            set = false;
        });
    };
    ui.frames(2, body);
    REQUIRE(seen == 3);
    shown = false;
    ui.frame(body);  // unmounted
    shown = true;
    ui.frame(body);
    CHECK(seen == 3);
}

TEST_CASE("a persistent hook whose key changes shows that key's value in the same frame") {
    Headless ui;
    load_settings(ui, "[imhooks][a]\nvalue=1\n\n[imhooks][b]\nvalue=2\n");
    std::string key = "a";
    std::vector<int> seen;
    auto body = [&] {
        component("panel", [&] { seen.push_back(use_persistent_state(key, 0).value); });
    };
    ui.frame(body);
    key = "b";
    ui.frame(body);
    key = "c";
    ui.frame(body);
    CHECK(seen == std::vector<int>{1, 2, 0});
}

TEST_CASE("a key that cannot name an .ini entry raises HookError naming it") {
    Headless ui;
    test::ErrorReports reports(ui);
    ui.frame([&] { component("panel", [&] { use_persistent_state("two\nlines", 0); }); });
    REQUIRE(reports.errors.size() == 1);
    CHECK_THROWS_AS(std::rethrow_exception(reports.errors[0].error), HookError);
    CHECK_THAT(reports.errors[0].message, Catch::Contains("\"two\\nlines\""));
}

TEST_CASE("a value set in the last frame before the Runtime is destroyed is saved") {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGuiContext* context = ImGui::CreateContext();
    ImGui::SetCurrentContext(context);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60.0f;
    detail::compat::prepare_headless_renderer(io);
    {
        Runtime runtime;
        for (int frame = 0; frame < 2; ++frame) {
            ImGui::NewFrame();
            component("panel", [&] {
                auto [value, set_value] = use_persistent_state("value", 1);
                if (frame == 1) set_value(8);  // would show in a frame that never comes
            });
            ImGui::Render();
            detail::compat::acknowledge_textures();
        }
    }
    std::size_t size = 0;
    const std::string saved = ImGui::SaveIniSettingsToMemory(&size);
    ImGui::DestroyContext(context);
    ImGui::SetCurrentContext(previous);
    CHECK_THAT(saved, Catch::Contains("[imhooks][value]\nvalue=8\n"));
}

TEST_CASE("a persistent value survives a restart through a real .ini file") {
    TempDir dir;
    const std::string ini = (dir.path / "app.ini").string();
    {
        Headless first;
        ImGui::GetIO().IniFilename = ini.c_str();  // before the first frame, which loads it
        int step = 0;
        first.frames(3, [&] {
            component("panel", [&] {
                auto [name, set_name] = use_persistent_state("profile.name", "guest");
                if (step++ == 2) set_name("Ada");  // in the last frame: saved at shutdown
            });
        });
    }  // ~Headless: the Runtime, then the context, whose shutdown writes the file
    CHECK_THAT(read_file(ini), Catch::Contains("[imhooks][profile.name]\nvalue=Ada\n"));

    Headless second;
    ImGui::GetIO().IniFilename = ini.c_str();
    std::string seen;
    second.frame([&] {
        component("panel", [&] { seen = use_persistent_state("profile.name", "guest").value; });
    });
    CHECK(seen == "Ada");
}

TEST_CASE("a Runtime created after ImGui read its .ini file still finds its entries") {
    TempDir dir;
    const std::string ini = (dir.path / "app.ini").string();
    {
        std::ofstream out(ini);
        out << "[Window][Debug##Default]\nPos=60,60\nSize=400,400\n\n"
               "[imhooks][late]\nvalue=11\n\n";
    }
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGuiContext* context = ImGui::CreateContext();
    ImGui::SetCurrentContext(context);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = ini.c_str();
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60.0f;
    detail::compat::prepare_headless_renderer(io);
    ImGui::NewFrame();  // reads the file, without a handler for our entries
    ImGui::Render();
    detail::compat::acknowledge_textures();
    int seen = 0;
    {
        Runtime runtime;
        ImGui::NewFrame();
        component("panel", [&] { seen = use_persistent_state("late", 0).value; });
        ImGui::Render();
        detail::compat::acknowledge_textures();
    }
    ImGui::DestroyContext(context);  // saves the file again
    ImGui::SetCurrentContext(previous);
    CHECK(seen == 11);
    CHECK_THAT(read_file(ini), Catch::Contains("[imhooks][late]\nvalue=11\n"));
}
