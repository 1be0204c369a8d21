// P14: a clipped list of 10,000 rows, a use_query per row, scrolled end to end (a fast fling, one
// page per frame as fast as frames go) and back (one page per 60 Hz frame, staying on a page until
// its rows' jobs have started): every row's job must start exactly once, and a row returning into
// view with its value cached must show it in its first frame. Beside it: the hand-written
// equivalent (a global cache map and a fixed pool), and rows on use_thread (which forget their
// value when they scroll away).
//
// P15: a job appending 1,000,000 items, published in chunks of 1,000: the cost of a publish per
// item and the UI's work per frame must stay flat as the stream grows, and the memory within
// 1.2x of the items' own size. Beside it: the hand-written equivalents, a vector copied into a
// new snapshot at each publish, and a vector behind a mutex that the UI holds while it reads.
#include "hand_rows.h"
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>
#include <imgui_internal.h>  // ImGui::SetNextWindowScroll (public from ImGui 1.87)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

double ms_of(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}
double us_of(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

//----------------------------------------------------------------------------------------------
// P14: the scrolled list

int list_rows() {
    return size(10'000, 600);
}
constexpr auto kDecode = 100us;  // one row's job: a small thumbnail decode

// What every row kind reports to the scroll driver.
struct ListState {
    explicit ListState(int rows)
        : started(static_cast<std::size_t>(rows)), finished_frame(static_cast<std::size_t>(rows)) {
        for (auto& f : finished_frame) f.store(-1);
    }
    std::vector<std::atomic<int>> started;          // times each row's job started
    std::vector<std::atomic<long>> finished_frame;  // the frame its job finished in, -1: not yet
    std::atomic<long> frame{0};
    // Back pass: rows seen for the first time in it, and how they looked in that frame.
    std::vector<char> seen_back;
    int returning_cached = 0;   // finished more than a frame before its first frame back...
    int returning_shown = 0;    // ...and showing its value in that frame
    int returning_spinner = 0;  // cached, yet no value in that frame
    bool back = false;

    void job(int id) {
        started[static_cast<std::size_t>(id)].fetch_add(1);
        spin_for(kDecode);
    }
    void job_done(int id) { finished_frame[static_cast<std::size_t>(id)].store(frame.load()); }
    // Called by a row as it renders with `has_value`.
    void row_shown(int id, bool has_value) {
        if (!back) return;
        if (seen_back.empty()) seen_back.assign(started.size(), 0);
        char& seen = seen_back[static_cast<std::size_t>(id)];
        if (seen) return;
        seen = 1;
        const long done = finished_frame[static_cast<std::size_t>(id)].load();
        if (done >= 0 && done < frame.load() - 1) {
            ++returning_cached;
            (has_value ? returning_shown : returning_spinner) += 1;
        }
    }
    int jobs_started() const {
        int n = 0;
        for (const auto& s : started) n += s.load();
        return n;
    }
    int rows_never_started() const {
        int n = 0;
        for (const auto& s : started) n += s.load() == 0;
        return n;
    }
    int rows_started_twice() const {
        int n = 0;
        for (const auto& s : started) n += s.load() > 1;
        return n;
    }
};

struct ScrollFigures {
    double worst_frame_ms = 0;
    double ui_cpu_us_per_frame = 0;
    double total_ms = 0;
    int frames = 0;
    int back_frames_waiting = 0;  // back-pass frames that stayed on a page for its jobs to start
};

// Scrolls the list down one page per frame as fast as frames go (a fling), then back up one page
// per 60 Hz frame, staying on a page whose rows' jobs have not all started yet (a user who looks at
// each page on the way back; a page passed in one frame may have its queued jobs taken back out of
// the queue), then renders the top page until every job is done. `rows(first, last)` renders rows
// [first, last) inside the clipper; `idle()` says whether no job is left.
template <class Rows, class Idle>
ScrollFigures scroll_end_to_end_and_back(ListState& list, int total, Rows&& rows, Idle&& idle,
                                         const std::function<void()>& between) {
    ScrollFigures figures;
    float page = 0.0f, max_scroll = 0.0f, shown_scroll = 0.0f;
    float target = 0.0f;
    std::vector<int> shown;  // the rows of the last frame
    std::chrono::nanoseconds ui_cpu{0};
    auto frame_once = [&] {
        list.frame.fetch_add(1);
        const auto start = Clock::now();
        const auto cpu = thread_cpu_time();
        shown.clear();
        frame("list", [&] {
            // Applied in this frame (ImGui::SetScrollY would show it in the next one).
            ImGui::SetNextWindowScroll(ImVec2(0.0f, std::clamp(target, 0.0f, max_scroll)));
            ImGui::BeginChild("rows");
            const float row_height = ImGui::GetTextLineHeightWithSpacing();
            page = ImGui::GetWindowHeight();
            ImGuiListClipper clipper;
            clipper.Begin(total, row_height);
            while (clipper.Step()) {
                rows(clipper.DisplayStart, clipper.DisplayEnd);
                for (int id = clipper.DisplayStart; id < clipper.DisplayEnd; ++id)
                    shown.push_back(id);
            }
            max_scroll = ImGui::GetScrollMaxY();
            shown_scroll = ImGui::GetScrollY();
            ImGui::EndChild();
        });
        ui_cpu += thread_cpu_time() - cpu;
        const auto took = Clock::now() - start;
        figures.worst_frame_ms = std::max(figures.worst_frame_ms, ms_of(took));
        ++figures.frames;
    };
    auto shown_started = [&] {
        return std::all_of(shown.begin(), shown.end(), [&](int id) {
            return list.started[static_cast<std::size_t>(id)].load() > 0;
        });
    };
    const auto start = Clock::now();
    frame_once();
    frame_once();  // the scroll range is known
    for (target = page; shown_scroll < max_scroll; target += page) {
        frame_once();  // the fling: no pause between frames
        between();
    }
    list.back = true;
    Pacer pacer;
    auto page_deadline = Clock::now() + 10s;
    for (;;) {
        if (shown_started() || Clock::now() > page_deadline) {
            if (shown_scroll <= 0.0f) break;
            target = std::max(shown_scroll - page, 0.0f);
            page_deadline = Clock::now() + 10s;
        } else {
            ++figures.back_frames_waiting;
        }
        frame_once();
        between();
        pacer.sleep();
    }
    const auto deadline = Clock::now() + 60s;
    while (!idle() && Clock::now() < deadline) {
        frame_once();
        between();
        std::this_thread::sleep_for(1ms);
    }
    figures.total_ms = ms_of(Clock::now() - start);
    figures.ui_cpu_us_per_frame = us_of(ui_cpu) / std::max(1, figures.frames);
    return figures;
}

void put_list(benchmark::State& state, const ListState& list, const ScrollFigures& figures,
              int rows) {
    state.counters["rows"] = rows;
    state.counters["jobs_started"] = list.jobs_started();
    state.counters["rows_started_twice"] = list.rows_started_twice();
    state.counters["rows_never_started"] = list.rows_never_started();
    state.counters["returning_cached"] = list.returning_cached;
    state.counters["returning_shown_first_frame"] = list.returning_shown;
    state.counters["returning_spinner"] = list.returning_spinner;
    state.counters["worst_frame_ms"] = figures.worst_frame_ms;
    state.counters["ui_cpu_us_per_frame"] = figures.ui_cpu_us_per_frame;
    state.counters["total_ms"] = figures.total_ms;
    state.counters["frames"] = figures.frames;
    state.counters["back_frames_waiting"] = figures.back_frames_waiting;
}

void P14_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        const int rows = list_rows();
        ListState list(rows);
        auto render = [&](int first, int last) {
            for (int id = first; id < last; ++id)
                imhooks::component(id, [&, id] {
                    const imhooks::QueryResult<int> thumb =
                        imhooks::use_query(imhooks::key("thumb", id),
                                           [&list, id] {
                                               list.job(id);
                                               list.job_done(id);
                                               return id;
                                           },
                                           {.stale_time = std::chrono::milliseconds::max()});
                    list.row_shown(id, thumb.value() != nullptr);
                    ImGui::Text("photo %d: %s", id,
                                thumb.value() ? "loaded" : imhooks::to_string(thumb.state()));
                });
        };
        const ScrollFigures figures = scroll_end_to_end_and_back(
            list, rows, render, [&] { return runtime.stats().active_work == 0; }, [] {});
        put_list(state, list, figures, rows);
        const imhooks::QueryCacheStats stats = runtime.queries().stats();
        state.counters["withdrawn"] = static_cast<double>(stats.withdrawn);
        state.counters["cache_entries"] = static_cast<double>(stats.entries);
    }
}

