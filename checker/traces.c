/* traces.c: count the distinct Mazurkiewicz traces a check ran (--count-traces), each execution's events with
 * the order of their dependent pairs under the relation dpor uses; for tests and benchmarks of partial-order
 * reduction. */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* One event: a step of process `proc` (task id, -1 the clock). */
typedef struct tev {
    int proc;
    int local;          /* its index among proc's events */
    uint64_t what;      /* hash of the process, the operation and the choices made before it */
    int koff, nk;       /* footprint keys in keys[koff .. koff + nk) */
    bool all;           /* dependent on everything */
    int after;          /* an event that must precede it (it was woken or spawned by that event), or -1 */
    int join;           /* another event that must precede it (the last one of the partner it completed), or -1 */
} tev;

/* Invariant: ev[0..nev) are the events of the current execution in the order they happened. */
struct weft__traces {
    tev *ev;
    int nev, cev;
    int *keys;
    int nkeys, ckeys;
    struct pslot {
        int count;      /* events so far */
        int pending;    /* the event that woke or spawned it since, or -1 */
        int last;       /* its last event, or -1 */
        uint64_t data;  /* choices it made since its last event (they belong to its next one), 0 none */
    } *proc;            /* per process, at id + 1 */
    int nproc, cproc;
    uint64_t *set;      /* hashes of the traces seen (open addressing, 0 empty) */
    long long cset, nset;
};

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void oom(void *p)
{
    if (!p) {
        fprintf(stderr, "weft: out of memory (trace counting)\n");
        abort();
    }
}

/* A trace counter for one check. */
struct weft__traces *weft__traces_new(void)
{
    struct weft__traces *t = calloc(1, sizeof *t);
    oom(t);
    return t;
}

static void proc_slot(struct weft__traces *t, int p)
{
    int i = p + 1;
    if (i < t->nproc)
        return;
    weft__grow((void **)&t->proc, &t->cproc, i + 1, sizeof *t->proc);
    for (int j = t->nproc; j <= i; j++)
        t->proc[j] = (struct pslot){0, -1, -1, 0};
    t->nproc = i + 1;
}

/* A new execution begins. */
void weft__traces_begin(struct weft__traces *t)
{
    t->nev = t->nkeys = t->nproc = 0;
}

/* Process p (task id, -1 the clock) is about to take its pending step. */
void weft__traces_event(struct weft__traces *t, int p)
{
    proc_slot(t, p);
    weft__grow((void **)&t->ev, &t->cev, t->nev + 1, sizeof *t->ev);
    tev *e = &t->ev[t->nev++];
    e->proc = p;
    e->local = t->proc[p + 1].count++;
    e->after = t->proc[p + 1].pending;
    e->join = -1;
    t->proc[p + 1].pending = -1;
    t->proc[p + 1].last = t->nev - 1;
    e->koff = t->nkeys;
    e->nk = 0;
    e->all = true;
    e->what = mix((uint64_t)(p + 1) ^ t->proc[p + 1].data);
    t->proc[p + 1].data = 0;
    int keys[64];
    int n = p < 0 ? weft__clock_footprint(keys, 64) : weft__footprint(p, keys, 64);
    const char *op = p < 0 ? "clock" : weft__R.tasks[p]->op;
    for (const char *c = op ? op : ""; *c; c++)
        e->what = mix(e->what ^ (unsigned char)*c);
    if (n < 0)
        return;
    e->all = false;
    weft__grow((void **)&t->keys, &t->ckeys, t->nkeys + n, sizeof *t->keys);
    for (int i = 0; i < n; i++) /* not hashed: touched addresses are numbered in the order first seen */
        t->keys[t->nkeys++] = keys[i];
    e->nk = n;
}

/* The running task chose alternative v (a select's case, a weft_choose value): part of its history, counted
 * with its next event (a choice made between two events is not itself one). */
void weft__traces_data(struct weft__traces *t, int v)
{
    int p = weft__R.cur ? weft__R.cur->id : -1;
    proc_slot(t, p);
    t->proc[p + 1].data = mix(t->proc[p + 1].data ^ (0x100000000ull + (uint64_t)v));
}

