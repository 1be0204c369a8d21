// The shared pieces of the benchmarks (see support.h) and their main(): it takes --smoke out of
// the command line, registers every benchmark and hands the rest to Google Benchmark.
#include "support.h"

#include <benchmark/benchmark.h>

#include <dirent.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <thread>

namespace bench {

namespace {
bool g_smoke = false;
}  // namespace

bool smoke() {
    return g_smoke;
}
void set_smoke(bool on) {
    g_smoke = on;
}

Context::Context() : context_(ImGui::CreateContext()) {
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
}

Context::~Context() {
    ImGui::DestroyContext(context_);
}

void Pacer::sleep() {
    const Clock::time_point now = Clock::now();
    // A frame that overran its tick waits for the next one, as a missed vblank does.
    while (next_ <= now) next_ += kPeriod;
    std::this_thread::sleep_until(next_);
    next_ += kPeriod;
}

std::chrono::nanoseconds thread_cpu_time() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::chrono::nanoseconds process_cpu_time() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

long resident_kib() {
    long pages = 0, resident = 0;
    if (FILE* file = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(file, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(file);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int thread_count() {
    // opendir/readdir rather than std::filesystem: this runs in a sampling loop.
    int count = 0;
    if (DIR* dir = opendir("/proc/self/task")) {
        while (const dirent* entry = readdir(dir))
            if (entry->d_name[0] != '.') ++count;
        closedir(dir);
    }
    return count;
}

int settled_thread_count() {
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
    int count = thread_count();
    Clock::time_point since = Clock::now();
    while (Clock::now() - since < std::chrono::milliseconds(100) && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const int now = thread_count();
        if (now != count) {
            count = now;
            since = Clock::now();
        }
    }
    return count;
}

void spin_for(std::chrono::nanoseconds duration) {
    const Clock::time_point end = Clock::now() + duration;
    while (Clock::now() < end) {
    }
}

double percentile(std::vector<double>& samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
    const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
    return samples[std::min(index, samples.size() - 1)];
}

double micros(Clock::duration duration) {
    return std::chrono::duration<double, std::micro>(duration).count();
}

}  // namespace bench

int main(int argc, char** argv) {
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--smoke")
            bench::set_smoke(true);
        else
            args.push_back(argv[i]);
    }
    int count = static_cast<int>(args.size());
    args.push_back(nullptr);
    bench::register_frame_benchmarks();
    bench::register_job_benchmarks();
    bench::register_latency_benchmarks();
    bench::register_retry_benchmarks();
    bench::register_scale_benchmarks();
    bench::register_run_cost_benchmarks();
    bench::register_query_benchmarks();
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
