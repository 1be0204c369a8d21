// use_context, provide_context and ContextProvider: values handed down the tree of components;
// ComponentInfo's parent.
#include "error_reports.h"
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace imhooks;

namespace {

struct Theme {
    int accent = 0;
};

struct Zoom {
    float factor = 1.0f;
};

}  // namespace

TEST_CASE("use_context reads the value provided by an enclosing component") {
    Headless ui;
    int seen = -1;
    ui.frame([&] {
        component("settings", [&] {
            provide_context(Theme{7});
            component("preview",
                      [&] { component("swatch", [&] { seen = use_context<Theme>().accent; }); });
        });
    });
    CHECK(seen == 7);
}

TEST_CASE("the innermost provider wins, and each provider's reach ends with its body or scope") {
    Headless ui;
    std::map<std::string, int> seen;
    auto read = [&](const char* name) {
        component(name, [&] { seen[name] = use_context<Theme>(Theme{-1}).accent; });
    };
    ui.frame([&] {
        ContextProvider<Theme> outside(Theme{1});  // outside every component
        read("top");
        component("outer", [&] {
            provide_context(Theme{2});
            read("in outer");
            component("inner", [&] {
                provide_context(Theme{3});
                read("in inner");
                {
                    ContextProvider<Theme> scope(Theme{4});
                    read("in scope");
                }
                read("after scope");
            });
            read("after inner");
        });
        read("after outer");
    });
    ui.frame([&] { read("next frame, no provider"); });
    CHECK(seen == std::map<std::string, int>{{"top", 1},
                                             {"in outer", 2},
                                             {"in inner", 3},
                                             {"in scope", 4},
                                             {"after scope", 3},
                                             {"after inner", 2},
                                             {"after outer", 1},
                                             {"next frame, no provider", -1}});
}

TEST_CASE("contexts of different types are found independently") {
    Headless ui;
    Theme theme;
    Zoom zoom;
    ui.frame([&] {
        component("settings", [&] {
            provide_context(Zoom{2.5f});
            component("panel", [&] {
                provide_context(Theme{9});
                component("leaf", [&] {
                    theme = use_context<Theme>();
                    zoom = use_context<Zoom>();
                });
            });
        });
    });
    CHECK(theme.accent == 9);
    CHECK(zoom.factor == 2.5f);
}

TEST_CASE("a provider's new value reaches its readers in the frame it provides it") {
    Headless ui;
    std::vector<int> seen;
    int accent = 1;
    auto body = [&] {
        component("settings", [&] {
            provide_context(Theme{accent});
            component("preview", [&] { seen.push_back(use_context<Theme>().accent); });
        });
    };
    ui.frame(body);
    accent = 2;
    ui.frame(body);
    accent = 3;
    ui.frame(body);
    CHECK(seen == std::vector<int>{1, 2, 3});
}

TEST_CASE("use_context without a provider raises HookError naming the type and the component") {
    Headless ui;
    test::ErrorReports reports(ui);
    ui.frame([&] {
        component("settings", [&] {
            provide_context(Zoom{2.0f});  // another type: not a provider of Theme
            component("swatch", [&] { use_context<Theme>(); });
        });
    });
    REQUIRE(reports.errors.size() == 1);
    CHECK(reports.errors[0].component == "swatch");
    CHECK_THROWS_AS(std::rethrow_exception(reports.errors[0].error), HookError);
    CHECK_THAT(reports.errors[0].message,
               Catch::Contains("use_context<(anonymous namespace)::Theme>") &&
                   Catch::Contains("\"swatch\"") && Catch::Contains("no provider"));
}

TEST_CASE("use_context with a default gives the default only while no provider exists") {
    Headless ui;
    std::vector<int> seen;
    bool provide = false;
    auto body = [&] {
        component("settings", [&] {
            if (provide) {
                ContextProvider<Theme> theme(Theme{5});
                component("swatch", [&] { seen.push_back(use_context<Theme>(Theme{-1}).accent); });
            } else {
                component("swatch", [&] { seen.push_back(use_context<Theme>(Theme{-1}).accent); });
            }
        });
    };
    ui.frame(body);
    provide = true;
    ui.frame(body);
    provide = false;
    ui.frame(body);
    CHECK(seen == std::vector<int>{-1, 5, -1});
}

