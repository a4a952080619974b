package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/ratelimit"
)

// checkItem is one line of the seed's pre-deployment security audit.
type checkItem struct {
	Name   string
	Pass   bool
	Detail string
}

// check runs the seed's pre-deployment checklist against the live
// configuration and prints PASS/FAIL per item; exit status 1 on any FAIL.
// Items that concern the HTTP stack are probed against an in-process
// instance of the server built from this configuration (on throw-away
// storage, so the real data is never touched).
func check(ctx context.Context, e env) int {
	items := checklist(ctx, e)
	fails := 0
	for _, it := range items {
		mark := "PASS"
		if !it.Pass {
			mark = "FAIL"
			fails++
		}
		fmt.Fprintf(e.stdout, "[%s] %s — %s\n", mark, it.Name, it.Detail)
	}
	fmt.Fprintf(e.stdout, "\n%d of %d checks passed\n", len(items)-fails, len(items))
	if fails > 0 {
		return 1
	}
	return 0
}

func checklist(ctx context.Context, e env) []checkItem {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return []checkItem{{Name: "Configuration loads", Detail: err.Error()}}
	}
	items := []checkItem{
		{Name: "Production mode (ENV=production)", Pass: cfg.Production(), Detail: "ENV=" + cfg.Env},
		secretsItem(cfg),
		dbCredentialsItem(cfg),
		tlsItem(cfg, time.Now()),
		rateItem(cfg),
		corsItem(cfg),
		{Name: "Password hashing cost", Pass: cfg.BcryptCost >= config.DefaultBcryptCost, Detail: fmt.Sprintf("bcrypt cost %d (seed: 12)", cfg.BcryptCost)},
		{Name: "Monitoring and alerting configured", Pass: cfg.MetricsAddr != "" || cfg.CloudWatchEMF,
			Detail: "AUTOSPOT_METRICS_ADDR or AUTOSPOT_CLOUDWATCH_EMF=1 (metrics are otherwise only behind admin auth)"},
		attestation(e, "Database backups encrypted and tested", "AUTOSPOT_CHECK_BACKUP_TESTED", 90*24*time.Hour),
		{Name: "Incident response plan documented", Pass: strings.HasPrefix(e.getenv("AUTOSPOT_INCIDENT_RESPONSE_URL"), "https://"),
			Detail: "AUTOSPOT_INCIDENT_RESPONSE_URL names the plan (https URL)"},
	}
	return append(items, probe(ctx, cfg)...)
}

func secretsItem(cfg config.Config) checkItem {
	it := checkItem{Name: "All secrets stored in environment variables"}
	if cfg.DevSecretsPath != "" {
		it.Detail = "development secrets generated in " + cfg.DevSecretsPath
		return it
	}
	it.Pass, it.Detail = true, "JWT, AEAD, blind-index and audit keys come from the environment (or *_FILE)"
	return it
}

func dbCredentialsItem(cfg config.Config) checkItem {
	it := checkItem{Name: "Database credentials set (rotation is the operator's)", Pass: true, Detail: "embedded database only"}
	for _, db := range []struct{ name, uri string }{{"MONGODB_URI", cfg.MongoURI}, {"REDIS_URL", cfg.RedisURL}} {
		if db.uri == "" {
			continue
		}
		u, err := url.Parse(db.uri)
		switch {
		case err != nil || !config.URICredentials(db.uri):
			it.Pass, it.Detail = false, db.name+" has no credentials"
			return it
		case placeholderPassword(passwordOf(u)):
			it.Pass, it.Detail = false, db.name+" uses a placeholder password"
			return it
		}
		it.Detail = "MongoDB/Redis URIs carry credentials"
	}
	return it
}

// placeholderPassword reports the seed's example credentials and their
// like ("mongodb://username:password@…").
func placeholderPassword(pw string) bool {
	low := strings.ToLower(pw)
	for _, p := range []string{"password", "changeme", "secret", "example"} {
		if low == p || strings.HasPrefix(low, p) && len(low) < 12 {
			return true
		}
	}
	return false
}

func passwordOf(u *url.URL) string {
	if u.User == nil {
		return ""
	}
	if p, ok := u.User.Password(); ok {
		return p
	}
	return u.User.Username()
}

