/* test_semantics.c: every primitive against Go's semantics: a table of small programs, each with its exact set of outcomes under exhaustive DFS. */
#include <limits.h>

#include "testutil.h"

/*
 * Each program is a test body. It resets its per-execution state at the top (statics persist across
 * executions), builds its outcome with tu_emit and records it with tu_record where the result is final.
 * The runner explores every interleaving (DFS, no preemption bound) and checks the verdict and, for a
 * clean program, that the set of outcomes is exactly the expected one and that every execution recorded
 * one. A buggy program (panic, deadlock, leak) is checked by its verdict and a phrase of its report.
 */

/* ---- shared per-execution state ---------------------------------------- */

static weft_wg *g_wg;       /* joins the tasks of a program */
static weft_chan *g_done;   /* zero-size channel: a task's "I am finished" */

static void join_init(void)
{
    g_wg = weft_wg_make();
    g_done = weft_chan_make(0, 0);
}

static void finished(void)
{
    weft_chan_send(g_done, NULL);
}

/* ---- select --------------------------------------------------------------- */

/* Two cases ready at once: each one is a branch. */
static void select_two_ready(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *a = weft_chan_make(sizeof(int), 1), *b = weft_chan_make(sizeof(int), 1);
    int x = 1, y = 2, v = 0;
    weft_chan_send(a, &x);
    weft_chan_send(b, &y);
    weft_case cs[] = {WEFT_RECV(a, &v, NULL), WEFT_RECV(b, &v, NULL)};
    int i = weft_select(cs, 2);
    tu_emit("case=%d v=%d", i, v);
    tu_record();
}

/* A ready send case and a ready receive case: both explored. */
static void select_send_and_recv_ready(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *out = weft_chan_make(sizeof(int), 1), *in = weft_chan_make(sizeof(int), 1);
    int x = 7, y = 8, v = 0;
    weft_chan_send(in, &y);
    weft_case cs[] = {WEFT_SEND(out, &x), WEFT_RECV(in, &v, NULL)};
    int i = weft_select(cs, 2);
    tu_emit("case=%d v=%d len(out)=%zu len(in)=%zu", i, v, weft_chan_len(out), weft_chan_len(in));
    tu_record();
}

/* Cases on nil channels are never chosen, even when they come first. */
static void select_nil_cases(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *a = weft_chan_make(sizeof(int), 1);
    int x = 5, v = 0, w = 9;
    weft_chan_send(a, &x);
    weft_case cs[] = {WEFT_RECV(NULL, &v, NULL), WEFT_SEND(NULL, &w), WEFT_RECV(a, &v, NULL)};
    int i = weft_select(cs, 3);
    weft_case only_nil[] = {WEFT_RECV(NULL, &v, NULL), WEFT_SEND(NULL, &w)};
    int j = weft_select_default(only_nil, 2);
    tu_emit("case=%d v=%d then %d", i, v, j);
    tu_record();
}

/* Default is taken only when no case is ready. */
static void select_default_only_when_nothing_ready(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    int v = 0, x = 3;
    weft_case cs[] = {WEFT_RECV(c, &v, NULL)};
    int i = weft_select_default(cs, 1);
    weft_chan_send(c, &x);
    int j = weft_select_default(cs, 1);
    tu_emit("%d %d v=%d", i, j, v);
    tu_record();
}

static weft_chan *sd_c;
static void sd_sender(void *arg)
{
    (void)arg;
    int x = 4;
    weft_chan_send(sd_c, &x);
}

/* A select default racing with a sender on a buffered channel: both orders. */
static void select_default_races_buffered_sender(void *arg)
{
    (void)arg;
    tu_begin();
    sd_c = weft_chan_make(sizeof(int), 1);
    weft_go(sd_sender, NULL);
    int v = 0;
    weft_case cs[] = {WEFT_RECV(sd_c, &v, NULL)};
    if (weft_select_default(cs, 1) == WEFT_DEFAULT) {
        tu_emit("default");
        weft_chan_recv(sd_c, &v);
    }
    tu_emit("v=%d", v);
    tu_record();
}

/* A select default racing with a task just spawned to send on an unbuffered channel. In Go the new
 * goroutine may not have reached its send when the select runs, so default is possible, as is the
 * rendezvous. */
static void select_default_races_new_unbuffered_sender(void *arg)
{
    (void)arg;
    tu_begin();
    sd_c = weft_chan_make(sizeof(int), 0);
    weft_go(sd_sender, NULL);
    int v = 0;
    weft_case cs[] = {WEFT_RECV(sd_c, &v, NULL)};
    if (weft_select_default(cs, 1) == WEFT_DEFAULT) {
        tu_emit("default");
        weft_chan_recv(sd_c, &v);
    }
    tu_emit("v=%d", v);
    tu_record();
}

/* weft_select with no cases blocks forever. */
static void select_empty_blocks(void *arg)
{
    (void)arg;
    weft_select(NULL, 0);
}

/* A send case on a closed channel is ready, and panics when chosen. */
static void select_send_on_closed(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 1), *never = weft_chan_make(sizeof(int), 0);
    weft_chan_close(c);
    int x = 1, v;
    weft_case cs[] = {WEFT_RECV(never, &v, NULL), WEFT_SEND(c, &x)};
    weft_select(cs, 2);
}

static weft_chan *sw_a, *sw_b;
static void sw_send(weft_chan *c, int v)
{
    weft_chan_send(c, &v);
}

/* A select blocked on two unbuffered channels is completed by whichever sender comes; the other
 * value is then received too. */
static void select_blocked_then_woken(void *arg)
{
    (void)arg;
    tu_begin();
    sw_a = weft_chan_make(sizeof(int), 0);
    sw_b = weft_chan_make(sizeof(int), 0);
    int v = 0, w = 0;
    weft_case cs[] = {WEFT_RECV(sw_a, &v, NULL), WEFT_RECV(sw_b, &v, NULL)};
    WEFT_GO(sw_send, sw_a, 1);
    WEFT_GO(sw_send, sw_b, 2);
    int i = weft_select(cs, 2);
    weft_chan_recv(i == 0 ? sw_b : sw_a, &w);
    tu_emit("case=%d v=%d then %d", i, v, w);
    tu_record();
}

static void sw_recv(weft_chan *c)
{
    int v = 0;
    weft_chan_recv(c, &v);
    tu_emit("got %d", v);
    finished();
}

/* A select's send case completes a rendezvous with a receiver that arrives later. */
static void select_send_rendezvous(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    int x = 9;
    weft_case cs[] = {WEFT_RECV(NULL, NULL, NULL), WEFT_SEND(c, &x)};
    WEFT_GO(sw_recv, c);
    int i = weft_select(cs, 2);
    weft_chan_recv(g_done, NULL);
    tu_emit("case=%d", i);
    tu_record();
}

/* ---- channels --------------------------------------------------------- */