/* Task id was woken (or spawned) by the step under way: its next event comes after it. */
void weft__traces_after(struct weft__traces *t, int id)
{
    proc_slot(t, id);
    t->proc[id + 1].pending = t->nev - 1;
}

/* The event under way completes task id's pending step too: it comes after id's last event. */
void weft__traces_join(struct weft__traces *t, int id)
{
    proc_slot(t, id);
    if (t->nev > 0)
        t->ev[t->nev - 1].join = t->proc[id + 1].last;
}

/* The event under way also accesses key `key` (its keys are the last in t->keys). */
void weft__traces_amend(struct weft__traces *t, int key)
{
    if (t->nev == 0 || t->ev[t->nev - 1].all)
        return;
    tev *e = &t->ev[t->nev - 1];
    for (int i = 0; i < e->nk; i++) { /* as dpor: another mode of the same base makes a write */
        int *k = &t->keys[e->koff + i];
        if (WEFT__KEY_BASE(*k) == WEFT__KEY_BASE(key)) {
            if (*k != key)
                *k = WEFT__KEY_BASE(key) << 2;
            return;
        }
    }
    weft__grow((void **)&t->keys, &t->ckeys, t->nkeys + 1, sizeof *t->keys);
    t->keys[t->nkeys++] = key;
    t->ev[t->nev - 1].nk++;
}

static bool dependent(const struct weft__traces *t, const tev *a, const tev *b)
{
    if (a->all || b->all || a->proc == b->proc)
        return true;
    for (int i = 0; i < a->nk; i++)
        for (int j = 0; j < b->nk; j++)
            if (weft__keys_conflict(t->keys[a->koff + i], t->keys[b->koff + j]))
                return true;
    return false;
}

/* The execution ended: add its trace to the set. Two executions are the same trace when they have the same
 * events and order every dependent pair of them the same way (Mazurkiewicz), so the trace is hashed as the
 * set of its events, each with the set of the earlier events it depends on or was woken by. (A Foata normal
 * form, the events by layer, is no canonical form when footprints follow the state: two orders of a pair
 * dependent in one and independent in the other can give the same layers.) O(events^2): a tool for tests
 * and benchmarks. */
void weft__traces_end(struct weft__traces *t)
{
    uint64_t h = 0;
    for (int j = 0; j < t->nev; j++) {
        const tev *e = &t->ev[j];
        uint64_t id = mix(e->what ^ (uint64_t)(unsigned)e->local << 32), before = 0;
        for (int i = 0; i < j; i++)
            if (i == e->after || i == e->join || dependent(t, &t->ev[i], e))
                before += mix(mix(t->ev[i].what ^ (uint64_t)(unsigned)t->ev[i].local << 32) + 1);
        h += mix(id ^ mix(before));
    }
    for (int i = 0; i < t->nproc; i++) /* choices after a process's last event */
        if (t->proc[i].data)
            h += mix(t->proc[i].data ^ ((uint64_t)(unsigned)i << 40) ^ (uint64_t)t->proc[i].count);
    if (!h)
        h = 1;
    if (2 * (t->nset + 1) > t->cset) {
        long long oc = t->cset;
        uint64_t *old = t->set;
        t->cset = oc ? 2 * oc : 1024;
        t->set = calloc((size_t)t->cset, sizeof *t->set);
        oom(t->set);
        t->nset = 0;
        for (long long i = 0; i < oc; i++) {
            if (!old[i])
                continue;
            long long k = (long long)(old[i] & (uint64_t)(t->cset - 1));
            while (t->set[k])
                k = (k + 1) & (t->cset - 1);
            t->set[k] = old[i];
            t->nset++;
        }
        free(old);
    }
    long long k = (long long)(h & (uint64_t)(t->cset - 1));
    while (t->set[k] && t->set[k] != h)
        k = (k + 1) & (t->cset - 1);
    if (!t->set[k]) {
        t->set[k] = h;
        t->nset++;
    }
}

/* Distinct traces seen so far. */
long long weft__traces_count(const struct weft__traces *t)
{
    return t->nset;
}

/* Release a trace counter. */
void weft__traces_free(struct weft__traces *t)
{
    if (!t)
        return;
    free(t->ev);
    free(t->keys);
    free(t->proc);
    free(t->set);
    free(t);
}
