package upload_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/upload"
)

// eicar is the standard anti-virus test file.
const eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// fakeClamd is an in-process clamd speaking the INSTREAM protocol:
// "zINSTREAM\0", chunks prefixed by a 4-byte big-endian length, a zero
// length to finish, and a NUL-terminated reply. It checks the framing
// strictly and records what it received.
type fakeClamd struct {
	ln        net.Listener
	maxStream int // like clamd's StreamMaxLength
	hang      bool

	mu       sync.Mutex
	chunks   []int
	received [][]byte
	errs     []error
}

func startFakeClamd(t *testing.T) *fakeClamd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClamd{ln: ln, maxStream: 25 << 20}
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, err := range f.errs {
			t.Errorf("fake clamd: %v", err)
		}
	})
	return f
}

func (f *fakeClamd) addr() string { return f.ln.Addr().String() }

func (f *fakeClamd) serve() {
	for {
		conn, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.handle(conn)
	}
}

func (f *fakeClamd) fail(err error) {
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
}

func (f *fakeClamd) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	cmd, err := r.ReadString(0)
	if err != nil {
		f.fail(err)
		return
	}
	switch cmd {
	case "zPING\x00":
		io.WriteString(conn, "PONG\x00")
		return
	case "zINSTREAM\x00":
	default:
		f.fail(errors.New("unexpected command " + cmd))
		return
	}
	if f.hang {
		io.Copy(io.Discard, r)
		return
	}
	var data bytes.Buffer
	for {
		var n uint32
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			f.fail(err)
			return
		}
		if n == 0 {
			break
		}
		f.mu.Lock()
		f.chunks = append(f.chunks, int(n))
		f.mu.Unlock()
		if data.Len()+int(n) > f.maxStream {
			io.WriteString(conn, "INSTREAM size limit exceeded. ERROR\x00")
			return
		}
		if _, err := io.CopyN(&data, r, int64(n)); err != nil {
			f.fail(err)
			return
		}
	}
	f.mu.Lock()
	f.received = append(f.received, data.Bytes())
	f.mu.Unlock()
	if bytes.Contains(data.Bytes(), []byte(eicar)) {
		io.WriteString(conn, "stream: Eicar-Signature FOUND\x00")
		return
	}
	io.WriteString(conn, "stream: OK\x00")
}

func TestClamdScan(t *testing.T) {
	srv := startFakeClamd(t)
	c := &upload.Clamd{Address: srv.addr(), ChunkSize: 1000}
	ctx := context.Background()

	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	clean := bytes.Repeat([]byte("clean "), 1000) // 6000 bytes → 6 chunks
	if err := c.Scan(ctx, bytes.NewReader(clean)); err != nil {
		t.Fatalf("clean file: %v", err)
	}
	srv.mu.Lock()
	if got := srv.received[0]; !bytes.Equal(got, clean) {
		t.Errorf("clamd received %d bytes, want the %d sent", len(got), len(clean))
	}
	for _, n := range srv.chunks {
		if n > 1000 {
			t.Errorf("chunk of %d bytes exceeds ChunkSize", n)
		}
	}
	if len(srv.chunks) != 6 {
		t.Errorf("%d chunks, want 6", len(srv.chunks))
	}
	srv.mu.Unlock()

	err := c.Scan(ctx, strings.NewReader("prefix "+eicar))
	var inf *upload.InfectedError
	if !errors.As(err, &inf) || inf.Signature != "Eicar-Signature" || !errors.Is(err, upload.ErrInfected) {
		t.Fatalf("EICAR: err = %v", err)
	}
	if err := c.Scan(ctx, bytes.NewReader(nil)); err != nil {
		t.Fatalf("empty file: %v", err)
	}
}

func TestClamdFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("size limit", func(t *testing.T) {
		srv := startFakeClamd(t)
		srv.maxStream = 10 << 10
		err := (&upload.Clamd{Address: srv.addr()}).Scan(ctx, bytes.NewReader(make([]byte, 1<<20)))
		// Usually the error carries clamd's "size limit exceeded" reply;
		// if the connection is reset first it is a network error. Either
		// way the scan must fail, not pass.
		if err == nil || errors.Is(err, upload.ErrInfected) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		if err := (&upload.Clamd{Address: addr}).Scan(ctx, strings.NewReader("x")); err == nil {
			t.Fatal("scan succeeded with no clamd")
		}
	})
	t.Run("no address", func(t *testing.T) {
		if err := (&upload.Clamd{}).Scan(ctx, strings.NewReader("x")); err == nil {
			t.Fatal("scan succeeded with no address")
		}
	})
	t.Run("clamd never answers: timeout", func(t *testing.T) {
		srv := startFakeClamd(t)
		srv.hang = true
		start := time.Now()
		err := (&upload.Clamd{Address: srv.addr(), Timeout: 200 * time.Millisecond}).Scan(ctx, strings.NewReader("x"))
		if err == nil || time.Since(start) > 5*time.Second {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		srv := startFakeClamd(t)
		srv.hang = true
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		if err := (&upload.Clamd{Address: srv.addr()}).Scan(cctx, strings.NewReader("x")); err == nil {
			t.Fatal("scan succeeded after cancel")
		}
	})
}

// The scanner hook in Store: an infected file is refused and not kept; a
// scanner failure refuses the upload (fail closed) with 503.
func TestStoreWithScanner(t *testing.T) {
	srv := startFakeClamd(t)
	s, dir := newStore(t, upload.Config{Scanner: &upload.Clamd{Address: srv.addr()}})
	ctx := context.Background()

	if _, err := s.Save(ctx, bytes.NewReader(pngBytes(t, 4, 4)), "ok.png"); err != nil {
		t.Fatalf("clean upload: %v", err)
	}
	infected := pngWithChunk(t, "tEXt", []byte("Comment\x00"+eicar))
	_, err := s.Save(ctx, bytes.NewReader(infected), "eicar.png")
	if !errors.Is(err, upload.ErrInfected) || upload.HTTPStatus(err) != 400 {
		t.Fatalf("infected upload: %v", err)
	}
	var inf *upload.InfectedError
	if !errors.As(err, &inf) || inf.Signature != "Eicar-Signature" {
		t.Fatalf("signature not available: %v", err)
	}
	if n := len(dirNames(t, dir)); n != 1 {
		t.Fatalf("%d files in root, want 1", n)
	}

	broken, _ := newStore(t, upload.Config{Scanner: upload.ScannerFunc(func(context.Context, io.Reader) error {
		return errors.New("clamd: connection refused")
	})})
	_, err = broken.Save(ctx, bytes.NewReader(pngBytes(t, 4, 4)), "ok.png")
	if !errors.Is(err, upload.ErrScanFailed) || upload.HTTPStatus(err) != 503 {
		t.Fatalf("scanner failure: %v", err)
	}
}