/* A buffered channel is FIFO; len and cap as Go. */
static void chan_buffered_fifo(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(sizeof(int), 3);
    for (int i = 1; i <= 3; i++)
        weft_chan_send(c, &i);
    tu_emit("len=%zu cap=%zu", weft_chan_len(c), weft_chan_cap(c));
    for (int i = 0; i < 3; i++) {
        int v = 0;
        weft_chan_recv(c, &v);
        tu_emit("%d", v);
    }
    tu_emit("len=%zu", weft_chan_len(c));
    tu_record();
}

static weft_chan *fifo_c;
static void fifo_producer(int base)
{
    for (int i = 1; i <= 2; i++) {
        int v = base * i;
        weft_chan_send(fifo_c, &v);
    }
}

/* Two producers: the receiver sees each producer's values in its order, interleaved in every way. */
static void chan_fifo_two_producers(void *arg)
{
    (void)arg;
    tu_begin();
    fifo_c = weft_chan_make(sizeof(int), 2);
    WEFT_GO(fifo_producer, 1);
    WEFT_GO(fifo_producer, 10);
    for (int i = 0; i < 4; i++) {
        int v = 0;
        weft_chan_recv(fifo_c, &v);
        tu_emit("%d", v);
    }
    tu_record();
}

static int rv_stage;
static weft_chan *rv_c;
static void rv_receiver(void *arg)
{
    (void)arg;
    weft_touch(&rv_stage);
    rv_stage = 1;
    int v;
    weft_chan_recv(rv_c, &v);
}

/* Unbuffered: the send completes only when the receiver takes the value, so the receiver's earlier
 * write is always visible after the send. */
static void chan_unbuffered_rendezvous(void *arg)
{
    (void)arg;
    tu_begin();
    rv_stage = 0;
    rv_c = weft_chan_make(sizeof(int), 0);
    weft_go(rv_receiver, NULL);
    int x = 1;
    weft_chan_send(rv_c, &x);
    tu_emit("stage=%d", rv_stage);
    tu_record();
}

/* The same with a buffer: the send may complete before the receiver has done anything. */
static void chan_buffered_no_rendezvous(void *arg)
{
    (void)arg;
    tu_begin();
    rv_stage = 0;
    rv_c = weft_chan_make(sizeof(int), 1);
    weft_go(rv_receiver, NULL);
    int x = 1;
    weft_chan_send(rv_c, &x);
    tu_emit("stage=%d", rv_stage);
    tu_record();
}

/* An unbuffered send with no receiver blocks: the body deadlocks. */
static void chan_unbuffered_send_alone(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    int x = 1;
    weft_chan_send(c, &x);
}

static weft_chan *cl_c;
static char cl_res[3][32];
static void cl_receiver(int slot)
{
    int v = 99;
    bool ok = weft_chan_recv(cl_c, &v);
    snprintf(cl_res[slot], sizeof cl_res[slot], "r%d ok=%d v=%d", slot, ok, v);
    weft_wg_done(g_wg);
}

/* Close wakes every blocked receiver with ok = false and the zero value. */
static void chan_close_wakes_all_receivers(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    cl_c = weft_chan_make(sizeof(int), 0);
    weft_wg_add(g_wg, 2);
    WEFT_GO(cl_receiver, 1);
    WEFT_GO(cl_receiver, 2);
    weft_chan_close(cl_c);
    weft_wg_wait(g_wg);
    int v = 5;
    bool ok = true;
    weft_case cs[] = {WEFT_RECV(cl_c, &v, &ok), WEFT_RECV(NULL, NULL, NULL)};
    int i = weft_select(cs, 2);
    tu_emit("%s %s select=%d ok=%d v=%d", cl_res[1], cl_res[2], i, ok, v);
    tu_record();
}

/* A closed buffered channel is drained first, then gives ok = false and zeros. */
static void chan_closed_buffered_drains_first(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(sizeof(int), 2);
    int a = 1, b = 2;
    weft_chan_send(c, &a);
    weft_chan_send(c, &b);
    weft_chan_close(c);
    for (int i = 0; i < 3; i++) {
        int v = 77;
        bool ok = weft_chan_recv(c, &v);
        tu_emit("%d/%d", v, ok);
    }
    bool ok = weft_chan_recv(c, NULL);
    tu_emit("nil-out ok=%d", ok);
    tu_record();
}

/* Zero-size elements (Go's chan struct{}) work as a signal. */
static void zs_task(weft_chan *c)
{
    weft_chan_send(c, NULL);
}
static void chan_zero_size_elements(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(0, 0);
    WEFT_GO(zs_task, c);
    bool ok = weft_chan_recv(c, NULL);
    tu_emit("ok=%d", ok);
    tu_record();
}

/* Send on a closed channel panics. */
static void chan_send_on_closed(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_chan_close(c);
    int x = 1;
    weft_chan_send(c, &x);
}

static weft_chan *bs_c;
static void bs_sender(void *arg)
{
    (void)arg;
    int x = 1;
    weft_chan_send(bs_c, &x);
}

/* A sender blocked on a channel that is then closed panics (whichever runs first). */
static void chan_close_with_blocked_sender(void *arg)
{
    (void)arg;
    bs_c = weft_chan_make(sizeof(int), 0);
    weft_go(bs_sender, NULL);
    weft_chan_close(bs_c);
}

/* Close of a closed channel panics. */
static void chan_close_closed(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_chan_close(c);
    weft_chan_close(c);
}

/* Close of a nil channel panics. */
static void chan_close_nil(void *arg)
{
    (void)arg;
    weft_chan_close(NULL);
}

/* Receive on a nil channel blocks forever: the body deadlocks. */
static void chan_nil_recv_blocks(void *arg)
{
    (void)arg;
    int v;
    weft_chan_recv(NULL, &v);
}

static void nil_sender(void *arg)
{
    (void)arg;
    int x = 1;
    weft_chan_send(NULL, &x);
}

/* A task sending on a nil channel blocks forever: it leaks once the body returns. */
static void chan_nil_send_leaks(void *arg)
{
    (void)arg;
    weft_go(nil_sender, NULL);
}

/* ---- mutex ------------------------------------------------------------- */

static weft_mutex *mx;
static int counter;
static void locked_incr(void *arg)
{
    (void)arg;
    weft_mutex_lock(mx);
    weft_touch(&counter);
    int t = counter;
    weft_touch(&counter);
    counter = t + 1;
    weft_mutex_unlock(mx);
    weft_wg_done(g_wg);
}

/* Three tasks increment a counter under a lock: it always ends at 3. */
static void mutex_mutual_exclusion(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    counter = 0;
    mx = weft_mutex_make();
    weft_wg_add(g_wg, 3);
    for (int i = 0; i < 3; i++)
        weft_go(locked_incr, NULL);
    weft_wg_wait(g_wg);
    tu_emit("counter=%d", counter);
    tu_record();
}

