/* grpc_1353.c: the balancer sends an address update holding its mutex while the watcher, mid-update, wants it. */
/*
 * Port of GoBench GoKer kernel grpc/1353 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/grpc/1353/grpc1353_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: roundRobin's watcher task (G2) calls watchAddrUpdates
 * in a loop; each call takes rr.mu and, holding it, sends on the unbuffered
 * addrCh. lbWatcher (G3) ranges over addrCh and, for each update, tears down
 * every addrConn, whose down() takes rr.mu. After G3 receives the first update
 * G2 re-takes rr.mu and blocks sending the second update, while G3 blocks in
 * down() on rr.mu: G2 waits for G3 to receive, G3 waits for G2's mutex. The
 * helper that would Close the balancer waits for a signal G2 never sends. The
 * test body has already returned: three tasks leak.
 *
 * Porting notes: G2's loop of 100 updates is scaled down to 2 (the bug needs
 * the second update only). In the original, G2 signals a package-level
 * HelpCond that the test shadows with a local one (so it would dereference nil
 * had it ever got there); we model the intent, one condition shared by G2 and
 * the helper, and give its wait the predicate a Cond needs (a `finished` flag
 * under the cond's lock), so that the only blocking left is the kernel's bug.
 */
#include "model.h"

enum { GRPC1353_UPDATES = 2 }; /* 100 in the original */

typedef struct grpc1353_rr {
    weft_mutex *mu;     /* rr.mu */
    weft_chan *addr_ch; /* rr.addrCh: chan bool, unbuffered (capacity 1 in the fix) */
    bool fixed;         /* the upstream fix: buffered channel drained before each send */
} grpc1353_rr;

typedef struct grpc1353_help {
    weft_mutex *l;      /* HelpCond.L */
    weft_cond *cond;    /* HelpCond */
    bool finished;      /* G2 is done (guarded by l) */
} grpc1353_help;

typedef struct grpc1353_ac {
    weft_mutex *mu;     /* addrConn.mu */
    grpc1353_rr *down;  /* the down func: rr.down */
} grpc1353_ac;

typedef struct grpc1353_cc {
    grpc1353_rr *balancer;
    grpc1353_ac *conns[2];
    grpc1353_help *help;
} grpc1353_cc;

static void grpc1353_watch_addr_updates(grpc1353_rr *rr)
{
    bool v = true;
    weft_mutex_lock(rr->mu);
    if (rr->fixed) { /* drain a stale update so the send below never blocks */
        bool old;
        weft_case cs[] = {WEFT_RECV(rr->addr_ch, &old, NULL)};
        weft_select_default(cs, 1);
    }
    weft_chan_send(rr->addr_ch, &v); /* blocks here */
    weft_mutex_unlock(rr->mu);       /* defer */
}

static void grpc1353_down(grpc1353_rr *rr)
{
    weft_mutex_lock(rr->mu); /* blocks here */
    weft_mutex_unlock(rr->mu);
}

/* Start()'s goroutine, G2. */
static void grpc1353_updates(grpc1353_rr *rr, grpc1353_help *h)
{
    for (int i = 0; i < GRPC1353_UPDATES; i++)
        grpc1353_watch_addr_updates(rr);
    weft_mutex_lock(h->l);
    h->finished = true;
    weft_cond_signal(h->cond);
    weft_mutex_unlock(h->l);
}

static void grpc1353_tear_down(grpc1353_ac *ac)
{
    weft_mutex_lock(ac->mu);
    if (ac->down != NULL)
        grpc1353_down(ac->down);
    weft_mutex_unlock(ac->mu);
}

/* lbWatcher, G3. */
static void grpc1353_lb_watcher(grpc1353_cc *cc)
{
    bool addr;
    while (weft_chan_recv(cc->balancer->addr_ch, &addr)) {
        for (int i = 0; i < 2; i++) /* del := every conn */
            grpc1353_tear_down(cc->conns[i]);
    }
}

/* The helper: wait for G2, then Close the balancer. */
static void grpc1353_closer(grpc1353_cc *cc)
{
    grpc1353_help *h = cc->help;
    weft_mutex_lock(h->l);
    while (!h->finished)
        weft_cond_wait(h->cond);
    weft_mutex_unlock(h->l);
    grpc1353_rr *rr = cc->balancer; /* Close() */
    weft_mutex_lock(rr->mu);
    if (rr->addr_ch != NULL)
        weft_chan_close(rr->addr_ch);
    weft_mutex_unlock(rr->mu);
}

static void grpc1353_test(bool fixed)
{
    grpc1353_cc *cc = weft_alloc(sizeof *cc);
    grpc1353_help *h = weft_alloc(sizeof *h);
    h->l = weft_mutex_make();
    h->cond = weft_cond_make(h->l);
    weft_name(h->cond, "HelpCond");
    cc->help = h;
    grpc1353_rr *rr = weft_alloc(sizeof *rr); /* NewClientConn */
    rr->mu = weft_mutex_make();
    rr->fixed = fixed;
    weft_name(rr->mu, "rr.mu");
    cc->balancer = rr;
    for (int i = 0; i < 2; i++) {
        grpc1353_ac *ac = weft_alloc(sizeof *ac);
        ac->mu = weft_mutex_make();
        ac->down = rr; /* balancer.Up() */
        cc->conns[i] = ac;
    }
    rr->addr_ch = weft_chan_make(sizeof(bool), fixed ? 1 : 0); /* Start() */
    weft_name(rr->addr_ch, "addrCh");
    WEFT_GO(grpc1353_updates, rr, h);  /* G2 */
    WEFT_GO(grpc1353_lb_watcher, cc);  /* G3 */
    WEFT_GO(grpc1353_closer, cc);
}

WEFT_MODEL(grpc_1353, .category = "goker", .expect = WEFT_LEAK,
           .summary = "grpc#1353: the balancer sends an update on an unbuffered channel holding rr.mu; the watcher "
                      "handling the previous update needs rr.mu",
           .pattern = "watchAddrUpdates holds rr.mu while it sends on the unbuffered addrCh. lbWatcher, still "
                      "processing the previous update, tears a connection down and down() takes rr.mu. The sender "
                      "waits for the receiver, the receiver waits for the sender's lock: both leak, and so does the "
                      "helper waiting to close the balancer.",
           .fix = "Make addrCh buffered (capacity 1) and have watchAddrUpdates drain a stale update before it "
                  "sends, so the send never blocks while rr.mu is held (the upstream fix).",
           .pair = "grpc_1353_fixed")
{
    grpc1353_test(false);
}

WEFT_MODEL(grpc_1353_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "grpc#1353 fixed: addrCh has capacity 1 and is drained before each send",
           .pattern = "The same balancer, watcher and closer, with the buffered, drained address channel.",
           .fix = "A send that can never block cannot hold rr.mu hostage; the watcher gets its lock, and the "
                  "closer ends the watcher's range.",
           .pair = "grpc_1353")
{
    grpc1353_test(true);
}
