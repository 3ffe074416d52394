/* cockroach_584.c: gossip's bootstrap breaks out of its loop still holding the mutex manage then needs. */
/*
 * Port of GoBench GoKer kernel cockroach/584 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/584/cockroach584_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule): the gossip is already closed; the
 * test's goroutine runs bootstrap, which locks g.mu, sees closed and breaks
 * out of its loop without unlocking; then manage locks g.mu again and blocks
 * forever. The test body has returned: the goroutine leaks.
 */
#include "model.h"

typedef struct c584_gossip {
    weft_mutex *mu; /* L1 */
    bool closed;
    bool fixed;     /* unlock before break */
} c584_gossip;

static void c584_bootstrap(c584_gossip *g)
{
    for (;;) {
        weft_mutex_lock(g->mu);
        if (g->closed) {
            if (g->fixed)
                weft_mutex_unlock(g->mu);
            break; /* buggy: missing g.mu.Unlock */
        }
        weft_mutex_unlock(g->mu);
    }
}

static void c584_manage(c584_gossip *g)
{
    for (;;) {
        weft_mutex_lock(g->mu);
        if (g->closed) {
            if (g->fixed)
                weft_mutex_unlock(g->mu);
            break; /* buggy: missing g.mu.Unlock */
        }
        weft_mutex_unlock(g->mu);
    }
}

static void c584_run(c584_gossip *g) /* G1 */
{
    c584_bootstrap(g);
    c584_manage(g);
}

static void c584_test(bool fixed)
{
    c584_gossip *g = weft_alloc(sizeof *g);
    g->mu = weft_mutex_make();
    g->closed = true;
    g->fixed = fixed;
    weft_name(g->mu, "g.mu");
    WEFT_GO(c584_run, g);
}

WEFT_MODEL(cockroach_584, .category = "goker", .expect = WEFT_LEAK,
           .summary = "cockroach#584: bootstrap breaks out of its loop holding g.mu; manage then locks it again",
           .pattern = "A loop takes the mutex each iteration and unlocks it at the end, but the early `break` on "
                      "closed skips the unlock. The next function to take the mutex, in the same goroutine, "
                      "blocks forever.",
           .fix = "Unlock before breaking out (or use defer in a helper per iteration).",
           .pair = "cockroach_584_fixed")
{
    c584_test(false);
}

WEFT_MODEL(cockroach_584_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "cockroach#584 fixed: both loops unlock g.mu before breaking",
           .pattern = "The same gossip loops with the unlock on the break path.",
           .fix = "Every path out of the critical section releases g.mu.",
           .pair = "cockroach_584")
{
    c584_test(true);
}