static void racy_incr(void *arg)
{
    (void)arg;
    weft_touch(&counter);
    int t = counter;
    weft_touch(&counter);
    counter = t + 1;
    weft_wg_done(g_wg);
}

/* Without the lock an update can be lost (the checker sees the race through weft_touch). */
static void mutex_absent_lost_update(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    counter = 0;
    weft_wg_add(g_wg, 2);
    weft_go(racy_incr, NULL);
    weft_go(racy_incr, NULL);
    weft_wg_wait(g_wg);
    tu_emit("counter=%d", counter);
    tu_record();
}

/* Unlock of an unlocked mutex panics. */
static void mutex_unlock_unlocked(void *arg)
{
    (void)arg;
    weft_mutex *m = weft_mutex_make();
    weft_mutex_unlock(m);
}

/* Locking twice in one task blocks forever: not reentrant. */
static void mutex_not_reentrant(void *arg)
{
    (void)arg;
    weft_mutex *m = weft_mutex_make();
    weft_mutex_lock(m);
    weft_mutex_lock(m);
}

static void other_unlocker(void *arg)
{
    (void)arg;
    weft_mutex_unlock(mx);
}

/* A mutex locked by one task may be unlocked by another, as in Go. */
static void mutex_unlock_by_other_task(void *arg)
{
    (void)arg;
    tu_begin();
    mx = weft_mutex_make();
    weft_mutex_lock(mx);
    weft_go(other_unlocker, NULL);
    weft_mutex_lock(mx); /* waits for the other task's unlock */
    tu_emit("relocked");
    weft_mutex_unlock(mx);
    tu_record();
}

/* TryLock: succeeds on a free mutex, fails on a held one. */
static void mutex_trylock(void *arg)
{
    (void)arg;
    tu_begin();
    weft_mutex *m = weft_mutex_make();
    bool a = weft_mutex_trylock(m);
    bool b = weft_mutex_trylock(m);
    weft_mutex_unlock(m);
    bool c = weft_mutex_trylock(m);
    weft_mutex_unlock(m);
    tu_emit("%d %d %d", a, b, c);
    tu_record();
}

static void holder_task(void *arg)
{
    (void)arg;
    weft_mutex_lock(mx);
    weft_mutex_unlock(mx);
}

/* TryLock racing with a task that locks and unlocks: it may find the lock free or held. */
static void mutex_trylock_race(void *arg)
{
    (void)arg;
    tu_begin();
    mx = weft_mutex_make();
    weft_go(holder_task, NULL);
    bool a = weft_mutex_trylock(mx);
    if (a)
        weft_mutex_unlock(mx);
    tu_emit("try=%d", a);
    tu_record();
}

/* ---- RWMutex ------------------------------------------------------------ */

static weft_rwmutex *rw;
static weft_chan *rw_in, *rw_go;
static void sharing_reader(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(rw);
    weft_chan_send(rw_in, NULL);
    weft_chan_recv(rw_go, NULL);
    weft_rwmutex_runlock(rw);
    weft_wg_done(g_wg);
}

/* Readers share: two readers hold the read lock at the same time (else the body would deadlock). */
static void rwmutex_readers_share(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    rw = weft_rwmutex_make();
    rw_in = weft_chan_make(0, 2);
    rw_go = weft_chan_make(0, 0);
    weft_wg_add(g_wg, 2);
    weft_go(sharing_reader, NULL);
    weft_go(sharing_reader, NULL);
    weft_chan_recv(rw_in, NULL);
    weft_chan_recv(rw_in, NULL);
    tu_emit("both readers in");
    weft_chan_close(rw_go);
    weft_wg_wait(g_wg);
    tu_record();
}

static int rw_x;
static void rw_writer(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(rw);
    rw_x = 1;
    weft_touch(&rw_x);
    rw_x = 2;
    weft_rwmutex_unlock(rw);
    weft_wg_done(g_wg);
}

static int rw_seen;
static void rw_reader(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(rw);
    weft_touch(&rw_x);
    rw_seen = rw_x;
    weft_rwmutex_runlock(rw);
    weft_wg_done(g_wg);
}

/* A writer excludes readers: a reader never sees the writer's intermediate value. */
static void rwmutex_writer_excludes_readers(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    rw = weft_rwmutex_make();
    rw_x = 0;
    rw_seen = -1;
    weft_wg_add(g_wg, 2);
    weft_go(rw_writer, NULL);
    weft_go(rw_reader, NULL);
    weft_wg_wait(g_wg);
    tu_emit("seen=%d x=%d", rw_seen, rw_x);
    tu_record();
}

static void rw_writer_id(int id)
{
    weft_rwmutex_lock(rw);
    rw_x = id;
    weft_touch(&rw_x);
    if (rw_x != id)
        tu_emit("writer %d saw %d", id, rw_x);
    weft_rwmutex_unlock(rw);
    weft_wg_done(g_wg);
}

/* Writers exclude each other. */
static void rwmutex_writers_exclude(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    rw = weft_rwmutex_make();
    weft_wg_add(g_wg, 2);
    WEFT_GO(rw_writer_id, 1);
    WEFT_GO(rw_writer_id, 2);
    weft_wg_wait(g_wg);
    tu_emit("done");
    tu_record();
}

static void lock_unlock_writer(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(rw);
    weft_rwmutex_unlock(rw);
}

/* Writer preference: a recursive RLock with a writer waiting in between deadlocks. */
static void rwmutex_recursive_rlock_with_waiting_writer(void *arg)
{
    (void)arg;
    rw = weft_rwmutex_make();
    weft_rwmutex_rlock(rw);
    weft_go(lock_unlock_writer, NULL);
    weft_rwmutex_rlock(rw);
    weft_rwmutex_runlock(rw);
    weft_rwmutex_runlock(rw);
}

/* Writer preference seen by TryRLock: once the writer waits (for our read lock), TryRLock fails. */
static void rwmutex_waiting_writer_blocks_tryrlock(void *arg)
{
    (void)arg;
    tu_begin();
    rw = weft_rwmutex_make();
    weft_rwmutex_rlock(rw);
    weft_go(lock_unlock_writer, NULL);
    bool ok = weft_rwmutex_tryrlock(rw);
    if (ok)
        weft_rwmutex_runlock(rw);
    weft_rwmutex_runlock(rw);
    tu_emit("try=%d", ok);
    tu_record();
}

