/* moby_29733.c: a plugin's activation waiter waits on a condition variable that is never signalled. */
/*
 * Port of GoBench GoKer kernel moby/29733 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/moby/29733/moby29733_test.go
 * GoBench class: Communication Deadlock / Condition Variable.
 *
 * The buggy interleaving: testActive starts a goroutine that waits, on the
 * plugin's activateWait condition, for `activated` to become true, and then
 * waits for that goroutine on `done`. Nothing ever sets `activated` or
 * signals the condition (Handle only resets the flag to false under an
 * unrelated RWMutex), so the waiter sleeps forever and the test body blocks
 * on <-done in the first testActive already; with any schedule, the second
 * testActive is never reached.
 *
 * Porting note: storage and handlers are package-level variables in the
 * original; here they are allocated per execution. The plugins map holds the
 * one plugin.
 */
#include "model.h"

typedef struct m29733_plugin {
    bool activated;          /* guarded by activateWait.L (and written by Handle under handlers) */
    weft_mutex *l;           /* activateWait.L */
    weft_cond *activate_wait;
} m29733_plugin;

typedef struct m29733_handlers {
    weft_rwmutex *mu;        /* extpointHandlers' embedded RWMutex */
} m29733_handlers;

static void m29733_wait_active(m29733_plugin *p)
{
    weft_mutex_lock(p->l);
    while (!p->activated)
        weft_cond_wait(p->activate_wait);
    weft_mutex_unlock(p->l);
}

static void m29733_waiter(m29733_plugin *p, weft_chan *done)
{
    m29733_wait_active(p);
    weft_chan_close(done);
}

static void m29733_test_active(m29733_plugin *p)
{
    weft_chan *done = weft_chan_make(0, 0);
    weft_name(done, "done");
    WEFT_GO(m29733_waiter, p, done);
    weft_chan_recv(done, NULL);
}

static void m29733_handle(m29733_plugin **plugins, int n, m29733_handlers *h)
{
    weft_rwmutex_lock(h->mu);
    for (int i = 0; i < n; i++)
        plugins[i]->activated = false;
    weft_rwmutex_unlock(h->mu);
}

WEFT_MODEL(moby_29733, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "moby#29733: waitActive waits on a condition variable nobody ever signals",
           .pattern = "The test waits for a goroutine that waits, on a sync.Cond, for the plugin to become "
                      "active. No code path activates the plugin or signals the condition; Handle even resets "
                      "the flag under an unrelated lock. The waiter sleeps forever and so does the test.",
           .fix = "Whoever changes `activated` must do it under the condition's lock and Broadcast; a waiter "
                  "that can be abandoned needs a way out (a timeout or a closed channel in a select).",
           .pair = NULL)
{
    m29733_handlers *h = weft_alloc(sizeof *h);
    h->mu = weft_rwmutex_make();
    weft_name(h->mu, "handlers");
    m29733_plugin *p = weft_alloc(sizeof *p);
    p->l = weft_mutex_make();
    p->activate_wait = weft_cond_make(p->l);
    weft_name(p->activate_wait, "activateWait");
    m29733_plugin **plugins = weft_alloc(sizeof *plugins); /* storage.plugins[0] = p */
    plugins[0] = p;
    m29733_test_active(p);
    m29733_handle(plugins, 1, h);
    m29733_test_active(p);
}
