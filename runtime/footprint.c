/* footprint.c: what a pending step may read or change, as small integer keys, for partial-order reduction. */
#include "rt.h"

#define uthash_malloc(sz) weft__arena_alloc(sz)
#define uthash_free(ptr, sz) ((void)(ptr), (void)(sz))
#define uthash_fatal(msg) abort()
#include <stdlib.h>
#include <uthash.h>

/* A touched address and its per-execution number (lookups only: no order depends on the hash). */
typedef struct weft__addr {
    const void *key;
    int id;
    UT_hash_handle hh;
} weft__addr;

/* A key: the object's kind and number, a part of the object (a channel's receiving and sending ends), and the
 * mode in the low two bits (rt.h). Numbers beyond 22 bits wrap: two objects then share keys, which only adds dependence. */
#define BASE(kind, part, id) (((kind) << 24) | ((part) << 22) | ((id) & ((1 << 22) - 1)))
#define KIND_ADDR 31
#define KIND_TIME 30 /* the clock and the set of armed timers: one key */
#define KIND_EN 28   /* whether a task can move (credit.c) */
#define TIME BASE(KIND_TIME, 0, 0)
#define W(base) ((base) << 2)
#define RD(base) (((base) << 2) | WEFT__KM_READ)
#define DEC(base) (((base) << 2) | WEFT__KM_DEC)
#define INC(base) (((base) << 2) | WEFT__KM_INC)

/* The parts of an object. A buffered channel: its receiving end (HEAD: receivers compete for it), its sending
 * end (TAIL: senders compete for it, and close makes them panic); its slots are keys of their own (slot_base).
 * An unbuffered channel: HEAD for its rendezvous, TAIL for whether it is closed, SPACE for the arrivals that a
 * select with several cases sees. A WaitGroup: HEAD whether the counter is zero, TAIL the counter, SPACE its
 * waiters. Other objects: HEAD. A mutex: its own part, WEFT__PART_LOCK (rt.h). */
enum { HEAD = 0, TAIL = 1, SPACE = 2 };

static int base_of(const void *obj, int part)
{
    const weft__obj *h = obj;
    return BASE(h->kind, part, h->id);
}

/* Public to weft: see rt.h. */
int weft__addr_id(const void *addr)
{
    weft__rt *R = &weft__R;
    weft__addr *a;
    HASH_FIND_PTR(R->addrs, &addr, a);
    if (!a) {
        a = weft__arena_alloc(sizeof *a);
        a->key = addr;
        a->id = ++R->naddrs;
        HASH_ADD_PTR(R->addrs, key, a);
    }
    return a->id;
}

/* Add key k (two accesses of one base in different modes make a write). */
static int add(int *keys, int n, int cap, int k)
{
    for (int i = 0; i < n; i++) {
        if (WEFT__KEY_BASE(keys[i]) != WEFT__KEY_BASE(k))
            continue;
        if (keys[i] != k)
            keys[i] = W(WEFT__KEY_BASE(k));
        return n;
    }
    if (n < cap)
        keys[n] = k;
    return n + 1;
}

static int withdrawn_keys(const weft__task *u, int *keys, int n, int cap);

/* A rendezvous on unbuffered channel c may complete a select that offers on c, which then stops offering on
 * its other channels: those are part of the step's footprint. The selects are found on c's waiter list (in
 * task id order). */
static int offering_select_keys(const weft_chan *c, const weft__task *self, int *keys, int n, int cap)
{
    if (!c->selects) /* no select of several cases offers on c (chan.c counts them) */
        return n;
    const weft__task *last = NULL; /* a select may name c twice: each task once */
    for (const weft__clause *w = c->h.wq_head; w && n < cap; w = w->wq_next) {
        const weft__task *u = w->task;
        if (u == last || u == self || u->state != WEFT__T_PENDING || !u->offers || u->ncl < 2)
            continue;
        last = u;
        n = withdrawn_keys(u, keys, n, cap);
    }
    return n;
}

