// Command autospot is the AutoSpot Secure reference server.
//
// Usage:
//
//	autospot [serve]                 run the API (the default)
//	autospot check                   pre-deployment security checklist; exit 1 on any FAIL
//	autospot keys                    print freshly generated secrets as env lines
//	autospot user create-admin ...   create an administrator account
//	autospot user migrate-emails     move plaintext emails of an older version under protection
//	autospot audit verify            verify the audit trail's hash chain
//	autospot healthcheck [URL]       GET the health endpoint; exit 0 if healthy (container HEALTHCHECK)
//	autospot version                 print the version
//
// With no configuration it listens on :8000, keeps its data under ./data
// (embedded bbolt database, development secrets in ./data/dev-secrets.json,
// mail outbox in ./data/outbox) and warns loudly that the secrets are for
// development only. Every setting is an environment variable; see the
// README's Configuration table and .env.example. It shuts down gracefully
// on SIGINT or SIGTERM, letting in-flight requests finish for up to
// AUTOSPOT_SHUTDOWN_TIMEOUT (default 15s).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// env bundles what a subcommand reads and writes, so tests can drive the
// whole binary in process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
	// ready, if non-nil, receives the API address once serve listens.
	ready chan<- string
}

// run dispatches the subcommand and returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, ready chan<- string) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, ready: ready,
		logger: slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv)}))}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, e)
	case "check":
		return check(ctx, e)
	case "keys":
		err = keys(e)
	case "user":
		err = user(ctx, e, args)
	case "audit":
		err = auditCmd(ctx, e, args)
	case "healthcheck":
		return healthcheck(ctx, e, args)
	case "version":
		_, err = fmt.Fprintln(stdout, version)
	case "help", "-h", "--help":
		_, err = fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "autospot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "autospot:", err)
		return 1
	}
	return 0
}

const usage = `usage: autospot [command]

commands:
  serve                      run the API (default)
  check                      pre-deployment security checklist (exit 1 on any FAIL)
  keys                       print new secrets as environment lines
  user create-admin -email E -username U -name N   (password read from stdin)
  user migrate-emails        move plaintext emails of an older version under protection
  audit verify               verify the audit trail's hash chain
  healthcheck [URL]          GET /api/health; exit 0 when healthy
  version                    print the version
`

func logLevel(getenv func(string) string) slog.Level {
	switch getenv("AUTOSPOT_LOG_LEVEL") {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
