// Go's garbage collector on weft: 8 goroutines allocate 500 MB of small
// objects in all (a few MB live at a time), with runtime.GC() calls in
// between, and check the contents of what they keep. Prints a checksum the
// build host's run must match (see timers_sync_signals.go).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

type node struct {
	next  *node
	value uint64
	pad   [48]byte
}

func main() {
	runtime.GOMAXPROCS(4)
	const workers = 8
	const perWorker = 500 << 20 / workers / 64 // objects of 64 bytes
	sums := make([]uint64, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var head *node
			kept := 0
			for i := 0; i < perWorker; i++ {
				n := &node{value: uint64(w*perWorker + i)}
				if i%64 == 0 {
					n.next = head
					head = n
					kept++
				}
				if kept == 4096 {
					for p := head; p != nil; p = p.next {
						sums[w] += p.value % 1000003
					}
					head, kept = nil, 0
				}
				if i%(perWorker/4) == 0 {
					runtime.GC()
				}
			}
			for p := head; p != nil; p = p.next {
				sums[w] += p.value % 1000003
			}
		}(w)
	}
	wg.Wait()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.NumGC < 8 {
		fmt.Println("FAIL only", m.NumGC, "collections")
		os.Exit(1)
	}
	total := uint64(0)
	for _, s := range sums {
		total = total*31 + s
	}
	report(total)
}

// report prints the checksum and compares it with the host's.
func report(sum uint64) {
	line := fmt.Sprintf("CHECKSUM %d", sum)
	fmt.Println(line)
	want, err := os.ReadFile("/usr/share/weft-tests/" + filepath.Base(os.Args[0]) + ".expect")
	if err != nil {
		// On the build host: no expectation yet, the checksum is the output.
		return
	}
	if strings.TrimSpace(string(want)) != line {
		fmt.Printf("FAIL checksum: got %q, the host printed %q\n", line, strings.TrimSpace(string(want)))
		os.Exit(1)
	}
}
