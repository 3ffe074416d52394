/* rt.h: the runtime's internal types: objects, wait clauses, tasks and the one context struct. */
#ifndef WEFT_RT_H
#define WEFT_RT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "weft.h"
#include "ctx.h"

#define WEFT__HIDDEN __attribute__((visibility("hidden")))
#define WEFT__LIKELY(x) __builtin_expect(!!(x), 1)
#define WEFT__UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- Objects ----------------------------------------------------------- */

/* What kind of weft object a header belongs to. */
enum weft__kind {
    WEFT__K_NONE = 0,
    WEFT__K_CHAN,
    WEFT__K_MUTEX,
    WEFT__K_RWMUTEX,
    WEFT__K_WG,
    WEFT__K_ONCE,
    WEFT__K_COND,
    WEFT__K_TIMER,
    WEFT__K_TICKER,
    WEFT__K_CTX,
    WEFT__K_COUNT
};

/* The header every weft object starts with.
 * Invariant: gen equals the generation of the execution that made it; id is
 * 1 + the number of objects of the same kind made before it in that execution.
 * Invariant (waitq.c): the waiter list holds exactly the clauses of pending tasks that can wait on it (a channel
 * operation without default, a lock, a Wait, a Once, a parked task), ordered by task id, then clause index;
 * dirty iff it is on R->dirty, its state having changed since its waiters' readiness was last looked at. */
typedef struct weft__obj {
    uint32_t magic;     /* WEFT__MAGIC | kind: tells a weft object from stray memory */
    uint32_t gen;       /* execution generation (stale-handle check) */
    int kind;           /* enum weft__kind */
    int id;             /* per-kind sequence number in this execution, from 1 */
    const char *file;   /* creation site */
    int line;
    bool dirty;         /* on R->dirty */
    unsigned version;   /* counts its changes of state that are news to a busy-wait (spin.c), which waits for one */
    struct weft__clause *wq_head, *wq_tail; /* the waiter list (Go's sendq/recvq, libdill's clause list) */
    struct weft__obj *next_dirty;           /* R->dirty link */
} weft__obj;
#define WEFT__MAGIC 0x77656600u /* "wef\0" */

/* ---- Operations ---------------------------------------------------------- */

/* Every visible operation, typed: what it is decides its dependency rule (footprint.c), how reports name it,
 * and whether it polls. A new primitive gets an entry here and in weft__ops, and a rule in footprint.c. */
enum weft__op {
    WEFT__OP_NONE = 0,
    WEFT__OP_YIELD, WEFT__OP_TOUCH, WEFT__OP_NOW, WEFT__OP_SLEEP,
    WEFT__OP_CHAN_SEND, WEFT__OP_CHAN_RECV, WEFT__OP_SELECT, WEFT__OP_SELECT_DEFAULT, WEFT__OP_CHAN_CLOSE,
    WEFT__OP_CHAN_LEN,
    WEFT__OP_MUTEX_LOCK, WEFT__OP_MUTEX_UNLOCK, WEFT__OP_MUTEX_TRYLOCK,
    WEFT__OP_RW_LOCK, WEFT__OP_RW_DRAIN, WEFT__OP_RW_UNLOCK, WEFT__OP_RW_RLOCK, WEFT__OP_RW_RLOCK_PARKED,
    WEFT__OP_RW_RUNLOCK, WEFT__OP_RW_TRYLOCK, WEFT__OP_RW_TRYRLOCK,
    WEFT__OP_WG_ADD, WEFT__OP_WG_DONE, WEFT__OP_WG_WAIT,
    WEFT__OP_ONCE_DO, WEFT__OP_ONCE_RETURN,
    WEFT__OP_COND_WAIT, WEFT__OP_COND_PARKED, WEFT__OP_COND_RELOCK, WEFT__OP_COND_SIGNAL, WEFT__OP_COND_BROADCAST,
    WEFT__OP_TIMER_STOP, WEFT__OP_TIMER_RESET, WEFT__OP_TICKER_STOP,
    WEFT__OP_CTX_CANCEL, WEFT__OP_CTX_ERR,
    WEFT__OP_CLOCK,
    WEFT__OP_COUNT
};

/* What every operation is, in one table (runtime/ops.c). */
typedef struct weft__opdesc {
    const char *name;   /* as reports and schedules print it, e.g. "chan_send" */
    const char *verb;   /* as `weft explain` narrates it, e.g. "sends on" */
    bool blocks;        /* it can wait: a task pending at it may be disabled */
    bool spin;          /* a busy-wait repeats it without making progress (lock, unlock, len, read lock, now) */
    bool handed;        /* another task's step can complete it on its behalf (a rendezvous on an unbuffered channel,
                         * a parked read lock granted, a Cond waiter signalled): it may end without a step of its own */
} weft__opdesc;
extern const weft__opdesc weft__ops[WEFT__OP_COUNT] WEFT__HIDDEN;

/* ---- Wait clauses ------------------------------------------------------ */

/* What a clause waits for. A task's pending step is enabled when any clause is ready. */
enum weft__clause_kind {
    WEFT__CL_ALWAYS = 0, /* always ready: a step that cannot block */
    WEFT__CL_SEND,       /* obj: weft_chan; in: value */
    WEFT__CL_RECV,       /* obj: weft_chan; out, ok */
    WEFT__CL_LOCK,       /* obj: weft_mutex */
    WEFT__CL_WLOCK,      /* obj: weft_rwmutex: take the writer slot */
    WEFT__CL_WDRAIN,     /* obj: weft_rwmutex: the announced writer waits for readers to leave */
    WEFT__CL_PARKED,     /* obj: cond or rwmutex; never ready: only another task's operation completes it */
    WEFT__CL_WAIT,       /* obj: weft_wg: the counter is zero */
    WEFT__CL_ONCE,       /* obj: weft_once: done or not running */
    WEFT__CL_NEVER,      /* never ready: nil channel, empty select */
    WEFT__CL_SLEEP,      /* ready when the clock reaches `deadline` */
};