/* The slots of a buffered channel: FULL(k) is filled by its k-th send (or by close, for the receive that then
 * finds it closed) and read by its k-th receive; EMPTY(k) is emptied by the k-th receive and needed by send
 * k + cap. A WaitGroup's FULL(k) is its k-th fall to zero. Slot keys order steps that never race (races.c),
 * so two slots must never share a key: the number is exact for the first 1024 channels and WaitGroups, and k
 * is taken modulo 2048, which keeps apart what is not already ordered (slots k and k + 2048 of a channel with
 * fewer than 2048 places are ordered through its head and tail). Beyond, the object's head stands for the
 * slot: an ordinary key, more dependence, no wrong order. */
enum { FULL = 0, EMPTY = 1 };
static int slot_base(const weft__obj *o, int part, unsigned k)
{
    bool wg = o->kind == WEFT__K_WG;
    if (o->id >= 1024 || (!wg && ((const weft_chan *)o)->cap >= 2048))
        return base_of(o, HEAD);
    return BASE(WEFT__KIND_SLOT, part, (int)((unsigned)wg << 21 | (unsigned)o->id << 11 | (k & 2047u)));
}

/* The keys of sending (or firing a timer into) buffered channel c in its present state: the k-th send orders
 * itself among senders (TAIL), fills slot k, and needs slot k - cap emptied (when the buffer is full it waits
 * for exactly that receive). A send and a receive that are both possible commute: they touch different slots. */
static int buffered_send_keys(const weft_chan *c, int *keys, int n, int cap)
{
    unsigned k = c->nrecv + (unsigned)c->len;
    n = add(keys, n, cap, W(base_of(c, TAIL)));
    n = add(keys, n, cap, W(slot_base(&c->h, FULL, k)));
    return k >= c->cap ? add(keys, n, cap, RD(slot_base(&c->h, EMPTY, k - (unsigned)c->cap))) : n;
}

/* The keys of channel clause cl of task t, in the channel's present state (conditional independence: on a
 * buffered channel, a send and a receive that can both proceed commute). */
static int chan_keys(const weft__task *t, const weft__clause *cl, int *keys, int n, int cap)
{
    const weft_chan *c = cl->obj;
    bool send = cl->kind == WEFT__CL_SEND;
    if (!c)
        return n;
    if (c->cap == 0) { /* HEAD: the rendezvous; TAIL: whether it is closed; SPACE: who has arrived */
        if (c->closed && send)
            return add(keys, n, cap, W(base_of(c, TAIL)));
        if (c->closed) /* after the close, or before it: paired with a sender waiting then, or first to pair */
            n = add(keys, add(keys, n, cap, RD(slot_base(&c->h, FULL, 0))), cap, RD(base_of(c, HEAD)));
        if (c->closed)
            return c->closed_on_senders ? add(keys, n, cap, RD(base_of(c, TAIL))) : n;
        n = add(keys, n, cap, W(base_of(c, HEAD)));
        n = add(keys, n, cap, RD(base_of(c, TAIL)));
        /* which cases are ready, and which partners a receive may pair with, depend on who has arrived (a
         * receive with one partner waiting was enabled by that one's arrival: they never race) */
        if (t->ncl > 1 || (!send && c->waiting[0] >= 2))
            n = add(keys, n, cap, W(base_of(c, SPACE)));
        return offering_select_keys(c, t, keys, n, cap);
    }
    if (send) /* on a closed channel it panics: TAIL orders it against close */
        return c->closed ? add(keys, n, cap, W(base_of(c, TAIL))) : buffered_send_keys(c, keys, n, cap);
    if (c->closed && c->len == 0) /* the zero value: after close, which fills the slot past the last element;
                                   * before the receives that took the elements, it would have taken one */
        return add(keys, add(keys, n, cap, RD(slot_base(&c->h, FULL, c->nrecv))), cap, RD(base_of(c, HEAD)));
    n = add(keys, n, cap, W(base_of(c, HEAD)));
    n = add(keys, n, cap, RD(slot_base(&c->h, FULL, c->nrecv)));
    return add(keys, n, cap, W(slot_base(&c->h, EMPTY, c->nrecv)));
}

/* The keys of select u completed by a partner's step: it stops offering on its channels, and no longer takes a
 * case that it could have taken by itself (an element or a close of another channel). */
