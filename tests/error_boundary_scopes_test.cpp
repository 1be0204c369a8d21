// The error boundary inside every ImGui scope a body can open: a body that throws inside a scope
// leaves ImGui exactly as a body that closed that scope itself and then threw.
//
// Each test renders the same host window in two harnesses: in one the body opens the scope and
// throws; in the other it opens the scope, closes it with the right call and throws. After the
// component, the host's layout (cursor, indentation, item width, alpha, ...) and ImGui's stacks
// must be the same in both. ImGui's assertions abort the test (IM_ASSERT is live in the test
// builds, checked below), and from ImGui 1.91.3 its recoverable-error log must stay empty.
#include <imhooks/detail/imgui_compat.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace imhooks;

namespace {

// One kind of scope: how a body opens it (false: ImGui did not open it, nothing to close) and
// closes it.
struct Scope {
    Scope(std::function<bool()> open_scope, std::function<void()> close_scope)
        : open(std::move(open_scope)), close(std::move(close_scope)) {}
    std::function<bool()> open;
    std::function<void()> close;
    ImGuiWindowFlags host_flags = 0;
    ImGuiConfigFlags config_flags = 0;
    std::function<void()> before_host;  // e.g. a dock space
};

// The host window's state right after the component, and ImGui's stacks.
using Snapshot = std::vector<std::pair<std::string, double>>;

Snapshot snapshot(const void* table_before, const void* tab_bar_before) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    ImGuiWindow* window = g.CurrentWindow;
    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    return {
        {"host is the current window", std::string(window->Name) == "Host"},
        {"cursor x", cursor.x},
        {"cursor y", cursor.y},
        {"cursor max x", window->DC.CursorMaxPos.x},
        {"cursor max y", window->DC.CursorMaxPos.y},
        {"line height", window->DC.CurrLineSize.y},
        {"indent", window->DC.Indent.x},
        {"item width", ImGui::CalcItemWidth()},
        {"text wrap pos", window->DC.TextWrapPos},
        {"alpha", g.Style.Alpha},
        {"font size", ImGui::GetFontSize()},
        {"layout type", static_cast<double>(window->DC.LayoutType)},
        {"nav layer", static_cast<double>(window->DC.NavLayerCurrent)},
        {"ID seed", static_cast<double>(ImGui::GetID("probe"))},
        {"windows", g.CurrentWindowStack.Size},
        {"IDs", window->IDStack.Size},
        {"tree depth", window->DC.TreeDepth},
        {"colours", g.ColorStack.Size},
        {"style variables", g.StyleVarStack.Size},
        {"fonts", g.FontStack.Size},
        {"groups", g.GroupStack.Size},
        {"item flags", g.ItemFlagsStack.Size},
        {"item flags now", g.CurrentItemFlags},
        {"disabled", g.DisabledStackSize},
        {"focus scopes", g.FocusScopeStack.Size},
        {"popups", g.BeginPopupStack.Size},
        {"item widths", window->DC.ItemWidthStack.Size},
        {"text wraps", window->DC.TextWrapPosStack.Size},
        {"same table", g.CurrentTable == table_before},
        {"same tab bar", g.CurrentTabBar == tab_bar_before},
        {"multi-selections", imhooks::detail::compat::multi_select_depth(g)},
    };
}

void record_imgui_errors(ImGuiContext* context, std::vector<std::string>& errors) {
#if IMHOOKS_IMGUI_ERROR_RECOVERY
    context->ErrorCallback = [](ImGuiContext*, void* user_data, const char* message) {
        static_cast<std::vector<std::string>*>(user_data)->push_back(message);
    };
    context->ErrorCallbackUserData = &errors;
#else
    (void)context;
    (void)errors;
#endif
}

// One harness rendering the host with the component; `closes` says whether the body closes the
// scope itself before it throws.
class Run {
  public:
    Run(const Scope& scope, bool closes) : scope_(scope), closes_(closes) {
        ImGui::GetIO().ConfigFlags |= scope.config_flags;
        ui_.runtime().set_error_handler(
            [this](const ComponentError& error) { failures_.push_back(error.message); });
        record_imgui_errors(ui_.context(), imgui_errors_);
    }

