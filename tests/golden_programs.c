/* golden_programs.c: the small buggy programs whose reports tests/golden/ holds (lines here appear in the reports). */
#include <stddef.h>

#include <weft.h>

void golden_abba(void *arg);
void golden_leak(void *arg);
void golden_panic_send_closed(void *arg);

/* AB-BA: two tasks lock the same two mutexes in opposite orders. */
static weft_mutex *ma, *mb;
static void transfer_ba(void *arg)
{
    (void)arg;
    weft_mutex_lock(mb);
    weft_mutex_lock(ma);
    weft_mutex_unlock(ma);
    weft_mutex_unlock(mb);
}

void golden_abba(void *arg)
{
    (void)arg;
    ma = weft_mutex_make();
    mb = weft_mutex_make();
    weft_name(ma, "a");
    weft_name(mb, "b");
    weft_go(transfer_ba, NULL);
    weft_mutex_lock(ma);
    weft_mutex_lock(mb);
    weft_mutex_unlock(mb);
    weft_mutex_unlock(ma);
}

/* Leak: the worker's result is never received after the body returns early. */
static void compute(weft_chan *out, int v)
{
    weft_chan_send(out, &v);
}

void golden_leak(void *arg)
{
    (void)arg;
    weft_chan *res = weft_chan_make(sizeof(int), 0);
    weft_name(res, "result");
    WEFT_GO(compute, res, 42);
    if (weft_choose(2) == 0)
        return;
    int v;
    weft_chan_recv(res, &v);
}

/* Panic: a producer sends after the consumer closed the channel. */
static void producer(weft_chan *c)
{
    for (int i = 0; i < 2; i++)
        weft_chan_send(c, &i);
}

void golden_panic_send_closed(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_name(c, "jobs");
    WEFT_GO(producer, c);
    int v;
    weft_chan_recv(c, &v);
    weft_chan_close(c);
}

/* Select: the worker's first select takes the body's value; its second can never fire once the body, whose own
 * select took its default, has returned. */
void golden_select_leak(void *arg);
static void selector(weft_chan *a, weft_chan *b, weft_chan *done)
{
    int v;
    weft_case cs[] = {WEFT_RECV(a, &v, NULL), WEFT_RECV(b, &v, NULL)};
    weft_select(cs, 2);
    weft_chan_send(done, &v);
    weft_select(cs, 2);
}

void golden_select_leak(void *arg)
{
    (void)arg;
    weft_chan *a = weft_chan_make(sizeof(int), 1);
    weft_chan *b = weft_chan_make(sizeof(int), 0);
    weft_chan *done = weft_chan_make(sizeof(int), 0);
    weft_name(a, "a");
    weft_name(b, "b");
    WEFT_GO(selector, a, b, done);
    int x = 1;
    weft_chan_send(a, &x);
    weft_chan_recv(done, &x);
    weft_case cs[] = {WEFT_RECV(a, &x, NULL)};
    weft_select_default(cs, 1);
}
