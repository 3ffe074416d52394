/* task.c: tasks: spawn, entry and exit, the start and end of an execution, and the task-level calls. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"

/* First code on a task's stack: run its function, then exit. */
static void task_entry(void)
{
    weft__rt *R = &weft__R;
    weft__fiber_start();
    weft__stack_settle();
    weft__task *t = R->cur;
    if (t->fn)
        t->fn(t->arg);
    else
        weft__ffi_run(t);
    t = R->cur;
    t->state = WEFT__T_DONE;
    R->live--;
    if (t->id == 0) {
        R->body_done = true;
        R->body_end = R->nsteps;
        R->body_time = R->now;
    }
    /* The stack goes back to the pool once we are off it: the scheduling below may still spawn a task (a
     * timer's function), which must not get the stack this code runs on. */
    R->exiting_stack = t->stack;
    t->stack = NULL;
    weft__schedule();
    abort(); /* a finished task is never chosen */
}

/* The first function on every task's stack: unwinding a task's stack ends there (backtrace.c). */
void (*const weft__task_entry)(void) = task_entry;

/* A new task (state NEW) named `name`, spawned by the running task at file:line; the caller sets what it runs.
 * It runs up to its first visible operation before the next scheduling choice. */
weft__task *weft__spawn(const char *name, const char *file, int line)
{
    weft__rt *R = &weft__R;
    if (R->ntasks == R->task_cap) {
        int cap = R->task_cap ? 2 * R->task_cap : 16;
        weft__task **tasks = realloc(R->tasks, sizeof *tasks * (size_t)cap);
        if (!tasks)
            weft__out_of_memory("the task table"); /* weft's resource error, not a CRASH of the program */
        R->tasks = tasks;
        for (int i = R->task_cap; i < cap; i++) {
            if (!(tasks[i] = malloc(sizeof **tasks))) {
                R->task_cap = i; /* the ones made so far are kept */
                weft__out_of_memory("the task table");
            }
        }
        R->tasks = tasks;
        R->task_cap = cap;
    }
    weft__task *t = R->tasks[R->ntasks];
    memset(t, 0, offsetof(weft__task, spin.seen));
    t->id = R->ntasks++;
    weft__en_reserve(R->ntasks);
    t->state = WEFT__T_NEW;
    t->name = name;
    t->parent = R->cur ? R->cur->id : -1;
    t->spawn_file = file;
    t->spawn_line = line;
    t->fired = -1;
    t->last_step = -1;
    weft__credit_spawn(t, R->cur);
    t->passed = NULL;
    t->npassed = 0;
    t->stack = weft__stack_get();
    weft__fiber_fresh(t->stack);
    weft__ctx_make(&t->ctx, t->stack->lo, t->stack->size, task_entry);
    R->live++;
    if (R->nalive == R->alive_cap) {
        R->alive_cap = R->alive_cap ? 2 * R->alive_cap : 16;
        R->alive = realloc(R->alive, sizeof *R->alive * (size_t)R->alive_cap);
        if (!R->alive)
            abort();
    }
    R->alive[R->nalive++] = t->id;
    weft__resume_new(t);
    if (R->x_every)
        R->hooks->spawn(R->x, t->id, t->parent);
    return t;
}

/* Drop finished tasks from R->alive (keeping id order) and return how many remain (weft__alive's slow path). */
int weft__alive_compact(void)
{
    weft__rt *R = &weft__R;
    int m = 0;
    for (int i = 0; i < R->nalive; i++)
        if (R->tasks[R->alive[i]]->state != WEFT__T_DONE)
            R->alive[m++] = R->alive[i];
    R->nalive = m;
    return m;
}

