/* etcd_10492.c: the lessor's Renew calls the checkpointer while holding le.mu; the checkpointer locks le.mu. */
/*
 * Port of GoBench GoKer kernel etcd/10492 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/etcd/10492/etcd10492_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule, one goroutine): the test installs a
 * checkpointer that calls le.Checkpoint(), which takes le.mu. Renew takes
 * le.mu (write side of an RWMutex) and, holding it, calls the checkpointer:
 * the test body blocks on its own lock forever.
 */
#include "model.h"

typedef struct e10492_lessor {
    weft_rwmutex *mu;
    void (*cp)(struct e10492_lessor *, weft_ctx *); /* Checkpointer; the closure's le is the argument */
    int64_t checkpoint_interval;
    bool fixed; /* Renew releases le.mu before calling the checkpointer */
} e10492_lessor;

static void e10492_checkpoint(e10492_lessor *le)
{
    weft_rwmutex_lock(le->mu); /* lock acquired twice here */
    weft_rwmutex_unlock(le->mu);
}

static void e10492_set_checkpointer(e10492_lessor *le, void (*cp)(e10492_lessor *, weft_ctx *))
{
    weft_rwmutex_lock(le->mu);
    le->cp = cp;
    weft_rwmutex_unlock(le->mu);
}

static void e10492_renew(e10492_lessor *le)
{
    weft_rwmutex_lock(le->mu);
    bool locked = true; /* unlock := func() { le.mu.Unlock() }; defer func() { unlock() }() */
    if (le->cp != NULL) {
        if (le->fixed) {
            weft_rwmutex_unlock(le->mu); /* unlock(); unlock = func() {} */
            locked = false;
        }
        le->cp(le, weft_ctx_background());
    }
    if (locked)
        weft_rwmutex_unlock(le->mu);
}

/* fakerCheckerpointer */
static void e10492_faker(e10492_lessor *le, weft_ctx *ctx)
{
    (void)ctx;
    e10492_checkpoint(le);
}

static void e10492_test(bool fixed)
{
    e10492_lessor *le = weft_alloc(sizeof *le);
    le->mu = weft_rwmutex_make();
    le->checkpoint_interval = 0;
    le->fixed = fixed;
    weft_name(le->mu, "le.mu");
    e10492_set_checkpointer(le, e10492_faker);
    weft_rwmutex_lock(le->mu);
    weft_rwmutex_unlock(le->mu);
    e10492_renew(le);
}

WEFT_MODEL(etcd_10492, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "etcd#10492: Renew holds le.mu while calling a checkpointer that takes le.mu",
           .pattern = "A callback is invoked with a lock held, and the callback calls back into the object, which "
                      "takes the same (non-reentrant) lock: the goroutine waits for itself.",
           .fix = "Release le.mu before invoking the checkpointer (upstream: call unlock() and replace it with a "
                  "no-op so the deferred unlock does nothing).",
           .pair = "etcd_10492_fixed")
{
    e10492_test(false);
}

WEFT_MODEL(etcd_10492_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "etcd#10492 fixed: Renew unlocks le.mu before calling the checkpointer",
           .pattern = "The same lessor and checkpointer; the callback runs without the lock.",
           .fix = "No lock is held across the callback, so the callback may take it.",
           .pair = "etcd_10492")
{
    e10492_test(true);
}
