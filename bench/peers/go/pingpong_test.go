// pingpong_test.go: bench/pingpong.c's channel ping-pong in Go, unchecked: what one visible operation costs
// without a model checker (BenchmarkPingPong: one round trip, four channel operations, per op).
package weftpeers

import "testing"

func BenchmarkPingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ping <- v
		v = <-pong
	}
	b.StopTimer()
	close(ping)
	if v != b.N {
		b.Fatalf("ping-pong ended at %d after %d round trips", v, b.N)
	}
}
