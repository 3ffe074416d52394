/* serving_2137.c: circuit-breaker requests take the active slot in the wrong order while the test holds locks. */
/*
 * Port of GoBench GoKer kernel serving/2137 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/serving/2137/serving2137_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: the breaker has pendingRequests (capacity 2) and
 * activeRequests (capacity 1). The test (G1) makes two requests, each with a
 * mutex the test holds, each served by a goroutine (G2, G3) whose thunk locks
 * that mutex. The test then unlocks request 1 and waits for request 1's
 * result. If G3 (request 2) takes the one active slot first, its thunk blocks
 * on request 2's mutex, which the test still holds; G2 (request 1) blocks
 * sending on the full activeRequests; the test blocks receiving request 1's
 * result: G1, G2 and G3 wait on each other forever.
 */
#include "model.h"

typedef struct serving2137_breaker {
    weft_chan *pending; /* pendingRequests: chan token, capacity queueDepth+maxConcurrency */
    weft_chan *active;  /* activeRequests: chan token, capacity maxConcurrency */
} serving2137_breaker;

typedef struct serving2137_request {
    weft_mutex *lock;
    weft_chan *accepted; /* chan bool, capacity 1 */
} serving2137_request;

/* Maybe with the thunk of concurrentRequest inlined: lock and unlock r's mutex. */
static bool serving2137_maybe(serving2137_breaker *b, serving2137_request *r)
{
    weft_case cs[] = {WEFT_SEND(b->pending, NULL)};
    if (weft_select_default(cs, 1) == WEFT_DEFAULT)
        return false; /* pending request queue is full */
    weft_chan_send(b->active, NULL); /* wait for capacity in the active queue */
    weft_mutex_lock(r->lock);        /* thunk(): will block on the locked mutex */
    weft_mutex_unlock(r->lock);
    weft_chan_recv(b->active, NULL); /* defer: release capacity */
    weft_chan_recv(b->pending, NULL);
    return true;
}

/* concurrentRequest's goroutine: G2, G3. */
static void serving2137_serve(serving2137_breaker *b, serving2137_request *r, weft_wg *start)
{
    weft_wg_done(start);
    bool ok = serving2137_maybe(b, r);
    weft_chan_send(r->accepted, &ok);
}

static serving2137_request *serving2137_concurrent_request(serving2137_breaker *b)
{
    weft_yield(); /* runtime.Gosched() */
    serving2137_request *r = weft_alloc(sizeof *r);
    r->lock = weft_mutex_make();
    r->accepted = weft_chan_make(sizeof(bool), 1);
    weft_mutex_lock(r->lock);
    weft_wg *start = weft_wg_make();
    weft_wg_add(start, 1);
    WEFT_GO(serving2137_serve, b, r, start);
    weft_wg_wait(start); /* ensure that the go func has had a chance to execute */
    return r;
}

static void serving2137_unlock(serving2137_request *req)
{
    weft_mutex_unlock(req->lock);
    bool ok;
    weft_chan_recv(req->accepted, &ok); /* verify that the function has completed */
    weft_chan_send(req->accepted, &ok); /* requeue for next usage */
}

WEFT_MODEL(serving_2137, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "serving#2137: the second request takes the breaker's only active slot and blocks on a lock "
                      "the test releases only after the first request finishes",
           .pattern = "Two requests go through a breaker with one active slot; each request's work locks a mutex "
                      "the test holds. The test releases the first mutex and waits for the first request. If the "
                      "second request took the active slot, it waits for its mutex (held by the test), the first "
                      "request waits for the slot, and the test waits for the first request.",
           .fix = "Release every request's mutex before waiting for any result (or wait for results in the order "
                  "the breaker admits them), so no request can hold the slot waiting on the test.",
           .pair = NULL)
{
    serving2137_breaker *b = weft_alloc(sizeof *b); /* NewBreaker(1, 1) */
    b->pending = weft_chan_make(0, 1 + 1);
    b->active = weft_chan_make(0, 1);
    weft_name(b->pending, "pendingRequests");
    weft_name(b->active, "activeRequests");
    serving2137_request *locks[2]; /* concurrentRequests(2) */
    for (int i = 0; i < 2; i++)
        locks[i] = serving2137_concurrent_request(b);
    for (int i = 0; i < 2; i++) /* unlockAll */
        serving2137_unlock(locks[i]);
}
