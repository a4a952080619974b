package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

func newTestLogger(t *testing.T, opts ...audit.Option) (*audit.Logger, *syncBuffer) {
	t.Helper()
	var buf syncBuffer
	opts = append([]audit.Option{
		audit.WithSink(audit.Sink{Name: "json", Handler: slog.NewJSONHandler(&buf, nil)}),
		audit.WithClock(fixedClock),
	}, opts...)
	lg, err := audit.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return lg, &buf
}

// jsonLines parses b as JSON lines, failing on anything that is not one
// JSON object per line.
func jsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line is not one JSON object: %v\n%q", err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func TestLoggerSchema(t *testing.T) {
	lg, buf := newTestLogger(t)
	lg.Log(t.Context(), audit.Event{
		Action:    "user.role_change",
		Outcome:   audit.OutcomeSuccess,
		Reason:    "admin_request",
		Actor:     audit.Actor{ID: "u-1", Role: "admin"},
		Target:    "user:42",
		ClientIP:  "203.0.113.9",
		UserAgent: "Mozilla/5.0",
		RequestID: "req-7",
		Extra:     []slog.Attr{slog.String("from", "user"), slog.String("to", "operator")},
	})
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	recs := jsonLines(t, buf.Bytes())
	want := map[string]any{
		"time": "2025-06-01T12:00:00Z", "level": "INFO", "msg": "user.role_change",
		"action": "user.role_change", "outcome": "success", "reason": "admin_request",
		"actor":  map[string]any{"id": "u-1", "role": "admin"},
		"target": "user:42", "client_ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "request_id": "req-7",
		"extra": map[string]any{"from": "user", "to": "operator"},
	}
	if len(recs) != 1 || !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("record\n got %v\nwant %v", recs, want)
	}
}

func TestLoggerLevelsAndHelpers(t *testing.T) {
	ip := netip.MustParseAddr("2001:db8::1")
	tests := []struct {
		name  string
		log   func(*audit.Logger)
		level string
		check map[string]any
	}{
		{"auth success", func(l *audit.Logger) { l.AuthAttempt(t.Context(), "alice@example.com", true, ip) }, "INFO",
			map[string]any{"action": "auth.login", "outcome": "success", "client_ip": "2001:db8::1", "actor": map[string]any{"id": "alice@example.com"}}},
		{"auth failure", func(l *audit.Logger) { l.AuthAttempt(t.Context(), "alice@example.com", false, ip) }, "WARN",
			map[string]any{"action": "auth.login", "outcome": "failure"}},
		{"sensitive operation", func(l *audit.Logger) {
			l.SensitiveOperation(t.Context(), audit.Actor{ID: "u-1", Role: "admin"}, "user.delete", "user:42")
		}, "WARN", map[string]any{"action": "user.delete", "outcome": "success", "target": "user:42", "actor": map[string]any{"id": "u-1", "role": "admin"}}},
		{"lockout", func(l *audit.Logger) { l.Lockout(t.Context(), "alice@example.com", ip, fixedNow.Add(time.Minute)) }, "WARN",
			map[string]any{"action": "auth.lockout", "outcome": "denied", "target": "alice@example.com", "extra": map[string]any{"until": "2025-06-01T12:01:00Z"}}},
		{"rate limited", func(l *audit.Logger) { l.RateLimited(t.Context(), "login", ip) }, "WARN",
			map[string]any{"action": "ratelimit.reject", "outcome": "denied", "extra": map[string]any{"policy": "login"}}},
		{"error outcome", func(l *audit.Logger) {
			l.Log(t.Context(), audit.Event{Action: "store.write", Outcome: audit.OutcomeError})
		}, "ERROR",
			map[string]any{"outcome": "error"}},
		{"no outcome", func(l *audit.Logger) { l.Log(t.Context(), audit.Event{Action: "x.y"}) }, "INFO",
			map[string]any{"outcome": "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg, buf := newTestLogger(t)
			tt.log(lg)
			if err := lg.Close(); err != nil {
				t.Fatal(err)
			}
			recs := jsonLines(t, buf.Bytes())
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			if recs[0]["level"] != tt.level {
				t.Errorf("level %v, want %s", recs[0]["level"], tt.level)
			}
			for k, v := range tt.check {
				if !reflect.DeepEqual(recs[0][k], v) {
					t.Errorf("%s = %v, want %v", k, recs[0][k], v)
				}
			}
		})
	}
}

type ctxKey struct{}

