/* dpor.h: the state of a DPOR search, shared by its exploration tree (dpor.c) and its race analysis (races.c). */
#ifndef WEFT_DPOR_H
#define WEFT_DPOR_H

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* A set of process ids (task id, or -1 for the clock), insertion-ordered. */
typedef struct iset {
    int *v;
    int n, cap;
} iset;

/* A block of cap ints (a power of two, at least 4) from the sets' pool (pool.c); aborts when memory is out. */
int *weft__pool_alloc(int cap) WEFT__HIDDEN;

/* Give back block v of cap ints (NULL or cap 0: nothing). */
void weft__pool_free(int *v, int cap) WEFT__HIDDEN;

/* A search begins (on) or ends using the pool: the pool's memory goes back to the system when none is left. */
void weft__pool_use(bool on) WEFT__HIDDEN;

/* Room for n elements in s. Sets start small: a search keeps many nodes alive (the rounds of iterative
 * bounding), each with several sets of a few processes. A set with cap 0 and elements is a view of memory
 * it does not own, never grown. */
static inline void iset_reserve(iset *s, int n)
{
    if (n <= s->cap)
        return;
    int c = s->cap ? 2 * s->cap : 4;
    while (c < n)
        c *= 2;
    int *v = weft__pool_alloc(c);
    if (s->n > 0)
        memcpy(v, s->v, sizeof *v * (size_t)s->n);
    weft__pool_free(s->v, s->cap);
    s->v = v;
    s->cap = c;
}

/* Give back s's storage (s is empty after). */
static inline void iset_free(iset *s)
{
    weft__pool_free(s->v, s->cap);
    *s = (iset){0};
}

/* s := the n ints at v (v may be a view: s takes a copy). */
static inline void iset_assign(iset *s, const int *v, int n)
{
    iset_reserve(s, n);
    if (n > 0) /* an empty set may have no storage yet */
        memcpy(s->v, v, sizeof *v * (size_t)n);
    s->n = n;
}

static inline void iset_add(iset *s, int x)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return;
    iset_reserve(s, s->n + 1);
    s->v[s->n++] = x;
}

/* Append the pair (a, b). */
static inline void iset_push2(iset *s, int a, int b)
{
    iset_reserve(s, s->n + 2);
    s->v[s->n++] = a;
    s->v[s->n++] = b;
}

/* Whether the set of pairs s holds (a, b). */
static inline bool has_pair(const iset *s, int a, int b)
{
    for (int i = 0; i + 1 < s->n; i += 2)
        if (s->v[i] == a && s->v[i + 1] == b)
            return true;
    return false;
}

/* Append the triple (a, b, c) (sets of triples: see handled). */
static inline void iset_add_triple(iset *s, int a, int b, int c)
{
    iset_reserve(s, s->n + 3);
    s->v[s->n++] = a;
    s->v[s->n++] = b;
    s->v[s->n++] = c;
}

/* Whether the set of triples s holds (a, b, c). */
static inline bool handled(const iset *s, int a, int b, int c)
{
    for (int i = 0; i + 2 < s->n; i += 3)
        if (s->v[i] == a && s->v[i + 1] == b && s->v[i + 2] == c)
            return true;
    return false;
}

static inline bool iset_has(const iset *s, int x)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return true;
    return false;
}

/* The home slot of key x in an open-addressing table of cap slots (a power of two): the high bits of a
 * multiplicative (Fibonacci) hash. Keys differing only in high bits (an object's kind and part, rt.h) must
 * not share a home slot, which the low bits of the product would give them. */
static inline int slot_home(int x, int cap)
{
    return (int)(((unsigned)x * 2654435761u) >> (32 - __builtin_ctz((unsigned)cap)));
}

/* A set of processes as a bitmap: bit id + 1 stands for process id (bit 0: the clock). A node's candidates: a
 * state of N enabled tasks costs N / 8 bytes, and membership is one load (an int list cost 4 N bytes and a scan). */
typedef struct pset {
    uint64_t *w;
    int nw, cap; /* words in use (bits past them are 0), allocated */
} pset;