/* Reset the per-execution state and create task 0 running body(arg). */
void weft__exec_begin(void (*body)(void *), void *arg)
{
    weft__rt *R = &weft__R;
    R->gen++;
    weft__arena fresh = R->arena_prev; /* alternate: this execution's objects never reuse the last one's memory */
    R->arena_prev = R->arena;
    R->arena = fresh;
    weft__arena_reset(&R->arena);
    weft__names_reset();
    R->addrs = NULL;
    R->naddrs = 0;
    memset(R->ids, 0, sizeof R->ids);
    R->obj_lo = R->obj_hi = NULL; /* the last execution's objects are stale */
    R->ntasks = 0;
    R->live = 0;
    R->nalive = 0;
    R->cur = NULL;
    R->deferred = NULL;
    R->resume_head = R->resume_tail = NULL;
    R->nsteps = 0;
    R->nwent_off = 0;
    R->went_off_lost = false;
    R->last = -1;
    R->preemptions = 0;
    R->nspinning = 0;
    R->spin_escape = false;
    R->step_task = -1;
    R->nstep_objs = 0;
    R->step_polled = false;
    R->nwindows = 0;
    R->nnews = 0;
    R->news_lost = false;
    R->spin_epoch = 0;
    R->quiet_end = R->opt->max_steps; /* quiet since step -1 (20 * max_steps is not less) */
    R->idle = false;
    R->arrivals = 0;
    R->body_done = false;
    R->now = 0;
    R->nsleep = 0;
    R->nfired = 0;
    R->nmovers = 0;
    R->nseen = 0;
    R->mover_epoch = 0;
    R->body_time = 0;
    R->timers = R->timers_tail = NULL;
    R->ctxs = R->ctxs_tail = NULL;
    R->background = NULL;
    weft__waitq_reset();
    memset(&R->end, 0, sizeof R->end);
    R->end.task = -1;
    R->crashing = false;
    R->active = true;
    weft__task *t = weft__spawn("body", NULL, 0);
    t->fn = body;
    t->arg = arg;
}

/* Run the execution begun by weft__exec_begin until it ends; R->end tells how. */
void weft__exec_run(void)
{
    weft__rt *R = &weft__R;
    weft__task *t = R->resume_head;
    R->resume_head = t->next_resume;
    if (!R->resume_head)
        R->resume_tail = NULL;
    t->state = WEFT__T_RUNNING;
    R->cur = t;
    weft__switch(&R->driver, &t->ctx, t->stack, false);
    weft__stack_settle();
    R->active = false;
    R->cur = NULL;
    for (int i = 0; i < R->ntasks; i++) {
        weft__task *u = R->tasks[i];
        if (u->stack) {
            weft__stack_put(u->stack);
            u->stack = NULL;
        }
    }
}

/* Public: spawn fn(arg) as a new task. */
void weft_go_at(void (*fn)(void *), void *arg, const char *name, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_go", file, line);
    if (!fn)
        weft__usage("weft_go", file, line, "NULL function");
    weft__task *t = weft__spawn(name, file, line);
    t->fn = fn;
    t->arg = arg;
}

/* Public: a scheduling point that counts as polling for fairness. */
void weft_yield_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_yield", file, line);
    weft__clause always = {0};
    weft__wait(WEFT__OP_YIELD, &always, 1, false, file, line);
    weft__poll_failed();
}

/* Public: a scheduling point standing for an access to shared memory at addr. */
void weft_touch_at(const void *addr, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_touch", file, line);
    weft__clause c = {.kind = WEFT__CL_ALWAYS, .obj = (void *)(uintptr_t)addr};
    weft__addr_id(addr); /* numbered as tasks arrive, not as footprints are asked for: the same in every
                          * execution of the same choices */
    weft__wait(WEFT__OP_TOUCH, &c, 1, false, file, line);
    weft__step_obj(addr, -1);
    weft__R.steps[weft__R.nsteps - 1].raw = true;
}

/* Public: the running task's id (0 is the test body). */
int weft_task_id_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_task_id", file, line);
    return weft__R.cur->id;
}

/* Public: weft_task_id without a call site. */
int(weft_task_id)(void)
{
    return weft_task_id_at(NULL, 0, NULL);
}

/* Public: a value in [0, n); every value is explored. */
int weft_choose_at(int n, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_choose", file, line);
    if (n <= 0)
        weft__usage("weft_choose", file, line, "n must be at least 1 (got %d)", n);
    int v = n == 1 ? 0 : weft__choose(WEFT__BR_VALUE, n, NULL, NULL);
    weft__rt *R = &weft__R;
    if (R->nsteps > 0 && R->steps[R->nsteps - 1].task == R->cur->id) { /* shown with the step it follows */
        R->steps[R->nsteps - 1].chose = v;
        R->steps[R->nsteps - 1].nchose++;
    }
    return v;
}

/* Public: end the execution with WEFT_ASSERT when ok is false. */
void weft_assert_at(int ok, const char *expr, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_assert", file, line);
    if (!ok)
        weft__fail(WEFT_ASSERT, file, line, "assertion failed: %s", expr);
}

/* Public: end the execution with WEFT_PANIC and the formatted message. */
void weft_panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
    (void)func;
    weft__require("weft_panic", file, line);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    weft__fail(WEFT_PANIC, file, line, "%s", msg);
}
