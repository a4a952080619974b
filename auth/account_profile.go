package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"
)

// UpdateFullName sets the full name of user id (trimmed, checked by the
// registration rules: 2–100 printable characters) and returns the updated
// user. It retries when the name changed concurrently, so the last writer
// wins without losing a password or role change made meanwhile. Errors: a
// *ValidationError for the field "full_name", ErrUserNotFound, others for
// server trouble.
func (a *Accounts) UpdateFullName(ctx context.Context, id, name string, ri RequestInfo) (User, error) {
	name = strings.TrimSpace(name)
	if err := a.validate.Var(name, "required,min=2,max=100,autospot_fullname"); err != nil {
		var ves validator.ValidationErrors
		if !errors.As(err, &ves) || len(ves) == 0 {
			return User{}, fmt.Errorf("auth: validate full name: %w", err)
		}
		code := "invalid"
		switch ves[0].Tag() {
		case "required":
			code = "required"
		case "min":
			code = "too_short"
		case "max":
			code = "too_long"
		}
		return User{}, &ValidationError{Fields: []FieldError{{Field: "full_name", Code: code}}}
	}
	for range 3 {
		u, err := a.users.ByID(ctx, id)
		if err != nil {
			return User{}, fmt.Errorf("auth: update full name: %w", err)
		}
		if u.FullName == name {
			return u, nil
		}
		err = a.users.UpdateFullName(ctx, id, u.FullName, name)
		if errors.Is(err, ErrUserChanged) {
			continue
		}
		if err != nil {
			a.emit(ctx, ri, ActionNameChange, OutcomeFailure, reasonInternal, id, "")
			return User{}, fmt.Errorf("auth: update full name: %w", err)
		}
		u.FullName = name
		a.emit(ctx, ri, ActionNameChange, OutcomeSuccess, "", id, "")
		return u, nil
	}
	return User{}, fmt.Errorf("auth: update full name: %w", ErrUserChanged)
}