/* s = the processes ids[0 .. n). */
static inline void pset_fill(pset *s, const int *ids, int n)
{
    int top = 0;
    for (int i = 0; i < n; i++)
        top = ids[i] + 1 > top ? ids[i] + 1 : top;
    int nw = top / 64 + 1;
    weft__grow((void **)&s->w, &s->cap, nw, sizeof *s->w);
    memset(s->w, 0, sizeof *s->w * (size_t)nw);
    s->nw = nw;
    for (int i = 0; i < n; i++)
        s->w[(ids[i] + 1) / 64] |= 1ull << ((ids[i] + 1) % 64);
}

static inline bool pset_has(const pset *s, int p)
{
    int b = p + 1;
    return b / 64 < s->nw && (s->w[b / 64] >> (b % 64) & 1);
}

/* Add every process of s to the insertion-ordered set out (ascending ids, then the clock, as the runtime lists
 * candidates). */
static inline void pset_add_to(const pset *s, iset *out)
{
    for (int i = 0; i < s->nw; i++)
        for (uint64_t b = s->w[i] & (i ? ~0ull : ~1ull); b; b &= b - 1)
            iset_add(out, i * 64 + __builtin_ctzll(b) - 1);
    if (s->nw && (s->w[0] & 1))
        iset_add(out, -1);
}

/* A branch point of the exploration tree. Task nodes are states: their candidates, the backtrack set that
 * races asked for, what was explored (done), what need not be (sleep) and what waits for a higher preemption
 * bound (later); data nodes are select cases and weft_choose. A node lives while it is on the path, has a
 * live child, or has entries queued for a later round (refs counts these).
 * Invariant: for a node on the path, `chosen` is the choice the current execution takes there, and its event
 * (footprint, vector clock) belongs to the current execution. */
typedef struct dnode {
    /* first, what a replay reads of every node of its path (one cache line: a search keeps many nodes) */
    int kind;        /* enum weft__branch_kind */
    int chosen;      /* task: the process chosen (task id, -1 clock); data: the index */
    int keep;        /* task: the candidate whose choice is no preemption (the running task), or -2: every
                      * candidate's is, when `preempting`; without it none is */
    int preempts;    /* preemptions the bound counts before this step (see cheap) */
    bool preempting;
    bool held;       /* task: the clock had a firing due that its fairness held (credit.c) */
    bool owed;       /* the event: its step paid for the clock's next firing, which could not come before it */
    bool all;        /* the event: dependent on everything (the clock, or a footprint too large) */
    bool joined;     /* the step completed another's or was amended: fp and vc grew while it ran, and fp0, vc0
                      * keep them as recorded (a replay starts from those, and its step joins and amends again) */
    iset cheap;      /* (process, preemptions) pairs: backtrack entries whose branch could have begun at an earlier
                      * state, before a run of independent steps, at that state's cost: the bound counts that
                      * (races.c, relocated_cost) */
    iset handled;    /* races with the event already handled: triples (version << 9 | process index, newest
                      * racing event, signature of the pending step's footprint) */
    int ev_of;       /* the process whose step fp and vc describe (-2: none yet); when it is `chosen`,
                      * re-executing the node's state finds the same event (the state is a function of the path
                      * from the root), and it is not computed again */
    int n;           /* data: alternatives */
    int parent;      /* the node this one is a child of, -1 for the root; free nodes: the next free one */
    int via;         /* the parent's choice that leads here */
    int depth;       /* its index on the path */
    int refs;        /* the path, live children and queued entries that hold it */
    pset cand;       /* task: candidates */
    iset bt, done, sleep, later;
    int scan;        /* task: the entries of bt before it are explored, asleep, queued or not candidates (each
                      * stays so: bt only grows, done and sleep never shrink, a queued one is done when taken) */
    /* the event (this execution) */
    iset fp;         /* footprint keys of the chosen step */
    iset vc;         /* its vector clock */
    iset fp0, vc0;
    iset wseq;       /* wakeup sequences of backtrack entries: [process, length, processes...] (races.c) */
    iset amk;        /* (process, key) pairs: keys the step of a process explored here, or asleep here, gained as
                      * it ran beyond its pending step's footprint (weft__dpor_amend: a timer it armed, the next
                      * operation it arrived at); a sleeper stays asleep only past steps independent of them too */
} dnode;