    void frame() {
        ui_.frame([this] {
            if (scope_.before_host) scope_.before_host();
            ImGui::SetNextWindowPos({10, 10});
            ImGui::SetNextWindowSize({500, 600});
            ImGui::Begin("Host", nullptr, scope_.host_flags | ImGuiWindowFlags_NoSavedSettings);
            ImGui::Text("before");
            ImGuiContext& g = *ImGui::GetCurrentContext();
            const void* table = g.CurrentTable;
            const void* tab_bar = g.CurrentTabBar;
            component("scoped", [this] {
                const bool opened = scope_.open();
                ImGui::Text("inside");
                ImGui::Button("a button inside");
                if (!armed_) {
                    if (opened) scope_.close();
                    return;
                }
                if (opened && closes_) scope_.close();
                throw std::runtime_error("thrown inside the scope");
            });
            after_ = snapshot(table, tab_bar);
            ImGui::Text("after");
            ImGui::End();
        });
    }

    void arm() { armed_ = true; }
    const Snapshot& after() const { return after_; }
    const std::vector<std::string>& failures() const { return failures_; }
    const std::vector<std::string>& imgui_errors() const { return imgui_errors_; }

  private:
    Headless ui_{ImVec2(800, 700)};
    const Scope& scope_;
    bool closes_;
    bool armed_ = false;
    Snapshot after_;
    std::vector<std::string> failures_;
    std::vector<std::string> imgui_errors_;
};

// The check every scope test makes.
void check_unwinds(const Scope& scope) {
    Run thrown(scope, false);
    Run closed(scope, true);
    for (int i = 0; i < 4; ++i) {  // windows, popups and tables settle their layout
        thrown.frame();
        closed.frame();
    }
    thrown.arm();
    closed.arm();
    for (int i = 0; i < 2; ++i) {  // the frame that throws, then one with the error boundary
        thrown.frame();
        closed.frame();
        REQUIRE(thrown.after().size() == closed.after().size());
        for (std::size_t k = 0; k < thrown.after().size(); ++k) {
            INFO("frame " << i << " after the throw: " << thrown.after()[k].first);
            CHECK(thrown.after()[k].second == Approx(closed.after()[k].second));
        }
    }
    REQUIRE(thrown.failures().size() == 1);
    CHECK(thrown.failures()[0] == "thrown inside the scope");
    CHECK(thrown.imgui_errors().empty());
    CHECK(closed.imgui_errors().empty());
}

bool open_popup(const char* name, bool modal) {
    if (!ImGui::IsPopupOpen(name)) ImGui::OpenPopup(name);
    return modal ? ImGui::BeginPopupModal(name) : ImGui::BeginPopup(name);
}

}  // namespace

TEST_CASE("ImGui's assertions are live in this test build, so an assertion fails a test") {
    std::fflush(nullptr);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Quietly, and without Catch's own handler for the signal.
        std::signal(SIGABRT, SIG_DFL);
        if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr))
            _exit(2);
        Headless ui;
        ui.frame([] { ImGui::End(); });  // one End() too many: ImGui asserts
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
}

TEST_CASE("a body that throws inside a window it began ends it with End()") {
    check_unwinds({[] { return ImGui::Begin("Inner window"), true; }, [] { ImGui::End(); }});
}

TEST_CASE("a body that throws inside a child window ends it with EndChild()") {
    check_unwinds({[] { return ImGui::BeginChild("child", ImVec2(200, 100)), true; },
                   [] { ImGui::EndChild(); }});
}

TEST_CASE("a body that throws inside a popup ends it with EndPopup()") {
    check_unwinds({[] { return open_popup("popup", false); }, [] { ImGui::EndPopup(); }});
}

TEST_CASE("a body that throws inside a modal popup ends it with EndPopup()") {
    check_unwinds({[] { return open_popup("modal", true); }, [] { ImGui::EndPopup(); }});
}

TEST_CASE("a body that throws inside a tooltip ends it") {
    check_unwinds({[] { return ImGui::BeginTooltip(), true; }, [] { ImGui::EndTooltip(); }});
}

TEST_CASE("a body that throws inside an open combo box ends it with EndCombo()") {
    check_unwinds({[] {
                       const ImGuiID popup = ImHashStr("##ComboPopup", 0, ImGui::GetID("combo"));
                       if (!ImGui::IsPopupOpen(popup, 0)) ImGui::OpenPopupEx(popup);
                       return ImGui::BeginCombo("combo", "preview");
                   },
                   [] { ImGui::EndCombo(); }});
}

