package auth_test

import (
	"bytes"
	"runtime"
)

// measureAlloc returns the bytes allocated while f runs.
func measureAlloc(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
