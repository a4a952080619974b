package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/internal/app"
)

// userUsage lists the user subcommands.
const userUsage = "usage: autospot user create-admin -email E -username U -name N  (password on stdin)\n       autospot user migrate-emails"

// user runs the user subcommands. "create-admin -email E -username U -name
// N" reads the password from the first line of stdin (never a flag, which
// would land in shell history and the process list). "migrate-emails"
// moves users stored with a plaintext email by an earlier version under
// the blind index and sealed address (the embedded database does this at
// start-up; MongoDB needs it run once). Stop the server first when it uses
// the embedded database: the file is locked.
func user(ctx context.Context, e env, args []string) error {
	if len(args) == 1 && args[0] == "migrate-emails" {
		return migrateEmails(ctx, e)
	}
	if len(args) == 0 || args[0] != "create-admin" {
		return errors.New(userUsage)
	}
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("email", "", "email address")
	username := fs.String("username", "", "user name (3–30 of A-Z a-z 0-9 _)")
	name := fs.String("name", "", "full name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *username == "" || *name == "" {
		return errors.New("create-admin: -email, -username and -name are required")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		if err != nil {
			return fmt.Errorf("create-admin: read the password from stdin: %w", err)
		}
		return errors.New("create-admin: empty password on stdin")
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
	u, err := a.Provisioner.CreateUser(ctx, accounts.NewUser{Email: *email, Username: *username, FullName: *name, Password: pw, Roles: []auth.Role{auth.RoleAdmin}})
	if err != nil {
		return fmt.Errorf("create-admin: %w", err)
	}
	a.Audit.SensitiveOperation(ctx, auditActorCLI(), "admin.create", "user:"+u.ID)
	_, err = fmt.Fprintf(e.stdout, "created admin %s (%s)\n", u.ID, u.Email)
	return err
}

func migrateEmails(ctx context.Context, e env) error {
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.Options{Logger: e.logger, Stdout: e.stderr, Version: version})
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.MigrateEmails(ctx)
	if err != nil {
		return fmt.Errorf("migrate-emails: %w", err)
	}
	a.Audit.SensitiveOperation(ctx, auditActorCLI(), "users.migrate_emails", fmt.Sprintf("users:%d", n))
	_, err = fmt.Fprintf(e.stdout, "moved %d users' email addresses under protection\n", n)
	return err
}