#define NO_ENTRY (-2) /* no process: processes are task ids and -1, the clock */

/* Vector clocks track the first VC_CAP processes; happens-before questions about later processes answer
 * "not known", which only adds races (sound, less reduction) and keeps memory bounded. */
#define VC_CAP 256

/* Branch points tracked per execution; deeper ones (a spinning task's 100000 steps) take the first allowed
 * alternative and make the search incomplete, keeping memory and time per step bounded. */
#define DPOR_MAX_NODES 20000

/* Nodes kept alive for later rounds of iterative bounding (a few hundred bytes each); beyond, entries beyond
 * the bound are given up and the next round starts over from the root, as dfs's rounds do. */
#ifndef DPOR_MAX_LIVE /* tests of the fallback build with a small one */
#define DPOR_MAX_LIVE 200000
#endif

/* A backtrack entry left for a later round: choose `choice` at node `node`. */
typedef struct ditem {
    int node, choice;
} ditem;

/* The DPOR state of one check. Iterative preemption bounding does not start over at each bound: an entry the
 * bound forbids waits in `later` with its node (and the node's ancestors) kept, and the next round runs only
 * those entries, replaying the path to each; so no execution is run twice across rounds. */
struct dpor {
    dnode *nodes;    /* the node pool; a node's memory is kept for reuse when it is freed */
    int allocated, cnodes, free_node;
    int live;        /* nodes in use */
    bool overflow;   /* too many nodes kept for later rounds: the next round starts over instead */
    int *path;       /* the path: node ids from the root */
    int npath, cpath;
    int floor;       /* path entries below it belong to the round's earlier work: not explored further */
    ditem *now, *later; /* entries for this round's bound (now[hnow .. nnow) still to explore), and for the next */
    int nnow, cnow, nlater, clater, hnow;
    /* this execution */
    int *ev;         /* event index -> path index */
    int nev, cev;
    int nproc;       /* processes seen: index = id + 1 */
    iset *pvc;       /* per process: its vector clock (v[j] = 1 + index of the latest event of process j known) */
    int *ver;        /* per process: how often its pending step changed (it moved, or was woken) */
    struct fpcache {
        long long exec;             /* valid in execution exec, at process version ver, as of event nev: later */
        int nev, ver;               /* events that touch none of its objects leave it as it is (the clock's is */
        int n;                      /* valid at nev only: it follows every timer); n keys, or -1: dependent on */
        int keys[64];               /* everything */
        bool checked;               /* its races were looked for since it was computed (weft__dpor_races_now) */
    } *fpc;          /* per process: its pending step's footprint (computed several times per state) */
    char *watched;   /* per process: 1 watched (in `watch`), 2 no longer but still in `watch`, 0 neither */
    long long *mark; /* per process: the state (nstate) at which it was last seen a candidate */
    long long nstate;
    iset watch;      /* tasks whose pending step another's step can complete (weft__opdesc.handed): their races are
                      * looked for at every state, as they may never take a step of their own; the others' when they
                      * take it, and at the end of the execution */
    iset moved;      /* tasks whose pending step changed since the last state (they moved, were woken or spawned) */
    /* the watched tasks by the objects their pending step names, so that a state looks again only at those an
     * event since touched: object -> (task, ver at registration) pairs, stale pairs dropped as met; slots of
     * an earlier execution are free (open addressing) */
    struct wslot {
        long long exec;
        int obj;
        iset ids;
    } *wmap;
    int wcap, wn;
    iset watch_all;  /* watched tasks whose step is dependent on everything: (task, ver) pairs, looked at always */
    int wseen;       /* events whose objects' watchers were looked at */
    bool wfull;      /* every watched task is to be looked at (the first state after the replayed prefix) */
    long long exec;  /* counts executions */
    int cproc;
    /* open addressing: key base -> the last event writing it (its clock is its node's), the events accessing it
     * since in a commuting mode (event << 2 | mode), and per mode the join of their clocks (rvc[3 * slot + mode
     * - 1]) */
    int *lastk;
    int *lastw;
    iset *reads;
    char *rmode;     /* per slot: the mode of every access in reads (none, or several: RMODE_MIXED in races.c) */
    iset *rvc;
    int cmap, nmap;
    int last_clock;  /* the last event dependent on everything (the clock), -1; every later event knows its clock */
    int unnoted;     /* the newest event while its step runs (-1 none): its keys go into the tables once the step
                      * is over (weft__dpor_flush), so that races looked for as it grows (amends) see the tables
                      * without it */
    iset joins;      /* scratch: the steps a firing comes after (its JOIN keys, credit.c) */
    iset tmp, ini, seen, races, notdep, known; /* scratch */
    iset prestep;    /* the newest event's process's clock before its step, joined with what the step learnt as it
                      * grew (amends, joins): its races looked for again then (weft__dpor_amend) */
    iset child;      /* sleep set for the next new node */
    iset child_amk;  /* and its sleepers' amended keys (dnode.amk) */
    iset forced;     /* the wakeup sequence the branch under way follows (processes, from fpos) */
    int fpos;
    bool have_child;
    bool clock_was;  /* the clock had a firing due at the previous state (a candidate, or held: credit.c) */
    bool clock_due;  /* while the clock's races are looked for: it has a firing due at the present state */
    bool debug;      /* WEFT_DBG set: print each event, race and pruning on stderr */
    bool stepping;   /* the newest event's step is under way: objects are changing, footprints are not cached */
    int replaying;   /* path entries below it replay the previous execution's states: their races were found then */
    int last_task;   /* the path's last task node: the states before it need no sleep set for a new child */
    int charged;     /* the preemptions the bound counts up to the newest node's choice */
    int bound;       /* the preemption bound of this execution's round, -1 none */
    int midkeys[64]; /* a footprint computed while stepping */
    /* The trail (trail.c): how to undo each change of the tables above (key map, process clocks and versions)
     * since the root, so that an execution replaying a prefix of the previous one starts from the
     * tables as they were there instead of building them again. ck[k] is the path's state at the entry of its
     * node k: its node and choice (a data node's too), and for a task node the trail's length then and the
     * scalars. Invariant: for k < nck, ck[k] describes the previous execution's path; the trail holds the
     * undo records of its changes, in order, up to the end of that execution, unless !trail_ok. */
    iset trail;
    struct dck {
        int node, chosen; /* the path entry and its choice (NO_ENTRY: none made) */
        int tn;           /* trail length at the entry of a task node (after its moved record), else -1 */
        int nev, nproc, last_clock;
        bool clock_was;
    } *ck;
    int nck, cck;
    bool trail_ok;   /* the trail is complete (the key map did not grow, no execution outran DPOR_MAX_NODES) */
    bool tlog;       /* changes are recorded on the trail now */
    int ffwd;        /* path entries below it replay without the race analysis: the tables were restored to
                      * their state at ffwd (0: none) */
    bool no_trail;   /* WEFT_NO_TRAIL set: never restore, every replay builds the tables (test_dpor compares) */
};

