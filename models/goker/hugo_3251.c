/* hugo_3251.c: a URL lock map whose write lock is held while waiting for a per-URL mutex. */
/*
 * Port of GoBench GoKer kernel hugo/3251 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/hugo/3251/hugo3251_test.go
 * Bug class (goker_public.tsv): Resource Deadlock / AB-BA deadlock.
 *
 * remoteLock is an RWMutex (L1) guarding a map from URL to a mutex (L2).
 * URLLock takes L1 for writing, locks the URL's L2 and only then releases L1;
 * URLUnlock takes L1 for reading and unlocks L2. Goroutine A holds L2 (its
 * URLLock returned) and goroutine B enters URLLock: B holds L1 and blocks on
 * L2. A's URLUnlock now needs L1 for reading, which B holds: A waits for B and
 * B waits for A. The test's wg.Wait() then blocks forever: a deadlock of the
 * test body itself.
 */
#include "model.h"

/* Scaled down: the original runs 2 rounds of 50 goroutines x 10 iterations. The bug needs two goroutines
 * and one iteration each, within one round, so every count is cut to its minimum (the loops are kept).
 * With 2 rounds the fixed variant has more than 7 million interleavings under plain DFS; with 1 it
 * completes in about 1.5 million. */
enum { HUGO3251_ROUNDS = 1, HUGO3251_GOROUTINES = 2, HUGO3251_ITERATIONS = 1 };

typedef struct remote_lock3251 {
    weft_rwmutex *l1;   /* the embedded sync.RWMutex (L1) */
    weft_mutex *url_mu; /* m[url] (L2); NULL until the first URLLock: the map holds one URL */
} remote_lock3251;

static void url_lock(remote_lock3251 *l)
{
    weft_rwmutex_lock(l->l1); /* L1 */
    if (!l->url_mu) { /* if _, ok := l.m[url]; !ok */
        l->url_mu = weft_mutex_make();
        weft_name(l->url_mu, "m[url]");
    }
    weft_mutex_lock(l->url_mu); /* L2, still holding L1 */
    weft_rwmutex_unlock(l->l1); /* L1 */
}

/* The fix (hugo): look the URL's mutex up under L1, release L1, then lock the URL's mutex. */
static void url_lock_fixed(remote_lock3251 *l)
{
    weft_rwmutex_lock(l->l1);
    if (!l->url_mu) {
        l->url_mu = weft_mutex_make();
        weft_name(l->url_mu, "m[url]");
    }
    weft_mutex *lock = l->url_mu;
    weft_rwmutex_unlock(l->l1);
    weft_mutex_lock(lock);
}

static void url_unlock(remote_lock3251 *l)
{
    weft_rwmutex_rlock(l->l1); /* L1 */
    if (l->url_mu)
        weft_mutex_unlock(l->url_mu); /* L2 */
    weft_rwmutex_runlock(l->l1); /* deferred */
}

static int res_get_remote(remote_lock3251 *l, bool fixed)
{
    if (fixed)
        url_lock_fixed(l);
    else
        url_lock(l);
    url_unlock(l); /* deferred */
    return 0;
}

static void getter(remote_lock3251 *l, weft_wg *wg, int gor, bool fixed)
{
    (void)gor;
    for (int j = 0; j < HUGO3251_ITERATIONS; j++) {
        res_get_remote(l, fixed); /* the error is always nil */
        weft_sleep(300 * WEFT_NS);
    }
    weft_wg_done(wg); /* deferred */
}

static void test_hugo3251(bool fixed)
{
    remote_lock3251 *l = weft_alloc(sizeof *l); /* the package-level remoteURLLock */
    l->l1 = weft_rwmutex_make();
    weft_name(l->l1, "remoteURLLock");
    for (int round = 0; round < HUGO3251_ROUNDS; round++) {
        weft_wg *wg = weft_wg_make();
        weft_name(wg, "wg");
        for (int i = 0; i < HUGO3251_GOROUTINES; i++) {
            weft_wg_add(wg, 1);
            WEFT_GO(getter, l, wg, i, fixed);
        }
        weft_wg_wait(wg);
    }
}

WEFT_MODEL(hugo_3251, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "URLLock holds the map's write lock while waiting for the URL's mutex; URLUnlock needs a read lock",
           .pattern = "URLLock write-locks the map (L1), locks the URL's mutex (L2), then unlocks L1. A holds L2; "
                      "B write-locks L1 and waits for L2; A's URLUnlock read-locks L1 to find L2 and waits for "
                      "B. Neither can proceed, and the test blocks in wg.Wait() forever.",
           .fix = "Never wait for a URL's mutex while holding the map lock: look the mutex up under L1, release "
                  "L1, then lock the URL's mutex.",
           .pair = "hugo_3251_fixed")
{
    test_hugo3251(false);
}

WEFT_MODEL(hugo_3251_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "URLLock releases the map's lock before locking the URL's mutex",
           .pattern = "The same getters; URLLock only holds L1 while it finds or creates the URL's mutex, so the "
                      "holder of L2 can always take L1 for reading to release it.",
           .fix = "Take the per-URL mutex after unlocking the map lock.",
           .pair = "hugo_3251")
{
    test_hugo3251(true);
}
