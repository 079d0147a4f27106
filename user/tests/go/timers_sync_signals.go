// Go's runtime on weft: tickers and timers raced in select with timeouts,
// sync primitives (Mutex, RWMutex, WaitGroup, Cond, Once, atomics,
// channels) under GOMAXPROCS=4, and signal.Notify for SIGUSR1 and SIGTERM.
// Prints "CHECKSUM <n>" over deterministic results; exits 0 only when its
// checksum equals the one xtask recorded by running it on the build host
// (/usr/share/weft-tests/<name>.expect; the build host has none).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func check(ok bool, what string) {
	if !ok {
		fmt.Println("FAIL", what)
		os.Exit(1)
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	sum := uint64(0)

	// A 5 ms ticker against a 300 ms deadline: the count depends on timing,
	// so only "enough ticks" enters the checksum.
	tk := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	deadline := time.After(300 * time.Millisecond)
loop:
	for {
		select {
		case <-tk.C:
			ticks++
		case <-deadline:
			break loop
		}
	}
	tk.Stop()
	check(ticks >= 10, fmt.Sprintf("only %d ticks in 300 ms", ticks))
	sum += 1

	// Timers fire in deadline order.
	order := make(chan int, 5)
	for _, ms := range []int{40, 10, 30, 20, 50} {
		ms := ms
		time.AfterFunc(time.Duration(ms)*time.Millisecond, func() { order <- ms })
	}
	prev := 0
	for i := 0; i < 5; i++ {
		select {
		case v := <-order:
			check(v > prev, "timers out of order")
			prev = v
			sum = sum*31 + uint64(v)
		case <-time.After(5 * time.Second):
			check(false, "a timer never fired")
		}
	}

	// Mutex, RWMutex, atomics, WaitGroup over 16 goroutines.
	var mu sync.Mutex
	var rw sync.RWMutex
	var wg sync.WaitGroup
	var counter, atomicCounter int64
	shared := map[int]int{}
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				atomic.AddInt64(&atomicCounter, 2)
				if i%100 == 0 {
					rw.Lock()
					shared[g]++
					rw.Unlock()
				} else {
					rw.RLock()
					_ = shared[g]
					rw.RUnlock()
				}
			}
		}(g)
	}
	wg.Wait()
	check(counter == 32000 && atomicCounter == 64000, "lost increments")
	for g := 0; g < 16; g++ {
		sum = sum*31 + uint64(shared[g])
	}

	// Cond: a producer hands 1000 items to 4 consumers.
	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	queue := []int{}
	consumed := int64(0)
	var cwg sync.WaitGroup
	for c := 0; c < 4; c++ {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for {
				cmu.Lock()
				for len(queue) == 0 {
					cond.Wait()
				}
				v := queue[0]
				queue = queue[1:]
				cmu.Unlock()
				if v < 0 {
					return
				}
				atomic.AddInt64(&consumed, int64(v))
			}
		}()
	}
	for i := 1; i <= 1000; i++ {
		cmu.Lock()
		queue = append(queue, i)
		cmu.Unlock()
		cond.Signal()
	}
	cmu.Lock()
	queue = append(queue, -1, -1, -1, -1)
	cmu.Unlock()
	cond.Broadcast()
	cwg.Wait()
	check(consumed == 500500, "cond lost items")
	sum = sum*31 + uint64(consumed)

	// Channels: a pipeline of 8 stages.
	in := make(chan int)
	var stage chan int = in
	for s := 0; s < 8; s++ {
		next := make(chan int)
		go func(from, to chan int) {
			for v := range from {
				to <- v + 1
			}
			close(to)
		}(stage, next)
		stage = next
	}
	go func() {
		for i := 0; i < 500; i++ {
			in <- i
		}
		close(in)
	}()
	total := 0
	for v := range stage {
		total += v
	}
	check(total == 500*499/2+500*8, "pipeline")
	sum = sum*31 + uint64(total)

	// Once.
	var once sync.Once
	calls := 0
	for i := 0; i < 10; i++ {
		once.Do(func() { calls++ })
	}
	sum = sum*31 + uint64(calls)

	// Signals.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGTERM)
	check(syscall.Kill(os.Getpid(), syscall.SIGUSR1) == nil, "kill SIGUSR1")
	check(syscall.Kill(os.Getpid(), syscall.SIGTERM) == nil, "kill SIGTERM")
	got := map[os.Signal]bool{}
	for len(got) < 2 {
		select {
		case s := <-sigs:
			got[s] = true
		case <-time.After(5 * time.Second):
			check(false, "signals not delivered")
		}
	}
	sum = sum*31 + uint64(len(got))

	report(sum)
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
