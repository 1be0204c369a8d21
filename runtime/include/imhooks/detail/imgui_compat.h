// Internal: what differs between the Dear ImGui versions imhooks supports, in one place. Not a
// public API, and not included by the public headers (it includes imgui_internal.h).
//
// Supported: Dear ImGui 1.86 (Debian 12's) to the 1.92 docking branch, master or docking, with or
// without IMGUI_DISABLE_OBSOLETE_FUNCTIONS. Differences are keyed on IMGUI_VERSION_NUM at the
// releases that made them; the few internal fields whose first release is not known are detected
// by their presence (`requires`), so work-in-progress versions between releases compile too.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>

#include <cstdint>
#include <cstring>
#include <string_view>

static_assert(IMGUI_VERSION_NUM >= 18600, "imhooks needs Dear ImGui 1.86 or newer");

// 1.87: io.AddKeyEvent() and friends (an input event queue) replace writes to io.KeysDown[].
#define IMHOOKS_IMGUI_INPUT_QUEUE (IMGUI_VERSION_NUM >= 18700)
// 1.89: modifiers are the ImGuiMod_ flags (1.87 and 1.88 had ImGuiKey_ModCtrl and friends).
#define IMHOOKS_IMGUI_MOD_FLAGS (IMGUI_VERSION_NUM >= 18900)
// 1.91: BeginMultiSelect().
#define IMHOOKS_IMGUI_MULTI_SELECT (IMGUI_VERSION_NUM >= 19100)
// 1.91.3: ImGuiErrorRecoveryState (stack sizes with the tree depth) replaces ImGuiStackSizes, and
// ErrorCheckEndWindowRecover() is gone; End() checks what its window left open.
#define IMHOOKS_IMGUI_ERROR_RECOVERY (IMGUI_VERSION_NUM >= 19130)
// 1.91.4: g.NavCursorVisible replaces g.NavDisableHighlight (with the opposite meaning).
#define IMHOOKS_IMGUI_NAV_CURSOR (IMGUI_VERSION_NUM >= 19140)
// 1.92: the renderer creates and updates textures on request
// (ImGuiBackendFlags_RendererHasTextures); ImFontAtlas::GetTexDataAsRGBA32() and Build() are
// obsolete.
#define IMHOOKS_IMGUI_TEXTURES (IMGUI_VERSION_NUM >= 19200)

