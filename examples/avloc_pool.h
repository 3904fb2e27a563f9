/* avloc_pool.h - a small thread pool behind the library's avloc_threads hook
   (avloc.h: the library starts no thread; its callers bring their own).

   USAGE
       #include "avloc_pool.h"     (after avloc.h; static functions, no
                                     IMPLEMENTATION switch)
       avloc_pool pool;
       size_t used = avloc_pool_init(&pool, 4);  // 4 workers: 3 threads + the caller
       cfg.threads = pool.th;                     // any avloc config with a threads field
       ...
       avloc_pool_uninit(&pool);
   (avloc_pool_cpus(): the CPUs online, for a pool the machine's size;
   avloc_pool_init_auto(&pool, n): n workers, 0 meaning that many.)

   POSIX threads (link with -pthread). Elsewhere, or if a thread cannot be
   started, the pool has fewer workers (down to 1: the library then runs
   its tasks serially); avloc_pool_init returns the count in use. One
   thread at a time may call pool.th.run (the library's calls come from the
   thread that called it). The caller's thread runs tasks too (worker 0),
   so `workers` threads share the work and none waits idle while it runs.
   Between runs a worker first polls the run counter (AVLOC_POOL_SPIN
   times, ~0.1-1 ms, gcc and clang) and then sleeps on a condition
   variable: a wake-up from sleep took 20-40 us on a virtual machine, as
   long as a small task (the MP coder hands out one 2-task run per atom);
   the polling burns that core meanwhile, as OpenMP runtimes do. The caller,
   its own tasks done, polls for the others' last ones the same way before
   it sleeps (the AV-MP coder on two workers: ~5 700 -> ~6 900 atoms/s; with
   4 workers on 2 cores it was still faster, and the plain RPCA the same). */
#ifndef AVLOC_POOL_H
#define AVLOC_POOL_H

#include "../avloc.h"
#include <string.h>

#ifndef AVLOC_POOL_MAX
#define AVLOC_POOL_MAX 64
#endif
#ifndef AVLOC_POOL_SPIN
#define AVLOC_POOL_SPIN 200000 /* polls of the run counter before a worker sleeps (~0.1-1 ms) */
#endif
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC_POOL_FN static __attribute__((unused))
#else
#define AVLOC_POOL_FN static
#endif

#if (defined(__unix__) || defined(__APPLE__)) && !defined(AVLOC_POOL_NO_THREADS)
#define AVLOC_POOL_PTHREADS 1
#include <pthread.h>
#include <unistd.h> /* sysconf (avloc_pool_cpus) */
#endif

typedef struct avloc_pool avloc_pool;

typedef struct avloc_pool_worker {
    avloc_pool *pool;
    size_t index; /* 1.. (0 is the caller) */
} avloc_pool_worker;

struct avloc_pool {
    avloc_threads th; /* hand this to a config: run, pool (= this), workers */
#ifdef AVLOC_POOL_PTHREADS
    pthread_t tid[AVLOC_POOL_MAX];
    avloc_pool_worker arg[AVLOC_POOL_MAX];
    size_t started;           /* threads running (workers - 1) */
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    avloc_task_fn fn;         /* the run in progress */
    void *ctx;
    size_t ntasks, next, finished;
    unsigned long gen;        /* bumped by every run: wakes the workers */
    int quit;
#endif
};

#ifdef AVLOC_POOL_PTHREADS
/* Takes tasks of the current run until none is left (mutex held on entry
   and exit). */
static void avloc__pool_drain(avloc_pool *p, size_t worker)
{
    while (p->next < p->ntasks) {
        size_t t = p->next++;
        avloc_task_fn fn = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->mu);
        fn(ctx, t, worker);
        pthread_mutex_lock(&p->mu);
#if defined(__GNUC__) || defined(__clang__)
        if (__atomic_add_fetch(&p->finished, 1, __ATOMIC_RELEASE) == p->ntasks) pthread_cond_signal(&p->done);
#else
        if (++p->finished == p->ntasks) pthread_cond_signal(&p->done);
#endif
    }
}