/* TryLock and TryRLock on a free, read-held and write-held RWMutex. */
static void rwmutex_trylocks(void *arg)
{
    (void)arg;
    tu_begin();
    weft_rwmutex *m = weft_rwmutex_make();
    bool a = weft_rwmutex_tryrlock(m); /* free: yes */
    bool b = weft_rwmutex_tryrlock(m); /* read-held: yes */
    bool c = weft_rwmutex_trylock(m);  /* read-held: no */
    weft_rwmutex_runlock(m);
    weft_rwmutex_runlock(m);
    bool d = weft_rwmutex_trylock(m);  /* free: yes */
    bool e = weft_rwmutex_tryrlock(m); /* write-held: no */
    bool f = weft_rwmutex_trylock(m);  /* write-held: no */
    weft_rwmutex_unlock(m);
    tu_emit("%d %d %d %d %d %d", a, b, c, d, e, f);
    tu_record();
}

static void other_runlocker(void *arg)
{
    (void)arg;
    weft_rwmutex_runlock(rw);
}

/* A read lock may be released by another task; the writer then gets in. */
static void rwmutex_runlock_by_other_task(void *arg)
{
    (void)arg;
    tu_begin();
    rw = weft_rwmutex_make();
    weft_rwmutex_rlock(rw);
    weft_go(other_runlocker, NULL);
    weft_rwmutex_lock(rw);
    tu_emit("locked");
    weft_rwmutex_unlock(rw);
    tu_record();
}

/* RUnlock of an unlocked RWMutex panics. */
static void rwmutex_runlock_unlocked(void *arg)
{
    (void)arg;
    weft_rwmutex *m = weft_rwmutex_make();
    weft_rwmutex_runlock(m);
}

/* Unlock of an unlocked RWMutex panics. */
static void rwmutex_unlock_unlocked(void *arg)
{
    (void)arg;
    weft_rwmutex *m = weft_rwmutex_make();
    weft_rwmutex_unlock(m);
}

/* Unlock of a read-locked RWMutex panics too (the write side is not held). */
static void rwmutex_unlock_read_locked(void *arg)
{
    (void)arg;
    weft_rwmutex *m = weft_rwmutex_make();
    weft_rwmutex_rlock(m);
    weft_rwmutex_unlock(m);
}

/* ---- WaitGroup ----------------------------------------------------------- */

static int wg_flags[3];
static void wg_worker(int i)
{
    weft_touch(&wg_flags[i]);
    wg_flags[i] = 1;
    weft_wg_done(g_wg);
}

/* Wait returns only after every Done. */
static void wg_wait_after_all_done(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    memset(wg_flags, 0, sizeof wg_flags);
    weft_wg_add(g_wg, 2);
    WEFT_GO(wg_worker, 1);
    WEFT_GO(wg_worker, 2);
    weft_wg_wait(g_wg);
    tu_emit("flags=%d%d", wg_flags[1], wg_flags[2]);
    weft_wg_wait(g_wg); /* a second Wait at zero returns at once */
    tu_record();
}

/* A negative counter panics. */
static void wg_negative(void *arg)
{
    (void)arg;
    weft_wg *wg = weft_wg_make();
    weft_wg_done(wg);
}

static void wg_waiter(void *arg)
{
    (void)arg;
    weft_wg_wait(g_wg);
}

/* Add again after the counter reached zero but before a waiter's Wait returned: Go's reuse panic. */
static void wg_reused_before_wait_returned(void *arg)
{
    (void)arg;
    join_init();
    weft_wg_add(g_wg, 1);
    weft_go(wg_waiter, NULL);
    weft_wg_done(g_wg);
    weft_wg_add(g_wg, 1);
    weft_wg_done(g_wg);
}

/* ---- Once -------------------------------------------------------------- */

static weft_once *once;
static int once_runs, once_x;
static void once_fn(void *arg)
{
    (void)arg;
    once_runs++;
    once_x = 1;
    weft_touch(&once_x); /* other callers must not get past Do while fn is half done */
    once_x = 2;
}

static char once_seen[3];
static void once_caller(int i)
{
    weft_once_do(once, once_fn, NULL);
    once_seen[i] = (char)('0' + once_x);
    weft_wg_done(g_wg);
}

/* fn runs exactly once; every caller, concurrent or not, returns after fn has returned. */
static void once_runs_once(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    once = weft_once_make();
    once_runs = once_x = 0;
    memset(once_seen, '?', sizeof once_seen);
    weft_wg_add(g_wg, 2);
    WEFT_GO(once_caller, 1);
    WEFT_GO(once_caller, 2);
    weft_once_do(once, once_fn, NULL);
    once_seen[0] = (char)('0' + once_x);
    weft_wg_wait(g_wg);
    tu_emit("runs=%d seen=%c%c%c", once_runs, once_seen[0], once_seen[1], once_seen[2]);
    tu_record();
}

static void once_recursive_fn(void *arg)
{
    (void)arg;
    weft_once_do(once, once_fn, NULL);
}

/* Calling Do from inside its own fn blocks forever. */
static void once_recursive(void *arg)
{
    (void)arg;
    once = weft_once_make();
    weft_once_do(once, once_recursive_fn, NULL);
}

/* ---- Cond -------------------------------------------------------------- */

static weft_mutex *cv_m;
static weft_cond *cv_c;
static int cv_nwait;
static char cv_order[8];
static weft_chan *cv_woke;

static void cv_waiter(int id)
{
    weft_mutex_lock(cv_m);
    cv_order[cv_nwait++] = (char)id;
    weft_cond_wait(cv_c);
    weft_mutex_unlock(cv_m);
    char c = (char)id;
    weft_chan_send(cv_woke, &c);
}

static void cv_init(void)
{
    cv_m = weft_mutex_make();
    cv_c = weft_cond_make(cv_m);
    cv_nwait = 0;
    memset(cv_order, 0, sizeof cv_order);
    cv_woke = weft_chan_make(1, 0);
}

/* Lock cv_m and poll until n tasks wait on cv_c (returns holding the lock). */
static void cv_await_waiters(int n)
{
    weft_mutex_lock(cv_m);
    while (cv_nwait < n) {
        weft_mutex_unlock(cv_m);
        weft_yield();
        weft_mutex_lock(cv_m);
    }
}

/* Signal wakes one waiter, the longest waiting first. */
static void cond_signal_fifo(void *arg)
{
    (void)arg;
    tu_begin();
    cv_init();
    WEFT_GO(cv_waiter, 'A');
    WEFT_GO(cv_waiter, 'B');
    cv_await_waiters(2);
    weft_cond_signal(cv_c);
    weft_mutex_unlock(cv_m);
    char w1 = 0, w2 = 0;
    weft_chan_recv(cv_woke, &w1);
    weft_mutex_lock(cv_m);
    weft_cond_signal(cv_c);
    weft_mutex_unlock(cv_m);
    weft_chan_recv(cv_woke, &w2);
    tu_emit("waited=%s woke=%c%c", cv_order, w1, w2);
    tu_record();
}

