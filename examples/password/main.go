// Command password shows the password package on its own: check a new
// password against the AutoSpot policy, hash it, verify it at login and
// rehash when the stored hash is out of date.
//
//	go run ./examples/password 'my new password'
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/autospot/autospot/password"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	pw := "zebra!Orbit7Fennel"
	if len(os.Args) > 1 {
		pw = os.Args[1]
	}
	if err := run(ctx, pw); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, pw string) error {
	user := password.UserInfo{Email: "alice.wonder@example.com", Username: "alice_w", Name: "Alice Wonderland"}

	// Registration: the policy lists every rule the password fails.
	var pe *password.PolicyError
	if err := password.AutoSpot().Check(pw, user); errors.As(err, &pe) {
		fmt.Println("rejected:")
		for _, v := range pe.Violations {
			fmt.Printf("  %-20s %s\n", v.Code, v.Message)
		}
		return nil
	} else if err != nil {
		return err
	}

	h, err := password.New(password.Config{}) // bcrypt, cost 12, "$2b$"
	if err != nil {
		return err
	}
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		return err
	}
	fmt.Println("stored:", hash)

	// Login: verify, and rehash if the stored hash is out of date.
	needsRehash, err := h.Verify(ctx, pw, hash)
	switch {
	case errors.Is(err, password.ErrBusy):
		return fmt.Errorf("server busy, try again: %w", err)
	case err != nil:
		return fmt.Errorf("login failed: %w", err)
	}
	fmt.Println("login ok; needs rehash:", needsRehash)

	// An unknown user costs the same time as a wrong password.
	err = h.DummyVerify(ctx, pw)
	fmt.Println("unknown user:", err)
	return nil
}
