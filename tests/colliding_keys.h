// Test support: component keys whose ImGui IDs collide, found by brute force. ImGui's string hash
// is a CRC: keys that differ only in a few neighbouring bytes ("key1", "key2") never collide,
// random ones do.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

namespace imhooks::test {

// The i-th of a sequence of distinct pseudo-random keys.
inline std::string random_key(std::uint64_t i) {
    std::uint64_t x = i + 0x9e3779b97f4a7c15ull;  // splitmix64: a bijection, so keys are distinct
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    std::string key;
    for (int b = 0; b < 16; ++b, x >>= 4) key += "0123456789abcdef"[x & 15];
    return key;
}

// Two different string keys with the same ImGui ID under `seed` (a birthday search over 32-bit
// IDs needs about 80,000 keys).
inline std::pair<std::string, std::string> colliding_strings(ImGuiID seed) {
    std::unordered_map<ImGuiID, std::string> seen;
    for (std::uint64_t i = 0;; ++i) {
        std::string key = random_key(i);
        auto [it, inserted] = seen.emplace(ImHashStr(key.data(), key.size(), seed), key);
        if (!inserted) return {it->second, key};
    }
}

// An integer key (`first` or above) and a string key with the same ImGui ID under `seed`: the IDs
// of many strings, then integers until one lands on one of them.
inline std::pair<long long, std::string> colliding_int_and_string(ImGuiID seed,
                                                                  long long first = 0) {
    std::unordered_map<ImGuiID, std::string> strings;
    for (std::uint32_t i = 0; i < (1u << 18); ++i) {
        std::string key = random_key(i);
        strings.emplace(ImHashStr(key.data(), key.size(), seed), key);
    }
    for (long long k = first;; ++k) {
        // The ID component(k) pushes: PushID((void*)k).
        const void* ptr = reinterpret_cast<const void*>(static_cast<std::intptr_t>(k));
        if (auto it = strings.find(ImHashData(&ptr, sizeof(ptr), seed)); it != strings.end())
            return {k, it->second};
    }
}

}  // namespace imhooks::test