/* One thing a task waits for (libdill's clause). */
typedef struct weft__clause {
    int kind;            /* enum weft__clause_kind */
    void *obj;           /* the object waited on, or NULL */
    void *out;           /* receive: destination, or NULL */
    const void *in;      /* send: source */
    bool *ok;            /* receive: ok flag, or NULL */
    int64_t deadline;    /* WEFT__CL_SLEEP */
    int delta;           /* wg_add, wg_done: the amount added */
    /* while its task is pending and it waits on obj: its place in obj's waiter list (waitq.c), else task NULL */
    struct weft__task *task;
    struct weft__clause *wq_prev, *wq_next;
} weft__clause;

/* ---- Tasks ------------------------------------------------------------- */

enum weft__task_state {
    WEFT__T_NEW = 0, /* spawned; runs to its first visible operation before the next choice */
    WEFT__T_PENDING, /* suspended at a visible operation (`op`), waiting to be chosen */
    WEFT__T_RUNNING, /* the task on the CPU */
    WEFT__T_WOKEN,   /* its operation was completed by another task; resumes before the next choice */
    WEFT__T_DONE,    /* returned */
};

/* A task. Task structs and their stacks are pooled across executions.
 * Invariant: state == PENDING implies op, site and clauses describe the step it waits to take;
 * state == WOKEN implies fired >= 0 names the clause another task completed. */
/* Objects a busy-wait observed (spin.c), each with its version (weft__obj.version) right after the observing
 * step: the task spins on state nobody changed while every version is still current. */
#define WEFT__SPIN_SEEN 8
typedef struct weft__spin {
    int nseen;                /* objects in seen (0: not busy-waiting) */
    int npolls;               /* polls that found nothing since its last step that made progress */
    int nidle;                /* steps that made no progress since then */
    unsigned epoch;           /* R->spin_epoch at its last step */
    struct {
        const struct weft__obj *obj;
        unsigned version;     /* its version when last observed */
        int at;               /* npolls then: a turn of the loop that did not observe it drops it */
    } seen[WEFT__SPIN_SEEN];
} weft__spin;

typedef struct weft__task {
    int id;                   /* 0 is the test body */
    int state;                /* enum weft__task_state */
    weft__ctx ctx;            /* saved registers while not running */
    struct weft__stack *stack;/* its stack, from the pool */
    /* what it runs */
    void (*fn)(void *);       /* plain entry (weft_go), or NULL for an ffi entry */
    void *arg;
    void (*ffi_fn)(void);     /* WEFT_GO entry */
    int nargs;
    const char *name;         /* text of the spawned function */
    int parent;               /* spawning task id, -1 for the body */
    const char *spawn_file;
    int spawn_line;
    /* the pending step */
    int opc;                  /* enum weft__op */
    const char *op;           /* its name, weft__ops[opc].name */
    const char *file;         /* its call site */
    int line;
    weft__clause *cl;         /* clauses (on the task's own stack; linked into their objects' waiter lists) */
    int ncl;
    bool has_default;         /* a select with default: always enabled */
    bool offers;              /* a channel operation without default: counted in its channels' `waiting`; an
                               * unbuffered partner may complete it (lazy arrival: see chan.c) */
    uint64_t arrival;         /* when it reached this step (rwmutex readers are released oldest first) */
    int fired;                /* clause completed by a partner, or -1 */
    bool en;                  /* in the enabled set (R->en_bits): pending and able to take its step now */
    int nlinked;              /* clauses linked into waiter lists (waitq.c) */
    /* scheduling history in this execution */
    long long last_step;      /* index of its last step, -1 if none */
    /* the clock's fairness (credit.c): each firing is paid for by a step of every task that can move */
    long long credit;         /* firings it has paid for: one per own step, its spawner's at spawn, and raised to
                               * the firings so far less one when it becomes able to move */
    long long cbase;          /* levels up to this one were given (spawn, raise), not reached by its own steps */
    long long seg_first;      /* its first own step since cbase was set, -1 none yet */
    long long cur_lv, cur_step; /* cursor: its own step cur_step reached level cur_lv (-1: that level was given) */
    long long own_last;       /* its latest own step, -1 none */
    long long seen;           /* the clock's firings so far when it last could move at a choice, -1 never */
    bool mover;               /* it could move (enabled, not waiting on its busy-wait) at the last choice */
    bool lost;                /* since its last own step it stopped being able to move at another task's step */
    unsigned mark;            /* scratch for credit.c */
    bool polled;              /* its last step was a poll that found nothing (switching away is then free) */
    const void *passed;       /* a channel its channel steps could have completed on and did not (NULL: none), and */
    int npassed;              /* how many of them in a row (WEFT__PASS_MAX: the next that can must take it) */
    struct weft__task *next_resume; /* resume queue link */
    weft__spin spin;          /* its busy-wait so far (spin.c; seen[] is not cleared at spawn: only nseen count) */
    weft__arg args[8];        /* WEFT_GO arguments (not cleared at spawn: only nargs are meaningful) */
} weft__task;

/* Select fairness: a task's channel steps pass over a channel they could complete on at most this many times
 * in a row (steps that do not name it do not count); the next one that can complete on it does (Go picks among
 * ready cases at random, so a case passed
 * over forever has probability zero; a bound keeps a loop fed by a ticker or an endless source finite). */
#define WEFT__PASS_MAX 2

/* ---- Steps (the schedule of one execution) ----------------------------- */

/* One step: the task chosen and the operation it performed. */
typedef struct weft__step {
    int task;               /* task id, or -1 for the clock */
    bool preempt;           /* choosing it preempted an enabled task */
    const char *op;
    const void *obj;        /* the object operated on (weft object or touched address), or NULL */
    bool raw;               /* obj is a plain address (weft_touch), not a weft object */
    int64_t when;           /* the clock: the virtual time after the step */
    int detail;             /* select: chosen case; choose: the value; else -1 */
    int partner;            /* a rendezvous: the task whose pending operation it completed, else -1 */
    int chose;              /* the last weft_choose value its task drew during the step, else -1 */
    int nchose;             /* how many it drew */
    long long next_same;    /* a task's step: its task's next own step, -1 none yet (credit.c) */
    const char *file;
    int line;
} weft__step;

