// use_persistent_state: state that survives a restart of the application, saved in Dear ImGui's
// own .ini settings next to its window positions, and persist<T>, how a value becomes text.
//
//   auto [name, set_name] = imhooks::use_persistent_state("profile.name", std::string("guest"));
//   auto [zoom, set_zoom] = imhooks::use_persistent_state("view.zoom", 1.0f);
//
// In the .ini file (io.IniFilename) each key is one entry:
//
//   [imhooks][view.zoom]
//   value=1.5
#pragma once

#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/hook_services.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/settings_store.h>
#include <imhooks/state.h>

#include <charconv>
#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace imhooks {

//----------------------------------------------------------------------------------------------
// persist<T>: the customisation point
//----------------------------------------------------------------------------------------------

// How use_persistent_state turns a T into text and back. Provided for
//   - integers: decimal ("42", "-7"); char types count as integers;
//   - bool: "true" / "false" (also reads "1" / "0");
//   - floating point: the shortest text that reads back to the same value ("0.1", "1e+30");
//   - enums: their underlying integer (renaming an enumerator keeps saved values; renumbering
//     does not);
//   - std::string: as is.
// Numbers are read with std::from_chars: surrounding spaces are ignored, anything else after the
// number makes the text invalid. For another type, specialise it in namespace imhooks:
//
//   template <>
//   struct imhooks::persist<Point> {
//       static std::string to_string(const Point& p) {
//           return std::to_string(p.x) + " " + std::to_string(p.y);
//       }
//       static std::optional<Point> from_string(std::string_view text);  // nullopt: not a Point
//   };
//
// from_string returning nullopt or throwing means "this text is not a T". The text may hold any
// character (line breaks are escaped in the file). Both run on the UI thread.
template <class T>
struct persist {};

namespace detail {

inline std::string_view trim_blanks(std::string_view text) {
    const std::size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

template <class T>
std::optional<T> parse_number(std::string_view text) {
    text = trim_blanks(text);
    if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

template <class T>
std::string format_number(T value) {
    char buffer[128];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (error != std::errc()) throw std::system_error(std::make_error_code(error), "to_chars");
    return std::string(buffer, end);
}

}  // namespace detail

template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) struct persist<T> {
    static std::string to_string(T value) { return detail::format_number(value); }
    static std::optional<T> from_string(std::string_view text) {
        return detail::parse_number<T>(text);
    }
};

template <class T>
requires std::is_floating_point_v<T>
struct persist<T> {
    static std::string to_string(T value) { return detail::format_number(value); }
    static std::optional<T> from_string(std::string_view text) {
        return detail::parse_number<T>(text);
    }
};

template <>
struct persist<bool> {
    static std::string to_string(bool value) { return value ? "true" : "false"; }
    static std::optional<bool> from_string(std::string_view text) {
        text = detail::trim_blanks(text);
        if (text == "true" || text == "1") return true;
        if (text == "false" || text == "0") return false;
        return std::nullopt;
    }
};

template <class T>
requires std::is_enum_v<T>
struct persist<T> {
    using underlying = std::underlying_type_t<T>;
    static std::string to_string(T value) {
        return persist<underlying>::to_string(static_cast<underlying>(value));
    }
    static std::optional<T> from_string(std::string_view text) {
        if (auto number = persist<underlying>::from_string(text)) return static_cast<T>(*number);
        return std::nullopt;
    }
};

template <>
struct persist<std::string> {
    static std::string to_string(const std::string& value) { return value; }
    static std::optional<std::string> from_string(std::string_view text) {
        return std::string(text);
    }
};

// A type use_persistent_state can save: persist<T> has to_string and from_string.
template <class T>
concept persistable = requires(const T& value, std::string_view text) {
    { persist<T>::to_string(value) } -> std::convertible_to<std::string>;
    { persist<T>::from_string(text) } -> std::convertible_to<std::optional<T>>;
};

namespace detail {

template <class T>
class PersistentSlot final : public SlotOf<PersistentSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::PersistentState;
    using value_type = T;

    explicit PersistentSlot(Instance& instance)
        : instance_(instance), store_(SettingsStore::of(ImGui::GetCurrentContext())) {}
    ~PersistentSlot() override { close(); }
    void unmount() override { close(); }

    template <class Make>
    State<T> render(std::string_view key, Make&& initial) {
        if (!entry_ || key != key_) {
            open(key, initial);
        } else if (entry_->version != seen_) {
            // Loaded (LoadIniSettingsFromMemory), or written by another hook with this key.
            seen_ = entry_->version;
            if (std::optional<T> loaded = read(*entry_, key_)) {
                written_ = *loaded;
                state_->get().set(std::move(*loaded));
                state_->apply_pending();  // shown in this frame already
            }
        } else if (!(state_->get().value == *written_)) {
            save();
        }
        return state_->get();
    }
    void describe(HookDescription& out) const override {
        if (state_) state_->describe(out);
        out.note = "key " + quote_text(key_);
    }

  private:
    template <class Make>
    void open(std::string_view key, Make& initial) {
        SettingsEntry& entry = store_->acquire(key);  // a bad key throws: nothing changed
        std::optional<T> value;
        try {
            if (entry.has_text) value = read(entry, key);
            if (!value) value.emplace(initial());
        } catch (...) {
            store_->release(entry);
            throw;
        }
        close();
        entry_ = &entry;
        key_ = key;
        seen_ = entry.version;
        written_ = *value;  // an unreadable text stays saved until the value changes
        state_.reset();
        state_.emplace(std::move(*value), instance_.core());
    }

