package live

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// DefaultHeartbeat is how often [Stream] writes a keep-alive comment.
const DefaultHeartbeat = 25 * time.Second

// Stream serves sub as a server-sent event stream: first snapshot (any
// JSON value; skipped when nil) as event "snapshot", then each [Event] as
// event "slot", a ": ping" comment every heartbeat (≤ 0: the default), and
// a final event "resync" when the subscription was dropped for lagging.
// It returns when the client goes away or the subscription ends, and
// never closes sub (the caller does). The write deadline of the server is
// lifted for the stream.
func Stream(w http.ResponseWriter, r *http.Request, sub *Subscription, snapshot any, heartbeat time.Duration) error {
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		// JSON never contains a raw newline, so one data line is enough.
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, raw); err != nil {
			return err
		}
		return rc.Flush()
	}
	if snapshot != nil {
		if err := send("snapshot", snapshot); err != nil {
			return err
		}
	} else if err := rc.Flush(); err != nil {
		return err
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case e, ok := <-sub.C:
			if !ok {
				if sub.Lagged() {
					return send("resync", map[string]string{"reason": "lagged"})
				}
				return nil
			}
			if err := send("slot", e); err != nil {
				return err
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return err
			}
			if err := rc.Flush(); err != nil {
				return err
			}
		}
	}
}
