// Package audit is AutoSpot Secure's audit trail: structured, redacting and
// tamper-evident, on [log/slog].
//
// It records every authentication attempt and sensitive operation with who,
// what, when, where and how it ended, never writes a password, one-time
// code, token, Authorization or Cookie value, keeps each event one record
// whatever its strings contain, never blocks a request on a slow sink, and
// makes edits to the stored trail detectable. It imports nothing else from
// this module; storage backends live in the store packages.
//
// # Logging events
//
// A [Logger] writes [Event]s to one or more sinks:
//
//	file, _ := audit.OpenRotatingFile("/var/log/autospot/audit.log", audit.RotateOptions{MaxSize: 50 << 20, MaxFiles: 10})
//	defer file.Close()
//	chain, _ := audit.NewHMACChain(key) // key ≥ 32 bytes, from the environment
//	lg, err := audit.New(
//		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(os.Stdout, nil), Level: slog.LevelWarn}),
//		audit.WithSink(audit.Sink{Name: "file", Handler: slog.NewJSONHandler(file, nil)}),
//		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(store, chain)}),
//		audit.WithContextFields(requestFields), // request ID, client IP, user agent from ctx
//	)
//	defer lg.Close() // flushes the queues
//
//	lg.AuthAttempt(ctx, email, false, clientIP)
//	lg.SensitiveOperation(ctx, audit.Actor{ID: uid, Role: "admin"}, "user.delete", "user:42")
//	lg.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeFailure, Reason: "expired"})
//
// [Logger.AuthAttempt] and [Logger.SensitiveOperation] are the seed's
// log_auth_attempt and log_sensitive_operation; [Logger.Lockout] and
// [Logger.RateLimited] record the other security events; [Logger.Log]
// takes any [Event].
//
// # Record schema
//
// Every record is one JSON object with fixed keys ([KeyAction] …): time,
// level, msg (= the action), action, outcome, reason, actor {id, role},
// target, client_ip, user_agent, request_id, and extra (the event's other
// attributes). The level follows the outcome ([Outcome.Level]). Because
// sinks encode with slog's JSON (or text) handler, CR, LF, quotes and
// control characters inside any field are escaped: a username of
// "a\r\nlevel=INFO msg=login ok" stays inside one record.
//
// # Redaction
//
// Every record passes one [Redactor] before any sink sees it, so secrets
// never reach stdout, the file, the store or the queue in between. It
// redacts by key (password, otp, token, secret, authorization, cookie …)
// and by value (anything shaped like a JWT, "Bearer …" credentials,
// sensitive key=value pairs in URLs and strings), walks groups, resolves
// [slog.LogValuer]s, and encodes structs and maps to walk them too;
// [RedactOptions.MaskEmails] masks addresses. It cannot be turned off. The
// same rules work for any slog logger: wrap a handler with
// [NewRedactingHandler], or use [Redactor.ReplaceAttr] in
// [slog.HandlerOptions]; mark values with [Secret] at the source.
//
// # Sinks, buffering and losses
//
// Sinks are fanned out with github.com/samber/slog-multi. Each has its own
// level and its own bounded queue and worker ([AsyncHandler]), so a slow or
// failing sink never blocks a request or the other sinks. A record that
// does not fit in a full queue is dropped — and counted: losses show in
// [Logger.Snapshot] ([SinkStats]), are announced in the sink itself by a
// record "audit: N records dropped" (action [ActionRecordsDropped]) at
// every report interval and at Close, and any loss that could not be
// announced is returned by [Logger.Close] as a [*LostError]. Close flushes
// the queues, bounded by [WithCloseTimeout].
//
// [RotatingFile] is a size-based rotating [io.Writer] for a file sink.
//
// # Tamper evidence
//
// [NewStoreHandler] appends each record to a [Store], sealed by a [Chain]:
// every stored [Record] carries the hash of the one before it, computed
// over a canonical encoding of its sequence number, the previous hash, its
// indexed fields and its JSON bytes; [NewHMACChain] keys the hash with
// HMAC-SHA256 so that whoever can write the store cannot forge a
// consistent chain. [Chain.Verify] walks a range of the store and returns
// the first broken link as a [*ChainError] (sequence number and [Reason]:
// edited, deleted, reordered). The reference server exposes it as
// "autospot audit verify". With an unkeyed chain, also keep the head
// ([Store.Head]) somewhere else, and compare: otherwise a rewrite of the
// whole tail, or a truncation, goes unseen.
//
// [Store.Append] takes a [SealFunc] and calls it inside the store's atomic
// step with the current head, so concurrent appenders (goroutines or
// replicas) always extend one unbroken chain; every backend passes the
// conformance suite storetest.RunAuditStore.
//
// # Metrics
//
// [Logger.Snapshot] returns atomic counters of events, authentication
// failures, lockouts, rate-limit rejections and per-sink written, dropped
// and failed records. The sub-package auditprom exports them as a
// Prometheus collector; this package does not import client_golang.
//
// # Concurrency
//
// [Logger], [AsyncHandler], [Redactor], [Chain], [RotatingFile] and the
// handler from [NewStoreHandler] are safe for concurrent use.
package audit
