/* progen.h: random small weft programs over every primitive, deterministic from a seed, run as a test body. */
#ifndef WEFT_PROGEN_H
#define WEFT_PROGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <weft.h>

#define PG_NTASK 3  /* the body (task 0) and two spawned tasks */
#define PG_MAXOPS 4 /* operations per task script (a composite operation such as a cond wait counts as one) */
#define PG_NOBJ 2   /* objects of each kind: mutexes, channels, RWMutexes, Onces, shared cells */

/* One operation of a task script; `obj` (0 or 1) names the object of its kind it works on. */
enum pg_op {
    /* shared memory and nondeterminism */
    PG_TOUCH,          /* touch cell[obj], then update it */
    PG_YIELD,          /* weft_yield */
    PG_CHOOSE,         /* log weft_choose(2) */
    /* mutexes */
    PG_LOCK,           /* lock mu[obj]; always followed (after at most one op) by PG_UNLOCK on the same task */
    PG_UNLOCK,
    PG_TRYLOCK,        /* trylock mu[obj]; unlock at once when it succeeded */
    /* channels and select */
    PG_SEND,           /* send on ch[obj] */
    PG_RECV,           /* receive from ch[obj] */
    PG_CLOSE,          /* close ch[obj] */
    PG_LEN,            /* log len(ch[obj]) */
    PG_SELECT,         /* select { recv ch[obj]; send ch[1-obj] } */
    PG_SELECT_DEFAULT, /* the same with a default */
    /* RWMutex */
    PG_RLOCK,          /* rlock rw[obj]; paired with PG_RUNLOCK as PG_LOCK is */
    PG_RUNLOCK,
    PG_WLOCK,          /* lock rw[obj]; paired with PG_WUNLOCK */
    PG_WUNLOCK,
    PG_RWTRY,          /* obj 0: tryrlock rw[0], obj 1: trylock rw[0]; released at once when taken */
    /* the second WaitGroup, wg2 */
    PG_WG_ADD,         /* add(wg2, 1); paired with a later PG_WG_DONE on the same task */
    PG_WG_DONE,        /* done(wg2): closes a PG_WG_ADD pair, or stands alone (the body pre-adds those) */
    PG_WG_WAIT,        /* wait(wg2) */
    /* Once */
    PG_ONCE,           /* once_do(once[obj], f) where f logs 'O' and touches cell[obj] */
    /* Cond (over mutex cmu and the predicate `flag`) */
    PG_COND_WAIT,      /* lock cmu; while (!flag) wait; unlock cmu */
    PG_COND_SIGNAL,    /* lock cmu; flag = 1; signal; unlock cmu (obj 1: signal after the unlock) */
    PG_COND_BROADCAST, /* the same with broadcast */
    /* virtual time (durations of 1 or 2 ms) */
    PG_AFTER,          /* receive from weft_after(d) */
    PG_TIMER_STOP,     /* t = timer(d); if (!stop(t)) receive from its channel (Go's idiom) */
    PG_TIMER_RESET,    /* t = timer(1ms); reset(t, d); receive from its channel */
    PG_SLEEP,          /* weft_sleep(d) */
    PG_AFTER_FUNC,     /* after_func(d, f): f touches cell[obj] in a new task (the body waits for it) */
    PG_SELECT_TIMEOUT, /* select { recv ch[obj]; recv weft_after(d) } */
    PG_TICKER,         /* k = ticker(d); log the time of the PG_TICKS ticks received from it; stop(k) */
    /* busy-waits (fairness: they end when the awaited thing happens; LIVELOCK or LEAK when it never does) */
    PG_SPIN_RECV,      /* poll ch[obj] with a select default until a value (or the close) comes */
    PG_SPIN_LEN,       /* while len(ch[obj]) == 0, yield (a buffered channel; len on an unbuffered one) */
    PG_SPIN_FLAG,      /* until spin_flag[obj] is set: lock mu[obj], read it, unlock, yield */
    PG_SET_FLAG,       /* lock mu[obj]; set spin_flag[obj]; unlock */
    PG_OP_COUNT
};

/* A program: channel capacities, and one script per task. */
typedef struct pg_prog {
    uint64_t seed;
    int cap[PG_NOBJ];     /* channel capacities: 0 (unbuffered), 1 or 2 */
    int nops[PG_NTASK];
    int op[PG_NTASK][PG_MAXOPS];
    int obj[PG_NTASK][PG_MAXOPS];
    int wg2_pre;          /* standalone PG_WG_DONE operations: the body adds this many to wg2 first */
    int nafter_func;      /* PG_AFTER_FUNC operations: the body's WaitGroup also waits for their functions */
} pg_prog;

/* Whether programs use timers (the F_TIME operations, up to two per program). Off by default only for time
 * (timer programs explore far more); CI runs 2,000 of them (test dpor_timers). They found dpor bugs with the
 * clock, now fixed and kept as tests (clock_races in test_dpor.c): a step that stops the timer the clock would
 * fire disables the clock's move (a race the clock never shows by moving), the clock's latest race may be the
 * step that armed its timer, which hid the earlier races, and the ones docs/exploration.md tells of under the
 * clock's fairness. */
extern bool pg_timers;

/* The random program of `seed` (deterministic: the same seed gives the same program on every machine). */
void pg_generate(pg_prog *p, uint64_t seed);

/* Print p as one line per task script. */
void pg_print(const pg_prog *p, FILE *f);

/* Whether some execution of p may panic (a close, or wg2 misuse); no other bug than a blocked task (DEADLOCK,
 * LEAK) or, when this holds, a PANIC, or when pg_can_spin holds a LIVELOCK, can happen in a generated program. */
bool pg_can_panic(const pg_prog *p);

/* Whether p busy-waits (PG_SPIN_*): a busy-wait whose awaited event never comes spins for ever (LIVELOCK). */
bool pg_can_spin(const pg_prog *p);

/* Whether p polls (yield, trylock, select with default, a busy-wait): fairness then makes what may run depend
 * on more than the trace (a busy-wait waits until another task's step changes what it observed), so dpor may
 * run a trace more than once. */
bool pg_can_poll(const pg_prog *p);

/* Whether the clock may fire more than once in an execution of p (two timer operations, a ticker, a timer
 * reset): a firing's footprint then follows the tasks' credits (runtime/credit.c), which the order of steps
 * independent of it changes, so dpor may run a trace more than once. */
bool pg_clock_refires(const pg_prog *p);

/* What a test body runs: the program, and where each execution that ends normally reports its outcome. */
typedef struct pg_run {
    const pg_prog *p;
    void (*record)(const char *outcome, void *ctx); /* the outcome: what each task observed, then memory */
    void *ctx;
} pg_run;

/* A weft test body (arg: a pg_run) running the program: task 0 runs script 0 and spawns the others. */
void pg_body(void *arg);

#endif
