/* strategy.h: the interface every exploration strategy implements, and the explorer they serve. */
#ifndef WEFT_STRATEGY_H
#define WEFT_STRATEGY_H

#include "../runtime/rt.h"

/* One choice made in the current execution, as replay tokens record it. */
typedef struct weft__choice {
    int kind;      /* enum weft__branch_kind */
    int n;         /* alternatives offered */
    int index;     /* index chosen among them */
    int value;     /* what a token stores: 1 + the task id (0: the clock) for WEFT__BR_TASK, else the index */
    long long step; /* steps taken before it in the execution (R->nsteps when it was made) */
} weft__choice;

/* A branch point as a strategy sees it: `n` alternatives, of which the `nallowed` listed in `allowed`
 * (ascending) are permitted by the preemption bound. */
typedef struct weft__branch {
    int kind;
    int n;
    const int *ids;          /* WEFT__BR_TASK: candidate task ids, else NULL */
    const bool *preempt;     /* WEFT__BR_TASK: choosing i preempts; NULL: none does (and other branches) */
    const int *allowed;
    int nallowed;
} weft__branch;

struct weft__explorer;

/* A strategy: three calls, no access to runtime objects (it may read weft__R, through a const pointer). */
typedef struct weft__strategy {
    const char *name;
    /* before each execution */
    void (*begin)(struct weft__explorer *x);
    /* pick an element of b->allowed (return the alternative's index, not its position), or return
     * WEFT__PRUNE to abandon the execution, or weft__diverged(...) when re-executing the same choices went
     * otherwise: the runtime then ends the execution (a strategy never switches stacks) */
    int (*choose)(struct weft__explorer *x, const weft__branch *b);
    /* after an execution: true when there is another to run */
    bool (*next)(struct weft__explorer *x);
} weft__strategy;

/* One choice as a token records it: the value, the steps taken since the previous choice, and a 4-bit digest
 * of those steps (weft__steps_digest). */
typedef struct weft__tchoice {
    int value;
    long long delta;
    unsigned digest;
} weft__tchoice;

/* A decoded replay token: the flags that shape an execution, how it ended, and its choices (read in order with
 * weft__token_next; memory is bounded by the token's length). */
typedef struct weft__token {
    uint32_t fingerprint;   /* of the test name */
    int time_mode;          /* the flags the execution ran under */
    long long max_steps;
    size_t stack_size;
    int64_t leak_horizon;
    long long hang_ms;      /* > 0: the execution was stopped as hung this long after the time limit passed */
    int verdict;            /* how it ended */
    uint32_t end_digest;    /* weft__end_digest: task, site and message of the end */
    long long nvalues;      /* choices */
    uint32_t trace;         /* hash of the schedule */
    long long nsteps;       /* steps of the execution */
    struct weft__tokrd *rd; /* the choice reader (schedule.c) */
} weft__token;

/* The checker's side of a check. Invariant: `rec` holds the choices of the current execution only. */
typedef struct weft__explorer {
    const weft_options *opt;
    const weft__strategy *strat;
    int bound;               /* preemption bound in force, -1 none */
    bool cut;                /* the bound removed an alternative in this round */
    bool iterative;          /* the bound grows 0, 1, 2, ... until it cuts nothing */
    long long executions;
    weft__choice *rec;       /* choices of the current execution */
    int nrec, rec_cap;
    int *scratch;            /* allowed indices */
    int scratch_cap;
    int ident;               /* scratch[i] == i for i < ident */
    /* DFS: the path of branch points from the root, and the replay cursor */
    struct dfs_entry *path;
    int npath, path_cap, cursor;
    int *alts;               /* allowed lists of path entries, concatenated */
    int nalts, alts_cap;
    /* random */
    uint64_t rng;
    /* replay */
    const weft__token *token;
    int tcursor;
    /* dpor */
    struct dpor *dpor;
    int charged;             /* dpor: the preemptions its bound counts for the execution so far (fewer than the
                              * schedule's where a branch could have begun earlier: dpor.h, dnode.cheap) */
    long long pruned;        /* executions abandoned by sleep sets */
    bool deep;               /* dpor stopped branching in an execution too long to track */
    /* pct */
    struct pct *pct;
    /* shrink: the bug's execution, taken again in fewer preemptions */
    struct shrink *shrink;
    struct weft__traces *traces; /* --count-traces, else NULL */
    char why[256];           /* weft__diverged's message, for the runtime */
    /* statistics */
    long long longest;       /* steps of the longest execution so far */
} weft__explorer;