func TestContextHooks(t *testing.T) {
	lg, buf := newTestLogger(t,
		audit.WithContextFields(func(ctx context.Context) (string, string, string) {
			if v, ok := ctx.Value(ctxKey{}).(string); ok {
				return v, "198.51.100.1", "agent/1"
			}
			return "", "", ""
		}),
		audit.WithContextActor(func(ctx context.Context) (audit.Actor, bool) {
			return audit.Actor{ID: "ctx-user", Role: "user"}, ctx.Value(ctxKey{}) != nil
		}),
	)
	ctx := context.WithValue(t.Context(), ctxKey{}, "req-99")
	lg.Log(ctx, audit.Event{Action: "a.b", Outcome: audit.OutcomeSuccess})
	lg.Log(ctx, audit.Event{Action: "a.c", Outcome: audit.OutcomeSuccess, ClientIP: "192.0.2.5", Actor: audit.Actor{ID: "explicit"}})
	lg.Log(t.Context(), audit.Event{Action: "a.d", Outcome: audit.OutcomeSuccess})
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	recs := jsonLines(t, buf.Bytes())
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	if recs[0]["request_id"] != "req-99" || recs[0]["client_ip"] != "198.51.100.1" || recs[0]["user_agent"] != "agent/1" ||
		!reflect.DeepEqual(recs[0]["actor"], map[string]any{"id": "ctx-user", "role": "user"}) {
		t.Errorf("context fields not applied: %v", recs[0])
	}
	if recs[1]["client_ip"] != "192.0.2.5" || !reflect.DeepEqual(recs[1]["actor"], map[string]any{"id": "explicit"}) {
		t.Errorf("explicit fields overridden: %v", recs[1])
	}
	if _, ok := recs[2]["request_id"]; ok {
		t.Errorf("empty context gave fields: %v", recs[2])
	}
}

// Attack catalogue: username "a\r\nlevel=INFO msg=login ok" → one audit record.
func TestCRLFInjectionOneRecord(t *testing.T) {
	evil := []string{
		"a\r\nlevel=INFO msg=login ok",
		"a\nlevel=INFO msg=\"login ok\" action=auth.login outcome=success",
		`a","outcome":"success","x":"`,
		"a\u2028level=INFO\u2029\u0085\x00\x1b[2J",
		"a\r\n{\"level\":\"INFO\",\"msg\":\"auth.login\",\"outcome\":\"success\"}",
	}
	type sinkCase struct {
		name  string
		new   func(w *syncBuffer) slog.Handler
		count func(t *testing.T, b []byte) int
	}
	sinks := []sinkCase{
		{"json", func(w *syncBuffer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			func(t *testing.T, b []byte) int { return len(jsonLines(t, b)) }},
		{"text", func(w *syncBuffer) slog.Handler { return slog.NewTextHandler(w, nil) },
			func(t *testing.T, b []byte) int {
				lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
				for _, l := range lines {
					if !strings.HasPrefix(l, "time=") {
						t.Fatalf("forged text line: %q", l)
					}
				}
				return len(lines)
			}},
	}
	for _, s := range sinks {
		for i, u := range evil {
			t.Run(s.name+"/"+string(rune('a'+i)), func(t *testing.T) {
				var buf syncBuffer
				lg, err := audit.New(audit.WithSink(audit.Sink{Handler: s.new(&buf)}))
				if err != nil {
					t.Fatal(err)
				}
				lg.AuthAttempt(t.Context(), u, false, netip.Addr{})
				lg.Log(t.Context(), audit.Event{Action: "auth.login", Outcome: audit.OutcomeFailure, Reason: u, Target: u,
					UserAgent: u, RequestID: u, Extra: []slog.Attr{slog.String(u, u)}})
				if err := lg.Close(); err != nil {
					t.Fatal(err)
				}
				if n := s.count(t, buf.Bytes()); n != 2 {
					t.Fatalf("2 events gave %d records:\n%s", n, buf.Bytes())
				}
				if s.name == "json" {
					recs := jsonLines(t, buf.Bytes())
					if got := recs[0]["actor"].(map[string]any)["id"]; got != u {
						t.Fatalf("actor id %q, want the input verbatim %q", got, u)
					}
					if recs[0]["outcome"] != "failure" || recs[1]["outcome"] != "failure" {
						t.Fatalf("outcome forged: %v", recs)
					}
				}
			})
		}
	}
}

func TestCounters(t *testing.T) {
	lg, _ := newTestLogger(t)
	ip := netip.MustParseAddr("192.0.2.1")
	ctx := t.Context()
	lg.AuthAttempt(ctx, "a@x.io", false, ip)
	lg.AuthAttempt(ctx, "a@x.io", false, ip)
	lg.AuthAttempt(ctx, "a@x.io", true, ip)
	lg.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeDenied})
	lg.Lockout(ctx, "a@x.io", ip, fixedNow)
	lg.RateLimited(ctx, "login", ip)
	lg.RateLimited(ctx, "login", ip)
	lg.SensitiveOperation(ctx, audit.Actor{ID: "u"}, "user.delete", "user:1")
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	s := lg.Snapshot()
	if s.Events != 8 || s.AuthFailures != 3 || s.Lockouts != 1 || s.RateLimitRejections != 2 {
		t.Fatalf("snapshot %+v", s)
	}
	if len(s.Sinks) != 1 || s.Sinks[0].Name != "json" || s.Sinks[0].Written != 8 || s.Dropped() != 0 {
		t.Fatalf("sink stats %+v", s.Sinks)
	}
}

