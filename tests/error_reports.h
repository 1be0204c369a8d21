// Test support: the errors a headless runtime's error handler received, for the frames of one
// test.
#pragma once

#include <imhooks/headless.h>
#include <imhooks/runtime.h>

#include <vector>

namespace imhooks::test {

struct ErrorReports {
    explicit ErrorReports(Headless& ui) {
        ui.runtime().set_error_handler(
            [this](const ComponentError& error) { errors.push_back(error); });
    }
    std::vector<ComponentError> errors;
};

}  // namespace imhooks::test
