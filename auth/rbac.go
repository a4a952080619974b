package auth

import (
	"fmt"
	"slices"
)

// Role is a user role, carried in the "roles" claim.
type Role string

// AutoSpot's roles.
const (
	// RoleDriver is a registered driver (the original app's role "user").
	RoleDriver Role = "driver"
	// RoleOperator is a car-park operator, scoped to one facility (the
	// original app's "admin" with a keyID); tokens carry it in "fac".
	RoleOperator Role = "operator"
	// RoleAdmin is a platform administrator.
	RoleAdmin Role = "admin"
)

// Permission is one action a route may require.
type Permission string

// AutoSpot's permissions, named after the routes they guard.
const (
	PermProfile       Permission = "profile:self"     // own profile, password, account
	PermParkingRead   Permission = "parking:read"     // maps, slots, entrances, exits
	PermRoute         Permission = "route:read"       // pathfinding
	PermSessionOwn    Permission = "session:own"      // start/end/history of own parking sessions
	PermWalletOwn     Permission = "wallet:own"       // wallet, payment methods, transactions
	PermSubscription  Permission = "subscription:own" // plan status and upgrade
	PermQRScan        Permission = "qr:scan"          // validate an entrance QR
	PermEmissionsOwn  Permission = "emissions:own"    // own CO₂ records
	PermMapWrite      Permission = "map:write"        // upload, update, delete level maps
	PermRatesWrite    Permission = "rates:write"      // edit parking rates
	PermSlotOverride  Permission = "slot:override"    // slot info and status override
	PermQRGenerate    Permission = "qr:generate"      // entrance QR codes
	PermSessionsView  Permission = "session:facility" // active sessions of a facility
	PermStats         Permission = "stats:read"       // occupancy and data stats
	PermOperators     Permission = "operator:manage"  // provision and list operators
	PermUsersRead     Permission = "users:read"       // list drivers
	PermDataWipe      Permission = "data:wipe"        // destructive maintenance
	PermEmissionsWipe Permission = "emissions:clear"  // clear emission records
	PermCacheStats    Permission = "cache:stats"      // cache statistics
)

// Grants are the permissions one role holds.
type Grants struct {
	// Global permissions hold everywhere.
	Global []Permission
	// InFacility permissions hold only for the facility named in the
	// token's "fac" claim (see [RBAC.Allowed]).
	InFacility []Permission
}

// Policy maps each role to its grants; it is the configurable role →
// permissions map. [DefaultPolicy] is AutoSpot's.
type Policy map[Role]Grants

// DefaultPolicy returns AutoSpot's role map (a fresh copy each call):
//
//   - driver: own profile, parking data, routes, own sessions, wallet,
//     subscription, QR scan, own emissions.
//   - operator: own profile and parking data everywhere; map, rates, slot
//     override, QR generation, active sessions and stats only in its own
//     facility.
//   - admin: every operator permission in every facility, plus operator
//     provisioning, user lists, wipes and cache stats.
func DefaultPolicy() Policy {
	facility := []Permission{PermMapWrite, PermRatesWrite, PermSlotOverride, PermQRGenerate, PermSessionsView, PermStats}
	return Policy{
		RoleDriver: {Global: []Permission{
			PermProfile, PermParkingRead, PermRoute, PermSessionOwn, PermWalletOwn,
			PermSubscription, PermQRScan, PermEmissionsOwn,
		}},
		RoleOperator: {
			Global:     []Permission{PermProfile, PermParkingRead},
			InFacility: slices.Clone(facility),
		},
		RoleAdmin: {Global: append([]Permission{
			PermProfile, PermParkingRead, PermOperators, PermUsersRead, PermDataWipe,
			PermEmissionsWipe, PermCacheStats,
		}, facility...)},
	}
}

type grantSet struct {
	global, facility map[Permission]struct{}
}

// RBAC answers permission questions for token [Claims]. Create it with
// [NewRBAC]; it is immutable and safe for concurrent use.
type RBAC struct {
	roles map[Role]grantSet
}

// NewRBAC builds an RBAC from p, which it copies. Role and permission names
// must be non-empty.
func NewRBAC(p Policy) (*RBAC, error) {
	r := &RBAC{roles: make(map[Role]grantSet, len(p))}
	for role, g := range p {
		if role == "" {
			return nil, fmt.Errorf("%w: empty role name", ErrInvalidConfig)
		}
		gs := grantSet{global: map[Permission]struct{}{}, facility: map[Permission]struct{}{}}
		for _, perm := range g.Global {
			if perm == "" {
				return nil, fmt.Errorf("%w: empty permission for role %q", ErrInvalidConfig, role)
			}
			gs.global[perm] = struct{}{}
		}
		for _, perm := range g.InFacility {
			if perm == "" {
				return nil, fmt.Errorf("%w: empty permission for role %q", ErrInvalidConfig, role)
			}
			gs.facility[perm] = struct{}{}
		}
		r.roles[role] = gs
	}
	return r, nil
}

// DefaultRBAC returns NewRBAC(DefaultPolicy()).
func DefaultRBAC() *RBAC {
	r, _ := NewRBAC(DefaultPolicy()) // the default policy is valid
	return r
}

// Allowed reports whether the token's roles grant perm for facility.
// facility is the facility the request acts on, or "" when the route is not
// about one facility: then facility-scoped grants never apply, so an
// operator's scoped permissions cannot leak into routes that forgot to name
// the facility. Unknown roles grant nothing.
func (r *RBAC) Allowed(c *Claims, perm Permission, facility string) bool {
	if c == nil {
		return false
	}
	for _, role := range c.Roles {
		g, ok := r.roles[role]
		if !ok {
			continue
		}
		if _, ok := g.global[perm]; ok {
			return true
		}
		if _, ok := g.facility[perm]; ok && facility != "" && c.Facility == facility {
			return true
		}
	}
	return false
}

// RoleHas reports whether role holds perm globally (facility grants
// excluded).
func (r *RBAC) RoleHas(role Role, perm Permission) bool {
	_, ok := r.roles[role].global[perm]
	return ok
}