    // The entry is released; the value shown (with a set() not yet shown) is saved first.
    void close() noexcept {
        if (!entry_) return;
        try {
            state_->apply_pending();
            if (!(state_->get().value == *written_)) save();
        } catch (...) {
            report_hook_error(instance_, "persistent_state", std::current_exception());
        }
        store_->release(*entry_);
        entry_ = nullptr;
    }

    void save() {
        const T& value = state_->get().value;
        written_ = value;  // whatever happens, not retried every frame
        std::string text;
        try {
            text = persist<T>::to_string(value);
        } catch (...) {
            report_hook_error(instance_, "persistent_state", std::current_exception());
            return;
        }
        store_->write(*entry_, std::move(text));
        seen_ = entry_->version;
    }

    std::optional<T> read(const SettingsEntry& entry, std::string_view key) noexcept {
        std::string reason;
        try {
            if (std::optional<T> value = persist<T>::from_string(entry.text)) return value;
        } catch (...) {
            reason = describe_exception(std::current_exception());
        }
        try {
            std::string message = "use_persistent_state(\"" + std::string(key) +
                                  "\"): the saved text \"" + SettingsStore::escape(entry.text) +
                                  "\" is not a valid " + type_name(typeid(T));
            if (!reason.empty()) message += " (" + reason + ")";
            message += "; using the initial value";
            report_hook_error(instance_, "persistent_state",
                              std::make_exception_ptr(std::invalid_argument(message)));
        } catch (...) {
            report_hook_error(instance_, "persistent_state", std::current_exception());
        }
        return std::nullopt;
    }

    Instance& instance_;
    std::shared_ptr<SettingsStore> store_;
    SettingsEntry* entry_ = nullptr;  // acquired from store_ while open
    std::string key_;
    std::uint64_t seen_ = 0;    // entry_->version when this hook last read or wrote it
    std::optional<T> written_;  // the value the entry holds (or the initial one it stands for)
    std::optional<StateSlot<T>> state_;
};

}  // namespace detail

// State of the current component instance that survives a restart of the application: its value
// is kept in Dear ImGui's .ini settings under `key`. Returns what use_state returns: `auto [value,
// set] = use_persistent_state("zoom", 1.0f);`, `set` works from any thread and the new value
// shows from the next frame.
//  - Mount: the value saved under `key`, read with persist<T>::from_string; `initial` when
//    nothing is saved. Saved text that is not a valid T gives `initial`, and the runtime's error
//    handler receives a ComponentError (where == "persistent_state") naming the component, the
//    key and the text; that text stays saved until the value changes. Never a crash.
//  - Saving: when the value shown changes it is stored and ImGui's settings are marked dirty, so
//    ImGui writes its .ini file io.IniSavingRate seconds later (5 s by default) and when the
//    context is destroyed. A set() made just before the component unmounts or the Runtime is
//    destroyed is still stored: destroy the Runtime before the ImGui context (as Runner and
//    Headless do) so that ImGui's last save includes it. Values equal to `initial` that were
//    never set are not written.
//  - Keys are global to the ImGui context, like window names, and must fit on one line (else
//    HookError). Hooks using one key share its value: a change by one reaches the others the next
//    time they render; they must use the same T. Entries read from the file but not used by any
//    mounted hook are kept and written back.
//  - ImGui::LoadIniSettingsFromMemory() at any time: mounted hooks show the loaded values in
//    their next render.
//  - io.IniFilename null: ImGui reads and writes no file, so the value lasts until the
//    application exits, as use_state's would (it also survives a remount, as ImGui's window
//    settings do). Applications that keep their settings themselves
//    (SaveIniSettingsToMemory() when io.WantSaveIniSettings, LoadIniSettingsFromMemory() at
//    start) get it there.
//  - A different `key` in a later frame switches to that key as if remounted (setters obtained
//    before do nothing).
// The Runtime registers ImGui's settings handler when it is created; create it before the first
// NewFrame() (otherwise it reads its entries from io.IniFilename itself). T: arithmetic, enum,
// std::string, or a type with a persist<T> specialisation; copyable and comparable with ==. C
// strings are stored as std::string. Costs per frame: a comparison of the key and one == of the
// value; text is built only when the value changes. UI thread, inside a component.
template <class T>
State<detail::state_value_t<T>> use_persistent_state(std::string_view key, T&& initial) {
    using V = detail::state_value_t<T>;
    static_assert(persistable<V>,
                  "imhooks::use_persistent_state: this type cannot be saved as text; specialise "
                  "imhooks::persist<T> with to_string(const T&) and from_string(std::string_view)");
    static_assert(std::equality_comparable<V> && std::copy_constructible<V>,
                  "imhooks::use_persistent_state: the type must be copyable and comparable with "
                  "== (a change is saved when the value differs from the one saved)");
    using Slot = detail::PersistentSlot<V>;
    detail::Instance& instance = detail::current_instance("use_persistent_state");
    auto& slot = instance.slot<Slot>([&] { return std::make_unique<Slot>(instance); });
    return slot.render(key, [&] { return V(std::forward<T>(initial)); });
}

}  // namespace imhooks
