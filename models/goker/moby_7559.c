/* moby_7559.c: the UDP proxy's loop `continue`s on a dial error without releasing connTrackLock. */
/*
 * Port of GoBench GoKer kernel moby/7559 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/moby/7559/moby7559_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule): Run locks connTrackLock at the top of
 * each iteration; net.DialUDP("udp", nil, nil) always fails (no remote
 * address), and the error path `continue`s without unlocking, so the second
 * iteration locks the mutex it already holds. The test body only spawns Run
 * and returns: the goroutine leaks.
 *
 * Porting note: DialUDP is modelled by its outcome here, an error every time.
 * No fixed variant: adding only the missing Unlock makes the kernel's final
 * Unlock (after the loop) unlock an unlocked mutex, a fatal error in Go; the
 * kernel's loop is not the upstream code shape that the fix applied to.
 */
#include "model.h"

typedef struct m7559_proxy {
    weft_mutex *conn_track_lock;
} m7559_proxy;

/* net.DialUDP("udp", nil, nil): always an error (missing address). */
static int m7559_dial_udp(void)
{
    return -1;
}

static void m7559_run(m7559_proxy *proxy)
{
    for (int i = 0; i < 2; i++) {
        weft_mutex_lock(proxy->conn_track_lock);
        int err = m7559_dial_udp();
        if (err != 0)
            continue; /* missing unlock here */
        if (i == 0)
            break;
    }
    weft_mutex_unlock(proxy->conn_track_lock);
}

WEFT_MODEL(moby_7559, .category = "goker", .expect = WEFT_LEAK,
           .summary = "moby#7559: Run's error path continues the loop without unlocking connTrackLock",
           .pattern = "A loop that locks at the top of each iteration skips the unlock on its `continue` path; "
                      "the next iteration blocks on the lock the goroutine already holds.",
           .fix = "Unlock before `continue` (and keep the unlock that follows the loop for the path that broke "
                  "out holding the lock only).",
           .pair = NULL)
{
    m7559_proxy *proxy = weft_alloc(sizeof *proxy);
    proxy->conn_track_lock = weft_mutex_make();
    weft_name(proxy->conn_track_lock, "connTrackLock");
    WEFT_GO(m7559_run, proxy);
}
