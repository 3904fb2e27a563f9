// engine_embed.cpp - avloc inside a game/robotics engine loop (C++17).
//
// The shape most engines have: a capture thread delivers audio in small
// blocks (here: read from WAV files and paced like a sound card), a
// single-producer/single-consumer lock-free ring carries the samples to the
// engine thread, and the engine advances in fixed time steps (60 Hz). Every
// `--every` steps it localises the last `--window` seconds with a GLLiM
// model and prints one JSON line: where the sound is in the camera image.
//
//   make build/engine_embed
//   build/engine_embed --model data/demo/kemar_gllim.safetensors
//       data/demo/wav/0000.wav data/demo/wav/0001.wav [--speed 20]   (one line)
//
// Thread safety of the avloc objects used here (docs/threads.md has the
// whole table): the model is read-only after load, so any number of threads
// may localise with it at once; a posterior and a scratch buffer belong to
// one thread at a time; the library has no global or static mutable state,
// so nothing else needs a lock. The only shared mutable thing in this
// program is the ring, and it is lock-free (acquire/release atomics).
//
// No allocation happens in the engine loop: every buffer is sized once, at
// start-up, from the library's queries.
#define AVLOC_IMPLEMENTATION
#include "../avloc_gllim.h"
#define AVLOC_IO_IMPLEMENTATION
#include "avloc_io.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Frame {
    float l, r;  // one stereo sample
};

// Single producer (capture thread), single consumer (engine thread), of
// whole stereo frames. The capacity is a power of two; head and tail only
// grow (modulo 2^64), so full and empty are told apart without a spare slot.
class SpscRing {
public:
    explicit SpscRing(size_t capacity_pow2) : buf_(capacity_pow2), mask_(capacity_pow2 - 1) {}

    // Producer: copies up to n frames, returns how many fitted.
    size_t push(const Frame *x, size_t n) {
        const uint64_t head = head_.load(std::memory_order_relaxed);
        const uint64_t tail = tail_.load(std::memory_order_acquire);
        const size_t room = buf_.size() - static_cast<size_t>(head - tail);
        const size_t k = n < room ? n : room;
        for (size_t i = 0; i < k; i++) buf_[(head + i) & mask_] = x[i];
        head_.store(head + k, std::memory_order_release);
        return k;
    }

    // Consumer: moves up to n frames out, returns how many there were.
    size_t pop(Frame *out, size_t n) {
        const uint64_t tail = tail_.load(std::memory_order_relaxed);
        const uint64_t head = head_.load(std::memory_order_acquire);
        const size_t have = static_cast<size_t>(head - tail);
        const size_t k = n < have ? n : have;
        for (size_t i = 0; i < k; i++) out[i] = buf_[(tail + i) & mask_];
        tail_.store(tail + k, std::memory_order_release);
        return k;
    }

private:
    std::vector<Frame> buf_;
    size_t mask_;
    alignas(64) std::atomic<uint64_t> head_{0};
    alignas(64) std::atomic<uint64_t> tail_{0};
};

struct Options {
    std::string model;
    std::vector<std::string> wavs;
    double speed = 1.0;       // audio seconds per wall-clock second (0: as fast as possible)
    double window_s = 0.72;   // analysis window
    int every = 6;            // localise every this many 60 Hz steps (100 ms)
    double gap_s = 0.3;       // silence between the files
};

// Interleaved stereo of every file, with silent gaps: the "microphone".
struct Scene {
    std::vector<Frame> lr;
    unsigned rate = 0;
};

bool load_scene(const Options &o, Scene &sc) {
    for (const std::string &path : o.wavs) {
        avloc_io_audio a;
        if (avloc_io_wav_load(path.c_str(), 0, &a) != AVLOC_IO_OK || a.channels < 2) {
            std::fprintf(stderr, "engine_embed: %s: not a readable stereo WAV\n", path.c_str());
            return false;
        }
        if (sc.rate && a.sample_rate != sc.rate) {
            std::fprintf(stderr, "engine_embed: %s: sample rate differs from the first file\n", path.c_str());
            avloc_io_audio_free(&a);
            return false;
        }
        sc.rate = a.sample_rate;
        for (size_t f = 0; f < a.frames; f++)
            sc.lr.push_back(Frame{a.samples[f * a.channels], a.samples[f * a.channels + 1]});
        sc.lr.resize(sc.lr.size() + static_cast<size_t>(o.gap_s * a.sample_rate), Frame{0.0f, 0.0f});
        avloc_io_audio_free(&a);
    }
    return !sc.lr.empty();
}

// The capture thread: 10 ms blocks, paced by the clock like a sound card
// (or as fast as the ring drains with --speed 0). A full ring is an overrun:
// a real driver would drop samples; this one waits, so runs are repeatable.
void capture(const Scene &sc, double speed, SpscRing &ring, std::atomic<bool> &done) {
    const size_t block = sc.rate / 100;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t pos = 0; pos < sc.lr.size();) {
        if (speed > 0) {
            const double due_s = static_cast<double>(pos) / sc.rate / speed;
            std::this_thread::sleep_until(t0 + std::chrono::duration<double>(due_s));
        }
        const size_t n = std::min(block, sc.lr.size() - pos);
        size_t put = 0;
        while (put < n) {
            put += ring.push(sc.lr.data() + pos + put, n - put);
            if (put < n) std::this_thread::yield();
        }
        pos += n;
    }
    done.store(true, std::memory_order_release);
}