namespace imhooks::detail::compat {

//----------------------------------------------------------------------------------------------
// Stacks and scopes (the error boundary)

// The sizes of ImGui's stacks at one point of a frame: a window's own ID stack and tree depth,
// and the context's stacks.
struct StackSizes {
    int id = 0, tree = 0, color = 0, style_var = 0, font = 0, group = 0, item_flags = 0,
        focus_scope = 0, disabled = 0;
};

// What ImGui recorded when the window of `data` began: the state its End() expects back.
template <class WindowStackData>
StackSizes window_begin_sizes(const WindowStackData& data) {
#if IMHOOKS_IMGUI_ERROR_RECOVERY
    const auto& s = data.StackSizesInBegin;
    StackSizes sizes{s.SizeOfIDStack,        s.SizeOfTreeStack,       s.SizeOfColorStack,
                     s.SizeOfStyleVarStack,  s.SizeOfFontStack,       s.SizeOfGroupStack,
                     s.SizeOfItemFlagsStack, s.SizeOfFocusScopeStack, s.SizeOfDisabledStack};
#else
    const auto& s = data.StackSizesOnBegin;
    // Begin() starts every window at tree depth 0.
    StackSizes sizes{s.SizeOfIDStack,        0,
                     s.SizeOfColorStack,     s.SizeOfStyleVarStack,
                     s.SizeOfFontStack,      s.SizeOfGroupStack,
                     s.SizeOfItemFlagsStack, s.SizeOfFocusScopeStack,
                     s.SizeOfDisabledStack};
#endif
    // A tooltip begun in a disabled block re-enables its items with one more disabled level,
    // which its End() pops itself.
    if constexpr (requires { data.DisabledOverrideReenable; }) {
        if (data.DisabledOverrideReenable && data.Window->RootWindow == data.Window) {
            ++sizes.disabled;
            ++sizes.item_flags;
        }
    }
    return sizes;
}

// Focus scopes `window`'s Begin() pushed after it recorded the stack sizes, which its End() pops
// itself: one from 1.90 (none for windows with navigation flattened into their parent), none in
// 1.86. The first entry above the recorded size tells: it is the window's own.
template <class Context, class Window>
int window_own_focus_scopes(Context& g, Window* window, int recorded) {
    if (g.FocusScopeStack.Size <= recorded) return 0;
    const auto& entry = g.FocusScopeStack[recorded];
    if constexpr (requires { entry.WindowID; })
        return entry.WindowID == window->ID ? 1 : 0;
    else
        return entry == window->ID ? 1 : 0;
}

// The ID BeginTable() pushed for `table` (and EndTable() expects on top of the ID stack).
template <class Table>
ImGuiID table_pushed_id(Table* table) {
    if constexpr (requires { table->InstanceDataFirst.TableInstanceID; })
        return table->InstanceCurrent == 0
                   ? table->InstanceDataFirst.TableInstanceID
                   : table->InstanceDataExtra[table->InstanceCurrent - 1].TableInstanceID;
    else
        return table->ID + static_cast<ImGuiID>(table->InstanceCurrent);  // before 1.89.3
}

// The ID the innermost open tree node of `window` pushed, when ImGui recorded it (then TreePop()
// checks that it is on top of the ID stack); 0 when it did not.
template <class Context, class Window>
ImGuiID recorded_tree_id(Context& g, Window* window) {
    const int depth = window->DC.TreeDepth;
    if (depth <= 0 || depth > 32) return 0;
    const ImU32 mask = 1u << (depth - 1);
    if constexpr (requires { window->DC.TreeHasStackDataDepthMask, g.TreeNodeStack; }) {
        if ((window->DC.TreeHasStackDataDepthMask & mask) && g.TreeNodeStack.Size > 0)
            return g.TreeNodeStack.back().ID;
    } else if constexpr (requires { window->DC.TreeJumpToParentOnPopMask, g.NavTreeNodeStack; }) {
        if ((window->DC.TreeJumpToParentOnPopMask & mask) && g.NavTreeNodeStack.Size > 0)
            return g.NavTreeNodeStack.back().ID;
    }
    return 0;
}

// Whether `id` is the "##menubar" ID BeginMenuBar() pushed on top of `seed`.
inline bool is_menu_bar_id(ImGuiID id, ImGuiID seed) {
    return id == ImHashStr("##menubar", 0, seed) || id == ImHashStr("##MenuBar", 0, seed);
}

// The multi-select scope whose focus scope is on top of the focus scope stack, in `window`.
inline void* open_multi_select(ImGuiContext& g, ImGuiWindow* window) {
#if IMHOOKS_IMGUI_MULTI_SELECT
    ImGuiMultiSelectTempData* ms = g.CurrentMultiSelect;
    if (ms && ms->Storage && ms->Storage->Window == window &&
        g.CurrentFocusScopeId == ms->FocusScopeId)
        return ms;
#else
    (void)g;
    (void)window;
#endif
    return nullptr;
}

// Where the open multi-select scope `ms` (from open_multi_select) began.
inline ImVec2 multi_select_start(void* ms) {
#if IMHOOKS_IMGUI_MULTI_SELECT
    return static_cast<ImGuiMultiSelectTempData*>(ms)->ScopeRectMin;
#else
    (void)ms;
    return {};
#endif
}

inline void end_multi_select() {
#if IMHOOKS_IMGUI_MULTI_SELECT
    ImGui::EndMultiSelect();
#endif
}

// Open multi-select scopes in the context.
inline int multi_select_depth(ImGuiContext& g) {
#if IMHOOKS_IMGUI_MULTI_SELECT
    return g.MultiSelectTempDataStacked;
#else
    (void)g;
    return 0;
#endif
}

// Leaves one BeginDisabled() level: the one ImGui's own recovery would end.
inline void end_disabled(ImGuiContext& g) {
#if IMHOOKS_IMGUI_ERROR_RECOVERY
    if (!(g.CurrentItemFlags & ImGuiItemFlags_Disabled)) {
        ImGui::EndDisabledOverrideReenable();
        return;
    }
#else
    (void)g;
#endif
    ImGui::EndDisabled();
}

// A docked window or a dock node's host: ended with End() although it is a child window.
inline bool is_docked(ImGuiWindow* window) {
#ifdef IMGUI_HAS_DOCK
    return window->DockIsActive || (window->Flags & ImGuiWindowFlags_DockNodeHost);
#else
    (void)window;
    return false;
#endif
}

// Ends the current window with the call that matches how it began.
inline void end_window(ImGuiWindow* window) {
    const ImGuiWindowFlags flags = window->Flags;
    if (flags & ImGuiWindowFlags_Popup) {
        if (flags & ImGuiWindowFlags_ChildMenu)
            ImGui::EndMenu();
        else if (std::strncmp(window->Name, "##Combo_", 8) == 0)
            ImGui::EndCombo();
        else
            ImGui::EndPopup();  // popups and modals
    } else if ((flags & ImGuiWindowFlags_ChildWindow) && !is_docked(window)) {
        ImGui::EndChild();  // also list boxes and child frames
    } else {
        ImGui::End();  // windows, docked windows, tooltips
    }
}

//----------------------------------------------------------------------------------------------
// Headless frames (the test harness)

// The window a tab bar is in: recorded by newer versions; else the front-most window holding it.
template <class TabBar>
ImGuiWindow* tab_bar_window(ImGuiContext& g, TabBar* bar) {
    if constexpr (requires { bar->Window; }) {
        return bar->Window;
    } else {
        for (int i = g.Windows.Size - 1; i >= 0; --i) {
            ImGuiWindow* window = g.Windows[i];
            if ((window->Active || window->WasActive) &&
                !(window->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip)) &&
                window->Rect().Contains(bar->BarRect))
                return window;
        }
        return nullptr;
    }
}

