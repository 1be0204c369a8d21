// Must not compile: a job's result is moved into the Result once, so its type must be movable.
#include <imhooks/imhooks.h>

#include <mutex>

struct Pinned {
    std::mutex mutex;  // neither copyable nor movable
    int value = 0;
};

void Panel() {
    imhooks::use_thread([] { return Pinned{}; });
}