TEST_CASE("a component whose body throws after providing no longer provides to later ones") {
    Headless ui;
    test::ErrorReports reports(ui);
    std::map<std::string, int> seen;
    ui.frame([&] {
        component("outer", [&] {
            provide_context(Theme{1});
            component("failing", [&] {
                provide_context(Theme{2});
                ContextProvider<Zoom> zoom(Zoom{3.0f});
                throw std::runtime_error("broken");
            });
            component("sibling", [&] {
                seen["theme"] = use_context<Theme>().accent;
                seen["zoom"] = static_cast<int>(use_context<Zoom>(Zoom{-1.0f}).factor);
            });
        });
    });
    REQUIRE(reports.errors.size() == 1);
    CHECK(reports.errors[0].component == "failing");
    CHECK(seen == std::map<std::string, int>{{"theme", 1}, {"zoom", -1}});
}

TEST_CASE("without error boundaries a throwing provider's value is gone for what renders next") {
    Headless ui({1024, 768}, RuntimeOptions{.error_boundaries = false});
    int seen = 0;
    ui.frame([&] {
        try {
            component("provider", [&] {
                provide_context(Theme{1});
                throw std::runtime_error("broken");
            });
        } catch (const std::runtime_error&) {
        }
        component("reader", [&] { seen = use_context<Theme>(Theme{-1}).accent; });
    });
    CHECK(seen == -1);
}

TEST_CASE("ContextProvider outside a frame raises HookError") {
    Headless ui;
    try {
        ContextProvider<Theme> theme(Theme{1});
        FAIL("no HookError");
    } catch (const HookError& e) {
        CHECK_THAT(e.what(),
                   Catch::Contains("ContextProvider") && Catch::Contains("outside a frame"));
    }
}

TEST_CASE("a ContextProvider's value changed through it reaches readers rendered after") {
    Headless ui;
    std::vector<int> seen;
    ui.frame([&] {
        ContextProvider<Theme> theme(Theme{1});
        component("a", [&] { seen.push_back(use_context<Theme>().accent); });
        theme.value().accent = 2;
        component("b", [&] { seen.push_back(use_context<Theme>().accent); });
    });
    CHECK(seen == std::vector<int>{1, 2});
}

TEST_CASE("ComponentInfo names the component each one was last rendered inside") {
    Headless ui;
    bool under_second = false;
    auto body = [&] {
        component("root", [&] {
            component("first", [&] {
                if (!under_second) {
                    // A window of its own: the ID stack of "moving" does not depend on its parent.
                    ImGui::Begin("elsewhere");
                    component("moving", [] {});
                    ImGui::End();
                }
            });
            component("second", [&] {
                if (under_second) {
                    ImGui::Begin("elsewhere");
                    component("moving", [] {});
                    ImGui::End();
                }
            });
        });
    };
    auto parents = [&] {
        std::map<std::string, ImGuiID> ids;
        std::map<std::string, ImGuiID> parent_ids;
        ui.runtime().for_each_component([&](const ComponentInfo& info) {
            ids[std::string(info.name)] = info.id;
            parent_ids[std::string(info.name)] = info.parent_id;
        });
        std::map<std::string, std::string> names;
        for (const auto& [name, parent_id] : parent_ids) {
            names[name] = "(none)";
            for (const auto& [other, id] : ids)
                if (id == parent_id) names[name] = other;
        }
        return names;
    };
    ui.frame(body);
    CHECK(parents() ==
          std::map<std::string, std::string>{
              {"root", "(none)"}, {"first", "root"}, {"second", "root"}, {"moving", "first"}});
    under_second = true;
    ui.frame(body);
    CHECK(parents().at("moving") == "second");
}
