// philosophers_test.go: N philosophers each take the left fork then the right (bench/suite.c, philosophers_deadlock).
package weftpeers

import (
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func philosopher(fork []sync.Mutex, first, second int, dinner *sync.WaitGroup) {
	fork[first].Lock()
	fork[second].Lock()
	fork[second].Unlock()
	fork[first].Unlock()
	dinner.Done()
}

// dine: the host is philosopher 0 and waits for the others, as in weft's model.
func dine(n int) {
	fork := make([]sync.Mutex, n)
	var dinner sync.WaitGroup
	dinner.Add(n - 1)
	for i := n - 1; i > 0; i-- {
		go philosopher(fork, i, (i+1)%n, &dinner)
	}
	fork[0].Lock()
	fork[1].Lock()
	fork[1].Unlock()
	fork[0].Unlock()
	dinner.Wait()
}

func testPhilosophers(t *testing.T, n int) {
	budget(t)
	ignore := goleak.IgnoreCurrent() // goroutines stuck in earlier runs
	if !finishes(func() { dine(n) }) {
		t.Fatalf("DEADLOCK: %d philosophers did not finish within %v", n, hangTimeout)
	}
	goleak.VerifyNone(t, ignore)
}

func TestPhilosophers3(t *testing.T) { testPhilosophers(t, 3) }
func TestPhilosophers5(t *testing.T) { testPhilosophers(t, 5) }
