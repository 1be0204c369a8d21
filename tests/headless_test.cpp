// The test harness does what a user does: clicks tabs, menus and items in ID scopes, types into
// inputs, presses key chords, and reads the text a component shows.
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace imhooks;
using Catch::Contains;

namespace {

void window(const char* title, ImGuiWindowFlags flags = 0) {
    ImGui::SetNextWindowPos({10, 10});
    ImGui::SetNextWindowSize({500, 400});
    ImGui::Begin(title, nullptr, flags | ImGuiWindowFlags_NoSavedSettings);
}

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("type writes characters into the input being edited") {
    Headless ui;
    char name[64] = "";
    auto body = [&] {
        window("Form");
        ImGui::InputText("name", name, sizeof(name));
        ImGui::End();
    };
    ui.click("name", body);
    ui.type("Ada", body);
    ui.type(" Lovelace", body);
    CHECK(std::string(name) == "Ada Lovelace");
}

TEST_CASE("type with no input being edited throws, naming the text") {
    Headless ui;
    auto body = [] {
        window("Form");
        ImGui::Button("not an input");
        ImGui::End();
    };
    ui.frame(body);
    CHECK_THAT(message_of([&] { ui.type("lost", body); }),
               Contains("\"lost\"") && Contains("no text input"));
}

TEST_CASE("type_into replaces the text of a labelled input, also inside a component") {
    Headless ui;
    char query[64] = "old query";
    int value = 5;
    auto body = [&] {
        window("Form");
        component("search", [&] {
            ImGui::InputText("query", query, sizeof(query));
            ImGui::InputInt("count", &value);
        });
        ImGui::End();
    };
    ui.type_into("query", "primes", body);
    CHECK(std::string(query) == "primes");
    ui.type_into("count", "42", body);
    ui.press("enter", body);
    CHECK(value == 42);
}

TEST_CASE("type_into an item that is not a text input throws") {
    Headless ui;
    auto body = [] {
        window("Form");
        ImGui::Button("button");
        ImGui::End();
    };
    CHECK_THAT(message_of([&] { ui.type_into("button", "x", body); }),
               Contains("\"button\" is not a text input"));
}

TEST_CASE("press sends key chords: enter validates, ctrl+a selects all, delete erases") {
    Headless ui;
    char text[64] = "some text";
    int validated = 0;
    auto body = [&] {
        window("Form");
        if (ImGui::InputText("field", text, sizeof(text), ImGuiInputTextFlags_EnterReturnsTrue))
            ++validated;
        ImGui::End();
    };
    ui.click("field", body);
    ui.press("ctrl+a", body);
    ui.press("delete", body);
    CHECK(std::string(text).empty());
    ui.type("new", body);
    ui.press("Enter", body);
    CHECK(validated == 1);
    CHECK(std::string(text) == "new");
}

TEST_CASE("press rejects an unknown key and a chord without a key") {
    Headless ui;
    auto body = [] {};
    CHECK_THROWS_AS(ui.press("ctrl+banana", body), std::invalid_argument);
    CHECK_THAT(message_of([&] { ui.press("ctrl+banana", body); }), Contains("\"banana\""));
    CHECK_THAT(message_of([&] { ui.press("ctrl+shift", body); }), Contains("no key"));
    CHECK_THAT(message_of([&] { ui.press("a+b", body); }), Contains("second key"));
}

TEST_CASE("click selects a tab item by its label") {
    Headless ui;
    std::string shown;
    auto body = [&] {
        window("Tabs");
        if (ImGui::BeginTabBar("tabs")) {
            for (const char* tab : {"first", "second", "third"})
                if (ImGui::BeginTabItem(tab)) {
                    shown = tab;
                    ImGui::EndTabItem();
                }
            ImGui::EndTabBar();
        }
        ImGui::End();
    };
    ui.frames(2, body);
    REQUIRE(shown == "first");
    ui.click("third", body);
    ui.frame(body);
    CHECK(shown == "third");
}

TEST_CASE("click opens a menu of the menu bar, then clicks one of its items") {
    Headless ui;
    int opened = 0;
    auto body = [&] {
        window("Editor", ImGuiWindowFlags_MenuBar);
        if (ImGui::BeginMenuBar()) {
            if (ImGui::BeginMenu("File")) {
                if (ImGui::MenuItem("Open")) ++opened;
                ImGui::MenuItem("Save");
                ImGui::EndMenu();
            }
            ImGui::EndMenuBar();
        }
        ImGui::End();
    };
    ui.frames(2, body);
    CHECK_FALSE(ui.find_item("Open", body).has_value());  // the menu is closed
    ui.click("File", body);
    ui.click("Open", body);
    CHECK(opened == 1);
}

TEST_CASE("click finds an item in the user's PushID scopes by its ID path") {
    Headless ui;
    std::vector<int> deleted;
    auto body = [&] {
        window("Rows");
        component("rows", [&] {
            for (int row = 0; row < 4; ++row) {
                ImGui::PushID(row);
                ImGui::Text("row %d", row);
                ImGui::SameLine();
                if (ImGui::Button("Delete")) deleted.push_back(row);
                ImGui::PopID();
            }
            ImGui::PushID("named");
            if (ImGui::Button("Delete")) deleted.push_back(100);
            ImGui::PopID();
        });
        ImGui::End();
    };
    ui.frames(2, body);
    ui.click("$$2/Delete", body);
    ui.click("named/Delete", body);
    ui.click("rows/$$3/Delete", body);  // through the component's own key
    CHECK(deleted == std::vector<int>{2, 100, 3});
    CHECK_THAT(message_of([&] { ui.click("Delete", body); }),
               Contains("no item \"Delete\"") && Contains("$$3/Delete"));
}

TEST_CASE("click finds items in table cells and, by path, under tree nodes") {
    Headless ui;
    int in_cell = 0, in_tree = 0;
    auto body = [&] {
        window("Layout");
        if (ImGui::BeginTable("grid", 2)) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("cell");
            ImGui::TableNextColumn();
            if (ImGui::Button("In a cell")) ++in_cell;
            ImGui::EndTable();
        }
        ImGui::SetNextItemOpen(true);
        if (ImGui::TreeNode("node")) {
            if (ImGui::Button("Go")) ++in_tree;
            ImGui::TreePop();
        }
        ImGui::End();
    };
    ui.frames(2, body);
    ui.click("In a cell", body);
    ui.click("node/Go", body);
    CHECK(in_cell == 1);
    CHECK(in_tree == 1);
}

