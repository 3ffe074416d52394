/* sched.c: the visible-operation hook: announce a step, let the checker choose, switch, end the execution. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

weft__rt weft__R;

static void resume_push(weft__task *t)
{
    weft__rt *R = &weft__R;
    t->next_resume = NULL;
    if (R->resume_tail)
        R->resume_tail->next_resume = t;
    else
        R->resume_head = t;
    R->resume_tail = t;
}

static weft__task *resume_pop(void)
{
    weft__rt *R = &weft__R;
    weft__task *t = R->resume_head;
    R->resume_head = t->next_resume;
    if (!R->resume_head)
        R->resume_tail = NULL;
    return t;
}

/* Queue a new task to run up to its first visible operation before the next choice. */
void weft__resume_new(weft__task *t)
{
    resume_push(t);
}

/* Complete task t's pending step on its behalf (clause `clause` fired); it resumes before the next choice. */
void weft__wake(weft__task *t, int clause)
{
    weft__unpark(t);
    t->fired = clause;
    t->state = WEFT__T_WOKEN;
    t->last_step = weft__R.nsteps - 1; /* it took part in the step under way */
    resume_push(t);
    if (weft__R.x_every)
        weft__R.hooks->wake(weft__R.x, t->id);
}

/* End the running execution with verdict v and return to the checker; never returns to the task. */
void weft__finish(weft_verdict v)
{
    weft__rt *R = &weft__R;
    R->end.verdict = v;
    weft__task *me = R->cur;
    R->cur = NULL;
    weft__switch(&me->ctx, &R->driver, NULL, me->state == WEFT__T_DONE);
    abort(); /* a finished execution is never resumed */
}

/* End the execution with verdict v (PANIC, ASSERT, ...) raised by the running task at file:line. */
void weft__fail(weft_verdict v, const char *file, int line, const char *fmt, ...)
{
    weft__rt *R = &weft__R;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(R->end.msg, sizeof R->end.msg, fmt, ap);
    va_end(ap);
    if (v == WEFT_PANIC)
        weft__try_recover(file, line); /* a weft_try of the running task recovers it (try.c); else returns */
    R->end.task = R->cur ? R->cur->id : -1;
    R->end.file = file;
    R->end.line = line;
    weft__finish(v);
}

/* A usage error in `call` at file:line: inside an execution it ends the check with the message;
 * outside, it is printed and the process exits with status 2. */
void weft__usage(const char *call, const char *file, int line, const char *fmt, ...)
{
    weft__rt *R = &weft__R;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (R->active && R->cur) {
        if (file)
            snprintf(R->end.msg, sizeof R->end.msg, "%s:%d: %s: %s", file, line, call, msg);
        else
            snprintf(R->end.msg, sizeof R->end.msg, "%s: %s", call, msg);
        R->end.usage = true;
        R->end.task = R->cur->id;
        R->end.file = file;
        R->end.line = line;
        weft__finish(WEFT_OK);
    }
    if (file)
        fprintf(stderr, "weft: %s:%d: %s: %s\n", file, line, call, msg);
    else
        fprintf(stderr, "weft: %s: %s\n", call, msg);
    exit(2);
}

/* The program behaved differently when re-executed under the same choices: end the check with the message. */
void weft__nondet(const char *fmt, ...)
{
    weft__rt *R = &weft__R;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(R->end.msg, sizeof R->end.msg, fmt, ap);
    va_end(ap);
    R->end.nondet = true;
    R->end.task = R->cur ? R->cur->id : -1;
    weft__finish(WEFT_OK);
}

/* Abandon the execution: the checker has seen everything it could still do. */
static WEFT__NORETURN void prune(void)
{
    weft__R.end.pruned = true;
    weft__finish(WEFT_OK);
}

/* Ask the checker to pick one of n alternatives at a branch point: returns the index; ends the execution when
 * the checker prunes it or finds it diverged (never returns then). */
int weft__choose(int kind, int n, const int *ids, const bool *preempt)
{
    weft__rt *R = &weft__R;
    int k = R->hooks->choose(R->x, kind, n, ids, preempt);
    if (WEFT__LIKELY(k >= 0))
        return k;
    if (k == WEFT__PRUNE)
        prune();
    weft__nondet("%s", R->hooks->diverged(R->x));
}