// Lets frames run without a renderer: builds the font atlas (before 1.92) or declares that the
// renderer handles texture requests, which acknowledge_textures() then does (1.92).
inline void prepare_headless_renderer(ImGuiIO& io) {
#if IMHOOKS_IMGUI_TEXTURES
    io.BackendFlags |=
        ImGuiBackendFlags_RendererHasTextures | ImGuiBackendFlags_RendererHasVtxOffset;
#else
    io.Fonts->Build();
#endif
}

// After Render(): marks the textures ImGui asked for as created, updated or destroyed, as ImGui's
// null renderer backend does.
inline void acknowledge_textures() {
#if IMHOOKS_IMGUI_TEXTURES
    ImDrawData* data = ImGui::GetDrawData();
    if (!data || !data->Textures) return;
    for (ImTextureData* texture : *data->Textures) {
        switch (texture->Status) {
            case ImTextureStatus_WantCreate:
                texture->SetTexID(
                    (ImTextureID)(std::intptr_t)(texture->UniqueID + 1));  // any non-zero id
                texture->SetStatus(ImTextureStatus_OK);
                break;
            case ImTextureStatus_WantUpdates:
                texture->SetStatus(ImTextureStatus_OK);
                break;
            case ImTextureStatus_WantDestroy:
                texture->SetTexID(ImTextureID_Invalid);
                texture->SetStatus(ImTextureStatus_Destroyed);
                break;
            default:
                break;
        }
    }
#endif
}

inline void hide_nav_cursor(ImGuiContext& g) {
#if IMHOOKS_IMGUI_NAV_CURSOR
    g.NavCursorVisible = false;
#else
    g.NavDisableHighlight = true;
#endif
}

inline void mouse_position(ImGuiIO& io, ImVec2 position) {
#if IMHOOKS_IMGUI_INPUT_QUEUE
    io.AddMousePosEvent(position.x, position.y);
#else
    io.MousePos = position;
#endif
}

inline void mouse_button(ImGuiIO& io, int button, bool down) {
#if IMHOOKS_IMGUI_INPUT_QUEUE
    io.AddMouseButtonEvent(button, down);
#else
    io.MouseDown[button] = down;
#endif
}

// A key as the harness presses it: its GLFW key code (what ImGui 1.86 reads from io.KeysDown[]
// through io.KeyMap[], as with the GLFW backend) and, from 1.87, its ImGuiKey.
struct Key {
    std::string_view name;
    int glfw_code;
#if IMHOOKS_IMGUI_INPUT_QUEUE
    ImGuiKey key;
#else
    int legacy_key;  // the ImGuiKey_ entry io.KeyMap[] maps to this key, or -1
#endif
};

#if IMHOOKS_IMGUI_INPUT_QUEUE
#define IMHOOKS_KEY(name, glfw, key, legacy) \
    Key {                                    \
        name, glfw, key                      \
    }
#define IMHOOKS_LETTER(name, glfw, key, legacy) \
    Key {                                       \
        name, glfw, key                         \
    }
#else
#define IMHOOKS_KEY(name, glfw, key, legacy) \
    Key {                                    \
        name, glfw, legacy                   \
    }
