package app_test

import (
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/accounts"
)

func provisionAdmin(id string) accounts.NewUser {
	return accounts.NewUser{Email: "r" + id + "@example.com", Username: "admin_" + id, FullName: "Replica Test", Password: "Kestrel-Parking-97!", Roles: []auth.Role{auth.RoleAdmin}}
}

func subject(u auth.User) auth.Subject { return auth.Subject{ID: u.ID, Roles: u.Roles} }