bool parse(int argc, char **argv, Options &o) {
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        auto value = [&](double &v) {
            if (i + 1 >= argc) return false;
            char *end = nullptr;
            v = std::strtod(argv[++i], &end);
            return end && *end == '\0';
        };
        double v = 0;
        if (a == "--model" && i + 1 < argc) o.model = argv[++i];
        else if (a == "--speed" && value(v) && v >= 0) o.speed = v;
        else if (a == "--window" && value(v) && v >= 0.1 && v <= 10) o.window_s = v;
        else if (a == "--every" && value(v) && v >= 1 && v <= 600) o.every = static_cast<int>(v);
        else if (!a.empty() && a[0] != '-') o.wavs.push_back(a);
        else return false;
    }
    return !o.model.empty() && !o.wavs.empty();
}

}  // namespace

int main(int argc, char **argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: engine_embed --model M.safetensors A.wav [B.wav ...] [--speed X (1: real time,"
                     " 0: as fast as possible)] [--window S] [--every STEPS]\n");
        return 2;
    }
    Scene scene;
    if (!load_scene(o, scene)) return 1;

    // ---- start-up: every buffer sized from the library's queries ----
    unsigned char *file = nullptr;
    size_t file_size = 0, K = 0, L = 0, D = 0, mb = 0, pb = 0, nf = 0, sb = 0;
    if (avloc_io_read_file(o.model.c_str(), &file, &file_size) != AVLOC_IO_OK ||
        avloc_gllim_load_query(file, file_size, &K, &L, &D, &mb) != AVLOC_OK) {
        std::fprintf(stderr, "engine_embed: %s: not a GLLiM model\n", o.model.c_str());
        return 1;
    }
    std::vector<unsigned char> model_mem(mb);
    avloc_gllim_model model;
    if (avloc_gllim_load(&model, file, file_size, model_mem.data(), mb) != AVLOC_OK) return 1;
    std::free(file);
    if (model.feat.sample_rate != static_cast<float>(scene.rate)) {
        std::fprintf(stderr, "engine_embed: the model wants %g Hz audio, the files are %u Hz\n",
                     model.feat.sample_rate, scene.rate);
        return 1;
    }
    const size_t win = static_cast<size_t>(o.window_s * scene.rate);
    avloc_gllim_posterior_query(&model, &pb, nullptr);
    std::vector<unsigned char> post_mem(pb);
    avloc_gllim_posterior post;
    if (avloc_gllim_posterior_init(&post, &model, post_mem.data(), pb) != AVLOC_OK ||
        avloc_gllim_clip_scratch(&model.feat, win, &nf, &sb) != AVLOC_OK) {
        std::fprintf(stderr, "engine_embed: window too short for the model's frames\n");
        return 1;
    }
    std::vector<unsigned char> scratch(sb);
    std::vector<float> left(win, 0.0f), right(win, 0.0f);  // the last `win` frames heard
    std::vector<Frame> block(scene.rate);                   // one drain of the ring

    SpscRing ring(1u << 15);  // 2 s at 16 kHz
    std::atomic<bool> captured{false};
    std::thread producer(capture, std::cref(scene), o.speed, std::ref(ring), std::ref(captured));

    // ---- the engine: fixed 60 Hz steps; audio time is what has arrived ----
    const double dt = 1.0 / 60.0;
    const auto step = std::chrono::duration<double>(o.speed > 0 ? dt / o.speed : 0.0);
    size_t heard = 0;              // frames received so far
    size_t heard_at_estimate = 0;  // `heard` at the last estimate (no estimate twice on the same audio)
    int estimates = 0;
    auto next = std::chrono::steady_clock::now();
    for (long tick = 0;; tick++) {
        const bool last = captured.load(std::memory_order_acquire);
        size_t got;
        while ((got = ring.pop(block.data(), block.size())) > 0) {  // drain into the history
            const size_t take = got < win ? got : win, first = got - take;  // the newest that fit
            std::memmove(left.data(), left.data() + take, (win - take) * sizeof(float));
            std::memmove(right.data(), right.data() + take, (win - take) * sizeof(float));
            for (size_t f = 0; f < take; f++) {
                left[win - take + f] = block[first + f].l;
                right[win - take + f] = block[first + f].r;
            }
            heard += got;
        }
        const bool end = last && heard >= scene.lr.size();  // everything heard: localise the tail too
        if ((tick % o.every == 0 || end) && heard >= win && heard != heard_at_estimate) {
            heard_at_estimate = heard;
            const avloc_result r = avloc_gllim_localize_clip_f32(&model, left.data(), right.data(), win, &post,
                                                                 scratch.data(), sb);
            const double t = static_cast<double>(heard) / scene.rate;
            if (r == AVLOC_OK)
                std::printf("{\"t\":%.3f,\"u\":%.2f,\"v\":%.2f,\"active\":%zu}\n", t, post.mean[0], post.mean[1],
                            post.n_active);
            else if (r == AVLOC_NO_ACTIVE_POINTS)
                std::printf("{\"t\":%.3f,\"u\":null,\"v\":null,\"active\":0}\n", t);
            else {
                std::fprintf(stderr, "engine_embed: %s\n", avloc_result_str(r));
                producer.join();
                return 1;
            }
            estimates += r == AVLOC_OK;
        }
        if (end) break;
        next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(step);
        std::this_thread::sleep_until(next);
    }
    producer.join();
    std::fprintf(stderr, "engine_embed: %.2f s of audio, %d estimates\n",
                 static_cast<double>(heard) / scene.rate, estimates);
    avloc_gllim_posterior_destroy(&post);
    avloc_gllim_model_destroy(&model);
    return estimates > 0 ? 0 : 1;
}