extern const weft__strategy weft__dfs WEFT__HIDDEN;
extern const weft__strategy weft__random WEFT__HIDDEN;
extern const weft__strategy weft__replay WEFT__HIDDEN;
extern const weft__strategy weft__dpor WEFT__HIDDEN;
extern const weft__strategy weft__pct WEFT__HIDDEN;
extern const weft__strategy weft__shrink WEFT__HIDDEN;
void weft__pct_free(struct pct *p) WEFT__HIDDEN;
void weft__dpor_free(struct dpor *d) WEFT__HIDDEN;
/* Shrinking (shrink.c): the events of the execution in which dpor search d found a bug (NULL: too long); which
 * ready event goes when the running task cannot go on (0 to 7, struct shrink's tie). */
struct shrink *weft__shrink_new(const struct dpor *d) WEFT__HIDDEN;
void weft__shrink_tie(struct shrink *s, int tie) WEFT__HIDDEN;
void weft__shrink_free(struct shrink *s) WEFT__HIDDEN;

/* Trace counting (traces.c). */
struct weft__traces *weft__traces_new(void) WEFT__HIDDEN;
void weft__traces_begin(struct weft__traces *t) WEFT__HIDDEN;
void weft__traces_event(struct weft__traces *t, int p) WEFT__HIDDEN;
void weft__traces_data(struct weft__traces *t, int v) WEFT__HIDDEN;
void weft__traces_after(struct weft__traces *t, int id) WEFT__HIDDEN;
void weft__traces_join(struct weft__traces *t, int id) WEFT__HIDDEN;
void weft__traces_amend(struct weft__traces *t, int key) WEFT__HIDDEN;
void weft__traces_end(struct weft__traces *t) WEFT__HIDDEN;
long long weft__traces_count(const struct weft__traces *t) WEFT__HIDDEN;
void weft__traces_free(struct weft__traces *t) WEFT__HIDDEN;
void weft__dpor_wake(struct dpor *d, int id) WEFT__HIDDEN;
void weft__dpor_spawn(struct dpor *d, int id, int parent) WEFT__HIDDEN;
void weft__dpor_join(struct dpor *d, int id) WEFT__HIDDEN;
void weft__dpor_amend(struct dpor *d, int key) WEFT__HIDDEN;

/* A strategy's choose, when re-executing its choices finds the program doing something else: keeps the
 * message (printf-style) for the runtime, which ends the execution; returns WEFT__DIVERGED (explore.c). */
int weft__diverged(weft__explorer *x, const char *fmt, ...) WEFT__HIDDEN WEFT__PRINTF(2, 3);

/* Grow *p (elements of size sz) to hold at least n; aborts when memory runs out. */
void weft__grow(void **p, int *cap, int n, size_t sz) WEFT__HIDDEN;

/* Tokens (schedule.c). */
char *weft__token_encode(const weft__explorer *x, const char *name) WEFT__HIDDEN;
char *weft__token_pack(const weft__token *h, const weft__tchoice *c) WEFT__HIDDEN;
bool weft__token_decode(const char *s, weft__token *t, char *err, size_t errlen) WEFT__HIDDEN;
bool weft__token_next(const weft__token *t, weft__tchoice *c) WEFT__HIDDEN;
void weft__token_rewind(const weft__token *t) WEFT__HIDDEN;
long long weft__token_step(const weft__token *t) WEFT__HIDDEN;
void weft__token_free(weft__token *t) WEFT__HIDDEN;
unsigned weft__steps_digest(long long from, long long to) WEFT__HIDDEN;
uint32_t weft__end_digest(void) WEFT__HIDDEN;
char *weft__token_seal(const unsigned char *p, size_t n) WEFT__HIDDEN;
uint32_t weft__fnv(uint32_t h, const void *p, size_t n) WEFT__HIDDEN;
uint32_t weft__trace_hash(void) WEFT__HIDDEN;

/* Replay (replay.c): the options a token imposes, and whether the replayed execution ended as the token's did
 * (if not, a one-line message naming the first difference). */
void weft__replay_options(const weft__token *t, weft_options *o) WEFT__HIDDEN;
bool weft__replay_same_end(const weft__explorer *x, char *msg, size_t n) WEFT__HIDDEN;

/* Reports (report.c). */
char *weft__report(const char *name, const char *token, const weft_options *o, const weft_result *r) WEFT__HIDDEN;
void weft__stats(char *buf, size_t n, const weft_result *r, const weft_options *o, bool json) WEFT__HIDDEN;

#endif
