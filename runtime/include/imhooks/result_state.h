// ResultState: the state of a job (a use_thread hook, a Task), as Result<T> and inspectors show it.
#pragma once

namespace imhooks {

// The state of a use_thread hook:
//   Initial --(run starts after the first frame)--> Starting
//   Starting --> Running, or Starting --> Waiting --> Running while the previous run of the same
//   hook still executes user code;  Running --> Finished | Error | Cancelled;
//   any state --(retry, deps change)--> Starting;  Starting | Waiting --(cancel)--> Cancelled.
enum class ResultState : unsigned char {
    Initial,
    Starting,
    Waiting,
    Running,
    Error,
    Finished,
    Cancelled
};

// "INITIAL", "STARTING", "WAITING", "RUNNING", "ERROR", "FINISHED", "CANCELLED".
const char* to_string(ResultState state);

}  // namespace imhooks
