// Must not compile: a job taking an int is none of use_thread's five forms.
#include <imhooks/imhooks.h>

void Panel() {
    imhooks::use_thread([](int x) { return x; });
}