static void *avloc__pool_main(void *arg)
{
    avloc_pool_worker *w = (avloc_pool_worker *)arg;
    avloc_pool *p = w->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
#if defined(__GNUC__) || defined(__clang__)
        { /* spin a while before sleeping: a condition-variable wake-up costs
             tens of microseconds, as much as a small task */
            unsigned long spins = 0;
            pthread_mutex_unlock(&p->mu);
            while (__atomic_load_n(&p->gen, __ATOMIC_ACQUIRE) == seen && !__atomic_load_n(&p->quit, __ATOMIC_ACQUIRE) &&
                   spins++ < AVLOC_POOL_SPIN) {
            }
            pthread_mutex_lock(&p->mu);
        }
#endif
        while (p->gen == seen && !p->quit) pthread_cond_wait(&p->wake, &p->mu);
        if (p->quit) break;
        seen = p->gen;
        avloc__pool_drain(p, w->index);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void avloc__pool_run(void *pool, avloc_task_fn fn, void *ctx, size_t ntasks)
{
    avloc_pool *p = (avloc_pool *)pool;
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->ntasks = ntasks;
    p->next = p->finished = 0;
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELEASE);
#else
    p->gen++;
#endif
    pthread_cond_broadcast(&p->wake);
    avloc__pool_drain(p, 0);
#if defined(__GNUC__) || defined(__clang__)
    if (p->finished < p->ntasks) { /* the others' last tasks: poll a while before sleeping (see the worker) */
        unsigned long spins = 0;
        pthread_mutex_unlock(&p->mu);
        while (__atomic_load_n(&p->finished, __ATOMIC_ACQUIRE) < ntasks && spins++ < AVLOC_POOL_SPIN) {
        }
        pthread_mutex_lock(&p->mu);
    }
#endif
    while (p->finished < p->ntasks) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
#endif

/* The CPUs online (sysconf where it says, else 1), at most AVLOC_POOL_MAX:
   a pool size for callers that want the whole machine. The library's
   results do not depend on the worker count (avloc.h, "threads"), so this
   choice changes the time, not the bits. */
AVLOC_POOL_FN size_t avloc_pool_cpus(void)
{
#if defined(AVLOC_POOL_PTHREADS) && defined(_SC_NPROCESSORS_ONLN)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n > 1) return (size_t)n < AVLOC_POOL_MAX ? (size_t)n : AVLOC_POOL_MAX;
#endif
    return 1;
}

/* Starts workers - 1 threads (workers capped at AVLOC_POOL_MAX); returns
   the workers in use (1 without threads). */
AVLOC_POOL_FN size_t avloc_pool_init(avloc_pool *p, size_t workers)
{
    memset(p, 0, sizeof *p);
    p->th.workers = 1;
#ifdef AVLOC_POOL_PTHREADS
    if (workers > AVLOC_POOL_MAX) workers = AVLOC_POOL_MAX;
    if (workers > 1 && pthread_mutex_init(&p->mu, NULL) == 0) {
        if (pthread_cond_init(&p->wake, NULL) == 0) {
            if (pthread_cond_init(&p->done, NULL) == 0) {
                while (p->started + 1 < workers) {
                    avloc_pool_worker *w = &p->arg[p->started];
                    w->pool = p;
                    w->index = p->started + 1;
                    if (pthread_create(&p->tid[p->started], NULL, avloc__pool_main, w) != 0) break;
                    p->started++;
                }
                if (p->started > 0) {
                    p->th.run = avloc__pool_run;
                    p->th.pool = p;
                    p->th.workers = p->started + 1;
                    return p->th.workers;
                }
                pthread_cond_destroy(&p->done);
            }
            pthread_cond_destroy(&p->wake);
        }
        pthread_mutex_destroy(&p->mu);
    }
#else
    (void)workers;
#endif
    return 1;
}

/* avloc_pool_init with 0 meaning one worker per online CPU: the default of
   the CLI's --threads. */
AVLOC_POOL_FN size_t avloc_pool_init_auto(avloc_pool *p, size_t workers)
{
    return avloc_pool_init(p, workers ? workers : avloc_pool_cpus());
}

AVLOC_POOL_FN void avloc_pool_uninit(avloc_pool *p)
{
#ifdef AVLOC_POOL_PTHREADS
    size_t i;
    if (p->started > 0) {
        pthread_mutex_lock(&p->mu);
#if defined(__GNUC__) || defined(__clang__)
        __atomic_store_n(&p->quit, 1, __ATOMIC_RELEASE); /* read by spinning workers */
#else
        p->quit = 1;
#endif
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
        for (i = 0; i < p->started; i++) pthread_join(p->tid[i], NULL);
        pthread_cond_destroy(&p->done);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->mu);
    }
#endif
    memset(p, 0, sizeof *p);
}

#endif /* AVLOC_POOL_H */