func tlsItem(cfg config.Config, now time.Time) checkItem {
	it := checkItem{Name: "SSL certificates valid and properly configured"}
	if !cfg.TLS() {
		if len(cfg.TrustedProxies) > 0 && strings.HasPrefix(cfg.PublicURL, "https://") {
			it.Pass, it.Detail = true, "TLS terminated by the trusted proxy; public URL is https"
		} else {
			it.Detail = "no AUTOSPOT_TLS_CERT/KEY, and no trusted proxy with an https public URL"
		}
		return it
	}
	pair, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		it.Detail = "certificate and key do not load or do not match"
		return it
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		it.Detail = "certificate does not parse"
		return it
	}
	u, _ := url.Parse(cfg.PublicURL)
	switch {
	case now.Before(leaf.NotBefore):
		it.Detail = "certificate not yet valid"
	case now.After(leaf.NotAfter.Add(-14 * 24 * time.Hour)):
		it.Detail = "certificate expired or expires within 14 days (" + leaf.NotAfter.Format(time.DateOnly) + ")"
	case leaf.VerifyHostname(u.Hostname()) != nil:
		it.Detail = "certificate does not cover " + u.Hostname()
	default:
		it.Pass, it.Detail = true, "valid until "+leaf.NotAfter.Format(time.DateOnly)+"; TLS ≥ 1.2, AEAD suites"
	}
	return it
}

func rateItem(cfg config.Config) checkItem {
	it := checkItem{Name: "Rate limiting configured on all endpoints"}
	login, err1 := ratelimit.Parse(cfg.LoginRate)
	_, err2 := ratelimit.Parse(cfg.APIRate)
	_, err3 := ratelimit.Parse(cfg.AuthRate)
	if err1 != nil || err2 != nil || err3 != nil {
		it.Detail = "a rate policy does not parse"
		return it
	}
	if login.Capacity() > 5 || login.Interval() < 12*time.Second {
		it.Detail = "login limit " + login.String() + " is looser than the seed's 5/minute"
		return it
	}
	it.Pass, it.Detail = true, fmt.Sprintf("every route %s per IP; /auth/* %s; login %s", cfg.APIRate, cfg.AuthRate, cfg.LoginRate)
	return it
}

func corsItem(cfg config.Config) checkItem {
	it := checkItem{Name: "CORS configured for production domains only"}
	for _, o := range cfg.CORSOrigins {
		low := strings.ToLower(o)
		if o == "*" || !strings.HasPrefix(low, "https://") || strings.Contains(low, "localhost") || strings.Contains(low, "127.0.0.1") {
			it.Detail = "origin " + o + " is not a production HTTPS origin"
			return it
		}
	}
	it.Pass, it.Detail = true, strings.Join(cfg.CORSOrigins, ", ")
	return it
}

