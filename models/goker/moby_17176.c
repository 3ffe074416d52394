/* moby_17176.c: cleanupDeletedDevices returns early holding the device-set lock; the next locker leaks. */
/*
 * Port of GoBench GoKer kernel moby/17176 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/moby/17176/moby17176_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule): with no deleted devices,
 * cleanupDeletedDevices returns nil without unlocking the DeviceSet. The test
 * then starts a goroutine that locks the set (blocks forever) before sending
 * on doneChan, and waits for doneChan or a 1 ms timer; the timer fires, the
 * test returns, and the goroutine leaks.
 */
#include "model.h"

typedef struct m17176_devices {
    weft_mutex *mu; /* the embedded sync.Mutex */
    int nr_deleted_devices;
    bool fixed;
} m17176_devices;

static int m17176_cleanup_deleted_devices(m17176_devices *d)
{
    weft_mutex_lock(d->mu);
    if (d->nr_deleted_devices == 0) {
        if (d->fixed)
            weft_mutex_unlock(d->mu); /* buggy: missing devices.Unlock() */
        return 0;
    }
    weft_mutex_unlock(d->mu);
    return -1; /* errors.New("Error") */
}

static void m17176_locker(m17176_devices *d, weft_chan *done)
{
    bool t = true;
    weft_mutex_lock(d->mu);
    weft_chan_send(done, &t);
    weft_mutex_unlock(d->mu); /* defer */
}

/* testDevmapperLockReleasedDeviceDeletion */
static void m17176_test(bool fixed)
{
    m17176_devices *ds = weft_alloc(sizeof *ds);
    ds->mu = weft_mutex_make();
    ds->nr_deleted_devices = 0;
    ds->fixed = fixed;
    weft_name(ds->mu, "DeviceSet");
    m17176_cleanup_deleted_devices(ds);
    /* fixed: capacity 1 as well, so that the locker's send completes after the test's timeout */
    weft_chan *done = weft_chan_make(sizeof(bool), fixed ? 1 : 0);
    weft_name(done, "doneChan");
    WEFT_GO(m17176_locker, ds, done);
    bool b;
    weft_case cs[] = {
        WEFT_RECV(weft_after(1 * WEFT_MS), NULL, NULL),
        WEFT_RECV(done, &b, NULL),
    };
    weft_select(cs, 2);
}

WEFT_MODEL(moby_17176, .category = "goker", .expect = WEFT_LEAK,
           .summary = "moby#17176: cleanupDeletedDevices returns early without unlocking; the next locker blocks",
           .pattern = "An early `return nil` inside a critical section skips the Unlock. The goroutine that "
                      "locks the set next blocks forever; the test gives up after a 1 ms timeout and returns, "
                      "leaving it behind.",
           .fix = "Unlock on every return path (or lock with defer Unlock).",
           .pair = "moby_17176_fixed")
{
    m17176_test(false);
}

WEFT_MODEL(moby_17176_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "moby#17176 fixed: the early return unlocks the set, and doneChan has a slot",
           .pattern = "The same cleanup, locker goroutine and 1 ms timeout, with the unlock on the early return "
                      "(the upstream fix). The kernel's test has a second leak of its own: when the 1 ms timer "
                      "wins, nobody receives the locker's send on the unbuffered doneChan, so the fixed variant "
                      "also gives doneChan a capacity of 1.",
           .fix = "The lock is free, so the locker always gets it; its one send always completes, received or "
                  "not.",
           .pair = "moby_17176")
{
    m17176_test(true);
}
