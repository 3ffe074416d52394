/* etcd_6708.c: Sync holds the client's write lock while a leader lookup takes its read lock. */
/*
 * Port of GoBench GoKer kernel etcd/6708 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/etcd/6708/etcd6708_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule, one goroutine): Sync takes the
 * httpClusterClient's RWMutex for writing and calls SetEndpoints; in
 * prioritize-leader mode SetEndpoints asks the members API for the leader,
 * which calls back into the client's Do, which takes the read lock: the test
 * body waits for its own write lock forever.
 */
#include "model.h"

enum { E6708_RANDOM = 0, E6708_PRIORITIZE_LEADER = 1 };

typedef struct e6708_client {
    weft_rwmutex *mu; /* the embedded sync.RWMutex */
    int selection_mode;
} e6708_client;

static void e6708_do(e6708_client *c, weft_ctx *ctx)
{
    (void)ctx;
    weft_rwmutex_rlock(c->mu); /* blocks here */
    weft_rwmutex_runlock(c->mu);
}

/* getLeaderEndpoint: NewMembersAPI(c).Leader(ctx) -> m.client.Do(ctx). */
static void e6708_get_leader_endpoint(e6708_client *c)
{
    e6708_do(c, weft_ctx_background());
}

static void e6708_set_endpoints(e6708_client *c)
{
    switch (c->selection_mode) {
    case E6708_RANDOM:
        break;
    case E6708_PRIORITIZE_LEADER:
        e6708_get_leader_endpoint(c);
        break;
    }
}

static void e6708_sync(e6708_client *c, weft_ctx *ctx)
{
    (void)ctx;
    weft_rwmutex_lock(c->mu);
    e6708_set_endpoints(c);
    weft_rwmutex_unlock(c->mu); /* defer */
}

/* The fix: update the endpoints under the lock, resolve the leader after releasing it. */
static void e6708_sync_fixed(e6708_client *c, weft_ctx *ctx)
{
    (void)ctx;
    weft_rwmutex_lock(c->mu);
    int mode = c->selection_mode;
    weft_rwmutex_unlock(c->mu);
    if (mode == E6708_PRIORITIZE_LEADER)
        e6708_get_leader_endpoint(c);
}

WEFT_MODEL(etcd_6708, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "etcd#6708: Sync holds the client's write lock while the leader lookup takes its read lock",
           .pattern = "A method holding an RWMutex for writing calls, through an interface, back into the same "
                      "object, which takes the read lock. Go's RWMutex is not reentrant: the goroutine blocks on "
                      "itself.",
           .fix = "Do the leader lookup without holding the client's lock (take the lock only to read and update "
                  "the endpoints).",
           .pair = "etcd_6708_fixed")
{
    e6708_client *hc = weft_alloc(sizeof *hc);
    hc->mu = weft_rwmutex_make();
    hc->selection_mode = E6708_PRIORITIZE_LEADER;
    weft_name(hc->mu, "httpClusterClient");
    e6708_sync(hc, weft_ctx_background());
}

WEFT_MODEL(etcd_6708_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "etcd#6708 fixed: the leader lookup runs after Sync releases the write lock",
           .pattern = "The same client and leader lookup, called outside the critical section.",
           .fix = "The read lock is requested when no one holds the write lock.",
           .pair = "etcd_6708")
{
    e6708_client *hc = weft_alloc(sizeof *hc);
    hc->mu = weft_rwmutex_make();
    hc->selection_mode = E6708_PRIORITIZE_LEADER;
    weft_name(hc->mu, "httpClusterClient");
    e6708_sync_fixed(hc, weft_ctx_background());
}