static int withdrawn_keys(const weft__task *u, int *keys, int n, int cap)
{
    for (int j = 0; j < u->ncl; j++) {
        const weft_chan *c = u->cl[j].obj;
        if (!c)
            continue;
        if (c->cap) {
            n = chan_keys(u, &u->cl[j], keys, n, cap);
            continue;
        }
        n = add(keys, n, cap, W(base_of(c, HEAD)));
        n = add(keys, n, cap, RD(base_of(c, TAIL)));
        n = add(keys, n, cap, RD(slot_base(&c->h, FULL, 0)));
    }
    return n;
}

/* Close: senders then panic; the receive that finds the buffer drained sees it (the slot past the last element;
 * an unbuffered channel's only slot). */
static int close_keys(const weft_chan *c, int *keys, int n, int cap)
{
    if (!c)
        return n;
    n = add(keys, n, cap, W(base_of(c, TAIL)));
    return add(keys, n, cap, W(slot_base(&c->h, FULL, c->cap ? c->nrecv + (unsigned)c->len : 0)));
}

static int ctx_keys(const struct weft_ctx *c, int *keys, int n, int cap)
{
    n = add(keys, n, cap, W(base_of(c, HEAD)));
    n = close_keys(c->done, keys, n, cap);
    for (const struct weft_ctx *k = c->child; k && n < cap; k = k->sibling)
        n = ctx_keys(k, keys, n, cap);
    return n;
}

/* The WaitGroup rule: Wait observes whether the counter is zero (HEAD), which raising it from zero changes;
 * and it needs the counter's latest fall to zero (the fall's slot, kind SLOT: the step that makes the counter
 * zero is never reversed with a Wait it lets through). On the counter (TAIL), decrements commute with each other
 * (whichever reaches zero, zero is reached once) and increments above zero with each other, but not with each
 * other's kind (from one, the order decides whether zero is reached at all). Raising the counter from zero also
 * sees which tasks wait (SPACE: weft__wait_arrival_key). */
static int wg_keys(const weft__task *t, const weft_wg *wg, int *keys, int n, int cap)
{
    int zero = base_of(wg, HEAD), count = base_of(wg, TAIL), waiting = base_of(wg, SPACE);
    if (t->opc == WEFT__OP_WG_WAIT) {
        n = add(keys, n, cap, RD(zero));
        if (wg->counter > 0 || wg->zeros > 0)
            n = add(keys, n, cap, RD(slot_base(&wg->h, FULL, wg->counter > 0 ? wg->zeros : wg->zeros - 1)));
        return n;
    }
    int delta = t->cl[0].delta, before = wg->counter, after = before + delta;
    if (delta < 0) {
        n = add(keys, n, cap, DEC(count));
        if (after < 0) /* it panics */
            return add(keys, n, cap, W(zero));
        return after == 0 ? add(keys, n, cap, W(slot_base(&wg->h, FULL, wg->zeros))) : n;
    }
    if (delta > 0) { /* from zero it also leaves zero: a write */
        if (before == 0)
            return add(keys, add(keys, add(keys, n, cap, W(count)), cap, W(zero)), cap, W(waiting));
        return add(keys, n, cap, INC(count));
    }
    return n;
}

/* The Mutex rule: locks (and an unlock that panics) write the LOCK part; an unlock of a held mutex reads it, so
 * that the lock it lets in comes after it without the two ever being reversed (races.c: a lock is impossible
 * before the release of the lock it waits for; it races with the lock before that release instead). */
static int mutex_keys(const weft__task *t, const weft_mutex *m, int *keys, int n, int cap)
{
    if (m->h.kind != WEFT__K_MUTEX) /* a cond's RWMutex relocked */
        return add(keys, n, cap, W(base_of(m, HEAD)));
    int lock = base_of(m, WEFT__PART_LOCK);
    return add(keys, n, cap, t->opc == WEFT__OP_MUTEX_UNLOCK && m->locked ? RD(lock) : W(lock));
}

/* Cond.Wait releases the cond's lock: a mutex as an unlock does; an RWMutex's slot is written. */
static int cond_lock_keys(const weft_cond *cd, int *keys, int n, int cap)
{
    const weft__obj *l = cd->lock;
    if (l->kind != WEFT__K_MUTEX)
        return add(keys, n, cap, W(base_of(l, HEAD)));
    int lock = base_of(l, WEFT__PART_LOCK);
    return add(keys, n, cap, ((const weft_mutex *)l)->locked ? RD(lock) : W(lock));
}

