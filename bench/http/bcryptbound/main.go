// Command bcryptbound prints the time of one bcrypt verification at a
// given cost on one core, and the login throughput bound it implies:
// GOMAXPROCS ÷ that time. With -for D it instead runs GOMAXPROCS
// goroutines verifying for D and prints the verifications per second the
// machine delivers right now (on a shared machine, the fairer bound).
// bench/http/run.sh compares the server's measured login rate with both.
//
//	go run ./bench/http/bcryptbound -cost 12 -n 8
//	go run ./bench/http/bcryptbound -cost 12 -for 10s
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	cost := flag.Int("cost", 12, "bcrypt cost")
	n := flag.Int("n", 8, "verifications to time (the median is reported)")
	dur := flag.Duration("for", 0, "if set: verify on every P for this long and print verifications per second")
	flag.Parse()
	if *n < 1 || *cost < bcrypt.MinCost || *cost > bcrypt.MaxCost {
		fmt.Fprintln(os.Stderr, "bcryptbound: want -n ≥ 1 and a valid -cost")
		os.Exit(2)
	}
	pw := []byte("correct horse battery staple")
	hash, err := bcrypt.GenerateFromPassword(pw, *cost)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bcryptbound:", err)
		os.Exit(1)
	}
	if *dur > 0 {
		fmt.Printf("%.3f\n", parallel(hash, pw, *dur))
		return
	}
	times := make([]time.Duration, *n)
	for i := range times {
		start := time.Now()
		if err := bcrypt.CompareHashAndPassword(hash, pw); err != nil {
			fmt.Fprintln(os.Stderr, "bcryptbound:", err)
			os.Exit(1)
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	med := times[len(times)/2]
	procs := runtime.GOMAXPROCS(0)
	// Machine-readable: verify seconds, GOMAXPROCS, bound per second.
	fmt.Printf("%.6f %d %.3f\n", med.Seconds(), procs, float64(procs)/med.Seconds())
}

// parallel verifies on GOMAXPROCS goroutines for d and returns the
// completed verifications per second.
func parallel(hash, pw []byte, d time.Duration) float64 {
	procs := runtime.GOMAXPROCS(0)
	done := make(chan int, procs)
	start := time.Now()
	deadline := start.Add(d)
	for range procs {
		go func() {
			n := 0
			for time.Now().Before(deadline) {
				if bcrypt.CompareHashAndPassword(hash, pw) == nil {
					n++
				}
			}
			done <- n
		}()
	}
	total := 0
	for range procs {
		total += <-done
	}
	return float64(total) / time.Since(start).Seconds()
}