/* A select step's cases, recorded by select.c (the step itself names only the case taken), for reports.
 * Invariant: records are in step order; cl[] copies the clauses (only kind and obj are meaningful). */
typedef struct weft__selrec {
    struct weft__selrec *next;
    long long step;         /* its index in the schedule */
    int n;                  /* cases */
    bool has_default;
    weft__clause cl[];
} weft__selrec;
/* The running (or just ended) execution's select records, oldest first (select.c). */
const weft__selrec *weft__select_records(void) WEFT__HIDDEN;

/* ---- The execution's end ----------------------------------------------- */

typedef struct weft__end {
    weft_verdict verdict;
    int task;               /* panic/assert: the task; else -1 */
    const char *file;       /* panic/assert site */
    int line;
    char msg[256];          /* panic message or assertion text */
    bool pruned;            /* abandoned: it could only repeat explored behaviour (dpor's sleep sets) */
    bool spinning;          /* tasks kept running without end (LIVELOCK, or a LEAK by spinning) */
    bool usage;             /* msg is a usage error (misuse of the API), not a bug in the program */
    bool nondet;            /* msg says where a replay or re-execution diverged */
    bool crash_site;        /* CRASH: file:line is where it happened (a failed assert), not the last step */
} weft__end;

/* ---- Pools -------------------------------------------------------------- */

typedef struct weft__stack {
    void *base;             /* mapping start (guard page first) */
    void *lo;               /* lowest usable byte, just above the guard page */
    size_t size;            /* usable bytes above the guard */
    unsigned vg_id;         /* valgrind stack id */
    struct weft__stack *next_free;
} weft__stack;

typedef struct weft__arena_chunk {
    struct weft__arena_chunk *next;
    size_t size;            /* usable bytes */
    size_t used;
    max_align_t data[];
} weft__arena_chunk;

/* Per-execution memory: bump allocation over retained chunks; reset is O(chunks). */
typedef struct weft__arena {
    weft__arena_chunk *first;   /* all chunks ever allocated, kept */
    weft__arena_chunk *cur;     /* chunk being filled */
} weft__arena;

struct weft__explorer;
struct weft__hooks;
struct weft__name;
struct weft__crash;

/* The one context struct: pools, the running execution and the checker hooks.
 * Invariant: outside weft_check, `active` is false and no task exists. */
typedef struct weft__rt {
    bool active;                /* inside an execution */
    const weft_options *opt;
    struct weft__explorer *x;   /* the checker side: its state, passed to every hook */
    const struct weft__hooks *hooks; /* the checker's entry points (installed by the checker: see weft__hooks) */
    /* pools, kept across executions */
    weft__task **tasks;         /* tasks[i] has id i in the current execution */
    int task_cap;
    weft__stack *free_stacks;
    weft__stack *exiting_stack; /* the stack of a task that exited, until the switch off it is done */
    weft__stack **all_stacks;
    int nstacks, stacks_cap;
    size_t stack_size;
    weft__arena arena;          /* the running execution's memory */
    weft__arena arena_prev;     /* the previous execution's chunks: objects live in their own reserved range
                                 * (object.c), and only when it could not be reserved do objects come from the
                                 * arena, which then alternates so a handle kept from the previous execution is
                                 * still recognised as stale */
    weft__step *steps;          /* the schedule so far */
    long long steps_cap;
    /* the current execution */
    uint32_t gen;
    int ntasks;
    int live;                   /* tasks not DONE */
    int *alive;                 /* ids of tasks not DONE, ascending (compacted lazily by weft__alive) */
    int nalive, alive_cap;
    weft__task *cur;
    weft__task *deferred;       /* the running task, pending at the step it announced, not yet parked (weft__wait):
                                 * the scheduler parks it before anything can look at it, unless it chooses it
                                 * at once as the only task that can move (then it never joins the waiter lists) */
    weft__ctx driver;           /* the checker's own context */
    weft__task *resume_head, *resume_tail;
    long long nsteps;
    int last;                   /* task of the previous step, -1 none */
    int preemptions;
    int nspinning;              /* tasks whose busy-wait is long enough to wait (spin.c; 0: nothing to filter) */
    bool spin_escape;           /* the tasks that wait on their busy-wait may go: nothing else can move */
    int step_task;              /* the task that took the step under way (-1: the clock, or none yet) */
    const weft__obj *step_objs[WEFT__SPIN_SEEN]; /* the objects of its step (spin.c) */
    int nstep_objs;
    bool step_polled;           /* the step under way was a poll that found nothing */
    int nwindows;               /* tasks with a busy-wait under way (weft__spin.nidle > 0) */
    weft__obj *news[16];        /* objects the step under way changed (weft__changed), and whether more did: */
    int nnews;                  /* their versions move at the next choice unless the step was a busy-wait's */
    bool news_lost;             /* (more than fit: the epoch moves, which every busy-wait takes as news) */
    unsigned spin_epoch;
    long long quiet_end;        /* no progress by this step: max_steps steps after the last that made progress (not a
                                 * busy-wait's or a fruitless poll's) or the clock's last, or 20 * max_steps in all */
    bool idle;                  /* the step under way makes no progress (so far) */
    uint64_t arrivals;
    int ids[WEFT__K_COUNT];     /* per-kind object counters */
    const char *obj_lo, *obj_hi; /* this execution's objects so far lie in [obj_lo, obj_hi) (object.c; empty when
                                 * none yet, or when they come from the arena) */
    struct weft__name *names;   /* weft_name labels (uthash, arena memory) */
    struct weft__addr *addrs;   /* touched addresses numbered as touched (uthash, arena memory; weft__addr_id) */
    int naddrs;
    bool x_every;               /* the checker wants every step, even without a choice (dpor) */
    bool body_done;             /* task 0 returned */
    long long body_end;         /* steps taken when task 0 returned */
    int64_t now;                /* the virtual clock */
    int64_t body_time;          /* the clock when task 0 returned */
    int nsleep;                 /* tasks in weft_sleep */
    long long nfired;           /* the clock's firings so far (credit.c) */
    bool clock_held;            /* at the choice under way, a firing is due but not paid for (credit.c) */
    int *movers;                /* the tasks that could move at the last choice, while time is in use (credit.c) */
    int nmovers, movers_cap;
    int *seen;                  /* the tasks that could move at some choice since the clock last fired (credit.c: the
                                 * only ones its next firing may wait for), each once; room for movers_cap */
    int nseen;
    unsigned mover_epoch;
    struct weft_timer *timers, *timers_tail;  /* every timer and ticker of the execution, in creation order */
    struct weft_ctx *ctxs, *ctxs_tail;        /* every cancellable context, in creation order */
    struct weft_ctx *background;              /* this execution's background context */
    weft__end end;
    const void *driver_lo;      /* AddressSanitizer: the checker's stack, learnt on the first switch */
    size_t driver_size;
    bool from_driver;           /* the switch under way leaves the checker's stack */
    struct weft__crash *crash;  /* the process's own signal dispositions and the alternate signal stack (crash.c) */
    bool crashing;              /* a fatal signal is being turned into CRASH (a second one is not caught) */
    char *replay_prefix;        /* command that reruns this test, before " --replay TOKEN" (NULL: env form) */
    /* the enabled set, kept as objects change (waitq.c): the scheduler never looks at a blocked task */
    uint64_t *en_bits;          /* bit i: task i has `en` set */
    uint64_t *en_sum;           /* bit w: en_bits[w] is not 0 (the set is walked in id order, skipping empty words) */
    int en_words;               /* words of en_bits (a multiple of 64), grown with the task table and kept */
    int nen;                    /* tasks in the set */
    int *went_off;              /* pending tasks that left the set (a step disabled theirs) since the last choice, for */
    int nwent_off;              /* the checker's race analysis; room for en_words * 64 ids (more: went_off_lost) */
    bool went_off_lost;
    weft__obj *dirty;           /* objects whose state changed since their waiters were last looked at */
    struct weft__sleeper *sleepers; /* pending sleeps not yet due, a min-heap on the deadline (clock.c) */
    int nsleepers, sleepers_cap;
    /* scratch for the scheduler */
    int *cand;
    bool *cand_pre;             /* false, then true: whether choosing cand[i] preempts when cand[0] is the last task */
    int cand_cap;
} weft__rt;