/* Signal wakes exactly one: with two waiters and one signal, the other never wakes (a leak). */
static void cond_signal_wakes_only_one(void *arg)
{
    (void)arg;
    cv_init();
    WEFT_GO(cv_waiter, 'A');
    WEFT_GO(cv_waiter, 'B');
    cv_await_waiters(2);
    weft_cond_signal(cv_c);
    weft_mutex_unlock(cv_m);
    char w = 0;
    weft_chan_recv(cv_woke, &w);
}

/* Waiters in cond_broadcast_wakes_all: 3, or WEFT_COND_WAITERS (1 to 3; 2 keeps runs under valgrind short). */
static int broadcast_waiters(void)
{
    const char *s = getenv("WEFT_COND_WAITERS");
    int n = s ? atoi(s) : 3;
    return n >= 1 && n <= 3 ? n : 3;
}

/* Broadcast wakes every waiter. */
static void cond_broadcast_wakes_all(void *arg)
{
    (void)arg;
    tu_begin();
    cv_init();
    int nw = broadcast_waiters();
    for (int i = 0; i < nw; i++)
        WEFT_GO(cv_waiter, 'A' + i);
    cv_await_waiters(nw);
    weft_cond_broadcast(cv_c);
    weft_mutex_unlock(cv_m);
    int n = 0;
    for (int i = 0; i < nw; i++) {
        char w = 0;
        weft_chan_recv(cv_woke, &w);
        n += w >= 'A' && w < 'A' + nw;
    }
    if (n == nw)
        tu_emit("woken=all");
    else
        tu_emit("woken=%d", n);
    tu_record();
}

static void lw_waiter(void *arg)
{
    (void)arg;
    weft_mutex_lock(cv_m);
    weft_cond_wait(cv_c); /* no predicate: the signal may already be gone */
    weft_mutex_unlock(cv_m);
    weft_chan_send(cv_woke, "w");
}

/* Lost wakeup: when the signal comes before the wait, the waiter sleeps forever and the body deadlocks. */
static void cond_lost_wakeup_deadlock(void *arg)
{
    (void)arg;
    cv_init();
    weft_go(lw_waiter, NULL);
    weft_mutex_lock(cv_m);
    weft_cond_signal(cv_c);
    weft_mutex_unlock(cv_m);
    weft_chan_recv(cv_woke, NULL);
}

/* The same without waiting for the waiter: it leaks. */
static void cond_lost_wakeup_leak(void *arg)
{
    (void)arg;
    cv_init();
    cv_woke = weft_chan_make(1, 1);
    weft_go(lw_waiter, NULL);
    weft_mutex_lock(cv_m);
    weft_cond_signal(cv_c);
    weft_mutex_unlock(cv_m);
}

static weft_rwmutex *cw_rw;
static void cw_writer_waiter(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(cw_rw);
    cv_nwait++;
    weft_cond_wait(cv_c); /* releases and retakes the write side */
    tu_emit("woke holding=%d", !weft_rwmutex_tryrlock(cw_rw));
    weft_rwmutex_unlock(cw_rw);
    finished();
}

/* A Cond over an RWMutex's write side. */
static void cond_over_rwmutex(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    cv_nwait = 0;
    cw_rw = weft_rwmutex_make();
    cv_c = weft_cond_make_rw(cw_rw);
    weft_go(cw_writer_waiter, NULL);
    weft_rwmutex_lock(cw_rw);
    while (cv_nwait < 1) {
        weft_rwmutex_unlock(cw_rw);
        weft_yield();
        weft_rwmutex_lock(cw_rw);
    }
    weft_cond_signal(cv_c);
    weft_rwmutex_unlock(cw_rw);
    weft_chan_recv(g_done, NULL);
    tu_record();
}

static void cw_reader_waiter(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(cw_rw);
    cv_nwait++;
    weft_cond_wait(cv_c); /* releases and retakes the read side */
    tu_emit("woke reading=%d", !weft_rwmutex_trylock(cw_rw));
    weft_rwmutex_runlock(cw_rw);
    finished();
}

/* A Cond over an RWMutex's read side (Go's RLocker): a reader waits, a writer signals. */
static void cond_over_rlocker(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    cv_nwait = 0;
    cw_rw = weft_rwmutex_make();
    cv_c = weft_cond_make_rlocker(cw_rw);
    weft_go(cw_reader_waiter, NULL);
    /* the write side excludes the reader between its count and its wait (a read lock would not) */
    weft_rwmutex_lock(cw_rw);
    while (cv_nwait < 1) {
        weft_rwmutex_unlock(cw_rw);
        weft_yield();
        weft_rwmutex_lock(cw_rw);
    }
    weft_cond_signal(cv_c);
    weft_rwmutex_unlock(cw_rw);
    weft_chan_recv(g_done, NULL);
    tu_record();
}

/* ---- choose ------------------------------------------------------------ */

/* weft_choose explores every value. */
static void choose_every_value(void *arg)
{
    (void)arg;
    tu_begin();
    int a = weft_choose(3);
    int b = weft_choose(2);
    int c = weft_choose(1);
    tu_emit("%d%d%d", a, b, c);
    tu_record();
}

/* ---- WEFT_GO: typed arguments ------------------------------------------ */

static int gp_targets[8];

static void go0(void)
{
    tu_emit("go0");
    finished();
}
static void go1_int(int a)
{
    tu_emit("%d", a);
    finished();
}
static void go2_long(long a, long b)
{
    tu_emit("%ld %ld", a, b);
    finished();
}
static void go3_unsigned(unsigned a, unsigned b, unsigned c)
{
    tu_emit("%u %u %u", a, b, c);
    finished();
}
static void go4_char(char a, char b, char c, char d)
{
    tu_emit("%c%c%c %d", a, b, c, d);
    finished();
}
static void go5_double(double a, double b, double c, double d, double e)
{
    tu_emit("%g %g %g %g %g", a, b, c, d, e);
    finished();
}
static void go6_float(float a, float b, float c, float d, float e, float f)
{
    tu_emit("%g %g %g %g %g %g", (double)a, (double)b, (double)c, (double)d, (double)e, (double)f);
    finished();
}
static void go7_ptr(int *a, int *b, int *c, int *d, int *e, int *f, const char *g)
{
    int *p[6] = {a, b, c, d, e, f};
    int ok = 0;
    for (int i = 0; i < 6; i++)
        ok += p[i] == &gp_targets[i];
    tu_emit("ptrs=%d %s", ok, g);
    finished();
}
static void go3_small(short a, unsigned char b, bool c)
{
    tu_emit("%d %u %d", a, b, c);
    finished();
}
static void go8_int(int a, int b, int c, int d, int e, int f, int g, int h)
{
    tu_emit("%d %d %d %d %d %d %d %d", a, b, c, d, e, f, g, h);
    finished();
}
static void go8_long(long long a, long long b, long long c, long long d, long long e, long long f, long long g,
                     long long h)
{
    tu_emit("%lld %lld %lld %lld %lld %lld %lld %lld", a, b, c, d, e, f, g, h);
    finished();
}
static void go8_double(double a, double b, double c, double d, double e, double f, double g, double h)
{
    tu_emit("%g %g %g %g %g %g %g %g", a, b, c, d, e, f, g, h);
    finished();
}
static void go8_float(float a, float b, float c, float d, float e, float f, float g, float h)
{
    tu_emit("%g %g %g %g %g %g %g %g", (double)a, (double)b, (double)c, (double)d, (double)e, (double)f, (double)g,
            (double)h);
    finished();
}
static void go8_mixed(int a, long b, unsigned c, char d, double e, float f, int *g, const char *h)
{
    tu_emit("%d %ld %u %c %g %g %d %s", a, b, c, d, e, (double)f, g == &gp_targets[7], h);
    finished();
}
static void go8_mixed_fp_first(double a, float b, double c, float d, int e, char f, unsigned long g, void *h)
{
    tu_emit("%g %g %g %g %d %c %lu %d", a, (double)b, c, (double)d, e, f, g, h == (void *)&gp_targets[3]);
    finished();
}