TEST_CASE("a body that throws inside a list box ends its child window and its group") {
    check_unwinds({[] { return ImGui::BeginListBox("list"); }, [] { ImGui::EndListBox(); }});
}

TEST_CASE("a body that throws inside the window's menu bar ends it with EndMenuBar()") {
    Scope scope{[] { return ImGui::BeginMenuBar(); }, [] { ImGui::EndMenuBar(); }};
    scope.host_flags = ImGuiWindowFlags_MenuBar;
    check_unwinds(scope);
}

TEST_CASE("a body that throws inside an open menu ends it with EndMenu(), then the menu bar") {
    Scope scope{[] {
                    if (!ImGui::BeginMenuBar()) return false;
                    const ImGuiID menu = ImGui::GetID("File");
                    if (!ImGui::IsPopupOpen(menu, 0)) ImGui::OpenPopupEx(menu);
                    if (ImGui::BeginMenu("File")) return true;
                    ImGui::EndMenuBar();
                    return false;
                },
                [] {
                    ImGui::EndMenu();
                    ImGui::EndMenuBar();
                }};
    scope.host_flags = ImGuiWindowFlags_MenuBar;
    check_unwinds(scope);
}

TEST_CASE("a body that throws inside a table cell ends the table with EndTable()") {
    check_unwinds({[] {
                       if (!ImGui::BeginTable("table", 2, ImGuiTableFlags_Borders)) return false;
                       ImGui::TableNextRow();
                       ImGui::TableNextColumn();
                       ImGui::Text("cell");
                       ImGui::TableNextColumn();
                       return true;
                   },
                   [] { ImGui::EndTable(); }});
}

TEST_CASE("a body that throws inside a scrolling table ends it once, with its child window") {
    check_unwinds(
        {[] {
             if (!ImGui::BeginTable("scrolling", 2, ImGuiTableFlags_ScrollY, ImVec2(0, 150)))
                 return false;
             for (int row = 0; row < 3; ++row) {
                 ImGui::TableNextRow();
                 ImGui::TableNextColumn();
                 ImGui::Text("row %d", row);
             }
             return true;
         },
         [] { ImGui::EndTable(); }});
}

TEST_CASE("a body that throws between BeginTabBar() and its tabs ends the tab bar") {
    check_unwinds({[] { return ImGui::BeginTabBar("tabs"); }, [] { ImGui::EndTabBar(); }});
}

TEST_CASE("a body that throws inside a tab item ends the item and its tab bar") {
    check_unwinds({[] {
                       if (!ImGui::BeginTabBar("tabs")) return false;
                       if (ImGui::BeginTabItem("first")) return true;
                       ImGui::EndTabBar();
                       return false;
                   },
                   [] {
                       ImGui::EndTabItem();
                       ImGui::EndTabBar();
                   }});
}

TEST_CASE("a body that throws inside an open tree node pops it with TreePop()") {
    check_unwinds({[] {
                       ImGui::SetNextItemOpen(true);
                       return ImGui::TreeNode("node");
                   },
                   [] { ImGui::TreePop(); }});
}

TEST_CASE("a body that throws inside a group ends it with EndGroup()") {
    check_unwinds({[] {
                       ImGui::BeginGroup();
                       ImGui::Text("grouped");
                       ImGui::SameLine();
                       return true;
                   },
                   [] { ImGui::EndGroup(); }});
}

TEST_CASE("a body that throws inside BeginDisabled() ends it and restores the alpha") {
    check_unwinds({[] { return ImGui::BeginDisabled(), true; }, [] { ImGui::EndDisabled(); }});
}

TEST_CASE("a body that throws with pushed IDs, colours, style variables and a font pops them") {
    check_unwinds({[] {
                       ImGui::PushID("pushed");
                       ImGui::PushID(7);
                       ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 1, 0, 1));
                       ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(20, 20));
                       ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.5f);
#if IMHOOKS_IMGUI_TEXTURES
                       ImGui::PushFont(nullptr, 30.0f);
#else
                       ImGui::PushFont(ImGui::GetFont());
