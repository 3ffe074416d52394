/* replay.c: follow the choices a replay token recorded, and say where the program first does something else. */
#include <string.h>

#include "strategy.h"

/* Where nondeterminism usually comes from, appended to every divergence. */
#define WHY " (a static not reset by the body? the wall clock? input?)"

/* Up to two steps [from, to) of the current execution in words: "task 1 chan_send at f.c:12, ...". */
static void describe_steps(long long from, long long to, char *buf, size_t n)
{
    const weft__rt *R = &weft__R;
    size_t k = 0;
    buf[0] = 0;
    if (to > R->nsteps)
        to = R->nsteps;
    if (from >= to) {
        snprintf(buf, n, "no step");
        return;
    }
    for (long long i = from; i < to && k < n; i++) {
        if (i == from + 2) {
            snprintf(buf + k, n - k, ", ... (%lld more)", to - i);
            return;
        }
        const weft__step *s = &R->steps[i];
        int w;
        if (s->task < 0)
            w = snprintf(buf + k, n - k, "%sstep %lld: the clock", i > from ? ", " : "", i + 1);
        else
            w = snprintf(buf + k, n - k, "%sstep %lld: task %d %s at %s:%d", i > from ? ", " : "", i + 1, s->task,
                         s->op, s->file ? s->file : "?", s->line);
        if (w < 0)
            return;
        k += (size_t)w;
    }
}

static void begin(weft__explorer *x)
{
    x->tcursor = 0;
    weft__token_rewind(x->token);
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    const weft__token *t = x->token;
    long long steps = weft__R.nsteps, step = steps + 1;
    long long before = weft__token_step(t);
    weft__tchoice c;
    char what[400];
    if (!weft__token_next(t, &c))
        return weft__diverged(x,
                              "before step %lld the replay makes choice %d; the token's execution made only %lld "
                              "choices, then ended with %s after step %lld" WHY,
                              step, x->tcursor + 1, t->nvalues, weft_verdict_name((weft_verdict)t->verdict), t->nsteps);
    x->tcursor++;
    long long want = before + c.delta;
    if (want != steps) {
        describe_steps(before, steps > want ? steps : want, what, sizeof what);
        return weft__diverged(x,
                              "choice %d comes before step %lld in the replay, before step %lld in the token's "
                              "execution; the replay took: %s" WHY,
                              x->tcursor, step, want + 1, what);
    }
    if (weft__steps_digest(before, steps) != c.digest) {
        describe_steps(before, steps, what, sizeof what);
        return weft__diverged(x,
                              "the steps %lld to %lld before choice %d differ from the token's execution (the same "
                              "number of steps, other tasks, operations or lines); the replay took: %s" WHY,
                              before + 1, steps, x->tcursor, what);
    }
    int v = c.value;
    if (b->kind == WEFT__BR_TASK) {
        for (int i = 0; i < b->n; i++)
            if (b->ids[i] == v - 1)
                return i;
        if (v == 0)
            return weft__diverged(x, "at step %lld the token fires the clock, which has nothing to fire now" WHY,
                                  step);
        return weft__diverged(x, "at step %lld the token schedules task %d, which is not enabled now" WHY, step,
                              v - 1);
    }
    if (v >= b->n)
        return weft__diverged(x, "at step %lld the token chooses alternative %d of %d" WHY, step, v, b->n);
    return v;
}

static bool next(weft__explorer *x)
{
    (void)x;
    return false;
}

const weft__strategy weft__replay = {"replay", begin, choose, next};

/* The options token t imposes on its replay: the flags that change what an execution does. */
void weft__replay_options(const weft__token *t, weft_options *o)
{
    o->time_mode = (weft_time_mode)t->time_mode;
    o->max_steps = t->max_steps;
    o->stack_size = t->stack_size;
    o->leak_horizon = t->leak_horizon;
    if (t->hang_ms > 0)
        o->time_limit = (double)t->hang_ms / 1000.0; /* the same grace period: the hang is reported the same way */
}

/* Whether the replayed execution (just ended) ended as the token's did; if not, the first difference, both
 * sides, in msg. */
bool weft__replay_same_end(const weft__explorer *x, char *msg, size_t n)
{
    const weft__rt *R = &weft__R;
    const weft__token *t = x->token;
    const char *mine = weft_verdict_name(R->end.verdict), *theirs = weft_verdict_name((weft_verdict)t->verdict);
    long long last = weft__token_step(t);
    char what[400];
    if (x->tcursor < t->nvalues) {
        weft__tchoice c;
        weft__token_next(t, &c);
        snprintf(msg, n,
                 "the replay ended with %s after step %lld and %d choices; the token's execution made choice %d "
                 "before step %lld and %lld choices in all, then ended with %s after step %lld" WHY,
                 mine, R->nsteps, x->tcursor, x->tcursor + 1, weft__token_step(t) + 1, t->nvalues, theirs, t->nsteps);
        return false;
    }
    if (R->nsteps != t->nsteps) {
        describe_steps(last, R->nsteps, what, sizeof what);
        snprintf(msg, n,
                 "after the last choice (step %lld), the replay ended with %s after step %lld; the token's execution "
                 "ended with %s after step %lld; the replay took: %s" WHY,
                 last, mine, R->nsteps, theirs, t->nsteps, what);
        return false;
    }
    if (weft__trace_hash() != t->trace) {
        describe_steps(last, R->nsteps, what, sizeof what);
        snprintf(msg, n,
                 "the steps %lld to %lld after the last choice differ from the token's execution (the same number of "
                 "steps, other tasks, operations, lines or cases); the replay took: %s" WHY,
                 last + 1, R->nsteps, what);
        return false;
    }
    if ((int)R->end.verdict != t->verdict) {
        snprintf(msg, n,
                 "the replay took the same %lld step%s as the token's execution but ended with %s, the token's "
                 "execution with %s" WHY,
                 R->nsteps, R->nsteps == 1 ? "" : "s", mine, theirs);
        return false;
    }
    if (weft__end_digest() != t->end_digest) {
        snprintf(msg, n,
                 "the replay took the same %lld step%s and ended with %s as the token's execution, but in another "
                 "task, at another line or with another message: task %d at %s:%d: %s" WHY,
                 R->nsteps, R->nsteps == 1 ? "" : "s", mine, R->end.task, R->end.file ? R->end.file : "?", R->end.line, R->end.msg);
        return false;
    }
    return true;
}