/* WEFT_GO with 0 to 8 arguments of every kind: each arrives intact. */
static void go_typed_arguments(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    long lmin = LONG_MIN, lmax = LONG_MAX;
    unsigned u0 = 0, u1 = 1, umax = UINT_MAX;
    char c1 = 'x', c2 = 'y', c3 = 'z', c4 = -5;
    double d1 = 1.5, d2 = -2.25, d3 = 1e300, d4 = 0.0, d5 = -1e-300;
    float f1 = 0.5f, f2 = -1.5f, f3 = 3.25f, f4 = 1e30f, f5 = -0.0f, f6 = 7.0f;
    long long ll = -1234567890123LL;
    float f8 = 8.5f;
    unsigned long ulmax = ULONG_MAX;
    short sh = -300;
    unsigned char uc = 200;
    bool bt = true;

    WEFT_GO(go0);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go1_int, INT_MIN);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go2_long, lmin, lmax);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go3_unsigned, u0, u1, umax);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go4_char, c1, c2, c3, c4);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go3_small, sh, uc, bt);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go5_double, d1, d2, d3, d4, d5);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go6_float, f1, f2, f3, f4, f5, f6);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go7_ptr, &gp_targets[0], &gp_targets[1], &gp_targets[2], &gp_targets[3], &gp_targets[4],
            &gp_targets[5], "str");
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_int, 1, -2, 3, -4, 5, -6, 7, INT_MAX);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_long, ll, 2LL, 3LL, 4LL, 5LL, 6LL, 7LL, LLONG_MAX);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_double, d1, d2, d3, d4, d5, 6.0, 7.0, 8.125);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_float, f1, f2, f3, f4, f5, f6, 7.5f, f8);
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_mixed, -7, lmax, umax, c1, d2, f2, &gp_targets[7], "mixed");
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go8_mixed_fp_first, d1, f1, d3, f3, -9, c3, ulmax, (void *)&gp_targets[3]);
    weft_chan_recv(g_done, NULL);
    tu_record();
}

/* The arguments are evaluated and copied at the spawn, as Go's `go f(x)`. */
static void go_arguments_copied_at_spawn(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    int i = 1;
    double d = 2.5;
    WEFT_GO(go1_int, i);
    i = 2;
    weft_chan_recv(g_done, NULL);
    WEFT_GO(go5_double, d, d, d, d, d);
    d = 0;
    weft_chan_recv(g_done, NULL);
    tu_record();
}

/* ---- recover (weft_try) ---------------------------------------------------- */

static void p_failed(void *arg)
{
    (void)arg;
    weft_panic("failed");
}

static int g_once_runs;
static void count_run(void *arg)
{
    (void)arg;
    g_once_runs++;
}

static void once_do_panicking(void *o)
{
    weft_once_do((weft_once *)o, p_failed, NULL);
}

/* Go's sync TestOncePanic: Do panics through; the Once is done all the same, so a later Do does not run. */
static void recover_once_panic(void *arg)
{
    (void)arg;
    tu_begin();
    g_once_runs = 0;
    weft_once *o = weft_once_make();
    char msg[64] = "unset";
    bool ok = weft_try(once_do_panicking, o, msg, sizeof msg);
    weft_once_do(o, count_run, NULL);
    tu_emit("returned=%d msg=%s later_runs=%d", ok, msg, g_once_runs);
    tu_record();
}

static weft_once *g_once;
static void once_second_caller(void *arg)
{
    (void)arg;
    weft_once_do(g_once, count_run, NULL);
    finished();
}

/* A second caller waiting in Do while the first one's fn panics: it returns without running its fn. */
static void recover_once_panic_concurrent(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    g_once_runs = 0;
    g_once = weft_once_make();
    weft_go(once_second_caller, NULL);
    bool ok = weft_try(once_do_panicking, g_once, NULL, 0);
    weft_chan_recv(g_done, NULL);
    tu_emit("returned=%d runs=%d", ok, g_once_runs);
    tu_record();
}

static void send_one(void *c)
{
    int v = 1;
    weft_chan_send((weft_chan *)c, &v);
}

/* A send on a closed channel, recovered; the channel is still usable afterwards. */
static void recover_send_on_closed(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_chan_close(c);
    char msg[64];
    bool ok = weft_try(send_one, c, msg, sizeof msg);
    int v = 5;
    bool got = weft_chan_recv(c, &v);
    tu_emit("returned=%d msg=%s recv=%d v=%d", ok, msg, got, v);
    tu_record();
}

static weft_chan *g_res;
static void guarded_sender(void *c)
{
    char msg[64];
    int r = weft_try(send_one, c, msg, sizeof msg) ? 1 : 0;
    weft_chan_send(g_res, &r);
}

/* A sender parked on an unbuffered channel panics when it is closed: the panic is raised in the sender, so
 * its own weft_try recovers it, whether it parked before the close or sent after it. */
static void recover_parked_sender(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    g_res = weft_chan_make(sizeof(int), 1);
    weft_go(guarded_sender, c);
    weft_chan_close(c);
    int r = -1;
    weft_chan_recv(g_res, &r);
    tu_emit("sender returned=%d", r);
    tu_record();
}

static weft_mutex *g_mu;
static void lock_then_panic(void *arg)
{
    (void)arg;
    weft_mutex_lock(g_mu);
    weft_panic("while holding the lock");
}

/* Go: a mutex locked by the code that panicked stays locked (no defer ran). */
static void recover_mutex_stays_locked(void *arg)
{
    (void)arg;
    tu_begin();
    g_mu = weft_mutex_make();
    char msg[64];
    bool ok = weft_try(lock_then_panic, NULL, msg, sizeof msg);
    bool held = !weft_mutex_trylock(g_mu);
    weft_mutex_unlock(g_mu);
    bool again = weft_mutex_trylock(g_mu);
    tu_emit("returned=%d msg=%s held=%d relock=%d", ok, msg, held, again);
    tu_record();
}