extern weft__rt weft__R WEFT__HIDDEN;

/* ---- Arena (arena.c) ---------------------------------------------------- */
void *weft__arena_alloc(size_t n) WEFT__HIDDEN;
void weft__arena_reset(weft__arena *a) WEFT__HIDDEN;
void weft__arena_release(weft__arena *a) WEFT__HIDDEN;

/* ---- Stacks (stack.c) --------------------------------------------------- */
weft__stack *weft__stack_get(void) WEFT__HIDDEN;
void weft__stack_put(weft__stack *s) WEFT__HIDDEN;
void weft__stack_release_all(void) WEFT__HIDDEN;

/* ---- Objects (object.c) ------------------------------------------------- */
void *weft__obj_make(int kind, size_t size, const char *file, int line) WEFT__HIDDEN;
void weft__obj_check_slow(const void *obj, int kind, const char *call, const char *file, int line) WEFT__HIDDEN;
/* Refuse a handle that is not a live object of `kind` made in this execution (usage error). O(1), and a stale
 * handle's memory is never read. Inline: the handle of the running execution's objects, the common case, is
 * told by its address and header alone. */
static inline void weft__obj_check(const void *obj, int kind, const char *call, const char *file, int line)
{
    const weft__obj *h = obj;
    const weft__rt *R = &weft__R;
    if (WEFT__UNLIKELY((uintptr_t)obj - (uintptr_t)R->obj_lo >= (uintptr_t)R->obj_hi - (uintptr_t)R->obj_lo ||
                       h->magic != (WEFT__MAGIC | (uint32_t)kind) || h->kind != kind || h->gen != R->gen))
        weft__obj_check_slow(obj, kind, call, file, line);
}
bool weft__obj_apart(void) WEFT__HIDDEN;
const char *weft__kind_name(int kind) WEFT__HIDDEN;
const char *weft__name_of(const void *obj) WEFT__HIDDEN;
void weft__names_reset(void) WEFT__HIDDEN;

/* ---- Signals, limits, ownership (crash.c, deadline.c, owner.c, exit.c, oom.c) ---- */
/* Per check: catch fatal and raised signals, arm the time limit (R->opt->time_limit), claim the calling thread;
 * `name` is the test's, for an interruption message. Disarm undoes the time limit only. */
void weft__crash_arm(const char *name) WEFT__HIDDEN;
void weft__crash_disarm(void) WEFT__HIDDEN;
void weft__deadline_arm(double seconds) WEFT__HIDDEN;
void weft__deadline_disarm(void) WEFT__HIDDEN;
void weft__deadline_tick(void) WEFT__HIDDEN;
long long weft__deadline_hang_ms(void) WEFT__HIDDEN;
/* True on the thread running the check (thread-local: weft__require's few-ns ownership test). */
extern __thread bool weft__on_checker_thread WEFT__HIDDEN __attribute__((tls_model("initial-exec")));
void weft__owner_claim(void) WEFT__HIDDEN;
WEFT__NORETURN void weft__refuse(const char *call, const char *file, int line) WEFT__HIDDEN;
WEFT__NORETURN void weft__exit_process(int status) WEFT__HIDDEN;
WEFT__NORETURN void weft__out_of_memory(const char *what) WEFT__HIDDEN;
WEFT__NORETURN void weft__resource_error(const char *fmt, ...) WEFT__HIDDEN WEFT__PRINTF(1, 2);

/* ---- Switching (fiber.c) ------------------------------------------------ */
void weft__switch(weft__ctx *from, weft__ctx *to, const weft__stack *to_stack, bool dying) WEFT__HIDDEN;
void weft__fiber_start(void) WEFT__HIDDEN;
void weft__fiber_fresh(const weft__stack *s) WEFT__HIDDEN;

/* ---- Tasks and scheduling (task.c, sched.c) ----------------------------- */
/* Refuse a weft call made outside a running check, or from a thread other than the one running it (inline: every
 * call of the API begins with it). */
