/* tests/task_runner.h - a serial stand-in for a caller's thread pool
   (avloc_threads, avloc.h) that still exercises what a real pool may do:
   each run takes its tasks in a different order (reversed on odd runs,
   rotated by the run number on even ones) and gives task t the worker
   (t + run) mod workers, so a result that depends on the order of tasks,
   or on which worker ran which task, shows up as a difference between
   runs. Tasks of one run never overlap here, so any worker pairing is
   legal. Include after avloc.h. */
#ifndef AVLOC_TEST_TASK_RUNNER_H
#define AVLOC_TEST_TASK_RUNNER_H

typedef struct tr_runner {
    avloc_threads th;
    size_t runs, tasks;      /* runs and tasks seen (tests check the split happened) */
} tr_runner;

static void tr_run(void *pool, avloc_task_fn fn, void *ctx, size_t ntasks)
{
    tr_runner *r = (tr_runner *)pool;
    size_t i, k = r->runs++;
    r->tasks += ntasks;
    for (i = 0; i < ntasks; i++) {
        size_t t = (k & 1) ? ntasks - 1 - i : (i + k) % ntasks;
        fn(ctx, t, (t + k) % r->th.workers);
    }
}

/* workers >= 1; returns the avloc_threads to hand to a config or a call */
static avloc_threads tr_init(tr_runner *r, size_t workers)
{
    memset(r, 0, sizeof *r);
    r->th.run = tr_run;
    r->th.pool = r;
    r->th.workers = workers;
    return r->th;
}

#endif