// The hand-written equivalent: rows kept in a global map on the UI thread, jobs on a fixed pool
// (HandPool), state published through atomics. Nothing takes back a queued job whose row scrolled
// away.
void P14_hand_written(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        const int rows = list_rows();
        ListState list(rows);
        struct Row {
            std::atomic<int> state{0};  // 0 queued, 2 loaded
            std::atomic<int> value{0};
        };
        std::unordered_map<int, std::shared_ptr<Row>> cache;
        std::vector<std::atomic<char>> visible(static_cast<std::size_t>(rows));
        std::atomic<int> ran_off_screen{0};
        HandPool pool(cores());
        std::vector<int> shown_now;
        auto render = [&](int first, int last) {
            for (int id = first; id < last; ++id) {
                ImGui::PushID(id);
                std::shared_ptr<Row>& row = cache[id];
                if (!row) {
                    row = std::make_shared<Row>();
                    pool.submit([&list, &visible, &ran_off_screen, row, id] {
                        if (!visible[static_cast<std::size_t>(id)].load()) ++ran_off_screen;
                        list.job(id);
                        row->value.store(id);
                        row->state.store(2);
                        list.job_done(id);
                    });
                }
                visible[static_cast<std::size_t>(id)].store(1);
                shown_now.push_back(id);
                const bool loaded = row->state.load() == 2;
                list.row_shown(id, loaded);
                ImGui::Text("photo %d: %s", id, loaded ? "loaded" : "STARTING");
                ImGui::PopID();
            }
        };
        std::vector<int> shown_before;
        auto between = [&] {  // rows that left the screen
            for (int id : shown_before)
                if (std::find(shown_now.begin(), shown_now.end(), id) == shown_now.end())
                    visible[static_cast<std::size_t>(id)].store(0);
            shown_before.swap(shown_now);
            shown_now.clear();
        };
        const ScrollFigures figures = scroll_end_to_end_and_back(
            list, rows, render, [&] { return pool.idle(); }, between);
        put_list(state, list, figures, rows);
        state.counters["ran_off_screen"] = ran_off_screen.load();
    }
}

