/* owner.c: weft calls only from the thread running the check, and no fork() inside a task: both refused. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

__thread bool weft__on_checker_thread __attribute__((tls_model("initial-exec")));

static void say(const char *s)
{
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

/* Before a fork (pthread_atfork's prepare handler, in the forking process): a fork inside a task would give a
 * child that goes on with the exploration. The fork does not happen: the execution ends with a usage error. */
static void before_fork(void)
{
    weft__rt *R = &weft__R;
    if (!R->active || !R->cur || !weft__on_checker_thread || R->crashing)
        return;
    weft__task *t = R->cur;
    char who[64];
    if (t->id == 0)
        snprintf(who, sizeof who, "the test body");
    else
        snprintf(who, sizeof who, "task %d `%s`", t->id, t->name);
    if (t->op)
        snprintf(R->end.msg, sizeof R->end.msg,
                 "fork() called in %s after its last visible operation, %s at %s:%d: refused (weft runs every task "
                 "in one process; a forked child would go on with the exploration)",
                 who, t->op, t->file ? t->file : "?", t->line);
    else
        snprintf(R->end.msg, sizeof R->end.msg,
                 "fork() called in %s before its first visible operation: refused (weft runs every task in one "
                 "process; a forked child would go on with the exploration)",
                 who);
    R->end.usage = true;
    R->end.task = t->id;
    R->end.file = t->op ? t->file : t->spawn_file;
    R->end.line = t->op ? t->line : t->spawn_line;
    weft__finish(WEFT_OK);
}

/* Per check, on the thread that runs it: weft calls are accepted from this thread only; fork() in a task is
 * refused (the handler is registered once per process). */
void weft__owner_claim(void)
{
    static bool registered;
    weft__on_checker_thread = true;
    if (!registered) {
        registered = true;
        pthread_atfork(before_fork, NULL, NULL);
    }
}

/* weft__require's slow path: a weft call outside a running check, or from a thread that does not run the check
 * (a pthread made in a task). One line naming the call and its site, then exit status 2: another thread cannot
 * end the check's execution, and a call outside any check has nothing to end. */
void weft__refuse(const char *call, const char *file, int line)
{
    weft__rt *R = &weft__R;
    char where[300], msg[700];
    if (file)
        snprintf(where, sizeof where, "%s:%d: %s", file, line, call);
    else
        snprintf(where, sizeof where, "%s", call);
    if (!weft__on_checker_thread && R->opt) {
        snprintf(msg, sizeof msg,
                 "weft: %s called from a thread other than the one running the check (a pthread made in a task?): "
                 "weft calls work only in the test body and its tasks\n",
                 where);
        say(msg);
        weft__exit_process(2); /* at once: the check's own thread is still running */
    }
    snprintf(msg, sizeof msg, "weft: %s called outside a running check (call it from a test body or a task)\n", where);
    fflush(stdout);
    say(msg);
    exit(2);
}