#define IMHOOKS_LETTER(name, glfw, key, legacy) \
    Key {                                       \
        name, glfw, legacy                      \
    }
#endif

// The keys the harness knows, by lower-case name; nullptr for other names.
inline const Key* find_key(std::string_view name) {
    static const Key keys[] = {
        IMHOOKS_KEY("tab", 258, ImGuiKey_Tab, ImGuiKey_Tab),
        IMHOOKS_KEY("left", 263, ImGuiKey_LeftArrow, ImGuiKey_LeftArrow),
        IMHOOKS_KEY("right", 262, ImGuiKey_RightArrow, ImGuiKey_RightArrow),
        IMHOOKS_KEY("up", 265, ImGuiKey_UpArrow, ImGuiKey_UpArrow),
        IMHOOKS_KEY("down", 264, ImGuiKey_DownArrow, ImGuiKey_DownArrow),
        IMHOOKS_KEY("pageup", 266, ImGuiKey_PageUp, ImGuiKey_PageUp),
        IMHOOKS_KEY("pagedown", 267, ImGuiKey_PageDown, ImGuiKey_PageDown),
        IMHOOKS_KEY("home", 268, ImGuiKey_Home, ImGuiKey_Home),
        IMHOOKS_KEY("end", 269, ImGuiKey_End, ImGuiKey_End),
        IMHOOKS_KEY("insert", 260, ImGuiKey_Insert, ImGuiKey_Insert),
        IMHOOKS_KEY("delete", 261, ImGuiKey_Delete, ImGuiKey_Delete),
        IMHOOKS_KEY("backspace", 259, ImGuiKey_Backspace, ImGuiKey_Backspace),
        IMHOOKS_KEY("space", 32, ImGuiKey_Space, ImGuiKey_Space),
        IMHOOKS_KEY("enter", 257, ImGuiKey_Enter, ImGuiKey_Enter),
        IMHOOKS_KEY("escape", 256, ImGuiKey_Escape, ImGuiKey_Escape),
        IMHOOKS_LETTER("a", 65, ImGuiKey_A, ImGuiKey_A),
        IMHOOKS_LETTER("b", 66, ImGuiKey_B, -1),
        IMHOOKS_LETTER("c", 67, ImGuiKey_C, ImGuiKey_C),
        IMHOOKS_LETTER("d", 68, ImGuiKey_D, -1),
        IMHOOKS_LETTER("e", 69, ImGuiKey_E, -1),
        IMHOOKS_LETTER("f", 70, ImGuiKey_F, -1),
        IMHOOKS_LETTER("g", 71, ImGuiKey_G, -1),
        IMHOOKS_LETTER("h", 72, ImGuiKey_H, -1),
        IMHOOKS_LETTER("i", 73, ImGuiKey_I, -1),
        IMHOOKS_LETTER("j", 74, ImGuiKey_J, -1),
        IMHOOKS_LETTER("k", 75, ImGuiKey_K, -1),
        IMHOOKS_LETTER("l", 76, ImGuiKey_L, -1),
        IMHOOKS_LETTER("m", 77, ImGuiKey_M, -1),
        IMHOOKS_LETTER("n", 78, ImGuiKey_N, -1),
        IMHOOKS_LETTER("o", 79, ImGuiKey_O, -1),
        IMHOOKS_LETTER("p", 80, ImGuiKey_P, -1),
        IMHOOKS_LETTER("q", 81, ImGuiKey_Q, -1),
        IMHOOKS_LETTER("r", 82, ImGuiKey_R, -1),
        IMHOOKS_LETTER("s", 83, ImGuiKey_S, -1),
        IMHOOKS_LETTER("t", 84, ImGuiKey_T, -1),
        IMHOOKS_LETTER("u", 85, ImGuiKey_U, -1),
        IMHOOKS_LETTER("v", 86, ImGuiKey_V, ImGuiKey_V),
        IMHOOKS_LETTER("w", 87, ImGuiKey_W, -1),
        IMHOOKS_LETTER("x", 88, ImGuiKey_X, ImGuiKey_X),
        IMHOOKS_LETTER("y", 89, ImGuiKey_Y, ImGuiKey_Y),
        IMHOOKS_LETTER("z", 90, ImGuiKey_Z, ImGuiKey_Z),
        IMHOOKS_LETTER("0", 48, ImGuiKey_0, -1),
        IMHOOKS_LETTER("1", 49, ImGuiKey_1, -1),
        IMHOOKS_LETTER("2", 50, ImGuiKey_2, -1),
        IMHOOKS_LETTER("3", 51, ImGuiKey_3, -1),
        IMHOOKS_LETTER("4", 52, ImGuiKey_4, -1),
        IMHOOKS_LETTER("5", 53, ImGuiKey_5, -1),
        IMHOOKS_LETTER("6", 54, ImGuiKey_6, -1),
        IMHOOKS_LETTER("7", 55, ImGuiKey_7, -1),
        IMHOOKS_LETTER("8", 56, ImGuiKey_8, -1),
        IMHOOKS_LETTER("9", 57, ImGuiKey_9, -1),
        IMHOOKS_LETTER("f1", 290, ImGuiKey_F1, -1),
        IMHOOKS_LETTER("f2", 291, ImGuiKey_F2, -1),
        IMHOOKS_LETTER("f3", 292, ImGuiKey_F3, -1),
        IMHOOKS_LETTER("f4", 293, ImGuiKey_F4, -1),
        IMHOOKS_LETTER("f5", 294, ImGuiKey_F5, -1),
        IMHOOKS_LETTER("f6", 295, ImGuiKey_F6, -1),
        IMHOOKS_LETTER("f7", 296, ImGuiKey_F7, -1),
        IMHOOKS_LETTER("f8", 297, ImGuiKey_F8, -1),
        IMHOOKS_LETTER("f9", 298, ImGuiKey_F9, -1),
        IMHOOKS_LETTER("f10", 299, ImGuiKey_F10, -1),
        IMHOOKS_LETTER("f11", 300, ImGuiKey_F11, -1),
        IMHOOKS_LETTER("f12", 301, ImGuiKey_F12, -1),
    };
    for (const Key& key : keys)
        if (key.name == name) return &key;
    return nullptr;
}