// Rows on use_thread: a row that scrolls away is unmounted and its value dropped.
void P14_use_thread_rows(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        const int rows = list_rows();
        ListState list(rows);
        auto render = [&](int first, int last) {
            for (int id = first; id < last; ++id)
                imhooks::component(id, [&, id] {
                    const imhooks::Result<int> thumb = imhooks::use_thread([&list, id] {
                        list.job(id);
                        list.job_done(id);
                        return id;
                    });
                    list.row_shown(id, thumb.value() != nullptr);
                    ImGui::Text("photo %d: %s", id,
                                thumb.value() ? "loaded" : imhooks::to_string(thumb.state()));
                });
        };
        const ScrollFigures figures = scroll_end_to_end_and_back(
            list, rows, render, [&] { return runtime.stats().active_work == 0; }, [] {});
        put_list(state, list, figures, rows);
    }
}

//----------------------------------------------------------------------------------------------
// P15: a stream of 1,000,000 appended items

struct Item {
    std::uint64_t id;
    double score;
};
static_assert(sizeof(Item) == 16);

int stream_items() {
    return size(1'000'000, 20'000);
}
// The copying baseline is quadratic: a fifth of the stream already shows it (the whole stream
// would take about a minute per run).
int copied_stream_items() {
    return size(200'000, 20'000);
}
constexpr int kChunk = 1'000;
constexpr auto kProduce = 40us;  // the work that finds each chunk's items (not timed)

// Publish cost, measured by the job on its own thread, in the first and second halves.
struct PublishCost {
    std::chrono::nanoseconds first{0}, second{0};
    void add(int published_before, int total, std::chrono::nanoseconds cost) {
        (published_before < total / 2 ? first : second) += cost;
    }
};

// UI work per frame, split by how much of the stream the frame showed.
struct UiCost {
    std::vector<double> early, late;  // µs per frame
    void add(std::size_t shown, int total, std::chrono::nanoseconds cost) {
        if (shown == 0) return;
        (shown < static_cast<std::size_t>(total) / 2 ? early : late).push_back(us_of(cost));
    }
    static double median(std::vector<double> v) { return v.empty() ? 0.0 : percentile(v, 50); }
};

// What a UI does with the items in a frame: their count, and the rows a clipped list shows.
template <class Get>
std::uint64_t read_visible(std::size_t size, Get&& get) {
    std::uint64_t sum = 0;
    const std::size_t first = size > 40 ? size - 40 : 0;
    for (std::size_t i = first; i < size; ++i) sum += get(i).id;
    ImGui::Text("%zu items, last %llu", size, static_cast<unsigned long long>(sum));
    return sum;
}

void put_stream(benchmark::State& state, const PublishCost& publish, const UiCost& ui, int total,
                double memory_ratio, int frames) {
    const double half = total / 2.0;
    const double first = static_cast<double>(publish.first.count()) / half;
    const double second = static_cast<double>(publish.second.count()) / half;
    state.counters["items"] = total;
    state.counters["publish_ns_per_item_first_half"] = first;
    state.counters["publish_ns_per_item_second_half"] = second;
    state.counters["publish_late_vs_early"] = first > 0 ? second / first : 0;
    const double early = UiCost::median(ui.early), late = UiCost::median(ui.late);
    state.counters["ui_us_per_frame_early"] = early;
    state.counters["ui_us_per_frame_late"] = late;
    state.counters["ui_late_vs_early"] = early > 0 ? late / early : 0;
    state.counters["memory_vs_items"] = memory_ratio;
    state.counters["frames"] = frames;
}

void P15_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        const int total = stream_items();
        PublishCost publish;
        UiCost ui_cost;
        imhooks::Result<imhooks::Stream<Item>> shown;
        auto ui = [&] {
            imhooks::component("stream", [&] {
                shown = imhooks::use_thread([&](imhooks::Job<imhooks::Stream<Item>>& job) {
                    imhooks::StreamWriter<Item> out;
                    for (int at = 0; at < total; at += kChunk) {
                        spin_for(kProduce);
                        const auto cpu = thread_cpu_time();
                        for (int i = at; i < at + kChunk; ++i)
                            out.push_back({static_cast<std::uint64_t>(i), i * 0.5});
                        job.yield(out.view());
                        publish.add(at, total, thread_cpu_time() - cpu);
                    }
                    return out.view();
                });
                if (const imhooks::Stream<Item>* items = shown.value())
                    read_visible(items->size(),
                                 [&](std::size_t i) -> const Item& { return (*items)[i]; });
            });
        };
        int frames = 0;
        for (;;) {
            const auto cpu = thread_cpu_time();
            frame("stream", ui);
            const auto cost = thread_cpu_time() - cpu;
            ++frames;
            ui_cost.add(shown.value() ? shown.value()->size() : 0, total, cost);
            if (shown.state() == imhooks::ResultState::Finished) break;
            runtime.wait(5ms);
        }
        const double own = static_cast<double>(total) * sizeof(Item);
        put_stream(state, publish, ui_cost, total,
                   static_cast<double>(shown.value()->allocated_bytes()) / own, frames);
    }
}