// attestation checks an operator's dated attestation (YYYY-MM-DD, within
// maxAge) for items no program can verify.
func attestation(e env, name, variable string, maxAge time.Duration) checkItem {
	it := checkItem{Name: name, Detail: variable + "=YYYY-MM-DD (date of the last restore test) is not set"}
	v := e.getenv(variable)
	if v == "" {
		return it
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil || time.Since(d) > maxAge || time.Until(d) > 24*time.Hour {
		it.Detail = variable + " is not a date within the last " + fmt.Sprint(maxAge.Hours()/24) + " days"
		return it
	}
	it.Pass, it.Detail = true, "last tested "+v
	return it
}

// probe builds the server from cfg on temporary storage and sends it the
// requests the checklist's HTTP items are about.
func probe(ctx context.Context, cfg config.Config) []checkItem {
	fail := func(name, detail string) []checkItem { return []checkItem{{Name: name, Detail: detail}} }
	dir, err := os.MkdirTemp("", "autospot-check-")
	if err != nil {
		return fail("HTTP probes", "cannot create a temporary directory")
	}
	defer os.RemoveAll(dir)
	pc := cfg
	pc.DataDir, pc.OutboxDir, pc.MongoURI, pc.RedisURL, pc.SMTPAddr, pc.BcryptCost = dir, dir+"/outbox", "", "", "", 4
	var logs bytes.Buffer
	a, err := app.Open(ctx, pc, app.Options{Stdout: &logs, Version: version})
	if err != nil {
		return fail("HTTP probes", "the server does not build from this configuration: "+err.Error())
	}
	h := a.Server.Handler()
	do := func(method, path, body string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body))
		req.RemoteAddr = "192.0.2.10:1234"
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var items []checkItem

	inj := do("POST", "/auth/login", `{"email":{"$ne":""},"password":"x"}`, nil)
	unk := do("POST", "/auth/login", `{"email":"a@b.test","password":"x","admin":true}`, nil)
	big := do("POST", "/auth/login", `{"email":"`+strings.Repeat("a", int(cfg.MaxBodyBytes))+`"}`, nil)
	items = append(items, checkItem{Name: "Input validation implemented on all user inputs",
		Pass:   inj.Code == 400 && unk.Code == 400 && big.Code == 413,
		Detail: fmt.Sprintf("operator injection → %d, unknown field → %d, oversized body → %d (want 400, 400, 413)", inj.Code, unk.Code, big.Code)})

	nf := do("GET", "/nope", "", nil)
	bad := do("POST", "/auth/login", `{"email":`, nil)
	leak := false
	for _, b := range []string{nf.Body.String(), bad.Body.String(), inj.Body.String()} {
		if !strings.Contains(b, `"request_id"`) || strings.Contains(b, "goroutine") || strings.Contains(b, "json: ") || strings.Contains(b, "main.") {
			leak = true
		}
	}
	items = append(items, checkItem{Name: "Error messages don't leak sensitive information", Pass: !leak,
		Detail: "error bodies are {detail, error_code, request_id} with no internals"})

	secret := "Probe-Secret-Passw0rd!"
	for range 3 {
		do("POST", "/auth/login", `{"email":"probe@example.test","password":"`+secret+`"}`, map[string]string{"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"})
	}
	items = append(items, uploadProbe(ctx, a, h))

	hc := do("GET", "/api/health", "", map[string]string{"Origin": "https://evil.example"})
	want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Content-Security-Policy": "default-src 'self'"}
	ok := hc.Header().Get("Access-Control-Allow-Origin") == ""
	for k, v := range want {
		ok = ok && hc.Header().Get(k) == v
	}
	items = append(items, checkItem{Name: "Security headers properly set", Pass: ok,
		Detail: "nosniff, frame DENY, HSTS 1 year + subdomains, CSP default-src 'self'; no CORS grant to an unlisted origin"})

	// Close flushes the audit sinks; only then is the captured log complete
	// (and no longer written to).
	_ = a.Close()
	out := logs.String()
	items = append(items, checkItem{Name: "Logging configured without sensitive data exposure",
		Pass:   !strings.Contains(out, secret) && !strings.Contains(out, "eyJ") && strings.Contains(out, "auth.login"),
		Detail: "failed logins are audited without the password or bearer token"})
	return items
}

// uploadProbe sends the map-upload route (the server's one upload) an
// anonymous upload, and, as an operator of the example facility, an HTML
// page named .png and a PNG declaring 100000×100000 pixels: all must be
// refused before anything is stored.
func uploadProbe(ctx context.Context, a *app.App, h http.Handler) checkItem {
	it := checkItem{Name: "File upload restrictions properly implemented"}
	pair, err := a.Tokens.IssuePair(ctx, auth.Subject{ID: "check-operator", Roles: []auth.Role{auth.RoleOperator}, Facility: parking.ExampleFacilityID})
	if err != nil {
		it.Detail = "cannot issue a probe token: " + err.Error()
		return it
	}
	flood := pngHeader(100000, 100000)
	send := func(token, name string, content []byte) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(content)
		_ = mw.Close()
		req := httptest.NewRequestWithContext(ctx, "POST", "/parking/upload-map?building_name=Probe&level=1&grid_rows=6&grid_cols=6&dry_run=true&facility_id="+parking.ExampleFacilityID, &body)
		req.RemoteAddr = "192.0.2.11:1234"
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	anon := send("", "map.png", flood)
	html := send(pair.AccessToken, "map.png", []byte("<html><script>alert(1)</script></html>"))
	big := send(pair.AccessToken, "map.png", flood)
	it.Pass = anon == http.StatusUnauthorized && html == http.StatusUnsupportedMediaType && (big == http.StatusRequestEntityTooLarge || big == http.StatusBadRequest)
	it.Detail = fmt.Sprintf("map upload: anonymous → %d, HTML named .png → %d, 100000×100000 PNG header → %d (want 401, 415, 413/400)", anon, html, big)
	return it
}

// pngHeader is a PNG signature and IHDR chunk declaring w×h pixels (no
// image data): what a pixel-flood upload looks like.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}