/* The RWMutex rule: readers commute with readers; what they observe is the writer's slot. */
static int rw_keys(const weft__task *t, const weft_rwmutex *m, int *keys, int n, int cap)
{
    int slot = base_of(m, HEAD);
    switch (t->opc) {
    case WEFT__OP_RW_RLOCK:
        return add(keys, n, cap, m->wslot ? W(slot) : RD(slot));
    case WEFT__OP_RW_RUNLOCK: /* the last reader lets a waiting writer in; with none held it panics */
        return add(keys, n, cap, m->readers == 0 || (m->wslot && !m->writer && m->readers == 1) ? W(slot) : RD(slot));
    default:
        return add(keys, n, cap, W(slot));
    }
}

/* The keys of a timer firing now: its own state; what it sends on (as a buffered send: a full channel drops
 * the value); the context it cancels. */
static int fire_keys(const struct weft_timer *t, int *keys, int n, int cap)
{
    n = add(keys, n, cap, W(base_of(t, HEAD)));
    if (t->c) { /* a full channel drops the value: that sees the receive that would have made room */
        const weft_chan *c = t->c;
        unsigned k = c->nrecv + (unsigned)c->len;
        if (c->cap == 0)
            n = add(keys, n, cap, W(base_of(c, TAIL)));
        else if (c->len < c->cap)
            n = buffered_send_keys(c, keys, n, cap);
        else
            n = add(keys, n, cap, RD(slot_base(&c->h, EMPTY, k - (unsigned)c->cap)));
    }
    if (t->kind == WEFT__TM_CTX && t->ctx)
        n = ctx_keys(t->ctx, keys, n, cap);
    return n;
}

/* A sleeping task's wake-up: a slot that the clock step reaching its deadline fills. The sleep's end needs
 * that step and observes nothing else (not the time): it never races with it, and commutes with later moves
 * of the clock. */
static int wake_base(const weft__task *t)
{
    return BASE(WEFT__KIND_SLOT, 2, t->id);
}

/* A JOIN key: the step comes after step number `step` (no wrap: a step beyond 22 bits makes the footprint too
 * large, dependent on everything, rather than join the wrong step). */
static int join_step(long long step, int *keys, int n, int cap)
{
    if (step >= (1 << 22))
        return cap + 1;
    return add(keys, n, cap, RD(BASE(WEFT__KIND_JOIN, 0, (int)step)));
}

/* The clock's fairness (credit.c) in its step's footprint: it comes after the step that paid for this firing
 * of each task counted (one that could move since the last firing), and counts on whether each task that has
 * paid for no more than the firings so far can move (a write: the steps that start or stop it moving, which
 * increment it, race with the firing before them). */
static int fairness_keys(int *keys, int n, int cap)
{
    weft__rt *R = &weft__R;
    long long f = R->nfired;
    for (int i = 0, na = weft__alive(); i < na && n <= cap; i++) {
        weft__task *t = R->tasks[R->alive[i]];
        if (t->state != WEFT__T_PENDING)
            continue;
        if (t->seen == f && f > 0) {
            long long s = weft__credit_step_at(t, f);
            if (s >= 0)
                n = join_step(s, keys, n, cap);
        }
        if (t->credit <= f)
            n = add(keys, n, cap, W(weft__en_key(t->id)));
    }
    return n;
}

static int clock_keys(int64_t when, bool fair, int *keys, int cap);

/* The keys of the clock's pending step (at most cap; -1 when more): it moves time (a write of the clock, which
 * reading the time, arming a timer or a sleep, and stopping or resetting one also access), fires the timers
 * due by then and wakes the sleepers due by then (wake_base). */
int weft__clock_footprint(int *keys, int cap)
{
    int64_t when;
    if (!weft__clock_next(&when))
        return add(keys, 0, cap, W(TIME));
    return clock_keys(when, true, keys, cap);
}

