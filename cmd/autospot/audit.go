package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/app"
)

func auditActorCLI() audit.Actor { return audit.Actor{ID: "cli", Role: "operator-console"} }

// auditCmd runs "autospot audit verify": it walks the stored trail's hash
// chain (keyed with AUTOSPOT_AUDIT_KEY) and reports the first broken link.
// Exit status 1 when the chain is broken.
func auditCmd(ctx context.Context, e env, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return errors.New("usage: autospot audit verify")
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.Options{Logger: e.logger, Stdout: e.stderr, Version: version})
	if err != nil {
		return err
	}
	defer a.Close()
	link, err := a.AuditChain.Verify(ctx, a.AuditStore, 1, 0)
	var ce *audit.ChainError
	if errors.As(err, &ce) {
		fmt.Fprintf(e.stdout, "audit trail BROKEN at record %d: %s %s\n", ce.Seq, ce.Reason, ce.Detail)
		return errors.New("audit verify: chain broken")
	}
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	_, err = fmt.Fprintf(e.stdout, "audit trail OK: %d records, head %x\n", link.Seq, link.Hash)
	return err
}
