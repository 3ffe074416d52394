/* abba_locks.c: two tasks take two mutexes in opposite orders (AB-BA deadlock), and the ordered fix. */
#include "model.h"

typedef struct accounts {
    weft_mutex *a, *b;
    int balance_a, balance_b;
} accounts;

static void transfer_ba(accounts *s)
{
    weft_mutex_lock(s->b);
    weft_mutex_lock(s->a);
    s->balance_b--;
    s->balance_a++;
    weft_mutex_unlock(s->a);
    weft_mutex_unlock(s->b);
}

static void transfer_ab(accounts *s)
{
    weft_mutex_lock(s->a);
    weft_mutex_lock(s->b);
    s->balance_a--;
    s->balance_b++;
    weft_mutex_unlock(s->b);
    weft_mutex_unlock(s->a);
}

static accounts *open_accounts(void)
{
    accounts *s = weft_alloc(sizeof *s);
    s->a = weft_mutex_make();
    s->b = weft_mutex_make();
    weft_name(s->a, "a");
    weft_name(s->b, "b");
    return s;
}

WEFT_MODEL(abba_locks_deadlock, .category = "locks", .expect = WEFT_DEADLOCK,
           .summary = "two transfers lock the same two accounts in opposite orders",
           .pattern = "One task locks a then b, the other b then a. If each takes its first lock before the "
                      "other takes its second, each waits for the lock the other holds, forever.",
           .fix = "Take locks in one global order (always a before b).",
           .pair = "abba_locks_ordered")
{
    accounts *s = open_accounts();
    WEFT_GO(transfer_ba, s);
    transfer_ab(s);
}

static void transfer_ba_ordered(accounts *s)
{
    weft_mutex_lock(s->a); /* same order as everyone else */
    weft_mutex_lock(s->b);
    s->balance_b--;
    s->balance_a++;
    weft_mutex_unlock(s->b);
    weft_mutex_unlock(s->a);
}

WEFT_MODEL(abba_locks_ordered, .category = "locks", .expect = WEFT_OK,
           .summary = "both transfers lock a before b: no cycle, no deadlock",
           .pattern = "The same two transfers, each taking the locks in the global order a, b.",
           .fix = "With one lock order no task can hold the second lock while waiting for the first.",
           .pair = "abba_locks_deadlock")
{
    accounts *s = open_accounts();
    WEFT_GO(transfer_ba_ordered, s);
    transfer_ab(s);
}
