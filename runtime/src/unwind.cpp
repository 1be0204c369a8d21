// Unwinding the ImGui scopes a failed component body left open.
//
// ImGui keeps no timeline of Begin/Push calls, so the order in which the body opened its scopes is
// reconstructed from what ImGui does record:
//   - windows form a stack, and each records the sizes of the context's stacks when it began: a
//     window's scopes are unwound, then the window is ended, then its parent's scopes;
//   - inside a window, the ID stack orders the scopes that push an ID (tables, tab bars, tab
//     items, menu bars, tree nodes, PushID), and the focus scope stack orders multi-selection
//     scopes;
//   - groups push no ID: a group is taken as opened inside another scope when it began after that
//     scope's start in reading order (tables, tab bars, multi-selection), inside the menu bar's
//     rectangle (menu bars), or at or beyond the indentation of the innermost tree node;
//   - pushed colours, style variables, fonts, item flags and BeginDisabled() are leaf brackets:
//     popped first; item widths and text wrap positions last (EndTable() restores the item widths
//     it saved itself).
// Whatever remains of the window's indentation (an Indent() without Unindent()) is undone last.
#include "unwind.h"

#include <imhooks/detail/imgui_compat.h>

namespace imhooks::detail {

namespace {

using compat::StackSizes;

// What one window level returns to.
struct Limits {
    StackSizes sizes;
    int item_width = 0;
    int text_wrap = 0;
};

// Reading order: `a` comes before `b` in the layout.
bool before(ImVec2 a, ImVec2 b) {
    return a.y < b.y || (a.y == b.y && a.x < b.x);
}

// The scope that pushed the ID on top of the current window's ID stack.
enum class IdScope { Plain, Table, TabBar, TabItem, MenuBar, Tree };

IdScope id_scope(ImGuiContext& g, ImGuiWindow* window, const Limits& limits) {
    const ImGuiID top = window->IDStack.back();
    if (ImGuiTable* table = g.CurrentTable;
        table && table->InnerWindow == window && top == compat::table_pushed_id(table))
        return IdScope::Table;
    if (ImGuiTabBar* bar = g.CurrentTabBar) {
        if (top == bar->ID) return IdScope::TabBar;
        if (bar->LastTabItemIdx >= 0 && bar->LastTabItemIdx < bar->Tabs.Size &&
            top == bar->Tabs[bar->LastTabItemIdx].ID)
            return IdScope::TabItem;
    }
    if (window->DC.MenuBarAppending && window->IDStack.Size >= 2 &&
        compat::is_menu_bar_id(top, window->IDStack[window->IDStack.Size - 2]))
        return IdScope::MenuBar;
    if (window->DC.TreeDepth > limits.sizes.tree) {
        // Tree nodes push their own ID; PushID() pushes the same kind of hash. Where ImGui
        // recorded the node's ID it tells; elsewhere the two are popped alike.
        const ImGuiID recorded = compat::recorded_tree_id(g, window);
        if (recorded == 0 || recorded == top) return IdScope::Tree;
    }
    return IdScope::Plain;
}

// Whether `group` began inside `scope` (so it must end first).
bool group_inside(const ImGuiGroupData& group, IdScope scope, ImGuiContext& g,
                  ImGuiWindow* window) {
    switch (scope) {
        case IdScope::Table:
            return before(g.CurrentTable->OuterRect.Min, group.BackupCursorPos);
        case IdScope::TabBar:
            return before(g.CurrentTabBar->BarRect.Min, group.BackupCursorPos);
        case IdScope::MenuBar:
            return window->MenuBarRect().Contains(group.BackupCursorPos);
        case IdScope::Tree:
            // No tree node indented the window after the group began.
            return group.BackupIndent.x >= window->DC.Indent.x - 0.5f;
        default:
            return true;
    }
}

// Colours, style variables, fonts, item flags and disabled blocks, down to `sizes`.
void pop_brackets(ImGuiContext& g, const StackSizes& sizes) {
    while (g.ColorStack.Size > sizes.color) ImGui::PopStyleColor();
    while (g.StyleVarStack.Size > sizes.style_var) ImGui::PopStyleVar();
    while (g.FontStack.Size > sizes.font) ImGui::PopFont();
    // BeginDisabled() pushes onto the item flags stack too. Its entries cannot be told from
    // PushItemFlag()'s, except where the disabled flag starts: end the disabled block there (it
    // restores the alpha), and wherever only disabled levels remain.
    while (g.ItemFlagsStack.Size > sizes.item_flags) {
        const int disabled_left = g.DisabledStackSize - sizes.disabled;
        const bool starts_disabled =
            g.ItemFlagsStack.Size >= 2 && (g.ItemFlagsStack.back() & ImGuiItemFlags_Disabled) &&
            !(g.ItemFlagsStack[g.ItemFlagsStack.Size - 2] & ImGuiItemFlags_Disabled);
        if (disabled_left > 0 &&
            (starts_disabled || g.ItemFlagsStack.Size - sizes.item_flags <= disabled_left))
            compat::end_disabled(g);
        else
            ImGui::PopItemFlag();
    }
}

// Ends the scopes the current window holds beyond `limits`. Returns false when that ended the
// window itself (the child window of a scrolling table).
bool unwind_window(ImGuiContext& g, const Limits& limits) {
    ImGuiWindow* window = g.CurrentWindow;
    const int depth = g.CurrentWindowStack.Size;
    pop_brackets(g, limits.sizes);
    while (g.CurrentWindowStack.Size == depth) {
        const ImGuiGroupData* group =
            g.GroupStack.Size > limits.sizes.group ? &g.GroupStack.back() : nullptr;
        if (g.FocusScopeStack.Size > limits.sizes.focus_scope) {
            if (void* ms = compat::open_multi_select(g, window)) {
                if (group && before(compat::multi_select_start(ms), group->BackupCursorPos))
                    ImGui::EndGroup();
                else
                    compat::end_multi_select();
            } else {
                ImGui::PopFocusScope();
            }
            continue;
        }
        if (window->IDStack.Size > limits.sizes.id) {
            const IdScope scope = id_scope(g, window, limits);
            if (scope == IdScope::Plain) {
                ImGui::PopID();
            } else if (scope == IdScope::TabItem) {
                ImGui::EndTabItem();  // pops its ID, nothing else
            } else if (group && group_inside(*group, scope, g, window)) {
                ImGui::EndGroup();
            } else if (scope == IdScope::Table) {
                ImGui::EndTable();  // also ends a scrolling table's child window
            } else if (scope == IdScope::TabBar) {
                ImGui::EndTabBar();
            } else if (scope == IdScope::MenuBar) {
                ImGui::EndMenuBar();  // also ends the group it began with
            } else {
                ImGui::TreePop();
            }
            continue;
        }
        if (group) {
            ImGui::EndGroup();
            continue;
        }
        break;
    }
    if (g.CurrentWindowStack.Size != depth) return false;
    while (window->DC.ItemWidthStack.Size > limits.item_width) ImGui::PopItemWidth();
    while (window->DC.TextWrapPosStack.Size > limits.text_wrap) ImGui::PopTextWrapPos();
    return true;
}

}  // namespace

void save_stacks(ComponentScope& scope, ImGuiContext& g) {
    ImGuiWindow* window = g.CurrentWindow;
    scope.window_stack = g.CurrentWindowStack.Size;
    scope.id_stack = window->IDStack.Size;
    scope.tree_depth = window->DC.TreeDepth;
    scope.item_width_stack = window->DC.ItemWidthStack.Size;
    scope.text_wrap_stack = window->DC.TextWrapPosStack.Size;
    scope.indent = window->DC.Indent.x;
    scope.color_stack = g.ColorStack.Size;
    scope.style_var_stack = g.StyleVarStack.Size;
    scope.font_stack = g.FontStack.Size;
    scope.group_stack = g.GroupStack.Size;
    scope.item_flags_stack = g.ItemFlagsStack.Size;
    scope.focus_scope_stack = g.FocusScopeStack.Size;
    scope.disabled_stack = g.DisabledStackSize;
}

void unwind_scopes(const ComponentScope& scope, ImGuiContext& g) {
    // Windows the body began, innermost first: each back to what it recorded when it began.
    while (g.CurrentWindowStack.Size > scope.window_stack) {
        const ImGuiWindowStackData& data = g.CurrentWindowStack.back();
        ImGuiWindow* window = data.Window;
        Limits limits{compat::window_begin_sizes(data)};
        limits.sizes.focus_scope +=
            compat::window_own_focus_scopes(g, window, limits.sizes.focus_scope);
        if (unwind_window(g, limits)) compat::end_window(window);
    }
    if (g.CurrentWindowStack.Size < scope.window_stack)
        return;  // the body ended windows it
                 // did not begin
    Limits limits{{scope.id_stack, scope.tree_depth, scope.color_stack, scope.style_var_stack,
                   scope.font_stack, scope.group_stack, scope.item_flags_stack,
                   scope.focus_scope_stack, scope.disabled_stack},
                  scope.item_width_stack,
                  scope.text_wrap_stack};
    unwind_window(g, limits);
    const float indent = g.CurrentWindow->DC.Indent.x - scope.indent;
    if (indent != 0.0f) ImGui::Unindent(indent);
}

}  // namespace imhooks::detail