#undef IMHOOKS_KEY
#undef IMHOOKS_LETTER

// Before 1.87 ImGui reads keys from io.KeysDown[] through io.KeyMap[]: map its named keys to the
// GLFW key codes the harness writes, as the GLFW backend of that time did.
inline void init_key_map(ImGuiIO& io) {
#if !IMHOOKS_IMGUI_INPUT_QUEUE
    for (const char* name :
         {"tab",    "left", "right",  "up",     "down",      "pageup", "pagedown",
          "home",   "end",  "insert", "delete", "backspace", "space",  "enter",
          "escape", "a",    "c",      "v",      "x",         "y",      "z"}) {
        const Key* key = find_key(name);
        io.KeyMap[key->legacy_key] = key->glfw_code;
    }
    io.KeyMap[ImGuiKey_KeyPadEnter] = 335;
#else
    (void)io;
#endif
}

inline void key(ImGuiIO& io, const Key& key, bool down) {
#if IMHOOKS_IMGUI_INPUT_QUEUE
    io.AddKeyEvent(key.key, down);
#else
    io.KeysDown[key.glfw_code] = down;
#endif
}

// Modifiers: ctrl, shift, alt, super.
enum Modifier { Ctrl = 1, Shift = 2, Alt = 4, Super = 8 };

inline void modifiers(ImGuiIO& io, int mods) {
#if IMHOOKS_IMGUI_INPUT_QUEUE
#if IMHOOKS_IMGUI_MOD_FLAGS
    const ImGuiKey flags[] = {ImGuiMod_Ctrl, ImGuiMod_Shift, ImGuiMod_Alt, ImGuiMod_Super};
#else
    const ImGuiKey flags[] = {ImGuiKey_ModCtrl, ImGuiKey_ModShift, ImGuiKey_ModAlt,
                              ImGuiKey_ModSuper};
#endif
    const ImGuiKey keys[] = {ImGuiKey_LeftCtrl, ImGuiKey_LeftShift, ImGuiKey_LeftAlt,
                             ImGuiKey_LeftSuper};
    for (int i = 0; i < 4; ++i) {
        const bool down = (mods >> i) & 1;
        io.AddKeyEvent(keys[i], down);
        io.AddKeyEvent(flags[i], down);
    }
#else
    io.KeyCtrl = mods & Ctrl;
    io.KeyShift = mods & Shift;
    io.KeyAlt = mods & Alt;
    io.KeySuper = mods & Super;
    io.KeysDown[341] = io.KeyCtrl;  // the left modifier keys, as GLFW reports them
    io.KeysDown[340] = io.KeyShift;
    io.KeysDown[342] = io.KeyAlt;
    io.KeysDown[343] = io.KeySuper;
#endif
}

}  // namespace imhooks::detail::compat