// Hand-written: a vector copied into a fresh snapshot at every publish (what a replacing yield of
// the whole vector does), over the first 200,000 items.
void P15_copy_per_publish(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        const int total = copied_stream_items();
        PublishCost publish;
        UiCost ui_cost;
        std::mutex mutex;
        std::shared_ptr<const std::vector<Item>> latest;
        std::atomic<bool> done{false};
        std::size_t peak_bytes = 0;
        std::thread producer([&] {
            std::vector<Item> items;
            for (int at = 0; at < total; at += kChunk) {
                spin_for(kProduce);
                const auto cpu = thread_cpu_time();
                for (int i = at; i < at + kChunk; ++i)
                    items.push_back({static_cast<std::uint64_t>(i), i * 0.5});
                auto snapshot = std::make_shared<const std::vector<Item>>(items);
                {
                    std::lock_guard lock(mutex);
                    latest = std::move(snapshot);
                }
                publish.add(at, total, thread_cpu_time() - cpu);
                peak_bytes = std::max(peak_bytes, (items.capacity() + items.size()) * sizeof(Item));
            }
            done = true;
        });
        int frames = 0;
        for (;;) {
            const bool finished = done.load();
            const auto cpu = thread_cpu_time();
            std::shared_ptr<const std::vector<Item>> items;
            frame("stream", [&] {
                {
                    std::lock_guard lock(mutex);
                    items = latest;
                }
                if (items)
                    read_visible(items->size(),
                                 [&](std::size_t i) -> const Item& { return (*items)[i]; });
            });
            ui_cost.add(items ? items->size() : 0, total, thread_cpu_time() - cpu);
            ++frames;
            if (finished) break;
            std::this_thread::sleep_for(5ms);
        }
        producer.join();
        put_stream(state, publish, ui_cost, total,
                   static_cast<double>(peak_bytes) / (static_cast<double>(total) * sizeof(Item)),
                   frames);
    }
}