static void grow_scratch(int n)
{
    weft__rt *R = &weft__R;
    if (n <= R->cand_cap)
        return;
    int cap = R->cand_cap ? R->cand_cap : 16;
    while (cap < n)
        cap *= 2;
    R->cand = realloc(R->cand, sizeof *R->cand * (size_t)cap);
    R->cand_pre = realloc(R->cand_pre, sizeof *R->cand_pre * (size_t)cap);
    if (!R->cand || !R->cand_pre)
        abort();
    R->cand_pre[0] = false;
    memset(R->cand_pre + 1, true, sizeof *R->cand_pre * (size_t)(cap - 1));
    R->cand_cap = cap;
}

/* Park the running task at the step it announced (R->deferred), if not done yet: before anything looks at the waiter
 * lists or the enabled set, or before switching away from it. */
static void park_deferred(void)
{
    weft__task *t = weft__R.deferred;
    if (t) {
        weft__R.deferred = NULL;
        weft__park(t);
    }
}

#ifdef WEFT_VERIFY_WAITQ
/* Debugging aid (-DWEFT_VERIFY_WAITQ): the enabled set kept as objects change equals a scan of every task. */
static void verify_enabled(void)
{
    weft__rt *R = &weft__R;
    int k = 0;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        const weft__task *t = R->tasks[R->alive[i]];
        bool on = t->state == WEFT__T_PENDING && t != R->deferred && weft__task_enabled(t);
        int w = t->id >> 6;
        bool bit = R->en_bits[w] >> (t->id & 63) & 1, sum = R->en_sum[w >> 6] >> (w & 63) & 1;
        k += on;
        if (on != t->en || on != bit || (R->en_bits[w] != 0) != sum) {
            fprintf(stderr, "weft: enabled set wrong for task %d (%s at %s:%d): %d, bit %d, scan %d\n", t->id, t->op,
                    t->file ? t->file : "?", t->line, t->en, bit, on);
            abort();
        }
    }
    if (k != R->nen) {
        fprintf(stderr, "weft: enabled set has %d tasks, scan %d\n", R->nen, k);
        abort();
    }
}
#endif

/* Nothing can move: classify how the execution ended. */
static WEFT__NORETURN void stuck(void)
{
    weft__rt *R = &weft__R;
    if (R->live == 0)
        weft__finish(weft__end_checks());
    weft__finish(R->body_done ? WEFT_LEAK : WEFT_DEADLOCK);
}

static weft__step *new_step(void)
{
    weft__rt *R = &weft__R;
    if (WEFT__UNLIKELY(R->nsteps >= R->steps_cap)) {
        long long cap = R->steps_cap ? 2 * R->steps_cap : 1024;
        weft__step *steps = realloc(R->steps, sizeof *R->steps * (size_t)cap);
        if (!steps)
            weft__out_of_memory("the schedule"); /* weft's resource error, not a CRASH of the program */
        R->steps = steps;
        R->steps_cap = cap;
    }
    return &R->steps[R->nsteps];
}

/* Whether the clock may take the next step, and to what time. Adversarial time: whenever a timer or a
 * sleeper is pending; idle time: only when no task can move. Never past the leak horizon once the body
 * has returned, and never once every task has finished. */
static bool clock_candidate(int ntask_cands, int64_t *when)
{
    weft__rt *R = &weft__R;
    if (R->live == 0 || (R->opt->time_mode == WEFT_TIME_IDLE && ntask_cands > 0))
        return false;
    if (!weft__clock_next(when))
        return false;
    if (R->body_done && *when - R->body_time > R->opt->leak_horizon)
        return false;
    return true;
}

/* Step number `step` made progress, or was the clock's: max_steps more may go by without any. */
static void progressed(long long step)
{
    weft__rt *R = &weft__R;
    long long end = step + 1 + R->opt->max_steps, cap = 20 * R->opt->max_steps;
    R->quiet_end = end < cap ? end : cap;
}

/* The clock takes step number R->nsteps. */
static void clock_fired(void)
{
    weft__credit_fired();
    progressed(weft__R.nsteps);
}