static inline void weft__require(const char *call, const char *file, int line)
{
    if (WEFT__UNLIKELY(!weft__R.active || !weft__R.cur || !weft__on_checker_thread))
        weft__refuse(call, file, line); /* owner.c: outside a check, another thread, a forked child */
}
weft__task *weft__spawn(const char *name, const char *file, int line) WEFT__HIDDEN;
int weft__wait(int op, weft__clause *cl, int n, bool has_default, const char *file, int line) WEFT__HIDDEN;
/* One channel operation over clauses cl[0..n) (a send, a receive or a select) as one step, taken when it can
 * complete: a ready clause completes (several ways: each is explored), else a poll takes its default. A task
 * without default waits disabled until a clause is ready, or until a partner's step completes its offer.
 * Returns the clause index, or -1 for the default (chan.c). */
int weft__chan_op(int op, weft__clause *cl, int n, bool has_default, const char *file, int line) WEFT__HIDDEN;
#define WEFT__FIRED 0x10000 /* weft__wait: the clause was completed by another task */
void weft__poll_failed(void) WEFT__HIDDEN;

/* Busy-waits (spin.c). Before a choice: account the step just taken to its task's busy-wait. */
void weft__spin_after(void) WEFT__HIDDEN;
/* The step task t is taking makes no progress: remember the objects it observes. */
void weft__spin_step(const weft__task *t) WEFT__HIDDEN;
/* Whether t's busy-wait is long enough and its pending step only looks again at what it observed. */
bool weft__spin_watching(const weft__task *t) WEFT__HIDDEN;
/* Whether pending task t waits on its busy-wait (nothing it observed changed); see R->spin_escape. */
bool weft__spin_waits(const weft__task *t) WEFT__HIDDEN;
/* Whether t's pending step, if taken now, is a busy-wait let go because nothing else can move: dependent on
 * everything, yet no other task's step could have come after it. */
bool weft__spin_escapes(const weft__task *t) WEFT__HIDDEN;
void weft__step_idle(void) WEFT__HIDDEN;
void weft__wake(weft__task *t, int clause) WEFT__HIDDEN;
/* Queue a new task to run up to its first visible operation before the next choice (sched.c). */
void weft__resume_new(weft__task *t) WEFT__HIDDEN;
/* Run a WEFT_GO task's function on its own stack (spawn_ffi.c). */
void weft__ffi_run(weft__task *t) WEFT__HIDDEN;
void weft__schedule(void) WEFT__HIDDEN;
WEFT__NORETURN void weft__finish(weft_verdict v) WEFT__HIDDEN;
WEFT__NORETURN void weft__fail(weft_verdict v, const char *file, int line, const char *fmt, ...) WEFT__HIDDEN
    WEFT__PRINTF(4, 5);
WEFT__NORETURN void weft__usage(const char *call, const char *file, int line, const char *fmt, ...) WEFT__HIDDEN
    WEFT__PRINTF(4, 5);
bool weft__clause_ready(const weft__task *t, const weft__clause *c) WEFT__HIDDEN;
bool weft__chan_clause_ready(const weft__task *t, const weft__clause *c) WEFT__HIDDEN;
bool weft__task_enabled_slow(const weft__task *t) WEFT__HIDDEN;
int weft__alive_compact(void) WEFT__HIDDEN;
weft__task *weft__partner(const weft_chan *c, int kind, int j, int *clause) WEFT__HIDDEN;
/* The park/wake mechanism and the enabled set (waitq.c). */
void weft__park_clauses(weft__task *t) WEFT__HIDDEN;
void weft__unlink_clauses(weft__task *t) WEFT__HIDDEN;
void weft__settle_dirty(void) WEFT__HIDDEN;
void weft__en_reserve(int ntasks) WEFT__HIDDEN;
void weft__waitq_reset(void) WEFT__HIDDEN;
void weft__exec_begin(void (*body)(void *), void *arg) WEFT__HIDDEN;
void weft__exec_run(void) WEFT__HIDDEN;
WEFT__NORETURN void weft__nondet(const char *fmt, ...) WEFT__HIDDEN WEFT__PRINTF(1, 2);

/* An internal report format: the counterexample narrated in plain words (weft explain). */
#define WEFT__REPORT_STORY ((weft_report_format)3) /* after the public formats */

/* ---- Checker hooks (installed by checker/explore.c) ---------------------- */
enum weft__branch_kind { WEFT__BR_TASK = 0, WEFT__BR_CASE, WEFT__BR_VALUE };
/* What a choose hook returns instead of an alternative's index. */
#define WEFT__PRUNE (-1)    /* abandon the execution: it could only repeat explored behaviour (dpor's sleep sets) */
#define WEFT__DIVERGED (-2) /* the program did something else than when the same choices were made before (or
                             * than the replay token says): hooks->diverged says what */

/* Every call the runtime makes into the checker, as a table the checker installs in R->hooks (with its own
 * state in R->x) before an execution: the runtime links against no checker function. The runtime ends the
 * execution itself when told to prune or that it diverged (weft__choose); a hook never switches stacks.
 * Invariant: while R->active, hooks and x are set. */
typedef struct weft__hooks {
    /* Pick one of n > 1 alternatives at a branch point (n == 1 too for WEFT__BR_TASK when x_every): the index,
     * WEFT__PRUNE or WEFT__DIVERGED. For WEFT__BR_TASK, ids are the candidate task ids (-1: the clock) and
     * preempt[i] tells whether choosing i preempts a task that could have gone on; else both are NULL. */
    int (*choose)(struct weft__explorer *x, int kind, int n, const int *ids, const bool *preempt);
    /* The message after choose returned WEFT__DIVERGED (checker memory, valid until the next execution). */
    const char *(*diverged)(struct weft__explorer *x);
    /* Only when R->x_every (dpor's view of causality): task id was woken by the step under way; spawned by
     * task `parent` (-1: by the clock) during it; the step completes task id's pending step too (a rendezvous:
     * it comes after id's earlier steps); the step also accesses footprint key `key` (an arrival that
     * something can observe). */
    void (*wake)(struct weft__explorer *x, int id);
    void (*spawn)(struct weft__explorer *x, int id, int parent);
    void (*join)(struct weft__explorer *x, int id);
    void (*amend)(struct weft__explorer *x, int key);
} weft__hooks;

