package opsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

// DeleteDriverData erases a driver's parking data for account deletion:
// sessions (releasing the slot of an active one, announced on the live
// hub), wallet, transactions, saved cards, subscription, emission records and
// scanned QR codes. Wire it into the account deletion, e.g. with
// auth.WithDeleteHook(func(ctx context.Context, u auth.User) error {
// return opsapi.DeleteDriverData(ctx, deps, u.ID) }). It is idempotent.
func DeleteDriverData(ctx context.Context, d Deps, driverID string) error {
	a, err := newAPI(d)
	if err != nil {
		return err
	}
	if driverID == "" {
		return fmt.Errorf("%w: empty driver id", ErrInvalidDeps)
	}
	active, err := d.Sessions.Active(ctx, driverID)
	hadActive := err == nil
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		return err
	}
	if _, err := d.Sessions.DeleteDriver(ctx, driverID); err != nil {
		return err
	}
	if hadActive {
		a.publish(ctx, active.Slot, parking.Available)
	}
	if err := d.Wallets.DeleteDriver(ctx, driverID); err != nil {
		return err
	}
	if err := d.Subscriptions.Delete(ctx, driverID); err != nil {
		return err
	}
	if _, err := d.Emissions.Delete(ctx, driverID, ""); err != nil {
		return err
	}
	if _, err := a.d.Scans.DeleteDriver(ctx, driverID); err != nil {
		return err
	}
	return nil
}