static char g_inner[64];
static void inner_try(void *arg)
{
    (void)arg;
    bool ok = weft_try(p_failed, NULL, g_inner, sizeof g_inner);
    tu_emit("inner=%d", ok);
    weft_panic("outer %d", 2);
}

/* Tries nest: the innermost recovers; a panic after it returned goes to the outer one. */
static void recover_nested(void *arg)
{
    (void)arg;
    tu_begin();
    char msg[64];
    bool ok = weft_try(inner_try, NULL, msg, sizeof msg);
    tu_emit("inner_msg=%s outer=%d outer_msg=%s", g_inner, ok, msg);
    bool clean = weft_try(count_run, NULL, msg, sizeof msg);
    tu_emit("clean=%d msg=[%s]", clean, msg);
    tu_record();
}

static weft_chan *g_jobs;
static void run_job(void *arg)
{
    int n = *(int *)arg;
    if (n % 2)
        weft_panic("job %d failed", n);
    *(int *)arg = n * 10;
}

static void pool_worker(void *arg)
{
    (void)arg;
    int n;
    while (weft_chan_recv(g_jobs, &n)) {
        int job = n;
        char msg[64];
        int r = weft_try(run_job, &job, msg, sizeof msg) ? job : -n; /* the panic becomes an error value */
        weft_chan_send(g_res, &r);
    }
}

/* A worker pool turns each job's panic into an error result: every job gets an answer, no task dies. */
static void recover_worker_pool(void *arg)
{
    (void)arg;
    tu_begin();
    g_jobs = weft_chan_make(sizeof(int), 3);
    g_res = weft_chan_make(sizeof(int), 3);
    weft_go(pool_worker, NULL);
    weft_go(pool_worker, NULL);
    for (int i = 1; i <= 3; i++)
        weft_chan_send(g_jobs, &i);
    weft_chan_close(g_jobs);
    int ok = 0, errs = 0, sum = 0;
    for (int i = 0; i < 3; i++) {
        int r;
        weft_chan_recv(g_res, &r);
        if (r < 0)
            errs++, sum -= r;
        else
            ok++, sum += r;
    }
    tu_emit("ok=%d errors=%d sum=%d", ok, errs, sum);
    tu_record();
}

static weft_cond *g_cv;
static weft_chan *g_ch;
static void wait_unlocked(void *arg)
{
    (void)arg;
    weft_cond_wait(g_cv); /* its mutex is not locked: Go's "sync: unlock of unlocked mutex" */
}

static void recovered_waiter(void *arg)
{
    (void)arg;
    char msg[64];
    bool ok = weft_try(wait_unlocked, NULL, msg, sizeof msg);
    int v = 0;
    weft_chan_recv(g_ch, &v);
    tu_emit("returned=%d msg=%s v=%d", ok, msg, v);
    finished();
}

/* A Wait whose unlock panics, recovered, leaves no waiter behind: a later Signal cannot complete the task's
 * next operation in its place. */
static void recover_cond_wait_unlocked(void *arg)
{
    (void)arg;
    tu_begin();
    join_init();
    g_cv = weft_cond_make(weft_mutex_make());
    g_ch = weft_chan_make(sizeof(int), 0);
    weft_go(recovered_waiter, NULL);
    weft_cond_signal(g_cv);
    int v = 7;
    weft_chan_send(g_ch, &v);
    weft_chan_recv(g_done, NULL);
    tu_record();
}

static void assert_inside(void *arg)
{
    (void)arg;
    weft_assert(1 == 2);
}

/* Only panics are recovered: a failed assertion still ends the execution. */
static void recover_not_assert(void *arg)
{
    (void)arg;
    weft_try(assert_inside, NULL, NULL, 0);
}

static void spawn_panicker(void *arg)
{
    (void)arg;
    weft_go(p_failed, NULL);
}

/* A panic is recovered only in the task that raised it: the spawned task's panic ends the execution. */
static void recover_other_task(void *arg)
{
    (void)arg;
    weft_try(spawn_panicker, NULL, NULL, 0);
    weft_sleep(WEFT_SECOND);
}

/* Without weft_try, a panic inside a Once's function ends the execution as before. */
static void once_panic_unrecovered(void *arg)
{
    (void)arg;
    weft_once_do(weft_once_make(), p_failed, NULL);
}

/* ---- the table ------------------------------------------------------------ */

typedef struct sem_case {
    const char *name;
    void (*body)(void *);
    weft_verdict verdict;      /* what the exhaustive search must find */
    const char *msg;           /* a phrase of the report (verdict other than OK) */
    const char *outcomes[32];  /* the exact set of outcomes (verdict OK) */
} sem_case;

#define OK_CASE(fn, ...) {#fn, fn, WEFT_OK, NULL, {__VA_ARGS__, NULL}}
#define BUG_CASE(fn, v, m) {#fn, fn, v, m, {NULL}}

