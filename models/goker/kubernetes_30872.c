/* kubernetes_30872.c: a federated informer's lock and its DeltaFIFO's lock taken in opposite orders. */
/*
 * Port of GoBench GoKer kernel kubernetes/30872 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/30872/kubernetes30872_test.go
 * Bug class (goker_public.tsv): Resource Deadlock / AB-BA deadlock.
 *
 * NamespaceController.Run starts the federated informer (under its mutex L1),
 * whose controller goroutine G2 polls stopChan and calls Pop: Pop locks the
 * DeltaFIFO's lock L2 and runs the handler, addCluster, which locks L1. The
 * delivery goroutine G4 calls ClustersSynced, which locks L1 and then
 * HasSynced locks L2. With G2 holding L2 and G4 holding L1, each waits for the
 * other; G3, which would stop G2 (close stopChan under L1), blocks on L1 too.
 * The test body returns: G2, G3 and G4 leak.
 */
#include "model.h"

typedef struct fed_informer30872 fed_informer30872;

typedef struct delta_fifo30872 {
    weft_rwmutex *lock; /* L2 (only its write side is used) */
} delta_fifo30872;

/* Controller: config.Queue is the DeltaFIFO; config.Process calls the handler's AddFunc, addCluster. */
typedef struct controller30872 {
    delta_fifo30872 *queue;
    fed_informer30872 *handler_owner; /* AddFunc: func() { federatedInformer.addCluster() } */
} controller30872;

struct fed_informer30872 {
    weft_mutex *mu; /* the embedded sync.Mutex (L1) */
    controller30872 *controller;
    weft_chan *stop_chan; /* clusterInformer.stopChan */
};

typedef struct namespace_controller30872 {
    fed_informer30872 *informer; /* namespaceFederatedInformer; the DelayingDeliverer has no state */
    bool fixed;                  /* use the fixed ClustersSynced */
} namespace_controller30872;

static void add_cluster(fed_informer30872 *f)
{
    weft_mutex_lock(f->mu); /* L1 */
    weft_mutex_unlock(f->mu); /* deferred */
}

static void fifo_has_synced(delta_fifo30872 *q)
{
    weft_rwmutex_lock(q->lock); /* L2 */
    weft_rwmutex_unlock(q->lock); /* deferred */
}

static void fifo_pop(delta_fifo30872 *q, controller30872 *c)
{
    weft_rwmutex_lock(q->lock); /* L2 */
    add_cluster(c->handler_owner); /* process() -> h.OnAdd() -> AddFunc() */
    weft_rwmutex_unlock(q->lock); /* deferred */
}

/* Controller.Run(stopCh) -> Util -> JitterUntil(c.processLoop, stopCh): G2. */
static void controller_run(controller30872 *c, weft_chan *stop_ch)
{
    for (;;) {
        weft_case cs[] = {WEFT_RECV(stop_ch, NULL, NULL)};
        if (weft_select_default(cs, 1) == 0)
            return;
        fifo_pop(c->queue, c); /* processLoop */
    }
}

static void clusters_synced(fed_informer30872 *f)
{
    weft_mutex_lock(f->mu); /* L1 */
    fifo_has_synced(f->controller->queue); /* controller.HasSynced() -> Queue.HasSynced(): L2 */
    weft_mutex_unlock(f->mu); /* deferred */
}

/* The fix (kubernetes federated_informer.go): read what to check under the lock, check it outside. */
static void clusters_synced_fixed(fed_informer30872 *f)
{
    weft_mutex_lock(f->mu);
    controller30872 *c = f->controller;
    weft_mutex_unlock(f->mu);
    fifo_has_synced(c->queue);
}

static void informer_start(fed_informer30872 *f)
{
    weft_mutex_lock(f->mu); /* L1 */
    f->stop_chan = weft_chan_make(0, 0);
    weft_name(f->stop_chan, "clusterInformer.stopChan");
    WEFT_GO(controller_run, f->controller, f->stop_chan); /* G2 */
    weft_mutex_unlock(f->mu); /* deferred */
}

static void informer_stop(fed_informer30872 *f)
{
    weft_mutex_lock(f->mu); /* L1 */
    weft_chan_close(f->stop_chan);
    weft_mutex_unlock(f->mu); /* deferred */
}

/* G3: func() { <-stopChan; nc.namespaceFederatedInformer.Stop() } */
static void stopper(weft_chan *stop_chan, fed_informer30872 *f)
{
    weft_chan_recv(stop_chan, NULL);
    informer_stop(f);
}

/* G4: the DelayingDeliverer's handler: reconcileNamespace -> isSynced -> ClustersSynced. */
static void deliverer(namespace_controller30872 *nc)
{
    if (nc->fixed)
        clusters_synced_fixed(nc->informer);
    else
        clusters_synced(nc->informer);
}

static void namespace_controller_run(namespace_controller30872 *nc, weft_chan *stop_chan)
{
    informer_start(nc->informer);
    WEFT_GO(stopper, stop_chan, nc->informer); /* G3 */
    WEFT_GO(deliverer, nc);                    /* G4: namespaceDeliverer.StartWithHandler */
}

static namespace_controller30872 *new_namespace_controller(bool fixed)
{
    namespace_controller30872 *nc = weft_alloc(sizeof *nc);
    fed_informer30872 *f = weft_alloc(sizeof *f);
    f->mu = weft_mutex_make();
    weft_name(f->mu, "federatedInformer (L1)");
    controller30872 *c = weft_alloc(sizeof *c);
    c->queue = weft_alloc(sizeof *c->queue);
    c->queue->lock = weft_rwmutex_make();
    weft_name(c->queue->lock, "DeltaFIFO.lock (L2)");
    c->handler_owner = f;
    f->controller = c;
    nc->informer = f;
    nc->fixed = fixed;
    return nc;
}

static void test_kubernetes30872(bool fixed)
{
    namespace_controller30872 *nc = new_namespace_controller(fixed);
    weft_chan *stop = weft_chan_make(0, 0);
    weft_name(stop, "stop");
    namespace_controller_run(nc, stop);
    weft_chan_close(stop);
}

WEFT_MODEL(kubernetes_30872, .category = "goker", .expect = WEFT_LEAK,
           .summary = "Pop holds the FIFO lock while addCluster takes the informer lock; ClustersSynced does the reverse",
           .pattern = "The informer's controller loop locks the DeltaFIFO (L2) in Pop and the handler locks the "
                      "federated informer (L1); ClustersSynced locks L1 and then HasSynced locks L2. Each goroutine "
                      "can hold its first lock while waiting for the other's; the goroutine that would stop the "
                      "loop needs L1 too, so three goroutines leak.",
           .fix = "Do not call into the informer's queue while holding the federated informer's lock: read the "
                  "controller under L1, unlock, then call HasSynced.",
           .pair = "kubernetes_30872_fixed")
{
    test_kubernetes30872(false);
}

WEFT_MODEL(kubernetes_30872_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "ClustersSynced calls HasSynced after releasing the informer lock",
           .pattern = "The same controller loop, stopper and delivery goroutines; no goroutine waits for L2 while "
                      "holding L1, so the lock order cannot form a cycle and Stop eventually closes stopChan.",
           .fix = "Get the list of informers to check under the lock and check them outside it.",
           .pair = "kubernetes_30872")
{
    test_kubernetes30872(true);
}
