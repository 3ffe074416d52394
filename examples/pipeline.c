/* pipeline.c: a pipeline whose stages close their output when done, and a fan-out/fan-in with a WaitGroup. */
#include <weft.h>

/* Send 1..n on out, then close it. */
static void generate(weft_chan *out, int n)
{
    for (int i = 1; i <= n; i++)
        weft_chan_send(out, &i);
    weft_chan_close(out);
}

/* Send the square of every value received on in, until in is closed. */
static void square(weft_chan *in, weft_chan *out)
{
    int v;
    while (weft_chan_recv(in, &v)) {
        int sq = v * v;
        weft_chan_send(out, &sq);
    }
}

/* One stage: square, then close out (the only sender on it). */
static void square_stage(weft_chan *in, weft_chan *out)
{
    square(in, out);
    weft_chan_close(out);
}

/* One of several workers sharing out: square, then tell the WaitGroup. */
static void square_worker(weft_chan *in, weft_chan *out, weft_wg *wg)
{
    square(in, out);
    weft_wg_done(wg);
}

/* Close c once every worker is done: the last sender cannot know it is the last. */
static void close_when_done(weft_wg *wg, weft_chan *c)
{
    weft_wg_wait(wg);
    weft_chan_close(c);
}

WEFT_TEST(pipeline_sums_squares)
{
    weft_chan *nums = weft_chan_make(sizeof(int), 0);
    weft_chan *squares = weft_chan_make(sizeof(int), 1);
    weft_name(nums, "nums");
    weft_name(squares, "squares");
    WEFT_GO(generate, nums, 3);
    WEFT_GO(square_stage, nums, squares);
    int sum = 0, v;
    while (weft_chan_recv(squares, &v))
        sum += v;
    weft_assert(sum == 1 + 4 + 9);
}

WEFT_TEST(fan_out_fan_in)
{
    weft_chan *nums = weft_chan_make(sizeof(int), 0);
    weft_chan *squares = weft_chan_make(sizeof(int), 0);
    weft_name(nums, "nums");
    weft_name(squares, "squares");
    weft_wg *wg = weft_wg_make();
    WEFT_GO(generate, nums, 2);
    weft_wg_add(wg, 2);
    WEFT_GO(square_worker, nums, squares, wg);
    WEFT_GO(square_worker, nums, squares, wg);
    WEFT_GO(close_when_done, wg, squares);
    int sum = 0, v;
    while (weft_chan_recv(squares, &v))
        sum += v;
    weft_assert(sum == 1 + 4);
}
