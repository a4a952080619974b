package bolt_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
)

// The crash test re-executes this test binary as a child process that
// writes to a database in a loop and prints every write it got an
// acknowledgement for, after the commit returned. The parent SIGKILLs it
// in the middle of the stream, reopens the file and checks that every
// acknowledged write is there.

const (
	crashPathEnv  = "AUTOSPOT_BOLT_CRASH_CHILD_DB"
	crashRoundEnv = "AUTOSPOT_BOLT_CRASH_CHILD_ROUND"
)

// TestCrashChild is the child's side; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashPathEnv)
	if path == "" {
		t.Skip("helper process of TestKillNineKeepsAcknowledgedWrites; runs only as its child")
	}
	round := os.Getenv(crashRoundEnv)
	db, err := bolt.Open(path)
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	ctx := context.Background()
	fams, revs, trail, users := db.RefreshStore(), db.RevocationStore(), db.AuditStore(), db.UserStore()
	chain := audit.NewChain()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// Bounded, in case the parent dies without killing us.
	deadline := time.Now().Add(time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		id := fmt.Sprintf("r%s-f%06d", round, i)
		if err := fams.CreateFamily(ctx, auth.Family{ID: id, UserID: "u-" + round, CreatedAt: now, ExpiresAt: now.Add(time.Hour), Head: "h0"}); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		fmt.Printf("family %s\n", id)
		if _, err := fams.RotateFamily(ctx, auth.Rotation{FamilyID: id, Presented: "h0", Next: "h1", Now: now}); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		fmt.Printf("rotated %s\n", id)
		r, err := chain.Append(ctx, trail, audit.Entry{Time: now, Action: "crash.test", Outcome: audit.OutcomeSuccess, Actor: id, Data: []byte(`{}`)})
		if err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		fmt.Printf("audit %d\n", r.Seq)
		e, err := revs.BumpEpoch(ctx, "crash-user")
		if err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		fmt.Printf("epoch %d\n", e)
		u := auth.User{ID: "u" + id, Email: id + "@example.com", Username: id, PasswordHash: "$2b$12$x", CreatedAt: now, UpdatedAt: now}
		if err := users.Create(ctx, u); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		fmt.Printf("user %s\n", id)
	}
	os.Exit(3)
}

// acks is what one child acknowledged.
type acks struct {
	families, rotated, users []string
	maxSeq, maxEpoch         uint64
}

func TestKillNineKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	var all acks
	// Three rounds on one file: each child is killed after a different
	// number of acknowledged writes, then the next continues the file.
	for round, killAfter := range []int{40, 157, 311} {
		a := runAndKill(t, path, round, killAfter)
		all.families = append(all.families, a.families...)
		all.rotated = append(all.rotated, a.rotated...)
		all.users = append(all.users, a.users...)
		all.maxSeq, all.maxEpoch = max(all.maxSeq, a.maxSeq), max(all.maxEpoch, a.maxEpoch)
		checkAcked(t, path, all)
	}
}

// runAndKill starts a child writing to path and SIGKILLs it after
// killAfter acknowledged lines, then drains what it printed before it
// died: every line printed is an acknowledged write.
func runAndKill(t *testing.T, path string, round, killAfter int) acks {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashPathEnv+"="+path, crashRoundEnv+"="+strconv.Itoa(round))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	var a acks
	lines := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		kind, val, _ := strings.Cut(sc.Text(), " ")
		switch kind {
		case "family":
			a.families = append(a.families, val)
		case "rotated":
			a.rotated = append(a.rotated, val)
		case "user":
			a.users = append(a.users, val)
		case "audit", "epoch":
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				t.Fatalf("child printed %q", sc.Text())
			}
			if kind == "audit" {
				a.maxSeq = n
			} else {
				a.maxEpoch = n
			}
		default:
			t.Fatalf("child printed %q (stderr %s)", sc.Text(), stderr.String())
		}
		if lines++; lines == killAfter {
			// While the child holds the file, nobody else may open it.
			if _, err := bolt.Open(path, bolt.WithLockTimeout(100*time.Millisecond)); !errors.Is(err, bolt.ErrLocked) {
				t.Fatalf("Open while the child holds the lock: %v, want ErrLocked", err)
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	killed = true
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Exited() {
		t.Fatalf("child was not killed by a signal: %v (stderr %s)", err, stderr.String())
	}
	if lines < killAfter {
		t.Fatalf("child printed %d lines before dying, want ≥ %d (stderr %s)", lines, killAfter, stderr.String())
	}
	t.Logf("round %d: killed after %d acknowledged writes (%d printed in all)", round, killAfter, lines)
	return a
}

// checkAcked reopens the file and checks that it is consistent and holds
// every acknowledged write.
func checkAcked(t *testing.T, path string, a acks) {
	t.Helper()
	ctx := context.Background()
	db, err := bolt.Open(path, bolt.WithLockTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		t.Fatalf("file inconsistent after SIGKILL: %v", err)
	}
	fams := db.RefreshStore()
	for _, id := range a.families {
		if _, err := fams.Family(ctx, id); err != nil {
			t.Fatalf("acknowledged family %s lost: %v", id, err)
		}
	}
	for _, id := range a.rotated {
		if f, err := fams.Family(ctx, id); err != nil || f.Head != "h1" || f.Generation != 1 {
			t.Fatalf("acknowledged rotation of %s lost: %+v, %v", id, f, err)
		}
	}
	users := db.UserStore()
	for _, id := range a.users {
		if u, err := users.ByEmail(ctx, id+"@example.com"); err != nil || u.Username != id {
			t.Fatalf("acknowledged user %s lost: %+v, %v", id, u, err)
		}
	}
	head, err := audit.NewChain().Verify(ctx, db.AuditStore(), 1, 0)
	if err != nil {
		t.Fatalf("audit chain after SIGKILL: %v", err)
	}
	if head.Seq < a.maxSeq {
		t.Fatalf("audit head %d, but record %d was acknowledged", head.Seq, a.maxSeq)
	}
	st, err := db.RevocationStore().Status(ctx, "crash-user", "", time.Now())
	if err != nil || st.Epoch < a.maxEpoch {
		t.Fatalf("epoch %d (%v), but %d was acknowledged", st.Epoch, err, a.maxEpoch)
	}
	if len(a.families) == 0 {
		t.Fatal("no acknowledged writes to check")
	}
}