func TestSinkLevels(t *testing.T) {
	var all, warn syncBuffer
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "all", Handler: slog.NewJSONHandler(&all, nil)}),
		audit.WithSink(audit.Sink{Name: "warn", Handler: slog.NewJSONHandler(&warn, nil), Level: slog.LevelWarn}),
	)
	if err != nil {
		t.Fatal(err)
	}
	lg.AuthAttempt(t.Context(), "a@x.io", true, netip.Addr{})
	lg.AuthAttempt(t.Context(), "a@x.io", false, netip.Addr{})
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(jsonLines(t, all.Bytes())); n != 2 {
		t.Errorf("info sink got %d records, want 2", n)
	}
	if recs := jsonLines(t, warn.Bytes()); len(recs) != 1 || recs[0]["outcome"] != "failure" {
		t.Errorf("warn sink got %v, want the failure only", recs)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := audit.New(audit.WithSink(audit.Sink{Name: "x"})); err == nil {
		t.Error("sink without handler accepted")
	}
	h := slog.NewJSONHandler(&syncBuffer{}, nil)
	if _, err := audit.New(audit.WithSink(audit.Sink{Name: "x", Handler: h}), audit.WithSink(audit.Sink{Name: "x", Handler: h})); err == nil {
		t.Error("duplicate sink names accepted")
	}
	lg, err := audit.New()
	if err != nil {
		t.Fatal(err)
	}
	lg.AuthAttempt(t.Context(), "a@x.io", false, netip.Addr{})
	if s := lg.Snapshot(); s.AuthFailures != 1 {
		t.Errorf("logger without sinks does not count: %+v", s)
	}
	if err := lg.Close(); err != nil {
		t.Error(err)
	}
}

