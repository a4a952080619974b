// Command bcryptbound prints the time of one bcrypt verification at a
// given cost on one core, and the login throughput bound it implies:
// GOMAXPROCS ÷ that time. bench/http/run.sh compares the server's
// measured login rate against it.
//
//	go run ./bench/http/bcryptbound -cost 12 -n 8
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
