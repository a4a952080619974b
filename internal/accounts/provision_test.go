package accounts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/memory"
)

func provisioner(t *testing.T) (*accounts.Provisioner, *memory.UserStore) {
	t.Helper()
	h, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	users := memory.NewUserStore()
	return &accounts.Provisioner{Users: users, Hasher: h}, users
}

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	p, users := provisioner(t)
	u, err := p.CreateUser(ctx, accounts.NewUser{Email: " Op@Example.com ", Username: "Op_1", FullName: " Op One ", Password: "Kestrel-Parking-97!",
		Roles: []auth.Role{auth.RoleOperator}, Facility: "fac1"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "op@example.com" || u.Username != "op_1" || u.FullName != "Op One" || len(u.ID) != 32 {
		t.Errorf("user %+v", u)
	}
	stored, err := users.ByEmail(ctx, "op@example.com")
	if err != nil || stored.PasswordHash == "" || stored.PasswordHash == "Kestrel-Parking-97!" {
		t.Fatalf("stored %+v %v", stored, err)
	}
	h, _ := password.New(password.Config{BcryptCost: 4})
	if _, err := h.Verify(ctx, "Kestrel-Parking-97!", stored.PasswordHash); err != nil {
		t.Errorf("hash does not verify: %v", err)
	}
}

func TestCreateUserRefusals(t *testing.T) {
	ctx := context.Background()
	p, _ := provisioner(t)
	if _, err := p.CreateUser(ctx, accounts.NewUser{Email: "a@example.com", Username: "aaa", FullName: "A A", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   accounts.NewUser
		want error
	}{
		{"email taken", accounts.NewUser{Email: "A@example.com", Username: "bbb", FullName: "B B", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, accounts.ErrTaken},
		{"username taken", accounts.NewUser{Email: "b@example.com", Username: "AAA", FullName: "B B", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, accounts.ErrTaken},
		{"common password", accounts.NewUser{Email: "c@example.com", Username: "ccc", FullName: "C C", Password: "Password1!", Roles: []auth.Role{auth.RoleAdmin}}, password.ErrPolicy},
		{"operator without facility", accounts.NewUser{Email: "d@example.com", Username: "ddd", FullName: "D D", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleOperator}}, auth.ErrInvalidInput},
		{"username with a space", accounts.NewUser{Email: "f@example.com", Username: "bad name", FullName: "F F", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, auth.ErrInvalidInput},
		{"invalid email", accounts.NewUser{Email: "not-an-email", Username: "ggg", FullName: "G G", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, auth.ErrInvalidInput},
		{"name with a bidi override", accounts.NewUser{Email: "h@example.com", Username: "hhh", FullName: "H \u202eH", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, auth.ErrInvalidInput},
		{"name with CR LF", accounts.NewUser{Email: "i@example.com", Username: "iii", FullName: "I\r\nlevel=INFO", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}, auth.ErrInvalidInput},
		{"facility without operator", accounts.NewUser{Email: "e@example.com", Username: "eee", FullName: "E E", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleDriver}, Facility: "x"}, auth.ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.CreateUser(ctx, tc.in); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := (&accounts.Provisioner{}).CreateUser(ctx, accounts.NewUser{}); !errors.Is(err, accounts.ErrIncomplete) {
		t.Errorf("empty provisioner: %v", err)
	}
}