/* Ask the checker to pick one of n alternatives at a branch point (sched.c; preempt[i]: choosing i preempts, NULL:
 * none does): returns the index; ends the
 * execution when the checker prunes it or finds it diverged (never returns then). */
int weft__choose(int kind, int n, const int *ids, const bool *preempt) WEFT__HIDDEN;

/* ---- Footprints (footprint.c): what the checker asks of pending steps ---- */
int weft__footprint(int id, int *keys, int cap) WEFT__HIDDEN;
/* ---- The clock's fairness (credit.c) ---- */
/* Task t, spawned by `parent` (NULL: the body), starts with its spawner's credit. */
void weft__credit_spawn(weft__task *t, const weft__task *parent) WEFT__HIDDEN;
/* Task t takes its own step number `step`: one more firing paid for. */
void weft__credit_step(weft__task *t, long long step) WEFT__HIDDEN;
/* At a choice while time is in use: cand[0..n) are the enabled tasks; those not waiting on their busy-wait can
 * move. Note who started or stopped being able to move since the last choice. */
void weft__credit_movers(const int *cand, int n) WEFT__HIDDEN;
/* Whether the clock may fire now, when some task can move: each task that could move since its last firing
 * has paid for the firings so far. */
bool weft__credit_clock_may(void) WEFT__HIDDEN;
/* Whether task t owes the clock's next firing a step: it could move since the last firing and has not paid for
 * it; the firing cannot come before t's next step. */
bool weft__credit_owes(const weft__task *t) WEFT__HIDDEN;
/* The clock fires (the step under way). */
void weft__credit_fired(void) WEFT__HIDDEN;
/* Mover t's own step that paid for firing number `level` (its credit reached it), or -1 when the level was
 * given (no step of its own paid for it). */
long long weft__credit_step_at(weft__task *t, long long level) WEFT__HIDDEN;
/* The key of whether task id can move: a firing that counts on it writes it; a step that starts or stops it
 * moving increments it (INC mode). */
int weft__en_key(int id) WEFT__HIDDEN;
/* Whether a step with footprint key `key` could let the clock fire (its access is to the time: arming, stopping
 * or resetting a timer or a sleep; to a timer; or to a channel, which a receive may make room in). */
bool weft__key_times(int key) WEFT__HIDDEN;
/* The number of address addr among those weft_touch was given in this execution (numbered as tasks arrive at
 * their touch: the same for the same choices, so the checker may keep footprints from one execution to the
 * next). */
int weft__addr_id(const void *addr) WEFT__HIDDEN;
int weft__wait_arrival_key(const weft_wg *wg) WEFT__HIDDEN;
int weft__clock_footprint(int *keys, int cap) WEFT__HIDDEN;
/* The keys of every step the clock has left (its pending timers and sleeps, whenever due), as one step's: at the
 * end of an execution, the firings that did not come (no task left to see them) race with what they would
 * have been seen by. */
int weft__clock_footprint_rest(int *keys, int cap) WEFT__HIDDEN;
int weft__time_arm_key(void) WEFT__HIDDEN;
int weft__offer_key(const weft_chan *c) WEFT__HIDDEN;

/* Footprint keys: an object part (the base, key >> 2) and a mode (key & 3): a write, or one of three kinds of
 * access that commute with accesses of the same kind only (reads; decrements and increments of a counter).
 * Two steps conflict when they share a base and their modes are not the same commuting kind. */
enum { WEFT__KM_WRITE = 0, WEFT__KM_READ = 1, WEFT__KM_DEC = 2, WEFT__KM_INC = 3 };
#define WEFT__KEY_MODE(k) ((k) & 3)
#define WEFT__KEY_BASE(k) ((k) >> 2)
static inline bool weft__keys_conflict(int a, int b)
{
    return WEFT__KEY_BASE(a) == WEFT__KEY_BASE(b) && !(a == b && WEFT__KEY_MODE(a) != WEFT__KM_WRITE);
}
/* A base is kind << 24 | part << 22 | number (footprint.c). Two kinds of keys order steps that can never be
 * reversed: a buffered channel's slots (kind SLOT: the k-th receive reads slot k, which the k-th send (or close)
 * fills; the k-th send needs the (k - cap)-th receive to have emptied its slot), and a mutex's LOCK part, where
 * a lock (a write) is never possible before a release (a read) of the lock it waits for. */
#define WEFT__KIND_SLOT 29
/* A key of kind JOIN (always read mode) is no access: the step whose footprint holds it comes after step number
 * WEFT__KEY_BASE(k) & (2^22 - 1) (credit.c: the clock after the steps that paid for its firing). */
#define WEFT__KIND_JOIN 27
#define WEFT__JOIN_STEP(k) (WEFT__KEY_BASE(k) & ((1 << 22) - 1))
#define WEFT__PART_LOCK 3
#define WEFT__KEY_KIND(k) ((k) >> 26)
#define WEFT__KEY_PART(k) (((k) >> 24) & 3)
/* A signal from outside (Ctrl-C, kill) during check `name`: print what the search did so far (checker/interrupt.c). */
void weft__interrupted(int sig, const char *name) WEFT__HIDDEN;

/* ---- Primitive state the scheduler and reports read --------------------- */

struct weft_chan {
    weft__obj h;
    size_t elem_size;
    size_t cap;
    size_t len;
    size_t head;            /* index of the oldest element in buf */
    bool closed;
    unsigned char *buf;     /* cap * elem_size bytes */
    struct weft_timer *timer; /* the timer or ticker that sends on it, or NULL */
    struct weft_ctx *ctx;   /* the context whose Done channel it is, or NULL */
    int waiting[2];         /* clauses of pending tasks without default sending [0] / receiving [1] on it */
    int offerers[2];        /* those tasks, each once however many of its clauses name it (chan.c): the partners
                             * a rendezvous on it can pair with, counted without walking its waiter list */
    int selects;            /* of those, the tasks at a select of several cases, each once (footprint.c's
                             * offering_select_keys has none to find on the waiter list when it is 0) */
    bool closed_on_senders; /* when closed, senders were waiting (a receiver could have paired with one) */
    unsigned nrecv;         /* elements received so far (a buffered channel's next receive takes number nrecv,
                             * its next send number nrecv + len: footprint.c's slot keys) */
};