/* max_steps steps have passed since the clock last moved. Time cannot stand still forever while tasks run
 * (that would be a Zeno execution, not a livelock): in adversarial time, if a timer or a sleeper is pending,
 * the clock takes this step. Otherwise, or after 4 * max_steps steps in all, no fair continuation makes
 * progress: LIVELOCK, or LEAK when the body has returned. */
static weft__task *no_progress(void)
{
    weft__rt *R = &weft__R;
    int64_t when;
    if (R->opt->time_mode == WEFT_TIME_ADVERSARIAL && R->nsteps < 4 * R->opt->max_steps &&
        (R->timers || R->nsleep) && weft__clock_next(&when) &&
        !(R->body_done && when - R->body_time > R->opt->leak_horizon)) {
        weft__step *s = new_step();
        clock_fired();
        weft__clock_advance(when);
        *s = (weft__step){.task = -1, .op = "clock", .detail = -1, .partner = -1, .chose = -1, .when = R->now};
        R->nsteps++;
        return NULL;
    }
    R->end.task = -1;
    R->end.spinning = true;
    weft__finish(R->body_done ? WEFT_LEAK : WEFT_LIVELOCK);
}

/* Task t, chosen, takes the next step (preempt: choosing it preempted an enabled task): record it. */
static inline __attribute__((always_inline)) weft__task *take(weft__task *t, bool preempt)
{
    weft__rt *R = &weft__R;
    weft__step *s = new_step();
    s->preempt = preempt;
    s->raw = false;
    s->detail = -1;
    s->partner = -1;
    s->chose = -1;
    s->nchose = 0;
    R->preemptions += preempt;
    weft__unpark(t);
    weft__credit_step(t, R->nsteps);
    s->task = t->id;
    s->op = t->op;
    s->obj = t->ncl > 0 ? t->cl[0].obj : NULL;
    s->file = t->file;
    s->line = t->line;
    s->when = R->now;
    t->last_step = R->nsteps++;
    t->polled = false;
    R->last = t->id;
    R->step_task = t->id;
    R->step_polled = false;
    R->idle = weft__ops[t->opc].spin;
    if (R->idle) /* a step that makes no progress: what it observes, for busy-waits */
        weft__spin_step(t);
    return t;
}

/* Choose what takes the next step and record it: a task (returned), or the clock (it fires timers and
 * NULL is returned). Never returns when the execution is over. */
