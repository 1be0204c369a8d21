// Internal: whether the translation unit is built with ThreadSanitizer or AddressSanitizer, as
// IMHOOKS_DETAIL_TSAN and IMHOOKS_DETAIL_ASAN (1 or 0), under GCC and Clang alike. Not a public
// API.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define IMHOOKS_DETAIL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IMHOOKS_DETAIL_TSAN 1
#endif
#endif
#ifndef IMHOOKS_DETAIL_TSAN
#define IMHOOKS_DETAIL_TSAN 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define IMHOOKS_DETAIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IMHOOKS_DETAIL_ASAN 1
#endif
#endif
#ifndef IMHOOKS_DETAIL_ASAN
#define IMHOOKS_DETAIL_ASAN 0
#endif