/* Public to weft: see rt.h. */
int weft__clock_footprint_rest(int *keys, int cap)
{
    return clock_keys(INT64_MAX, false, keys, cap);
}

/* The keys of the clock's steps up to time `when`: it moves time, fires the timers due by then and wakes the
 * sleepers due by then; with `fair`, what its fairness counts on (at most cap; -1 when more). */
static int clock_keys(int64_t when, bool fair, int *keys, int cap)
{
    weft__rt *R = &weft__R;
    int n = add(keys, 0, cap, W(TIME));
    for (const struct weft_timer *t = R->timers; t && n <= cap; t = t->next)
        if (t->active && t->when <= when)
            n = fire_keys(t, keys, n, cap);
    for (int i = 0; i < R->nsleepers && n <= cap; i++) { /* the heap's sleeps not yet due, stale ones left out */
        const weft__sleeper *z = &R->sleepers[i];
        const weft__task *u = R->tasks[z->task];
        if (z->deadline <= when && u->state == WEFT__T_PENDING && u->arrival == z->arrival)
            n = add(keys, n, cap, W(wake_base(u)));
    }
    if (fair)
        n = fairness_keys(keys, n, cap);
    return n > cap ? -1 : n;
}

/* Public to weft: see rt.h. */
bool weft__key_times(int key)
{
    int kind = WEFT__KEY_KIND(key);
    return kind == KIND_TIME || kind == WEFT__K_TIMER || kind == WEFT__K_TICKER || kind == WEFT__K_CHAN;
}

/* Public to weft: see rt.h. */
int weft__en_key(int id)
{
    return BASE(KIND_EN, 0, id);
}



/* Every part of object o, written: whatever changes o conflicts with a busy-wait waiting on it. */
static int spin_keys(const weft__obj *o, int *keys, int n, int cap)
{
    if (o->kind == WEFT__K_MUTEX)
        return add(keys, n, cap, W(base_of(o, WEFT__PART_LOCK)));
    n = add(keys, n, cap, W(base_of(o, HEAD)));
    n = add(keys, n, cap, W(base_of(o, TAIL)));
    return add(keys, n, cap, W(base_of(o, SPACE)));
}

/* The key a step accesses when it arms a timer or starts a sleep (it reads the time and changes what the clock
 * does next): arming commutes with arming. */
int weft__time_arm_key(void)
{
    return INC(TIME);
}

/* The keys task `id`'s pending step may read or write, in the present state (at most cap; -1 when it would
 * need more, or is dependent on everything: a busy-wait let go because nothing else could move). A task
 * waiting on its busy-wait also writes every object it observed (spin.c): the steps that wake it come before
 * it. Two steps commute when no key of one conflicts with a key of the other (weft__keys_conflict). */
