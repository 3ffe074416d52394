// fanin_test.go: 4 senders on an unbuffered channel, the receiver takes the first result and returns (fan_in_leak, n=4).
package weftpeers

import (
	"testing"

	"go.uber.org/goleak"
)

func fanIn(n int) int {
	results := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) { results <- i }(i)
	}
	return <-results
}

func TestFanInLeak(t *testing.T) {
	budget(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fanIn(4)
}
