// Internal: the values of use_persistent_state, kept in Dear ImGui's .ini settings. Not a public
// API.
//
// One store per ImGui context, registered as the settings handler "imhooks" by the Runtime's
// constructor (so before the first NewFrame() loads the .ini file). Each key is one entry:
//
//   [imhooks][key]
//   value=text
//
// where text is persist<T>::to_string's output with '\', newline and carriage return escaped.
// The context owns the store until it shuts down, after ImGui's last save; hooks keep it alive
// as long as they hold entries. Everything here is for the UI thread.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

struct ImGuiContextHook;
struct ImGuiSettingsHandler;

namespace imhooks::detail {

struct SettingsEntry {
    std::string text;           // the saved value, unescaped
    std::uint64_t version = 0;  // changes whenever `text` does (a load, or a hook's write)
    int mounted = 0;            // hooks holding this entry now
    bool has_text = false;      // false: nothing saved under this key (yet)
};

class SettingsStore : public std::enable_shared_from_this<SettingsStore> {
  public:
    static constexpr const char* kTypeName = "imhooks";

    // The store of `context`, created and registered with ImGui on the first call. When ImGui
    // had already loaded its .ini file, the store reads its own entries from that file.
    static std::shared_ptr<SettingsStore> of(ImGuiContext* context);

    // The entry of `key`, created when absent; counted as mounted until release(). Throws
    // HookError when the key cannot be an .ini entry name (empty, or a line break or NUL in it).
    SettingsEntry& acquire(std::string_view key);
    void release(SettingsEntry& entry) noexcept;
    // Stores `text` for the entry and marks ImGui's settings dirty (ImGui saves them
    // io.IniSavingRate seconds later, or sets io.WantSaveIniSettings without an .ini file).
    void write(SettingsEntry& entry, std::string text);

    // The escaping used in the file (exposed for tests).
    static std::string escape(std::string_view text);
    static std::string unescape(std::string_view text);

  private:
    explicit SettingsStore(ImGuiContext* context) : context_(context) {}
    void load_file(const char* path);
    void read_line(SettingsEntry& entry, std::string_view line);
    void mark_dirty() const;

    // ImGui's callbacks.
    static void on_shutdown(ImGuiContext* context, ImGuiContextHook* hook);
    static void handler_clear_all(ImGuiContext*, ImGuiSettingsHandler* handler);
    static void handler_nothing(ImGuiContext*, ImGuiSettingsHandler*) {}
    static void* handler_read_open(ImGuiContext*, ImGuiSettingsHandler* handler, const char* name);
    static void handler_read_line(ImGuiContext*, ImGuiSettingsHandler* handler, void* entry,
                                  const char* line);
    static void handler_write_all(ImGuiContext*, ImGuiSettingsHandler* handler,
                                  ImGuiTextBuffer* out);

    ImGuiContext* context_;                                      // null once the context shut down
    std::map<std::string, SettingsEntry, std::less<>> entries_;  // sorted: a stable file
};

}  // namespace imhooks::detail