int weft__footprint(int id, int *keys, int cap)
{
    const weft__task *t = weft__R.tasks[id];
    int n = 0;
    if (weft__spin_escapes(t)) /* it goes because nothing else can: after everything */
        return -1;
    if (t->opc == WEFT__OP_SLEEP && t->ncl == 1 && t->cl[0].kind == WEFT__CL_SLEEP)
        return add(keys, n, cap, RD(wake_base(t)));
    if (t->opc == WEFT__OP_NOW || t->opc == WEFT__OP_SLEEP)
        return add(keys, n, cap, RD(TIME));
    for (int i = 0; i < t->ncl; i++) {
        const weft__clause *c = &t->cl[i];
        if (!c->obj)
            continue;
        switch (t->opc) {
        case WEFT__OP_TOUCH:
            n = add(keys, n, cap, W(BASE(KIND_ADDR, 0, weft__addr_id(c->obj))));
            continue;
        case WEFT__OP_CHAN_SEND:
        case WEFT__OP_CHAN_RECV:
        case WEFT__OP_SELECT:
            n = chan_keys(t, c, keys, n, cap);
            continue;
        case WEFT__OP_SELECT_DEFAULT: /* a poll: what each case finds, and on an unbuffered channel who arrived */
            n = chan_keys(t, c, keys, n, cap);
            if (((const weft_chan *)c->obj)->cap == 0)
                n = add(keys, n, cap, W(base_of(c->obj, SPACE)));
            continue;
        case WEFT__OP_MUTEX_TRYLOCK: /* it takes the lock, or finds it held: a lock either way */
            n = add(keys, n, cap, W(base_of(c->obj, WEFT__PART_LOCK)));
            continue;
        case WEFT__OP_CHAN_CLOSE:
            n = close_keys(c->obj, keys, n, cap);
            continue;
        case WEFT__OP_CHAN_LEN:
            n = add(keys, n, cap, RD(base_of(c->obj, HEAD)));
            n = add(keys, n, cap, RD(base_of(c->obj, TAIL)));
            continue;
        case WEFT__OP_WG_ADD:
        case WEFT__OP_WG_DONE:
        case WEFT__OP_WG_WAIT:
            n = wg_keys(t, c->obj, keys, n, cap);
            continue;
        case WEFT__OP_RW_LOCK:
        case WEFT__OP_RW_DRAIN:
        case WEFT__OP_RW_UNLOCK:
        case WEFT__OP_RW_RLOCK:
        case WEFT__OP_RW_RLOCK_PARKED:
        case WEFT__OP_RW_RUNLOCK:
            n = rw_keys(t, c->obj, keys, n, cap);
            continue;
        case WEFT__OP_ONCE_DO:
            n = add(keys, n, cap, ((const weft_once *)c->obj)->done ? RD(base_of(c->obj, HEAD)) : W(base_of(c->obj, HEAD)));
            continue;
        case WEFT__OP_COND_SIGNAL:
        case WEFT__OP_COND_BROADCAST:
            n = add(keys, n, cap, ((const weft_cond *)c->obj)->nwait ? W(base_of(c->obj, HEAD)) : RD(base_of(c->obj, HEAD)));
            continue;
        case WEFT__OP_COND_WAIT:
            n = add(keys, n, cap, W(base_of(c->obj, HEAD)));
            n = cond_lock_keys(c->obj, keys, n, cap);
            continue;
        case WEFT__OP_MUTEX_LOCK:
        case WEFT__OP_MUTEX_UNLOCK:
        case WEFT__OP_COND_RELOCK:
            n = mutex_keys(t, c->obj, keys, n, cap);
            continue;
        case WEFT__OP_TICKER_STOP:
        case WEFT__OP_TIMER_STOP:
        case WEFT__OP_TIMER_RESET: /* what the clock fires next changes */
            n = add(keys, n, cap, W(base_of(c->obj, HEAD)));
            n = add(keys, n, cap, W(TIME));
            continue;
        case WEFT__OP_CTX_CANCEL:
            n = ctx_keys(c->obj, keys, n, cap);
            continue;
        case WEFT__OP_CTX_ERR:
            n = add(keys, n, cap, RD(base_of(c->obj, HEAD)));
            continue;
        default:
            n = add(keys, n, cap, W(base_of(c->obj, HEAD)));
            continue;
        }
    }
    if (weft__R.nspinning > 0 && weft__spin_watching(t)) /* a busy-wait that waits: the steps that change what it
                                                            * observed enable it (nspinning: none is long enough) */
        for (int j = 0; j < t->spin.nseen; j++)
            n = spin_keys(t->spin.seen[j].obj, keys, n, cap);
    return n > cap ? -1 : n;
}

/* The key by which a task's arrival at Wait on wg is observed: raising the counter from zero while it waits is
 * a misuse (Go's reuse panic), so the step during which it arrives conflicts with those raises only; arrivals
 * commute with each other and with Done. */
int weft__wait_arrival_key(const weft_wg *wg)
{
    return RD(base_of(wg, SPACE));
}

/* The key by which a task's arrival at a channel operation without default is observed on channel c: on an
 * unbuffered channel, a partner's step may pair with it from then on. Only a step with a choice sees it: a
 * select with several cases or a receive with several partners (SPACE, written), or a poll (SPACE, written);
 * a receive with one partner was enabled by its arrival, never reversed with it (the rendezvous
 * joins the partner's clock). Arrivals commute
 * with each other and with close. None (-1) for a buffered channel: nothing pairs there. */
int weft__offer_key(const weft_chan *c)
{
    return c && c->cap == 0 ? RD(base_of(c, SPACE)) : -1;
}
