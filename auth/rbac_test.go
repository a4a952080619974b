package auth_test

import (
	"errors"
	"testing"

	"github.com/autospot/autospot/auth"
)

func claimsWith(fac string, roles ...auth.Role) *auth.Claims {
	return &auth.Claims{Roles: roles, Facility: fac, Type: auth.TypeAccess}
}

func TestDefaultPolicy(t *testing.T) {
	r := auth.DefaultRBAC()
	driverC := claimsWith("", auth.RoleDriver)
	opA := claimsWith("A", auth.RoleOperator)
	adminC := claimsWith("", auth.RoleAdmin)
	for _, tc := range []struct {
		c        *auth.Claims
		perm     auth.Permission
		facility string
		want     bool
	}{
		{driverC, auth.PermSessionOwn, "", true},
		{driverC, auth.PermWalletOwn, "", true},
		{driverC, auth.PermMapWrite, "A", false},
		{driverC, auth.PermOperators, "", false},
		{opA, auth.PermMapWrite, "A", true},
		{opA, auth.PermRatesWrite, "A", true},
		{opA, auth.PermMapWrite, "B", false},
		{opA, auth.PermMapWrite, "", false},
		{opA, auth.PermParkingRead, "", true},
		{opA, auth.PermWalletOwn, "", false},
		{opA, auth.PermDataWipe, "A", false},
		{opA, auth.PermOperators, "A", false},
		{claimsWith("", auth.RoleOperator), auth.PermMapWrite, "", false},
		{adminC, auth.PermMapWrite, "B", true},
		{adminC, auth.PermMapWrite, "", true},
		{adminC, auth.PermDataWipe, "", true},
		{adminC, auth.PermWalletOwn, "", false},
		{claimsWith("", "superuser"), auth.PermParkingRead, "", false},
		{claimsWith(""), auth.PermParkingRead, "", false},
		{nil, auth.PermParkingRead, "", false},
		{claimsWith("A", auth.RoleDriver, auth.RoleOperator), auth.PermMapWrite, "A", true},
	} {
		if got := r.Allowed(tc.c, tc.perm, tc.facility); got != tc.want {
			roles := []auth.Role(nil)
			if tc.c != nil {
				roles = tc.c.Roles
			}
			t.Errorf("%v in %q: %s = %v, want %v", roles, tc.facility, tc.perm, got, tc.want)
		}
	}
	if !r.RoleHas(auth.RoleDriver, auth.PermRoute) || r.RoleHas(auth.RoleOperator, auth.PermMapWrite) {
		t.Error("RoleHas")
	}
}

func TestCustomPolicy(t *testing.T) {
	p := auth.DefaultPolicy()
	p["auditor"] = auth.Grants{Global: []auth.Permission{auth.PermStats}}
	r, err := auth.NewRBAC(p)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Allowed(claimsWith("", "auditor"), auth.PermStats, "") {
		t.Fatal("custom role")
	}
	// NewRBAC copied the policy.
	p["auditor"] = auth.Grants{}
	if !r.Allowed(claimsWith("", "auditor"), auth.PermStats, "") {
		t.Fatal("RBAC aliases the policy")
	}
	// DefaultPolicy returns fresh copies.
	d := auth.DefaultPolicy()
	d[auth.RoleDriver].Global[0] = "tampered"
	if !auth.DefaultRBAC().Allowed(claimsWith("", auth.RoleDriver), auth.PermProfile, "") {
		t.Fatal("DefaultPolicy shares its slices")
	}
	for name, bad := range map[string]auth.Policy{
		"empty role":       {"": {Global: []auth.Permission{auth.PermStats}}},
		"empty permission": {"x": {Global: []auth.Permission{""}}},
		"empty scoped":     {"x": {InFacility: []auth.Permission{""}}},
	} {
		if _, err := auth.NewRBAC(bad); !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
