/* cockroach_10214.c: AB-BA deadlock between a store's coalescedMu and a replica's raftMu. */
/*
 * Port of GoBench GoKer kernel cockroach/10214 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/10214/cockroach10214_test.go
 * Bug class (goker_public.tsv): Resource Deadlock / AB-BA deadlock.
 *
 * G1 runs store.sendQueuedHeartbeats(): it locks coalescedMu (lock A) and, for
 * each queued heartbeat, calls reportUnreachable() on every replica, which
 * locks that replica's raftMu (lock B). G2 runs rp1.tick(): it locks raftMu
 * (B), then r.mu, then maybeCoalesceHeartbeat() locks coalescedMu (A). If G1
 * takes A and G2 takes B before either takes its second lock, both block
 * forever; the test body has already returned, so both goroutines leak.
 */
#include "model.h"

typedef struct store10214 store10214;

typedef struct replica10214 {
    weft_mutex *raft_mu; /* raftMu: lock B */
    weft_mutex *mu;      /* r.mu */
    store10214 *store;
} replica10214;

struct store10214 {
    weft_mutex *coalesced_mu;   /* coalescedMu: lock A */
    int heartbeat_responses[2]; /* coalescedMu.heartbeatResponses = {1, 2} */
    int n_responses;
    replica10214 *replicas[2]; /* mu.replicas: map[int]*Replica with keys 0, 1 */
    int n_replicas;
};

static void report_unreachable(replica10214 *r)
{
    weft_mutex_lock(r->raft_mu); /* LockB acquire */
    weft_mutex_unlock(r->raft_mu); /* deferred; LockB release */
}

static void send_queued_heartbeats_to_node(store10214 *s)
{
    for (int i = 0; i < s->n_replicas; i++)
        report_unreachable(s->replicas[i]); /* LockB */
}

static void send_queued_heartbeats(store10214 *s)
{
    weft_mutex_lock(s->coalesced_mu); /* LockA acquire */
    for (int i = 0; i < s->n_responses; i++)
        send_queued_heartbeats_to_node(s); /* LockB */
    weft_mutex_unlock(s->coalesced_mu); /* deferred; LockA release */
}

/* The fix (cockroach commit 27e863d): take the queued heartbeats under coalescedMu, release it, then send. */
static void send_queued_heartbeats_fixed(store10214 *s)
{
    weft_mutex_lock(s->coalesced_mu);
    int n = s->n_responses;
    s->n_responses = 0;
    weft_mutex_unlock(s->coalesced_mu);
    for (int i = 0; i < n; i++)
        send_queued_heartbeats_to_node(s);
}

static bool maybe_coalesce_heartbeat(replica10214 *r)
{
    /* msgtype := uintptr(unsafe.Pointer(r)) % 3 is always 0, 1 or 2: every path takes LockA. */
    weft_mutex_lock(r->store->coalesced_mu); /* LockA acquire */
    weft_mutex_unlock(r->store->coalesced_mu); /* LockA release */
    return true;
}

static bool maybe_quiesce_locked(replica10214 *r)
{
    for (int i = 0; i < 2; i++) {
        if (!maybe_coalesce_heartbeat(r))
            return true;
    }
    return false;
}

static void tick_raft_mu_locked(replica10214 *r)
{
    weft_mutex_lock(r->mu);
    if (maybe_quiesce_locked(r)) {
        weft_mutex_unlock(r->mu); /* deferred */
        return;
    }
    weft_mutex_unlock(r->mu); /* deferred */
}

static void tick(replica10214 *r)
{
    weft_mutex_lock(r->raft_mu); /* LockB acquire */
    tick_raft_mu_locked(r);
    weft_mutex_unlock(r->raft_mu); /* deferred; LockB release */
}

static replica10214 *new_replica(store10214 *s, const char *raft_name)
{
    replica10214 *r = weft_alloc(sizeof *r);
    r->raft_mu = weft_mutex_make();
    r->mu = weft_mutex_make();
    r->store = s;
    weft_name(r->raft_mu, raft_name);
    return r;
}

static store10214 *setup(void)
{
    store10214 *s = weft_alloc(sizeof *s);
    s->coalesced_mu = weft_mutex_make();
    weft_name(s->coalesced_mu, "store.coalescedMu");
    s->heartbeat_responses[0] = 1;
    s->heartbeat_responses[1] = 2;
    s->n_responses = 2;
    s->replicas[0] = new_replica(s, "rp1.raftMu");
    s->replicas[1] = new_replica(s, "rp2.raftMu");
    s->n_replicas = 2;
    return s;
}

WEFT_MODEL(cockroach_10214, .category = "goker", .expect = WEFT_LEAK,
           .summary = "sendQueuedHeartbeats holds coalescedMu while taking raftMu; tick takes them the other way",
           .pattern = "One goroutine locks the store's coalescedMu and then each replica's raftMu; another locks "
                      "a replica's raftMu (tick) and then coalescedMu (maybeCoalesceHeartbeat). Each can hold its "
                      "first lock while waiting for the other's: an AB-BA deadlock of two leaked goroutines.",
           .fix = "Release coalescedMu before locking any raftMu: copy the queued heartbeats under the lock, "
                  "unlock, then send them (cockroach commit 27e863d).",
           .pair = "cockroach_10214_fixed")
{
    store10214 *s = setup();
    WEFT_GO(send_queued_heartbeats, s);
    WEFT_GO(tick, s->replicas[0]);
}

WEFT_MODEL(cockroach_10214_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "sendQueuedHeartbeats releases coalescedMu before taking any raftMu",
           .pattern = "The same store and replicas; the heartbeat sender never holds coalescedMu while it waits "
                      "for a raftMu, so no cycle of lock waits can form.",
           .fix = "Copy the queued heartbeats under coalescedMu, unlock, then call reportUnreachable.",
           .pair = "cockroach_10214")
{
    store10214 *s = setup();
    WEFT_GO(send_queued_heartbeats_fixed, s);
    WEFT_GO(tick, s->replicas[0]);
}
