// pool_test.go: 2 producers submit 2 jobs each with a plain send to 2 workers; Stop closes quit and waits (worker_pool_leaky, n=4).
package weftpeers

import (
	"sync"
	"testing"

	"go.uber.org/goleak"
)

type pool struct {
	jobs chan int      // unbuffered
	quit chan struct{} // closed by Stop
	wg   sync.WaitGroup
}

func (p *pool) worker() {
	defer p.wg.Done()
	for {
		select {
		case <-p.quit:
			return
		case <-p.jobs:
		}
	}
}

// producer: the bug is the plain send, which blocks forever once every worker has seen quit.
func (p *pool) producer() {
	for j := 0; j < 2; j++ {
		p.jobs <- j
	}
}

func runPool(producers, workers int) {
	p := &pool{jobs: make(chan int), quit: make(chan struct{})}
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.worker()
	}
	for i := 0; i < producers; i++ {
		go p.producer()
	}
	close(p.quit) // Stop
	p.wg.Wait()
}

func TestWorkerPoolLeaky(t *testing.T) {
	budget(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	runPool(2, 2)
}
