package opsapi_test

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
	"github.com/autospot/autospot/store/memory"
)

// Two replicas share the stores and a Redis: a session started through
// replica A appears on a live stream held by replica B.
func replicaTest(t *testing.T, redisAddr string) {
	ctx := context.Background()
	key, _ := auth.NewHMACKey("k1", bytes.Repeat([]byte("s"), 32))
	ring, _ := auth.NewKeyRing(key)
	tokens, _ := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	maps := parking.NewMemoryStore()
	m := parking.ExampleMap()
	m.ID, m.FacilityID, m.Building = "m1", "fac", "Westfield Sydney"
	if _, err := maps.CreateMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	qr, _ := entryqr.New(bytes.Repeat([]byte("q"), 32))
	shared := opsapi.Deps{Auth: tokens, Maps: maps, Sessions: session.NewMemory(), Wallets: wallet.NewMemory(),
		Subscriptions: subscription.NewMemory(), Emissions: emissions.NewMemory(), QR: qr, SSEHeartbeat: time.Hour}
	replica := func() *httptest.Server {
		c := redis.NewClient(&redis.Options{Addr: redisAddr})
		t.Cleanup(func() { c.Close() })
		hub, err := live.NewRedis(ctx, c, nil, live.WithChannelPrefix("autospot:opsapi-test:"+t.Name()+":"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { hub.Close() })
		d := shared
		d.Hub = hub
		mux := http.NewServeMux()
		if err := opsapi.Register(mux, d); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv
	}
	a, b := replica(), replica()
	pair, _ := tokens.IssuePair(ctx, auth.Subject{ID: "u1", Roles: []auth.Role{auth.RoleDriver}})
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, "GET", b.URL+"/live/buildings/Westfield%20Sydney/slots", nil)
	req.Header.Set("Authorization", "Bearer "+pair.AccessToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rd := bufio.NewReader(res.Body)
	readData := func(event string) string {
		cur := ""
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
				cur = v
			}
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok && cur == event {
				return v
			}
		}
	}
	readData("snapshot")
	start, _ := http.NewRequest("POST", a.URL+"/session/start", strings.NewReader(`{"building":"Westfield Sydney","entrance_id":"E1","vehicle_id":"ABC123"}`))
	start.Header.Set("Content-Type", "application/json")
	start.Header.Set("Authorization", "Bearer "+pair.AccessToken)
	sres, err := http.DefaultClient.Do(start)
	if err != nil || sres.StatusCode != 201 {
		t.Fatalf("start on replica A: %v %v", sres.StatusCode, err)
	}
	sres.Body.Close()
	if d := readData("slot"); !strings.Contains(d, `"slot_id":"1B","status":"occupied"`) {
		t.Fatalf("replica B streamed %s", d)
	}
}

func TestReplicasInProcessRedis(t *testing.T) { replicaTest(t, miniredis.RunT(t).Addr()) }

func TestReplicasRedisServer(t *testing.T) {
	addr := os.Getenv("AUTOSPOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("AUTOSPOT_TEST_REDIS_ADDR is not set; skipping the redis-server replica test (e.g. 127.0.0.1:16379)")
	}
	replicaTest(t, addr)
}