/* Trail records (trail.c): the payload, then a header (length << 4 | type). */
enum { T_SLOT_NEW, T_LASTW, T_RMODE, T_READS_N, T_READS, T_RVC, T_PVC, T_VER, T_MOVED };

/* Room for n more ints on the trail. */
static inline int *trail_room(struct dpor *d, int n)
{
    iset_reserve(&d->trail, d->trail.n + n);
    return d->trail.v + d->trail.n;
}

/* Record (a, b) of type t: a slot's scalar, a process's version. */
static inline void trail_pair(struct dpor *d, int t, int a, int b)
{
    if (!d->tlog)
        return;
    int *w = trail_room(d, 3);
    w[0] = a;
    w[1] = b;
    w[2] = 2 << 4 | t;
    d->trail.n += 3;
}

/* Record the set s as it is (type t, about index i: a slot, an rvc, a process; -1 none) before it changes. */
static inline void trail_set(struct dpor *d, int t, int i, const iset *s)
{
    if (!d->tlog)
        return;
    int *w = trail_room(d, s->n + 3);
    if (s->n > 0)
        memcpy(w, s->v, sizeof *w * (size_t)s->n);
    w[s->n] = i;
    w[s->n + 1] = s->n;
    w[s->n + 2] = (s->n + 2) << 4 | t;
    d->trail.n += s->n + 3;
}