struct weft_mutex {
    weft__obj h;
    bool locked;
    int holder;             /* task that locked it, -1 when unlocked */
    const char *lock_file;  /* where it was locked */
    int lock_line;
};

struct weft_rwmutex {
    weft__obj h;
    int readers;            /* active readers */
    bool wslot;             /* a writer holds the writer slot (Lock started) */
    bool writer;            /* the writer holds the lock (readers drained) */
    int wtask;              /* the writer, -1 if none */
    const char *wfile;      /* where the writer slot was taken */
    int wline;
    int nblocked;           /* readers parked behind the writer */
    int *rtasks;            /* tasks holding read locks, in order (arena) */
    int rcap;
};

struct weft_wg {
    weft__obj h;
    int counter;
    int waiters;            /* tasks pending in Wait (raising the counter from zero then panics) */
    unsigned zeros;         /* times the counter fell to zero (footprint.c: which fall a Wait waits for) */
};

struct weft_once {
    weft__obj h;
    bool done;
    bool running;
    int runner;             /* task running fn, -1 */
};

struct weft_cond {
    weft__obj h;
    int lock_kind;          /* 0 mutex, 1 rwmutex write side, 2 rwmutex read side */
    void *lock;
    int nwait;              /* tasks parked, in FIFO order below */
    int *waitq;             /* task ids (arena) */
    int wcap;
};

enum weft__timer_kind { WEFT__TM_CHAN, WEFT__TM_FUNC, WEFT__TM_TICKER, WEFT__TM_CTX };

/* A timer, a ticker (struct weft_ticker wraps one) or a context's deadline.
 * Invariant: active iff it will fire at `when`; a ticker's `when` is its next tick. */
struct weft_timer {
    weft__obj h;
    int kind;               /* enum weft__timer_kind */
    bool active;
    bool stopped;           /* Stop was called (tickers: the lost-ticker check) */
    int64_t when;
    int64_t period;         /* ticker */
    long long seq;          /* creation order: ties in `when` fire oldest first */
    weft_chan *c;           /* channel of capacity 1 (timer, ticker), or NULL */
    void (*fn)(void *);     /* weft_after_func */
    void *arg;
    const char *name;
    struct weft_ctx *ctx;   /* WEFT__TM_CTX: the context to cancel */
    struct weft_timer *next;
};

struct weft_ticker {
    struct weft_timer t;
};

/* A context. Invariant: err != 0 iff cancelled, and then done (if any) is closed; a cancelled context's
 * descendants are all cancelled. */
struct weft_ctx {
    weft__obj h;
    struct weft_ctx *parent;
    struct weft_ctx *child, *child_tail, *sibling; /* children in creation order */
    weft_chan *done;        /* NULL for background */
    int err;                /* 0, WEFT_CANCELED or WEFT_DEADLINE_EXCEEDED */
    bool cancel_called;     /* weft_ctx_cancel was called on it */
    bool has_deadline;
    int64_t deadline;
    struct weft_timer *timer;
    struct weft_ctx *next;  /* all cancellable contexts of the execution */
};

/* ---- Time (clock.c, timer.c, context.c) --------------------------------- */
/* A pending sleep not yet due (R->sleepers). Stale (dropped when seen) once its task is no longer pending at
 * the arrival it was made for. */
typedef struct weft__sleeper {
    int64_t deadline;
    uint64_t arrival;       /* the task's arrival at the sleep */
    int task;
} weft__sleeper;
void weft__sleep_arm(const weft__task *t, int64_t deadline) WEFT__HIDDEN;
int64_t weft__clock_now(void) WEFT__HIDDEN;
bool weft__clock_next(int64_t *when) WEFT__HIDDEN;
void weft__clock_advance(int64_t when) WEFT__HIDDEN;
void weft__ctx_cancel(struct weft_ctx *c, int err) WEFT__HIDDEN;
weft_verdict weft__end_checks(void) WEFT__HIDDEN;
bool weft__ctx_lost(const struct weft_ctx *c) WEFT__HIDDEN;
/* Fire timer t (its deadline has come): send the time, start the function's task, or cancel the context
 * (timer.c). */
void weft__timer_fire(struct weft_timer *t) WEFT__HIDDEN;

/* ---- Primitives' steps shared between files (chan.c, mutex.c, rwmutex.c) --------------------------- */
/* Close c now (the step is taken, or a context is being cancelled): tasks waiting on it become able to
 * complete (receivers get the zero value, senders panic) when they take their steps. */
void weft__chan_close_now(weft_chan *c) WEFT__HIDDEN;
/* A timer's value into c: buffered unless the buffer is full (then dropped). */
void weft__chan_offer(weft_chan *c, const void *elem) WEFT__HIDDEN;
/* Release m (the step is already taken); panics as Go when it is not locked. */
void weft__mutex_release(weft_mutex *m, const char *file, int line) WEFT__HIDDEN;
/* Lock m for the running task as the step `op` (its own step; waits while another holds it). */
void weft__mutex_lock(weft_mutex *m, int op, const char *file, int line) WEFT__HIDDEN;
/* An RWMutex's write side acquired and released, a read lock acquired and released, for the running task
 * (Cond.Wait's relock and release on an RWMutex); the releases panic as Go when nothing is held. */
void weft__rw_lock(weft_rwmutex *m, const char *file, int line) WEFT__HIDDEN;
void weft__rw_unlock(weft_rwmutex *m, const char *file, int line) WEFT__HIDDEN;
void weft__rw_rlock(weft_rwmutex *m, const char *file, int line) WEFT__HIDDEN;
void weft__rw_runlock(weft_rwmutex *m, const char *file, int line) WEFT__HIDDEN;

