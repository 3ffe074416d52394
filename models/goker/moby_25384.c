/* moby_25384.c: the plugin manager waits for all plugins inside the loop that starts them. */
/*
 * Port of GoBench GoKer kernel moby/25384 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/moby/25384/moby25384_test.go
 * GoBench class: Mixed Deadlock / Misuse WaitGroup.
 *
 * The buggy interleaving (any schedule): init adds len(plugins) = 2 to the
 * WaitGroup, then for each plugin starts a goroutine that calls Done and,
 * still inside the loop, calls Wait. After the first plugin's goroutine the
 * counter is 1 and the second goroutine has not been started yet, so Wait
 * never returns. The test body spawned init and returned: init leaks.
 */
#include "model.h"

static void m25384_plugin_load(weft_wg *group, int p)
{
    (void)p;
    weft_wg_done(group); /* defer group.Done() */
}

static void m25384_init(int nplugins, bool fixed)
{
    weft_wg *group = weft_wg_make();
    weft_name(group, "group");
    weft_wg_add(group, nplugins);
    for (int p = 0; p < nplugins; p++) {
        WEFT_GO(m25384_plugin_load, group, p);
        if (!fixed)
            weft_wg_wait(group); /* block here */
    }
    if (fixed)
        weft_wg_wait(group);
}

WEFT_MODEL(moby_25384, .category = "goker", .expect = WEFT_LEAK,
           .summary = "moby#25384: WaitGroup.Wait inside the loop that starts the goroutines it waits for",
           .pattern = "Add(n) is called once for n goroutines, but Wait is called after starting the first one; "
                      "with n > 1 the counter can never reach zero because the remaining goroutines are started "
                      "only after Wait returns.",
           .fix = "Move group.Wait() after the loop (the upstream fix).",
           .pair = "moby_25384_fixed")
{
    WEFT_GO(m25384_init, 2, false); /* pm := &Manager{plugins: {p1, p2}}; go pm.init() */
}

WEFT_MODEL(moby_25384_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "moby#25384 fixed: Wait after the loop has started every plugin",
           .pattern = "The same two plugins, with one Wait after all the goroutines are started.",
           .fix = "Every Done the Wait needs is issued by a goroutine that exists.",
           .pair = "moby_25384")
{
    WEFT_GO(m25384_init, 2, true);
}
