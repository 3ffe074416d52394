/* test_partners.c: a rendezvous's partners, counted rather than listed: every alternative once, in order, at scale. */
#include "testutil.h"

static weft_chan *ch;
static weft_wg *wg;
static int got[4]; /* what each flexible task ended with (both_ways) */

static void send_val(weft_chan *c, int v)
{
    weft_chan_send(c, &v);
}

/* ---- a select that names one channel twice: each case pairs with each waiting sender ---- */

static void twice_body(void *arg)
{
    (void)arg;
    tu_begin();
    ch = weft_chan_make(sizeof(int), 0);
    for (int i = 1; i <= 3; i++)
        WEFT_GO(send_val, ch, i);
    for (int k = 0; k < 3; k++) {
        int a = 0, b = 0;
        weft_case cs[] = {WEFT_RECV(ch, &a, NULL), WEFT_RECV(ch, &b, NULL)};
        int i = weft_select(cs, 2);
        tu_emit("%d:%d", i, i ? b : a);
    }
    tu_record();
}

/* 2 cases x 3 senders, then 2 x 2, then 2 x 1: 48 alternatives, each a different behaviour. */
static void test_select_names_channel_twice(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    tu_reset();
    weft_result r = weft_check("twice", twice_body, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_int_equal(r.executions, 48);
    assert_int_equal(tu_nset, 48);
    assert_false(tu_overflow);
    weft_result_free(&r);
}

/* ---- selects offering both ways on one channel: a task never pairs with itself ---- */

static void flexible(weft_chan *c, int id)
{
    int v = id, x = -1;
    weft_case cs[] = {WEFT_SEND(c, &v), WEFT_RECV(c, &x, NULL), WEFT_SEND(c, &v)};
    int i = weft_select(cs, 3);
    got[id] = i == 1 ? x : -10 - i; /* what it received, or which send case it took */
    weft_wg_done(wg);
}

static void plain_recv(weft_chan *c)
{
    int x = -1;
    weft_chan_recv(c, &x);
    got[3] = x;
    weft_wg_done(wg);
}

static void both_body(void *arg)
{
    (void)arg;
    tu_begin();
    memset(got, 0, sizeof got);
    ch = weft_chan_make(sizeof(int), 0);
    wg = weft_wg_make();
    weft_wg_add(wg, 3); /* the flexible tasks and the receiver: the sender is paired with one of them */
    WEFT_GO(flexible, ch, 1);
    WEFT_GO(flexible, ch, 2);
    WEFT_GO(plain_recv, ch);
    WEFT_GO(send_val, ch, 9);
    weft_wg_wait(wg);
    tu_emit("%d %d %d", got[1], got[2], got[3]);
    tu_record();
}

static void test_select_both_ways(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    tu_reset();
    weft_result r = weft_check("both_ways", both_body, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    /* a flexible task sends to the other or to the receiver, or receives from the other or from the sender (9),
     * never its own value; a partner pairs with the first case that names the channel in its direction (case 0:
     * -10, never case 2) */
    static const char *const want[] = {"-10 1 9", "2 -10 9", "-10 9 1", "9 -10 2", NULL};
    assert_true(tu_set_equals(want));
    weft_result_free(&r);
}

/* ---- one execution with many tasks on one channel: the first partner in task id order ---- */

#define MANY 3000
static int order_ok;

static void many_body(void *arg)
{
    (void)arg;
    ch = weft_chan_make(sizeof(int), 0);
    for (int i = 0; i < MANY; i++)
        WEFT_GO(send_val, ch, i);
    order_ok = 1;
    for (int i = 0; i < MANY; i++) {
        int v = -1;
        weft_chan_recv(ch, &v);
        order_ok &= v == i;
    }
}

static void test_many_senders_first_in_id_order(void **state)
{
    (void)state;
    for (int s = 0; s < 2; s++) {
        weft_options o = tu_exhaustive();
        o.strategy = s ? WEFT_STRATEGY_DPOR : WEFT_STRATEGY_DFS;
        o.max_executions = 1;
        order_ok = 0;
        weft_result r = weft_check("many", many_body, NULL, &o);
        assert_null(r.error);
        assert_int_equal(r.longest, MANY);
        assert_true(order_ok);
        weft_result_free(&r);
    }
}

/* ---- a report on many tasks waiting on one channel ---- */

static void send_twice(weft_chan *c)
{
    int v = 0;
    weft_case cs[] = {WEFT_SEND(c, &v), WEFT_SEND(c, &v)};
    weft_select(cs, 2);
}

static void leak_body(void *arg)
{
    (void)arg;
    ch = weft_chan_make(sizeof(int), 0);
    WEFT_GO(send_twice, ch);
    for (int i = 0; i < 300; i++)
        WEFT_GO(send_val, ch, i);
}

static void test_report_many_waiters(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_executions = 1;
    weft_result r = weft_check("leak", leak_body, NULL, &o);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "301 tasks are blocked forever");
    /* the select naming the channel twice is listed once; the list stops where the line's room ends */
    assert_contains(r.report, "waiting to send: task 1, task 2, task 3, task 4, task 5,");
    assert_contains(r.report, "; waiting to receive: none\n");
    assert_contains(r.report, "task 301 `send_val`");
    weft_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_names_channel_twice),
        cmocka_unit_test(test_select_both_ways),
        cmocka_unit_test(test_many_senders_first_in_id_order),
        cmocka_unit_test(test_report_many_waiters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