/* Undo the trail's records down to length tn (the tables go back to their state then). */
void weft__trail_undo(struct dpor *d, int tn) WEFT__HIDDEN;

/* The execution about to run: restore the tables at the latest task node of the path its prefix shares with the
 * previous execution (its replay skips the race analysis up to there: d->ffwd); 0 when none (start afresh). */
int weft__trail_restart(struct dpor *d) WEFT__HIDDEN;

/* Note the path's node k (task or data) at the entry of its choose, before the race analysis of a task node. */
void weft__trail_mark(struct dpor *d, int k, bool task) WEFT__HIDDEN;

/* The preemptions the bound counts for choosing p at node nd: those before it, one more if the choice preempts,
 * or fewer where the branch could have begun earlier (nd->cheap). */
static inline int choice_cost(const dnode *nd, int p)
{
    for (int i = 0; i + 1 < nd->cheap.n; i += 2)
        if (nd->cheap.v[i] == p)
            return nd->cheap.v[i + 1];
    return nd->preempts + (nd->preempting && p != nd->keep);
}

/* The node at path index k, and the node of event e. */
#define PN(d, k) (&(d)->nodes[(d)->path[k]])
#define EN(d, e) PN(d, (d)->ev[e])

/* A new execution begins: the race analysis's tables as they were at the latest task node its path shares with
 * the previous execution's (weft__trail_restart; d->ffwd), or empty. */
void weft__dpor_races_begin(struct dpor *d) WEFT__HIDDEN;

/* Race checks at a state: for the tasks whose pending step another's step can complete, and for the clock
 * when it is one of the ncand candidates cand (or could move before the last step). A task's other pending
 * steps are checked when it takes them (weft__dpor_record) or at the end (weft__dpor_races_end). `replay`: a
 * state the previous execution went through, whose races were found then (only the bookkeeping is done). */
void weft__dpor_races_now(struct dpor *d, const int *cand, int ncand, bool replay) WEFT__HIDDEN;

/* Race checks at the end of an execution: every task's pending step (blocked, or left when it ended). */
void weft__dpor_races_end(struct dpor *d) WEFT__HIDDEN;

/* Record the event of the node at path index k, whose process is about to take its step (its races with the
 * events before are looked for first). */
void weft__dpor_record(struct dpor *d, int k) WEFT__HIDDEN;

/* A view of the footprint of process p's pending step for races and sleep sets (valid until a new process is
 * seen); false when it is dependent on everything. */
bool weft__dpor_pending_fp(struct dpor *d, int p, iset *view) WEFT__HIDDEN;

/* Whether steps with footprints a and b (or dependent on everything: aall, ball) are dependent. */
bool weft__dpor_dependent(const iset *a, bool aall, const iset *b, bool ball) WEFT__HIDDEN;

/* The step under way (the newest event) also completes task id's pending step: it comes after id's events. */
void weft__dpor_join(struct dpor *d, int id) WEFT__HIDDEN;

/* The step under way is over: its event goes into the tables of the keys it accessed (the last write of those
 * it writes, a read of the others). Called before the next choice and at the end of an execution. */
void weft__dpor_flush(struct dpor *d);
/* The step under way (the newest event) also accesses key `key`: its races, clock and the next sleep set follow. */
void weft__dpor_amend(struct dpor *d, int key) WEFT__HIDDEN;

#endif