static weft__task *pick(void)
{
    weft__rt *R = &weft__R;
    R->clock_held = false;
    weft__spin_after(); /* the step just taken, for busy-waits */
    weft__settle();     /* the enabled set is now exactly the tasks that can move */
#ifdef WEFT_VERIFY_WAITQ
    verify_enabled();
#endif
    if (!R->idle && R->nsteps > 0)
        progressed(R->nsteps - 1);
    if (WEFT__UNLIKELY(R->nsteps >= R->quiet_end)) {
        park_deferred();
        return no_progress();
    }
    if (WEFT__UNLIKELY(R->ntasks + 1 > R->cand_cap))
        grow_scratch(R->ntasks + 1);
    weft__task *me = R->deferred;
    R->spin_escape = false;
    if (me && R->nen == 0 && !R->nspinning && !R->timers && !R->nsleep && !R->nfired && !R->x_every &&
        weft__task_enabled(me)) {
        /* the running task is the only one that can move, and nothing asks: it goes on without being parked (the
         * outcome of parking it and choosing it, which preempts nothing) */
        R->deferred = NULL;
        R->nwent_off = 0;
        R->went_off_lost = false;
        return take(me, false);
    }
    park_deferred();
    /* the enabled tasks in id order, but the previous task first so that the first choice never preempts; after a
     * poll that found nothing it goes last (leaving it is free): Go's Gosched lets the others run, and a poller
     * waits for them */
    int last = R->last, lastpos = -1, n;
    bool polled = false;
    if (last >= 0 && R->tasks[last]->en) {
        polled = R->tasks[last]->polled;
        if (polled) {
            n = weft__en_list(R->cand, last);
            lastpos = n++;
            R->cand[lastpos] = last;
        } else {
            R->cand[0] = last;
            lastpos = 0;
            n = 1 + weft__en_list(R->cand + 1, last);
        }
    } else {
        n = weft__en_list(R->cand, -1);
    }
    int nall = n;
    if (R->timers || R->nsleep || R->nfired) /* time is in use: the clock's fairness follows who can move */
        weft__credit_movers(R->cand, nall);
    if (R->nspinning > 0) /* fairness: tasks busy-waiting on what nobody changed wait (spin.c) */
        for (int i = 0; i < nall; i++)
            n -= weft__spin_waits(R->tasks[R->cand[i]]);
    int64_t when = 0;
    bool clock = (R->timers || R->nsleep) && clock_candidate(n, &when);
    if (n == 0 && !clock && nall > 0) { /* only busy-waits could go: they may (a bounded retry ends) */
        R->spin_escape = true;
        n = nall; /* every enabled task, as listed */
    } else if (n < nall) { /* those that do not wait, in the same order */
        int k = 0;
        lastpos = -1;
        for (int i = 0; i < nall; i++) {
            if (weft__spin_waits(R->tasks[R->cand[i]]))
                continue;
            if (R->cand[i] == last)
                lastpos = k;
            R->cand[k++] = R->cand[i];
        }
    }
    if (n == 0 && !clock)
        stuck();
    R->clock_held = clock && n > 0 && !weft__credit_clock_may();
    if (R->clock_held)
        clock = false; /* a task that could move has not paid for the next firing yet (credit.c) */
    int m = n;
    if (clock)
        R->cand[m++] = -1;
    /* leaving a fruitless poll is free; else the previous task is cand[0], and choosing any other preempts it */
    bool can_preempt = lastpos >= 0 && !polled;
    int k = m == 1 && !R->x_every ? 0 : weft__choose(WEFT__BR_TASK, m, R->cand, can_preempt ? R->cand_pre : NULL);
    R->nwent_off = 0;
    R->went_off_lost = false;
    bool preempt = can_preempt && k != 0;
    if (R->cand[k] < 0) {
        weft__step *s = new_step();
        R->preemptions += preempt;
        clock_fired();
        weft__clock_advance(when);
        R->idle = false;
        R->step_task = -1;
        *s = (weft__step){.task = -1, .preempt = preempt, .op = "clock", .detail = -1, .partner = -1, .chose = -1,
                          .when = R->now};
        R->nsteps++;
        return NULL; /* R->last stays: the task it interrupted goes on without a further preemption */
    }
    return take(R->tasks[R->cand[k]], preempt);
}

/* Give up the CPU at a scheduling point: resume woken and new tasks first, then let the checker choose.
 * Returns when the running task is chosen or resumed. */
void weft__schedule(void)
{
    weft__rt *R = &weft__R;
    weft__task *me = R->cur;
    weft__task *next;
    do
        next = R->resume_head ? resume_pop() : pick();
    while (!next);
    next->state = WEFT__T_RUNNING;
    if (next != me) {
        park_deferred();
        R->cur = next;
        weft__switch(&me->ctx, &next->ctx, next->stack, me->state == WEFT__T_DONE);
        weft__stack_settle();
    }
}

/* Announce the step `op` (enum weft__op) waiting on clauses cl[0..n) and return once chosen (0), or (index | WEFT__FIRED)
 * when another task completed clause `index` on our behalf. cl must stay valid until then. */
int weft__wait(int op, weft__clause *cl, int n, bool has_default, const char *file, int line)
{
    weft__rt *R = &weft__R;
    weft__task *t = R->cur;
    t->opc = op;
    t->op = weft__ops[op].name;
    t->file = file;
    t->line = line;
    t->cl = cl;
    t->ncl = n;
    t->has_default = has_default;
    t->fired = -1;
    t->arrival = ++R->arrivals;
    t->state = WEFT__T_PENDING;
    R->deferred = t; /* parked by the scheduler when needed (park_deferred) */
    weft__schedule();
    if (t->fired >= 0)
        return t->fired | WEFT__FIRED;
    return 0;
}

/* The step just taken was a poll that found nothing (select default, failed trylock, yield). */
void weft__poll_failed(void)
{
    weft__step_idle();
    weft__R.step_polled = true;
    weft__R.cur->polled = true;
}

/* The step under way makes no progress (a receive of a closed channel's zero value). */
void weft__step_idle(void)
{
    if (!weft__R.idle)
        weft__spin_step(weft__R.cur);
    weft__R.idle = true;
}
