/* etcd_7492.c: a token holder's send to the TTL keeper and the keeper's ticker callback wait on each other. */
/*
 * Port of GoBench GoKer kernel etcd/7492 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/etcd/7492/etcd7492_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: three Authenticate calls each take simpleTokensMu
 * and, holding it, send on the keeper's addSimpleTokenCh (capacity 1). The
 * keeper task (run) loops over a select on that channel, a 1 ns ticker and a
 * stop channel. Once the keeper has recorded a token, a tick makes it call
 * deleteTokenFunc, which takes simpleTokensMu. If a caller holds the mutex and
 * the channel's one slot is already full, the caller waits for the keeper to
 * receive while the keeper waits for the caller's mutex. The remaining callers
 * queue on the mutex and the test body waits on the WaitGroup forever.
 */
#include "model.h"

/* The keeper of token lifetimes (simpleTokenTTLKeeper). */
typedef struct etcd7492_keeper {
    bool has_token;              /* tokens is non-empty ("make tm.tokens not empty is enough"); run's own state */
    weft_chan *add_token;        /* addSimpleTokenCh: chan struct{}, capacity 1 */
    weft_chan *stop;             /* stopCh: chan chan struct{}, unbuffered */
    struct etcd7492_tokens *del; /* the receiver of deleteTokenFunc */
} etcd7492_keeper;

/* The simple token provider (tokenSimple). */
typedef struct etcd7492_tokens {
    etcd7492_keeper *keeper; /* simpleTokenKeeper */
    weft_rwmutex *mu;        /* simpleTokensMu (only its write side is used) */
} etcd7492_tokens;

/* newDeleterFunc's closure: deleteTokenFunc(tk). */
static void etcd7492_delete_token(etcd7492_tokens *t)
{
    weft_rwmutex_lock(t->mu);
    weft_rwmutex_unlock(t->mu); /* defer */
}

/* (*simpleTokenTTLKeeper).run: G1. */
static void etcd7492_run(etcd7492_keeper *tm)
{
    weft_ticker *tick = weft_ticker_make(1 * WEFT_NS);
    weft_name(tick, "tokenTicker");
    for (;;) {
        weft_chan *wait_ch = NULL;
        int64_t when;
        weft_case cs[] = {
            WEFT_RECV(tm->add_token, NULL, NULL),
            WEFT_RECV(weft_ticker_chan(tick), &when, NULL),
            WEFT_RECV(tm->stop, &wait_ch, NULL),
        };
        switch (weft_select(cs, 3)) {
        case 0:
            tm->has_token = true;
            break;
        case 1:
            if (tm->has_token) { /* for t := range tm.tokens */
                etcd7492_delete_token(tm->del);
                tm->has_token = false;
            }
            break;
        default:
            weft_chan_send(wait_ch, NULL);
            weft_ticker_stop(tick); /* defer */
            return;
        }
    }
}

static void etcd7492_stop_keeper(etcd7492_keeper *tm)
{
    weft_chan *wait_ch = weft_chan_make(0, 0);
    weft_name(wait_ch, "waitCh");
    weft_chan_send(tm->stop, &wait_ch);
    weft_chan_recv(wait_ch, NULL);
    weft_chan_close(tm->stop);
}

/* enable(): NewSimpleTokenTTLKeeper(newDeleterFunc(t)). */
static void etcd7492_enable(etcd7492_tokens *t)
{
    etcd7492_keeper *k = weft_alloc(sizeof *k);
    k->add_token = weft_chan_make(0, 1);
    k->stop = weft_chan_make(sizeof(weft_chan *), 0);
    k->del = t;
    weft_name(k->add_token, "addSimpleTokenCh");
    weft_name(k->stop, "stopCh");
    t->keeper = k;
    WEFT_GO(etcd7492_run, k);
}

static void etcd7492_disable(etcd7492_tokens *t)
{
    if (t->keeper != NULL) {
        etcd7492_stop_keeper(t->keeper);
        t->keeper = NULL;
    }
    weft_rwmutex_lock(t->mu);
    weft_rwmutex_unlock(t->mu);
}

/* Authenticate -> assign -> assignSimpleTokenToUser. */
static void etcd7492_assign(etcd7492_tokens *t)
{
    weft_rwmutex_lock(t->mu);
    weft_chan_send(t->keeper->add_token, NULL); /* addSimpleToken, holding simpleTokensMu */
    weft_rwmutex_unlock(t->mu);
}