static const sem_case cases[] = {
    /* select */
    OK_CASE(select_two_ready, "case=0 v=1", "case=1 v=2"),
    OK_CASE(select_send_and_recv_ready, "case=0 v=0 len(out)=1 len(in)=1", "case=1 v=8 len(out)=0 len(in)=0"),
    OK_CASE(select_nil_cases, "case=2 v=5 then -1"),
    OK_CASE(select_default_only_when_nothing_ready, "-1 0 v=3"),
    OK_CASE(select_default_races_buffered_sender, "v=4", "default v=4"),
    OK_CASE(select_default_races_new_unbuffered_sender, "v=4", "default v=4"),
    BUG_CASE(select_empty_blocks, WEFT_DEADLOCK, "an empty select blocks forever"),
    BUG_CASE(select_send_on_closed, WEFT_PANIC, ": send on closed channel"),
    OK_CASE(select_blocked_then_woken, "case=0 v=1 then 2", "case=1 v=2 then 1"),
    OK_CASE(select_send_rendezvous, "got 9 case=1"),
    /* channels */
    OK_CASE(chan_buffered_fifo, "len=3 cap=3 1 2 3 len=0"),
    OK_CASE(chan_fifo_two_producers, "1 2 10 20", "1 10 2 20", "1 10 20 2", "10 1 2 20", "10 1 20 2", "10 20 1 2"),
    OK_CASE(chan_unbuffered_rendezvous, "stage=1"),
    OK_CASE(chan_buffered_no_rendezvous, "stage=0", "stage=1"),
    BUG_CASE(chan_unbuffered_send_alone, WEFT_DEADLOCK, "no task will receive from it"),
    OK_CASE(chan_close_wakes_all_receivers, "r1 ok=0 v=0 r2 ok=0 v=0 select=0 ok=0 v=0"),
    OK_CASE(chan_closed_buffered_drains_first, "1/1 2/1 0/0 nil-out ok=0"),
    OK_CASE(chan_zero_size_elements, "ok=1"),
    BUG_CASE(chan_send_on_closed, WEFT_PANIC, ": send on closed channel"),
    BUG_CASE(chan_close_with_blocked_sender, WEFT_PANIC, ": send on closed channel"),
    BUG_CASE(chan_close_closed, WEFT_PANIC, ": close of closed channel"),
    BUG_CASE(chan_close_nil, WEFT_PANIC, ": close of nil channel"),
    BUG_CASE(chan_nil_recv_blocks, WEFT_DEADLOCK, "a receive on a nil channel blocks forever"),
    BUG_CASE(chan_nil_send_leaks, WEFT_LEAK, "a send on a nil channel blocks forever"),
    /* mutex */
    OK_CASE(mutex_mutual_exclusion, "counter=3"),
    OK_CASE(mutex_absent_lost_update, "counter=1", "counter=2"),
    BUG_CASE(mutex_unlock_unlocked, WEFT_PANIC, ": sync: unlock of unlocked mutex"),
    BUG_CASE(mutex_not_reentrant, WEFT_DEADLOCK, "not reentrant"),
    OK_CASE(mutex_unlock_by_other_task, "relocked"),
    OK_CASE(mutex_trylock, "1 0 1"),
    OK_CASE(mutex_trylock_race, "try=0", "try=1"),
    /* RWMutex */
    OK_CASE(rwmutex_readers_share, "both readers in"),
    OK_CASE(rwmutex_writer_excludes_readers, "seen=0 x=2", "seen=2 x=2"),
    OK_CASE(rwmutex_writers_exclude, "done"),
    BUG_CASE(rwmutex_recursive_rlock_with_waiting_writer, WEFT_DEADLOCK, "writer preference"),
    OK_CASE(rwmutex_waiting_writer_blocks_tryrlock, "try=0", "try=1"),
    OK_CASE(rwmutex_trylocks, "1 1 0 1 0 0"),
    OK_CASE(rwmutex_runlock_by_other_task, "locked"),
    BUG_CASE(rwmutex_runlock_unlocked, WEFT_PANIC, ": sync: RUnlock of unlocked RWMutex"),
    BUG_CASE(rwmutex_unlock_unlocked, WEFT_PANIC, ": sync: Unlock of unlocked RWMutex"),
    BUG_CASE(rwmutex_unlock_read_locked, WEFT_PANIC, ": sync: Unlock of unlocked RWMutex"),
    /* WaitGroup */
    OK_CASE(wg_wait_after_all_done, "flags=11"),
    BUG_CASE(wg_negative, WEFT_PANIC, ": sync: negative WaitGroup counter"),
    BUG_CASE(wg_reused_before_wait_returned, WEFT_PANIC, ": sync: WaitGroup is reused before previous Wait has returned"),
    /* Once */
    OK_CASE(once_runs_once, "runs=1 seen=222"),
    BUG_CASE(once_recursive, WEFT_DEADLOCK, "inside the Once's function itself"),
    /* Cond */
    OK_CASE(cond_signal_fifo, "waited=AB woke=AB", "waited=BA woke=BA"),
    BUG_CASE(cond_signal_wakes_only_one, WEFT_LEAK, "no task will call Signal or Broadcast"),
    OK_CASE(cond_broadcast_wakes_all, "woken=all"),
    BUG_CASE(cond_lost_wakeup_deadlock, WEFT_DEADLOCK, "no task will call Signal or Broadcast"),
    BUG_CASE(cond_lost_wakeup_leak, WEFT_LEAK, "no task will call Signal or Broadcast"),
    OK_CASE(cond_over_rwmutex, "woke holding=1"),
    OK_CASE(cond_over_rlocker, "woke reading=1"),
    /* choose */
    OK_CASE(choose_every_value, "000", "010", "100", "110", "200", "210"),
    /* WEFT_GO */
    OK_CASE(go_typed_arguments,
            "go0 -2147483648 -9223372036854775808 9223372036854775807 0 1 4294967295 xyz -5 -300 200 1 "
            "1.5 -2.25 1e+300 0 -1e-300 0.5 -1.5 3.25 1e+30 -0 7 ptrs=6 str 1 -2 3 -4 5 -6 7 2147483647 "
            "-1234567890123 2 3 4 5 6 7 9223372036854775807 1.5 -2.25 1e+300 0 -1e-300 6 7 8.125 "
            "0.5 -1.5 3.25 1e+30 -0 7 7.5 8.5 -7 9223372036854775807 4294967295 x -2.25 -1.5 1 mixed "
            "1.5 0.5 1e+300 3.25 -9 z 18446744073709551615 1"),
    OK_CASE(go_arguments_copied_at_spawn, "1 2.5 2.5 2.5 2.5 2.5"),
    /* recover */
    OK_CASE(recover_once_panic, "returned=0 msg=failed later_runs=0"),
    OK_CASE(recover_once_panic_concurrent, "returned=0 runs=0", "returned=1 runs=1"),
    OK_CASE(recover_send_on_closed, "returned=0 msg=send on closed channel recv=0 v=0"),
    OK_CASE(recover_parked_sender, "sender returned=0"),
    OK_CASE(recover_mutex_stays_locked, "returned=0 msg=while holding the lock held=1 relock=1"),
    OK_CASE(recover_nested, "inner=0 inner_msg=failed outer=0 outer_msg=outer 2 clean=1 msg=[]"),
    OK_CASE(recover_worker_pool, "ok=1 errors=2 sum=24"),
    OK_CASE(recover_cond_wait_unlocked, "returned=0 msg=sync: unlock of unlocked mutex v=7"),
    BUG_CASE(recover_not_assert, WEFT_ASSERT, "assertion failed: 1 == 2"),
    BUG_CASE(recover_other_task, WEFT_PANIC, ": failed"),
    BUG_CASE(once_panic_unrecovered, WEFT_PANIC, ": failed"),
};

#define NCASES ((int)(sizeof cases / sizeof *cases))

static void run_case(void **state)
{
    const sem_case *c = *state;
    weft_options o = tu_exhaustive();
    tu_reset();
    weft_result r = weft_check(c->name, c->body, NULL, &o);
    tu_expect_verdict(&r, c->verdict);
    if (c->verdict == WEFT_OK) {
        assert_true(r.complete);
        assert_null(r.report);
        assert_true(tu_set_equals(c->outcomes));
        assert_int_equal(tu_recorded, r.executions);
    } else {
        assert_non_null(r.report);
        assert_non_null(r.replay);
        assert_contains(r.report, c->msg);
    }
    weft_result_free(&r);
}

int main(void)
{
    struct CMUnitTest tests[NCASES];
    for (int i = 0; i < NCASES; i++)
        tests[i] = (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
    return cmocka_run_group_tests_name("semantics", tests, NULL, NULL);
}