// Attack catalogue: full flow with logs captured → no password, OTP, or
// eyJ… token in logs. A register / login / OTP / refresh / reset / change
// flow is logged through every sink kind (JSON, text, rotating file, store)
// with the secrets a careless caller would pass; no sink's bytes may
// contain one.
func TestFullFlowNoSecretsInAnySink(t *testing.T) {
	const (
		password    = "Tr0ub4dor&3-horse"
		newPassword = "correct-horse-battery-staple-9"
		otp         = "492817"
		resetToken  = "rst_9f8e7d6c5b4a39281706"
		refresh     = "rfr_0a1b2c3d4e5f60718293"
		cookie      = "autospot_session=sess_77aa88bb99cc"
	)
	access := testJWT
	var jsonBuf, textBuf syncBuffer
	dir := t.TempDir()
	file, err := audit.OpenRotatingFile(dir+"/audit.log", audit.RotateOptions{MaxSize: 2048, MaxFiles: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	st := memory.NewAuditStore()
	chain := audit.NewChain()
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(&jsonBuf, &slog.HandlerOptions{Level: slog.LevelDebug}), Level: slog.LevelDebug}),
		audit.WithSink(audit.Sink{Name: "text", Handler: slog.NewTextHandler(&textBuf, nil)}),
		audit.WithSink(audit.Sink{Name: "file", Handler: slog.NewJSONHandler(file, nil)}),
		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(st, chain)}),
		audit.WithContextFields(func(context.Context) (string, string, string) {
			return "req-1", "203.0.113.7", "AutoSpotApp/2.0 (Authorization: Bearer " + access + ")"
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ip := netip.MustParseAddr("203.0.113.7")
	user := audit.Actor{ID: "alice@example.com", Role: "user"}
	type registerReq struct {
		Email           string `json:"email"`
		Password        string `json:"password"`
		ConfirmPassword string `json:"confirm_password"`
	}
	// register, with the whole request body logged by mistake
	lg.Log(ctx, audit.Event{Action: audit.ActionRegister, Outcome: audit.OutcomeSuccess, Actor: user,
		Extra: []slog.Attr{slog.Any("request", registerReq{user.ID, password, password}), slog.String("otp_sent", otp)}})
	// OTP verify, wrong then right
	lg.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeFailure, Actor: user, Reason: "bad_code",
		Extra: []slog.Attr{slog.String("code", "000000"), slog.String("expected_code", otp)}})
	lg.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeSuccess, Actor: user,
		Extra: []slog.Attr{slog.Group("otp", slog.String("value", otp), slog.Int("tries", 2))}})
	// login: failure with the typed password, success with tokens and headers
	lg.AuthAttempt(ctx, user.ID, false, ip, slog.String("password", password), slog.String("note", "password="+password))
	lg.AuthAttempt(ctx, user.ID, true, ip,
		slog.String("access_token", access), slog.String("refresh_token", refresh),
		slog.Group("http", slog.Group("headers", slog.String("Authorization", "Bearer "+access), slog.String("Cookie", cookie))),
		slog.Any("response", map[string]any{"access_token": access, "token_type": "bearer", "nested": map[string]any{"jwt": access}}),
	)
	// token refresh failure: the error text carries the token
	lg.Log(ctx, audit.Event{Action: audit.ActionTokenRefresh, Outcome: audit.OutcomeFailure, Actor: user,
		Reason: "token " + access + " expired", Extra: []slog.Attr{slog.Any("err", errTokenExpired{access})}})
	// password reset: link with token, then change
	lg.Log(ctx, audit.Event{Action: audit.ActionPasswordReset, Outcome: audit.OutcomeSuccess, Actor: user,
		Target: "https://autospot.example/reset?token=" + resetToken,
		Extra:  []slog.Attr{slog.String("reset_token", resetToken), slog.String("link", "https://autospot.example/reset?token="+resetToken+"&u=1")}})
	lg.SensitiveOperation(ctx, user, audit.ActionPasswordChange, "user:alice",
		slog.String("old_password", password), slog.String("new_password", newPassword),
		slog.Any("form", json.RawMessage(`{"old":"x","newPassword":"`+newPassword+`"}`)))
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := file.Sync(); err != nil {
		t.Fatal(err)
	}

	sinks := map[string][]byte{"stdout": jsonBuf.Bytes(), "text": textBuf.Bytes()}
	var fileBytes []byte
	files, _ := filepathGlob(dir)
	for _, f := range files {
		fileBytes = append(fileBytes, readFile(t, f)...)
	}
	sinks["file"] = fileBytes
	var storeBytes []byte
	if err := st.Range(ctx, 1, 0, func(r audit.Record) error {
		storeBytes = append(storeBytes, r.Data...)
		storeBytes = append(storeBytes, r.Action+r.Actor+string(r.Outcome)...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sinks["store"] = storeBytes
	secrets := []string{password, newPassword, otp, resetToken, refresh, "sess_77aa88bb99cc", "eyJ"}
	for name, b := range sinks {
		if len(b) == 0 {
			t.Fatalf("sink %s is empty", name)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("sink %s contains secret %q", name, s)
			}
		}
	}
	if n := len(jsonLines(t, sinks["stdout"])); n != 8 {
		t.Errorf("stdout has %d records, want 8", n)
	}
	if _, err := chain.Verify(ctx, st, 1, 0); err != nil {
		t.Errorf("store chain: %v", err)
	}
	// What must stay does stay.
	for _, keep := range []string{"alice@example.com", "auth.login", "203.0.113.7", "req-1", "bad_code"} {
		if !bytes.Contains(sinks["stdout"], []byte(keep)) {
			t.Errorf("stdout lost %q", keep)
		}
	}
}

type errTokenExpired struct{ tok string }

func (e errTokenExpired) Error() string { return "token expired: " + e.tok }

// Whatever the client-controlled strings hold, one event is one JSON line.
func FuzzOneEventOneRecord(f *testing.F) {
	f.Add("a\r\nlevel=INFO msg=login ok", "ua\n", "r\u2028", "k")
	f.Add(`a","outcome":"success`, "\x00\xff", "\\", "password")
	f.Fuzz(func(t *testing.T, user, ua, reason, key string) {
		var buf syncBuffer
		lg, err := audit.New(audit.WithSink(audit.Sink{Handler: slog.NewJSONHandler(&buf, nil), Buffer: -1}))
		if err != nil {
			t.Fatal(err)
		}
		lg.Log(t.Context(), audit.Event{Action: "auth.login", Outcome: audit.OutcomeFailure, Actor: audit.Actor{ID: user},
			Reason: reason, UserAgent: ua, Target: user, Extra: []slog.Attr{slog.String(key, user), slog.Group(key, slog.String(user, ua))}})
		if err := lg.Close(); err != nil {
			t.Fatal(err)
		}
		recs := jsonLines(t, buf.Bytes())
		if len(recs) != 1 || recs[0]["outcome"] != "failure" || recs[0]["action"] != "auth.login" {
			t.Fatalf("one event gave %d records: %q", len(recs), buf.Bytes())
		}
	})
}
