// imhooks: React-style hooks for Dear ImGui.
//
//   imhooks::Runtime runtime;                          // once, after ImGui::CreateContext()
//   runtime.set_waker([] { glfwPostEmptyEvent(); });   // wake the loop from worker threads
//
//   void PrimesPanel() {
//       auto [limit, set_limit] = imhooks::use_state(100000);
//       imhooks::Result<long> primes = imhooks::use_thread(
//           [limit](std::stop_token stop) { return count_primes(limit, stop); },
//           imhooks::deps(limit));
//       ...
//   }
//   imhooks::component("primes", [] { PrimesPanel(); });  // every frame, between NewFrame and
//   Render
//
// runtime.h    Runtime, RuntimeOptions, component(key, body)
// frame_pacer.h FramePacer: when a hand-written render loop renders and how long it sleeps
// state.h      use_state, use_ref
// memo.h       use_memo, use_effect
// deps.h       deps(...)
// thread.h     use_thread, ThreadOptions
// result.h     Result<T>, ResultState, to_string
// job.h        Job<T>, Cancelled, checkpoint(), sleep_for(), report_progress(), stop_requested()
// generator.h  Generator<T>
// hook_error.h HookError
#pragma once

#include <imhooks/deps.h>
#include <imhooks/frame_pacer.h>
#include <imhooks/generator.h>
#include <imhooks/hook_error.h>
#include <imhooks/job.h>
#include <imhooks/memo.h>
#include <imhooks/result.h>
#include <imhooks/runtime.h>
#include <imhooks/state.h>
#include <imhooks/thread.h>
