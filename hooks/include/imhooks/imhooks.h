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
// clock.h      Clock, ManualClock (RuntimeOptions::clock)
// frame_pacer.h FramePacer: when a hand-written render loop renders and how long it sleeps
// state.h      use_state, use_state with deps, use_ref, use_previous
// memo.h       use_memo, use_effect
// context.h    use_context, provide_context, ContextProvider
// reducer.h    use_reducer, Dispatch
// persistent_state.h  use_persistent_state, persist<T>
// deps.h       deps(...)
// executor.h   Executor, ExecutorOptions, blocking()
// thread.h     use_thread, ThreadOptions
// task.h       Task, TaskHandle, use_task, TaskOptions
// query.h      use_query, QueryOptions, QueryResult, QueryClient (Runtime::queries())
// query_key.h  QueryKey, key(...)
// debounce.h   use_debounced
// stream.h     Stream<T>, StreamWriter<T>: growing results published without copies
// result.h     Result<T>, ResultState, to_string
// job.h        Job<T>, Cancelled, checkpoint(), sleep_for(), report_progress(), stop_requested()
// generator.h  Generator<T>
// hook_error.h HookError
// inspector.h ShowInspectorWindow, inspect_value<T>
#pragma once

#include <imhooks/context.h>
#include <imhooks/debounce.h>
#include <imhooks/deps.h>
#include <imhooks/executor.h>
#include <imhooks/frame_pacer.h>
#include <imhooks/generator.h>
#include <imhooks/hook_error.h>
#include <imhooks/inspector.h>
#include <imhooks/job.h>
#include <imhooks/memo.h>
#include <imhooks/persistent_state.h>
#include <imhooks/query.h>
#include <imhooks/query_key.h>
#include <imhooks/reducer.h>
#include <imhooks/result.h>
#include <imhooks/runtime.h>
#include <imhooks/state.h>
#include <imhooks/stream.h>
#include <imhooks/task.h>
#include <imhooks/thread.h>