#endif
                       return true;
                   },
                   [] {
                       ImGui::PopFont();
                       ImGui::PopStyleVar(2);
                       ImGui::PopStyleColor();
                       ImGui::PopID();
                       ImGui::PopID();
                   }});
}

TEST_CASE(
    "a body that throws with pushed item widths, wrap positions and indentation undoes them") {
    check_unwinds({[] {
                       ImGui::PushItemWidth(50);
                       ImGui::PushItemWidth(-1);
                       ImGui::PushTextWrapPos(100);
                       ImGui::Indent(30);
                       return true;
                   },
                   [] {
                       ImGui::Unindent(30);
                       ImGui::PopTextWrapPos();
                       ImGui::PopItemWidth();
                       ImGui::PopItemWidth();
                   }});
}

#if IMHOOKS_IMGUI_MULTI_SELECT
TEST_CASE("a body that throws inside a multi-selection scope ends it with EndMultiSelect()") {
    check_unwinds({[] {
                       ImGui::BeginMultiSelect(ImGuiMultiSelectFlags_None);
                       ImGui::Selectable("one");
                       return true;
                   },
                   [] { ImGui::EndMultiSelect(); }});
}
#endif

#ifdef IMGUI_HAS_DOCK
TEST_CASE("a body that throws inside a docked window ends it with End()") {
    static ImGuiID dock_space = 0;
    Scope scope{[] {
                    ImGui::SetNextWindowDockID(dock_space, ImGuiCond_Always);
                    const bool open = ImGui::Begin("Docked");
                    CHECK(ImGui::GetCurrentWindow()->DockIsActive);
                    return open || true;
                },
                [] { ImGui::End(); }};
    scope.config_flags = ImGuiConfigFlags_DockingEnable;
    scope.before_host = [] { dock_space = ImGui::DockSpaceOverViewport(); };
    check_unwinds(scope);
}
#endif

TEST_CASE("a body that throws deep inside nested scopes unwinds them innermost first") {
    check_unwinds({[] {
                       ImGui::SetNextItemOpen(true);
                       if (!ImGui::TreeNode("outer node")) return false;
                       ImGui::BeginGroup();
                       ImGui::PushID("rows");
                       ImGui::BeginTable("nested", 2);
                       ImGui::TableNextRow();
                       ImGui::TableNextColumn();
                       ImGui::BeginGroup();
                       ImGui::Text("in a group in a cell");
                       ImGui::BeginChild("child in a cell", ImVec2(100, 60));
                       ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0, 0, 1));
                       ImGui::BeginDisabled();
                       ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(6, 6));
                       return true;
                   },
                   [] {
                       ImGui::PopStyleVar();
                       ImGui::EndDisabled();
                       ImGui::PopStyleColor();
                       ImGui::EndChild();
                       ImGui::EndGroup();
                       ImGui::EndTable();
                       ImGui::PopID();
                       ImGui::EndGroup();
                       ImGui::TreePop();
                   }});
}

TEST_CASE("a body that throws in a tree node inside a group inside a tab ends them in order") {
    check_unwinds({[] {
                       if (!ImGui::BeginTabBar("tabs")) return false;
                       if (!ImGui::BeginTabItem("tab")) {
                           ImGui::EndTabBar();
                           return false;
                       }
                       ImGui::BeginGroup();
                       ImGui::SetNextItemOpen(true);
                       ImGui::TreeNode("node in a group");
                       ImGui::Indent();
                       return true;
                   },
                   [] {
                       ImGui::Unindent();
                       ImGui::TreePop();
                       ImGui::EndGroup();
                       ImGui::EndTabItem();
                       ImGui::EndTabBar();
                   }});
}

TEST_CASE("a body that throws in a popup over a scrolling table in a window ends all three") {
    check_unwinds({[] {
                       ImGui::Begin("Second window");
                       ImGui::BeginTable("scrolling", 1, ImGuiTableFlags_ScrollY, ImVec2(0, 100));
                       ImGui::TableNextRow();
                       ImGui::TableNextColumn();
                       if (!open_popup("popup in a table", false)) {
                           ImGui::EndTable();
                           ImGui::End();
                           return false;
                       }
                       ImGui::BeginGroup();
                       return true;
                   },
                   [] {
                       ImGui::EndGroup();
                       ImGui::EndPopup();
                       ImGui::EndTable();
                       ImGui::End();
                   }});
}