/* ---- Recover (try.c) ---------------------------------------------------- */
/* A panic recovered by weft__try_call: its message and where it was raised. */
typedef struct weft__panic {
    char msg[256];
    const char *file;
    int line;
} weft__panic;
bool weft__try_active(void) WEFT__HIDDEN;
bool weft__try_call(void (*fn)(void *), void *arg, weft__panic *out) WEFT__HIDDEN;
void weft__try_recover(const char *file, int line) WEFT__HIDDEN;
WEFT__NORETURN void weft__repanic(const weft__panic *p) WEFT__HIDDEN;

/* ---- Hot-path helpers (inline: they run several times per step) ------------ */

/* Refine the record of the step just taken: the object really operated on and a detail (case, value). */
static inline void weft__step_obj(const void *obj, int detail)
{
    weft__step *s = &weft__R.steps[weft__R.nsteps - 1];
    s->obj = obj;
    s->detail = detail;
}

/* Whether t's pending step can be taken now. */
static inline bool weft__task_enabled(const weft__task *t)
{
    if (t->has_default)
        return true;
    if (t->ncl == 1) {
        const weft__clause *c = &t->cl[0];
        if (c->kind == WEFT__CL_ALWAYS)
            return true;
        if (c->kind == WEFT__CL_LOCK)
            return !((const weft_mutex *)c->obj)->locked;
        if (c->kind == WEFT__CL_SEND || c->kind == WEFT__CL_RECV) {
            const weft_chan *ch = c->obj;
            if (!ch)
                return false;
            if (ch->closed)
                return true;
            if (ch->cap)
                return c->kind == WEFT__CL_SEND ? ch->len < ch->cap : ch->len > 0;
            return c->kind == WEFT__CL_RECV && ch->waiting[0] > 0;
        }
    }
    return weft__task_enabled_slow(t);
}

/* The state of object obj changed in a way that may enable or disable a task waiting on it (a channel's buffer,
 * offers or close; a lock taken or released; a counter): its waiters are looked at again before the next choice. */
static inline void weft__changed(void *obj)
{
    weft__obj *h = obj;
    weft__rt *R = &weft__R;
    if (R->nnews < (int)(sizeof R->news / sizeof *R->news))
        R->news[R->nnews++] = h;
    else
        R->news_lost = true;
    if (h->wq_head && !h->dirty) {
        h->dirty = true;
        h->next_dirty = weft__R.dirty;
        weft__R.dirty = h;
    }
}

/* Task t is in the enabled set from now on (set) or no longer (clear). */
static inline void weft__en_flip(const weft__task *t, bool set)
{
    weft__rt *R = &weft__R;
    int w = t->id >> 6;
    uint64_t bit = (uint64_t)1 << (t->id & 63);
    if (set) {
        R->en_bits[w] |= bit;
        R->en_sum[w >> 6] |= (uint64_t)1 << (w & 63);
        R->nen++;
    } else {
        if (!(R->en_bits[w] &= ~bit))
            R->en_sum[w >> 6] &= ~((uint64_t)1 << (w & 63));
        R->nen--;
    }
}

/* Look at task t again: it is in the enabled set iff it is pending and its step can be taken now. */
static inline void weft__recheck(weft__task *t)
{
    bool want = t->state == WEFT__T_PENDING && weft__task_enabled(t);
    if (want != t->en) {
        weft__rt *R = &weft__R;
        t->en = want;
        weft__en_flip(t, want);
        if (!want) {
            if (R->nwent_off < R->en_words * 64)
                R->went_off[R->nwent_off++] = t->id;
            else
                R->went_off_lost = true;
        }
    }
}

/* Task t (the running task) has just become pending at its step: link the clauses that wait on an object into
 * their waiter lists, arm its sleep, and put it in the enabled set if it can go now. */
static inline void weft__park(weft__task *t)
{
    if (t->ncl != 1 || t->cl[0].kind != WEFT__CL_ALWAYS) /* a step that cannot block waits on nothing */
        weft__park_clauses(t);
    weft__recheck(t);
}

/* Task t stops being pending (chosen, or its step completed by another task): out of the waiter lists and of
 * the enabled set. (A sleep left armed is dropped as stale by the clock.) */
static inline void weft__unpark(weft__task *t)
{
    if (t->nlinked)
        weft__unlink_clauses(t);
    if (t->en) {
        t->en = false;
        weft__en_flip(t, false);
    }
}

/* The enabled set's task ids but `skip` (a task in the set, or -1) into out[], ascending; returns how many. The
 * cost is the number of tasks in the set, plus one word per 4096 task ids (inline: every choice lists it). */
static inline int weft__en_list(int *out, int skip)
{
    const weft__rt *R = &weft__R;
    int *o = out, *end = out + R->nen - (skip >= 0); /* the summary words past the last task listed are not read */
    int skip_w = skip >= 0 ? skip >> 6 : -1;
    for (int s = 0; o < end; s++) {
        for (uint64_t sum = R->en_sum[s]; sum; sum &= sum - 1) {
            int w = s * 64 + __builtin_ctzll(sum), base = w * 64;
            uint64_t b = R->en_bits[w];
            if (w == skip_w)
                b &= ~((uint64_t)1 << (skip & 63));
            for (; b; b &= b - 1)
                *o++ = base + __builtin_ctzll(b);
        }
    }
    return (int)(o - out);
}

/* Before a choice: look again at the waiters of every object whose state changed (weft__changed) since the last
 * time, so that the enabled set is exactly the pending tasks that can take their step. */
static inline void weft__settle(void)
{
    if (weft__R.dirty)
        weft__settle_dirty();
}

/* Just switched: the stack of a task that exited (if that is where we came from) is free now. */
static inline void weft__stack_settle(void)
{
    if (WEFT__UNLIKELY(weft__R.exiting_stack != NULL)) {
        weft__stack_put(weft__R.exiting_stack);
        weft__R.exiting_stack = NULL;
    }
}

/* The number of tasks not DONE, with R->alive compacted to their ids (ascending). */
static inline int weft__alive(void)
{
    return weft__R.nalive == weft__R.live ? weft__R.nalive : weft__alive_compact();
}

#endif
