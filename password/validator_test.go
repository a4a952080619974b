package password

import (
	"errors"
	"testing"

	"github.com/go-playground/validator/v10"
)

type signup struct {
	Email    string `validate:"required,email"`
	Username string `validate:"required"`
	FullName string
	Password string `validate:"required,password=Email Username FullName"`
}

type badParam struct {
	Password string `validate:"password=Nope"`
}

func TestRegisterValidation(t *testing.T) {
	v := validator.New()
	if err := RegisterValidation(v, "password", AutoSpot()); err != nil {
		t.Fatal(err)
	}
	base := signup{Email: "alice.wonder@example.com", Username: "rabbit_hole", FullName: "Alice Wonderland"}
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"strong", "zebra!Orbit7Fennel", true},
		{"common", "Password1!", false},
		{"too short", "Gh7#k", false},
		{"no special (AutoSpot)", "zebraOrbit7Fennel", false},
		{"contains email local part", "Alice.Wonder-Gh7#kq", false},
		{"contains username", "Gh7#rabbit_hole9!", false},
		{"contains name", "wonderland-Gh7#kq9!Zp", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.Password = tt.pw
			err := v.Struct(s)
			var ve validator.ValidationErrors
			if tt.ok {
				if err != nil {
					t.Fatalf("Struct = %v, want ok", err)
				}
				return
			}
			if !errors.As(err, &ve) || len(ve) != 1 || ve[0].Tag() != "password" || ve[0].Field() != "Password" {
				t.Fatalf("Struct = %v, want one password error on Password", err)
			}
		})
	}
	t.Run("missing sibling field fails closed", func(t *testing.T) {
		if err := v.Struct(badParam{Password: "zebra!Orbit7Fennel"}); err == nil {
			t.Fatal("Struct = nil, want failure")
		}
	})
	t.Run("invalid policy", func(t *testing.T) {
		if err := RegisterValidation(validator.New(), "password", Policy{MinScore: 9}); !errors.Is(err, ErrInvalidConfig) {
			t.Fatalf("RegisterValidation = %v, want ErrInvalidConfig", err)
		}
	})
}

func TestPolicyInvalidConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    Policy
	}{
		{"min > max", Policy{MinLength: 20, MaxLength: 10}},
		{"max too large", Policy{MaxLength: 1000}},
		{"score 5", Policy{MinScore: 5}},
		{"negative min", Policy{MinLength: -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Check("zebra!Orbit7Fennel", UserInfo{}); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Check = %v, want ErrInvalidConfig", err)
			}
		})
	}
	if err := (Policy{}).Check("zebra!Orbit7Fennel", UserInfo{}); err != nil {
		t.Fatalf("zero Policy: %v", err)
	}
	if err := (Policy{}).Check("Password1!", UserInfo{}); err == nil {
		t.Fatal("zero Policy accepts Password1!")
	}
}
