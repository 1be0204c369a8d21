#include <imhooks/detail/settings_store.h>

#include <imhooks/hook_error.h>

#include <imgui_internal.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace imhooks::detail {

namespace {
constexpr std::string_view kValuePrefix = "value=";
}

std::shared_ptr<SettingsStore> SettingsStore::of(ImGuiContext* context) {
    const ImGuiID type_hash = ImHashStr(kTypeName);
    for (ImGuiSettingsHandler& handler : context->SettingsHandlers)
        if (handler.TypeHash == type_hash)
            return static_cast<SettingsStore*>(handler.UserData)->shared_from_this();

    std::shared_ptr<SettingsStore> store(new SettingsStore(context));
    // The context's reference, dropped by its Shutdown hook: ImGui::DestroyContext() saves the
    // settings before it calls that hook, so the last save still finds the store.
    auto owner = std::make_unique<std::shared_ptr<SettingsStore>>(store);
    ImGuiContextHook hook;
    hook.Type = ImGuiContextHookType_Shutdown;
    hook.Callback = &on_shutdown;
    hook.UserData = owner.get();
    ImGui::AddContextHook(context, &hook);
    owner.release();

    ImGuiSettingsHandler handler;
    handler.TypeName = kTypeName;
    handler.TypeHash = type_hash;
    handler.ClearAllFn = &handler_clear_all;
    handler.ReadInitFn = &handler_nothing;
    handler.ReadOpenFn = &handler_read_open;
    handler.ReadLineFn = &handler_read_line;
    handler.ApplyAllFn = &handler_nothing;
    handler.WriteAllFn = &handler_write_all;
    handler.UserData = store.get();
#if IMGUI_VERSION_NUM >= 19000
    // AddSettingsHandler() (1.90 has it; older releases only have the vector) acts on the
    // current context.
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(context);
    ImGui::AddSettingsHandler(&handler);
    ImGui::SetCurrentContext(previous);
#else
    context->SettingsHandlers.push_back(handler);
#endif
    // Created after the first NewFrame(): ImGui skipped our entries when it read the file (and
    // would drop them at its next save), so read them now.
    if (context->SettingsLoaded && context->IO.IniFilename)
        store->load_file(context->IO.IniFilename);
    return store;
}

SettingsEntry& SettingsStore::acquire(std::string_view key) {
    if (key.empty() || key.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos)
        throw HookError("imhooks: use_persistent_state: the key \"" + escape(key) +
                        "\" cannot name an .ini entry; use a non-empty key on one line");
    auto it = entries_.find(key);
    if (it == entries_.end()) it = entries_.emplace(std::string(key), SettingsEntry{}).first;
    ++it->second.mounted;
    return it->second;
}

void SettingsStore::release(SettingsEntry& entry) noexcept {
    --entry.mounted;
}

void SettingsStore::write(SettingsEntry& entry, std::string text) {
    if (entry.has_text && entry.text == text) return;
    entry.text = std::move(text);
    entry.has_text = true;
    ++entry.version;
    mark_dirty();
}

void SettingsStore::mark_dirty() const {
    // ImGui::MarkIniSettingsDirty() for a context that need not be the current one.
    if (context_ && context_->SettingsDirtyTimer <= 0.0f)
        context_->SettingsDirtyTimer = context_->IO.IniSavingRate;
}

std::string SettingsStore::escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\0':
                out += "\\0";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string SettingsStore::unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        switch (text[++i]) {
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case '0':
                out += '\0';
                break;
            case '\\':
                out += '\\';
                break;
            default:  // not ours: kept as written
                out += '\\';
                out += text[i];
        }
    }
    return out;
}

void SettingsStore::read_line(SettingsEntry& entry, std::string_view line) {
    if (!line.starts_with(kValuePrefix)) return;  // lines of later versions, hand-written notes
    std::string text = unescape(line.substr(kValuePrefix.size()));
    if (entry.has_text && entry.text == text) return;
    entry.text = std::move(text);
    entry.has_text = true;
    ++entry.version;
}

void SettingsStore::load_file(const char* path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return;
    std::stringstream content;
    content << file.rdbuf();
    const std::string data = content.str();
    // The same reading of "[Type][Name]" lines as ImGui's LoadIniSettingsFromMemory().
    SettingsEntry* entry = nullptr;
    std::size_t begin = 0;
    while (begin < data.size()) {
        std::size_t end = data.find_first_of("\r\n", begin);
        if (end == std::string::npos) end = data.size();
        const std::string_view line(data.data() + begin, end - begin);
        begin = end + 1;
        if (line.empty() || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            entry = nullptr;
            const std::string_view inner = line.substr(1, line.size() - 2);
            const std::size_t type_end = inner.find(']');
            if (type_end == std::string_view::npos || inner.substr(0, type_end) != kTypeName)
                continue;
            const std::size_t name_start = inner.find('[', type_end + 1);
            if (name_start == std::string_view::npos) continue;
            const std::string_view name = inner.substr(name_start + 1);
            auto it = entries_.find(name);
            if (it == entries_.end())
                it = entries_.emplace(std::string(name), SettingsEntry{}).first;
            entry = &it->second;
        } else if (entry) {
            read_line(*entry, line);
        }
    }
}

void SettingsStore::on_shutdown(ImGuiContext*, ImGuiContextHook* hook) {
    auto* owner = static_cast<std::shared_ptr<SettingsStore>*>(hook->UserData);
    (*owner)->context_ = nullptr;
    delete owner;
}

void SettingsStore::handler_clear_all(ImGuiContext*, ImGuiSettingsHandler* handler) {
    // Entries of mounted hooks stay: their values are still shown and will be saved.
    auto& entries = static_cast<SettingsStore*>(handler->UserData)->entries_;
    std::erase_if(entries, [](const auto& item) { return item.second.mounted == 0; });
}

void* SettingsStore::handler_read_open(ImGuiContext*, ImGuiSettingsHandler* handler,
                                       const char* name) {
    auto& entries = static_cast<SettingsStore*>(handler->UserData)->entries_;
    auto it = entries.find(std::string_view(name));
    if (it == entries.end()) it = entries.emplace(name, SettingsEntry{}).first;
    return &it->second;
}

void SettingsStore::handler_read_line(ImGuiContext*, ImGuiSettingsHandler* handler, void* entry,
                                      const char* line) {
    static_cast<SettingsStore*>(handler->UserData)
        ->read_line(*static_cast<SettingsEntry*>(entry), std::string_view(line));
}

void SettingsStore::handler_write_all(ImGuiContext*, ImGuiSettingsHandler* handler,
                                      ImGuiTextBuffer* out) {
    for (const auto& [key, entry] : static_cast<SettingsStore*>(handler->UserData)->entries_) {
        if (!entry.has_text) continue;
        const std::string section = std::string("[") + kTypeName + "][" + key + "]\n" +
                                    std::string(kValuePrefix) + escape(entry.text) + "\n\n";
        out->append(section.data(), section.data() + section.size());
    }
}

}  // namespace imhooks::detail
