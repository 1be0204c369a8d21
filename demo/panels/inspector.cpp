// Panel 6: the inspector. imhooks::ShowInspectorWindow shows what the runtime knows: the
// components and their hooks, the jobs and the timeline of their states, the executor, frames and
// wakes. At rest, every number in it stands still.
#include "panels.h"

namespace demo {

void InspectorPanel() {
    // Not a component: it would show itself. main.cpp places its window like the others.
    imhooks::ShowInspectorWindow();
}

}  // namespace demo
