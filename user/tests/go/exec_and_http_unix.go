// Go's poller on weft: os/exec of a child with pipes (the program itself,
// re-executed as a child that upper-cases its stdin), and a net/http server
// and client over a Unix socket with 32 concurrent clients, each fetching
// a distinct body. Prints a checksum the build host's run must match (see
// timers_sync_signals.go).
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		in := bufio.NewReader(os.Stdin)
		data, _ := io.ReadAll(in)
		os.Stdout.Write([]byte(strings.ToUpper(string(data))))
		return
	}
	sum := uint64(0)

	cmd := exec.Command(os.Args[0], "child")
	cmd.Stdin = strings.NewReader("hello from the parent\n")
	out, err := cmd.Output()
	if err != nil || string(out) != "HELLO FROM THE PARENT\n" {
		fmt.Printf("FAIL exec: %q %v\n", out, err)
		os.Exit(1)
	}
	for _, b := range out {
		sum = sum*31 + uint64(b)
	}

	dir, err := os.MkdirTemp("", "weft-go-http")
	if err != nil {
		fmt.Println("FAIL mkdtemp", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "http.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("FAIL listen", err)
		os.Exit(1)
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat(r.URL.Path[1:], 100))
	}))
	client := http.Client{Transport: &http.Transport{Dial: func(_, _ string) (net.Conn, error) { return net.Dial("unix", path) }}}
	lengths := make([]int, 32)
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := client.Get(fmt.Sprintf("http://weft/client%02d", i))
			if err != nil {
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if string(body) == strings.Repeat(fmt.Sprintf("client%02d", i), 100) {
				lengths[i] = len(body)
			}
		}(i)
	}
	wg.Wait()
	for i, n := range lengths {
		if n == 0 {
			fmt.Println("FAIL client", i)
			os.Exit(1)
		}
		sum = sum*31 + uint64(n)
	}
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
