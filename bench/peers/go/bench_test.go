// bench_test.go: shared by the stress tests: a wall-clock budget per test binary, and a hang detector.
package weftpeers

import (
	"os"
	"strconv"
	"testing"
	"time"
)

var start = time.Now()

// budget: seconds from WEFT_GO_BUDGET (default 5); once spent, the remaining -count runs skip.
func budget(t *testing.T) {
	b, err := strconv.ParseFloat(os.Getenv("WEFT_GO_BUDGET"), 64)
	if err != nil || b <= 0 {
		b = 5
	}
	if time.Since(start).Seconds() > b {
		t.SkipNow()
	}
}

// hangTimeout: how long a run may take before it counts as a deadlock (a real stress test needs one:
// inside `go test` the runtime never reports "all goroutines are asleep").
const hangTimeout = 100 * time.Millisecond

// finishes runs f in a goroutine and reports whether it returned within hangTimeout.
func finishes(f func()) bool {
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(hangTimeout):
		return false
	}
}
