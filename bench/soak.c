/* soak.c: 10 million executions of a model that allocates, spawns and leaks on some schedules; RSS, fds, maps. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "weft.h"

/*
 * Usage: soak [EXECUTIONS] (default 10,000,000)
 *
 * weft stops a check at its first bug, so the soak calls weft_check (random strategy) again and again with a
 * new seed each time until EXECUTIONS executions have run in all: a check that finds the leak ends early with
 * a LEAK report (report text and replay token built, then freed), the others run CHECK_ITERS executions.
 * Every CHECKPOINT executions it prints VmRSS, VmHWM, open file descriptors and mappings; the last line
 * compares them with the first checkpoint.
 */

#define CHECK_ITERS 100000LL
#define CHECKPOINT 1000000LL

static void worker(weft_chan *results, int job)
{
    int *scratch = weft_alloc(64 + (size_t)job * 32); /* allocation owned by the execution */
    scratch[0] = job * 2;
    weft_chan_send(results, &scratch[0]);
}

/*
 * Two workers answer on an unbuffered channel. Usually the body receives both answers. One time in 64
 * (weft_choose) it polls instead: it takes the answers that are ready, and when a poll finds none it
 * returns, leaving the workers that had not answered blocked forever: a LEAK on the schedules where the
 * workers are slow.
 */
static void body(void *arg)
{
    (void)arg;
    weft_chan *results = weft_chan_make(sizeof(int), 0);
    int *log = weft_alloc(256);
    WEFT_GO(worker, results, 1);
    WEFT_GO(worker, results, 2);
    bool impatient = weft_choose(64) == 0;
    for (int i = 0; i < 2; i++) {
        if (!impatient) {
            weft_chan_recv(results, &log[i]);
            continue;
        }
        weft_case cs[] = {WEFT_RECV(results, &log[i], NULL)};
        if (weft_select_default(cs, 1) == WEFT_DEFAULT)
            return;
    }
}

static void checkpoint(long long execs, long long checks, long long leaks, double t0)
{
    printf("{\"bench\":\"soak\",\"executions\":%lld,\"checks\":%lld,\"leaks_found\":%lld,\"seconds\":%.2f,"
           "\"vm_rss_kb\":%ld,\"vm_hwm_kb\":%ld,\"fds\":%d,\"maps\":%d}\n",
           execs, checks, leaks, (bench_now_ns() - t0) * 1e-9, bench_status_kb("VmRSS"), bench_status_kb("VmHWM"),
           bench_count_fds(), bench_count_maps());
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long long total = argc > 1 ? atoll(argv[1]) : 10000000LL;
    if (total < CHECKPOINT || argc > 2) {
        fprintf(stderr, "usage: soak [EXECUTIONS >= %lld]\n", CHECKPOINT);
        return 2;
    }
    int fds0 = bench_count_fds(), maps0 = bench_count_maps();
    long rss0 = bench_status_kb("VmRSS");
    long long execs = 0, checks = 0, leaks = 0, next = CHECKPOINT, other = 0;
    long rss1 = 0, hwm1 = 0;
    int fds1 = 0, maps1 = 0;
    double t0 = bench_now_ns();
    while (execs < total) {
        weft_options o;
        weft_options_init(&o);
        o.strategy = WEFT_STRATEGY_RANDOM;
        o.seed = (unsigned long long)checks + 1;
        o.iterations = total - execs < CHECK_ITERS ? total - execs : CHECK_ITERS;
        o.quiet = true;
        weft_result r = weft_check("soak", body, NULL, &o);
        if (r.error) {
            fprintf(stderr, "soak: %s\n", r.error);
            return 1;
        }
        if (r.verdict == WEFT_LEAK)
            leaks++;
        else if (r.verdict != WEFT_OK)
            other++;
        if (r.verdict == WEFT_LEAK && (!r.report || !r.replay)) {
            fprintf(stderr, "soak: a LEAK without report or replay token\n");
            return 1;
        }
        execs += r.executions;
        checks++;
        weft_result_free(&r);
        if (execs >= next) {
            checkpoint(execs, checks, leaks, t0);
            if (next == CHECKPOINT) {
                rss1 = bench_status_kb("VmRSS");
                hwm1 = bench_status_kb("VmHWM");
                fds1 = bench_count_fds();
                maps1 = bench_count_maps();
            }
            while (next <= execs)
                next += CHECKPOINT;
        }
    }
    double sec = (bench_now_ns() - t0) * 1e-9;
    long rss = bench_status_kb("VmRSS"), hwm = bench_status_kb("VmHWM");
    int fds = bench_count_fds(), maps = bench_count_maps();
    printf("{\"bench\":\"soak_summary\",\"executions\":%lld,\"checks\":%lld,\"leaks_found\":%lld,\"other_bugs\":%lld,"
           "\"seconds\":%.2f,\"executions_per_sec\":%.0f,\"vm_rss_start_kb\":%ld,\"vm_rss_first_checkpoint_kb\":%ld,"
           "\"vm_rss_end_kb\":%ld,\"vm_hwm_first_checkpoint_kb\":%ld,\"vm_hwm_end_kb\":%ld,"
           "\"rss_growth_after_first_checkpoint_kb\":%ld,\"fds_start\":%d,\"fds_first_checkpoint\":%d,\"fds_end\":%d,"
           "\"maps_start\":%d,\"maps_first_checkpoint\":%d,\"maps_end\":%d}\n",
           execs, checks, leaks, other, sec, (double)execs / sec, rss0, rss1, rss, hwm1, hwm, rss - rss1, fds0, fds1,
           fds, maps0, maps1, maps);
    return other ? 1 : 0;
}