// Hand-written: one vector behind a mutex; the UI holds the mutex while it reads the items.
void P15_vector_and_mutex(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        const int total = stream_items();
        PublishCost publish;
        UiCost ui_cost;
        std::mutex mutex;
        std::vector<Item> items;
        std::atomic<bool> done{false};
        std::size_t peak_bytes = 0;
        std::thread producer([&] {
            for (int at = 0; at < total; at += kChunk) {
                spin_for(kProduce);
                const auto cpu = thread_cpu_time();
                {
                    std::lock_guard lock(mutex);
                    const std::size_t before = items.capacity();
                    for (int i = at; i < at + kChunk; ++i)
                        items.push_back({static_cast<std::uint64_t>(i), i * 0.5});
                    // A reallocation holds the old and the new buffer at once.
                    if (items.capacity() != before)
                        peak_bytes =
                            std::max(peak_bytes, (before + items.capacity()) * sizeof(Item));
                }
                publish.add(at, total, thread_cpu_time() - cpu);
            }
            done = true;
        });
        int frames = 0;
        for (;;) {
            const bool finished = done.load();
            const auto cpu = thread_cpu_time();
            std::size_t shown = 0;
            frame("stream", [&] {
                std::lock_guard lock(mutex);  // held while the frame reads them
                shown = items.size();
                read_visible(items.size(), [&](std::size_t i) -> const Item& { return items[i]; });
            });
            ui_cost.add(shown, total, thread_cpu_time() - cpu);
            ++frames;
            if (finished) break;
            std::this_thread::sleep_for(5ms);
        }
        producer.join();
        put_stream(state, publish, ui_cost, total,
                   static_cast<double>(peak_bytes) / (static_cast<double>(total) * sizeof(Item)),
                   frames);
    }
}

}  // namespace

void register_query_benchmarks() {
    auto once = [](benchmark::internal::Benchmark* b) {
        b->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
    };
    once(benchmark::RegisterBenchmark("P14_scrolled_list/imhooks", P14_imhooks));
    once(benchmark::RegisterBenchmark("P14_scrolled_list/hand_written", P14_hand_written));
    once(benchmark::RegisterBenchmark("P14_scrolled_list/use_thread_rows", P14_use_thread_rows));
    once(benchmark::RegisterBenchmark("P15_stream/imhooks", P15_imhooks));
    once(benchmark::RegisterBenchmark("P15_stream/copy_per_publish", P15_copy_per_publish));
    once(benchmark::RegisterBenchmark("P15_stream/vector_and_mutex", P15_vector_and_mutex));
}

}  // namespace bench
