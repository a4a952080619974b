package password_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/autospot/autospot/password"
)

// The examples use bcrypt cost 4 to run fast. In production leave
// BcryptCost zero: the default is 12.

func ExampleHasher_Hash() {
	h, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	short, _ := h.Hash(ctx, "zebra!Orbit7Fennel")
	long, _ := h.Hash(ctx, strings.Repeat("ключ-", 20)) // 100 characters, 180 bytes
	fmt.Println(short[:7])
	fmt.Println(long[:28])

	_, err = h.Verify(ctx, "zebra!Orbit7Fennel", short)
	fmt.Println("verify:", err)
	// Output:
	// $2b$04$
	// $bcrypt-sha256$v=2,t=2b,r=4$
	// verify: <nil>
}

// A hash made by the seed's Python stack (passlib) verifies; it was made at
// another cost, so the caller stores a fresh hash after the login.
func ExampleHasher_Verify() {
	h, err := password.New(password.Config{BcryptCost: 5})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	stored := "$2b$04$Pj81v0kNT1elr4xFIEe6wuhwKiVPujGd0X8yH/6RSFW/RbEAaHrdy" // passlib, "password"

	needsRehash, err := h.Verify(ctx, "password", stored)
	fmt.Println("match:", err == nil, "needs rehash:", needsRehash)
	if err == nil && needsRehash {
		stored, _ = h.Hash(ctx, "password")
	}
	needsRehash, err = h.Verify(ctx, "password", stored)
	fmt.Println("match:", err == nil, "needs rehash:", needsRehash)
	// Output:
	// match: true needs rehash: true
	// match: true needs rehash: false
}

// Every error Verify returns means "log in failed"; some also say why.
func ExampleHasher_Verify_errors() {
	h, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	stored := "$2b$04$Pj81v0kNT1elr4xFIEe6wuhwKiVPujGd0X8yH/6RSFW/RbEAaHrdy"

	for _, c := range []struct{ pw, hash string }{
		{"wrong", stored},
		{strings.Repeat("a", 80), stored},    // plain bcrypt would read only 72 bytes
		{"password", "$2b$31$" + stored[7:]}, // a crafted cost of 2^31 rounds
		{"password", "$2b$04$short"},
		{"password", "$1$md5-crypt$"},
	} {
		_, err := h.Verify(ctx, c.pw, c.hash)
		switch {
		case errors.Is(err, password.ErrMismatch):
			fmt.Println("wrong password")
		case errors.Is(err, password.ErrPasswordTooLong):
			fmt.Println("too long for this hash: offer a reset")
		case errors.Is(err, password.ErrCostLimit):
			fmt.Println("refused without hashing:", err)
		case errors.Is(err, password.ErrMalformedHash), errors.Is(err, password.ErrUnknownScheme):
			fmt.Println("bad stored hash:", err)
		case errors.Is(err, password.ErrBusy):
			fmt.Println("overloaded: 503")
		}
	}
	// Output:
	// wrong password
	// too long for this hash: offer a reset
	// refused without hashing: password: hash cost above the configured limit: bcrypt cost 31 > 16
	// bad stored hash: password: malformed hash: bcrypt hash must be 60 characters "$2b$NN$<salt><digest>"
	// bad stored hash: password: unknown or unsupported hash scheme: "1"
}

// For a login naming an unknown user, spend the same time as for a wrong
// password, then fail the same way.
func ExampleHasher_DummyVerify() {
	h, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		panic(err)
	}
	err = h.DummyVerify(context.Background(), "whatever they typed")
	fmt.Println(errors.Is(err, password.ErrMismatch))
	// Output: true
}

func ExamplePolicy_Check() {
	user := password.UserInfo{Email: "alice.wonder@example.com", Username: "rabbit_hole", Name: "Alice Wonderland"}
	for _, pw := range []string{"Password1!", "alice", "Wonderland-Gh7#kq9", "zebra!Orbit7Fennel"} {
		err := password.AutoSpot().Check(pw, user)
		var pe *password.PolicyError
		if errors.As(err, &pe) {
			for _, v := range pe.Violations {
				fmt.Printf("%s: %s (%s)\n", pw, v.Code, v.Message)
			}
			continue
		}
		fmt.Printf("%s: ok\n", pw)
	}
	// Output:
	// Password1!: common (Password is a commonly used password, or is built from one.)
	// alice: too_short (Password must be at least 8 characters long.)
	// alice: missing_upper (Password must contain an upper-case letter.)
	// alice: missing_digit (Password must contain a digit.)
	// alice: missing_special (Password must contain a special character (one that is not a letter or digit).)
	// alice: contains_user_info (Password must not contain your name, username, email address or the name of this service.)
	// alice: guessable (Password is too easy to guess: avoid words, names, dates, repeats and keyboard patterns, or make it longer.)
	// Wonderland-Gh7#kq9: contains_user_info (Password must not contain your name, username, email address or the name of this service.)
	// zebra!Orbit7Fennel: ok
}

func ExampleRegisterValidation() {
	type Signup struct {
		Email    string `validate:"required,email"`
		Username string `validate:"required"`
		Password string `validate:"required,password=Email Username"`
	}
	v := validator.New()
	if err := password.RegisterValidation(v, "password", password.NIST()); err != nil {
		panic(err)
	}
	fmt.Println(v.Struct(Signup{Email: "bob@example.com", Username: "bobby", Password: "correct horse battery staple"}))
	fmt.Println(v.Struct(Signup{Email: "bob@example.com", Username: "bobby", Password: "bobby-the-builder"}))
	// Output:
	// <nil>
	// Key: 'Signup.Password' Error:Field validation for 'Password' failed on the 'password' tag
}