TEST_CASE("locating an item leaves the input being edited as it was") {
    Headless ui;
    char text[32] = "";
    auto body = [&] {
        window("Form");
        ImGui::InputText("field", text, sizeof(text));
        ImGui::Button("elsewhere");
        ImGui::End();
    };
    ui.click("field", body);
    REQUIRE(ui.find_item("elsewhere", body).has_value());
    ui.type("still here", body);
    CHECK(std::string(text) == "still here");
}

TEST_CASE("text reads what one component rendered, and nothing else") {
    Headless ui;
    int results = 42;
    auto body = [&] {
        window("Panels");
        ImGui::Text("outside any component");
        component("results", [&] {
            ImGui::Text("%d results", results);
            ImGui::Button("Refresh");
            component("footer", [] { ImGui::Text("nested footer"); });
        });
        component("other", [] { ImGui::Text("another panel"); });
        ImGui::End();
    };
    ui.frame(body);
    const std::string text = ui.text("results", body);
    CHECK_THAT(text, Contains("42 results") && Contains("Refresh") && Contains("nested footer"));
    CHECK_THAT(text, !Contains("outside") && !Contains("another panel"));
    results = 7;
    CHECK_THAT(ui.text("results", body), Contains("7 results"));
    CHECK(ui.text("footer", body) == "nested footer\n");
}

TEST_CASE("text joins the instances of a key in render order, and shows an error boundary") {
    Headless ui;
    ui.runtime().set_error_handler([](const ComponentError&) {});
    auto body = [] {
        window("Rows");
        for (int row = 0; row < 3; ++row) {
            ImGui::PushID(row);
            component("row", [row] {
                if (row == 1) throw std::runtime_error("row one is broken");
                ImGui::Text("row %d", row);
            });
            ImGui::PopID();
        }
        ImGui::End();
    };
    ui.frame(body);
    const std::string text = ui.text("row", body);
    const auto first = text.find("row 0"), broken = text.find("row one is broken"),
               last = text.find("row 2");
    REQUIRE(first != std::string::npos);
    REQUIRE(broken != std::string::npos);
    REQUIRE(last != std::string::npos);
    CHECK(first < broken);
    CHECK(broken < last);
}

TEST_CASE("window_text reads the components rendered in a window and its child windows") {
    Headless ui;
    auto body = [] {
        window("Left");
        component("a", [] { ImGui::Text("alpha"); });
        ImGui::BeginChild("child", ImVec2(200, 100));
        component("b", [] { ImGui::Text("beta"); });
        ImGui::EndChild();
        ImGui::End();
        ImGui::SetNextWindowPos({600, 10});
        ImGui::Begin("Right");
        component("c", [] { ImGui::Text("gamma"); });
        ImGui::End();
    };
    ui.frames(2, body);
    const std::string left = ui.window_text("Left", body);
    CHECK_THAT(left, Contains("alpha") && Contains("beta") && !Contains("gamma"));
    CHECK_THAT(ui.window_text("Right", body), Contains("gamma") && !Contains("alpha"));
}

TEST_CASE("text of a component that is not rendered throws, naming it") {
    Headless ui;
    auto body = [] { component("present", [] { ImGui::Text("here"); }); };
    CHECK_THAT(message_of([&] { ui.text("absent", body); }), Contains("\"absent\""));
    CHECK_THAT(message_of([&] { ui.window_text("Nowhere", body); }), Contains("\"Nowhere\""));
}