/* The test's G2 closure: defer wg.Done(); as.Authenticate(). */
static void etcd7492_authenticate(etcd7492_tokens *t, weft_wg *wg)
{
    etcd7492_assign(t);
    weft_wg_done(wg);
}

static etcd7492_tokens *etcd7492_setup(void)
{
    etcd7492_tokens *t = weft_alloc(sizeof *t);
    t->mu = weft_rwmutex_make();
    weft_name(t->mu, "simpleTokensMu");
    return t;
}

WEFT_MODEL(etcd_7492, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "etcd#7492: a token sender holds simpleTokensMu on a full channel while the keeper's tick "
                      "waits for simpleTokensMu",
           .pattern = "Callers send on the keeper's one-slot channel while holding simpleTokensMu; the keeper, on a "
                      "ticker tick, calls a delete callback that takes simpleTokensMu. With a token recorded and the "
                      "slot full, a caller holding the mutex waits for the keeper to receive and the keeper waits "
                      "for the mutex; the other callers and the test's WaitGroup wait forever.",
           .fix = "Never block on the keeper while holding the token mutex: upstream the keeper's channel was "
                  "removed; callers record the token directly under the mutex, and the keeper takes the same "
                  "mutex itself on a tick and calls a delete function that does not lock.",
           .pair = "etcd_7492_fixed")
{
    etcd7492_tokens *t = etcd7492_setup();
    etcd7492_enable(t);
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 3);
    for (int i = 0; i < 3; i++)
        WEFT_GO(etcd7492_authenticate, t, wg);
    weft_wg_wait(wg);
    etcd7492_disable(t); /* defer tearDown() */
}

/* ---- fixed: the upstream design without the channel ---- */

typedef struct etcd7492f_keeper {
    bool has_token;      /* tokens, guarded by the tokens' mutex */
    weft_chan *stop;     /* stopc: closed to stop run */
    weft_chan *done;     /* donec: closed when run returns */
    weft_rwmutex *mu;    /* the shared simpleTokensMu */
} etcd7492f_keeper;

static void etcd7492f_run(etcd7492f_keeper *tm)
{
    weft_ticker *tick = weft_ticker_make(1 * WEFT_NS);
    weft_name(tick, "tokenTicker");
    for (;;) {
        int64_t when;
        weft_case cs[] = {
            WEFT_RECV(weft_ticker_chan(tick), &when, NULL),
            WEFT_RECV(tm->stop, NULL, NULL),
        };
        if (weft_select(cs, 2) == 0) {
            weft_rwmutex_lock(tm->mu);
            if (tm->has_token)
                tm->has_token = false; /* deleteTokenFunc no longer locks: the keeper holds the mutex */
            weft_rwmutex_unlock(tm->mu);
        } else {
            weft_ticker_stop(tick);
            weft_chan_close(tm->done);
            return;
        }
    }
}

static void etcd7492f_authenticate(etcd7492f_keeper *k, weft_wg *wg)
{
    weft_rwmutex_lock(k->mu);
    k->has_token = true; /* addSimpleToken writes the map under the caller's mutex */
    weft_rwmutex_unlock(k->mu);
    weft_wg_done(wg);
}

/* Complete: a keeper that could take stopc's close keeps taking ticks at most WEFT__PASS_MAX times in a row (select
 * fairness, docs/exploration.md); without that bound each extra tick is one more behaviour, without end. */
WEFT_MODEL(etcd_7492_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "etcd#7492 fixed: tokens are recorded under the mutex, the keeper locks it itself on a tick",
           .pattern = "The same three Authenticate calls, keeper task and 1 ns ticker, but no caller ever blocks "
                      "on the keeper while holding simpleTokensMu.",
           .fix = "Every wait on simpleTokensMu is a plain critical section, so no cycle of waits can form.",
           .pair = "etcd_7492")
{
    etcd7492f_keeper *k = weft_alloc(sizeof *k);
    k->mu = weft_rwmutex_make();
    k->stop = weft_chan_make(0, 0);
    k->done = weft_chan_make(0, 0);
    weft_name(k->mu, "simpleTokensMu");
    weft_name(k->stop, "stopc");
    weft_name(k->done, "donec");
    WEFT_GO(etcd7492f_run, k);
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 3);
    for (int i = 0; i < 3; i++)
        WEFT_GO(etcd7492f_authenticate, k, wg);
    weft_wg_wait(wg);
    weft_chan_close(k->stop); /* tearDown */
    weft_chan_recv(k->done, NULL);
    weft_rwmutex_lock(k->mu);
    weft_rwmutex_unlock(k->mu);
}
