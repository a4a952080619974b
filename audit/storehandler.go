package audit

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// NewStoreHandler returns a [slog.Handler] that appends each record to st,
// sealed into chain. The record is encoded exactly as [slog.JSONHandler]
// encodes it (that encoding becomes [Record].Data); the action, outcome and
// actor ID are read from the record's top-level attributes (the message
// stands in for a missing action). Redaction is not its job: use it behind
// a [Logger] or a [NewRedactingHandler]. Give it a queue ([Sink] or
// [NewAsyncHandler]) so that a slow store does not block callers.
//
// Handle fails when the store does; it is safe for concurrent use.
func NewStoreHandler(st Store, chain *Chain) slog.Handler {
	enc := &storeEncoder{}
	enc.json = slog.NewJSONHandler(&enc.buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	return &storeHandler{st: st, chain: chain, enc: enc, json: enc.json}
}

type storeEncoder struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	json slog.Handler
}

type storeHandler struct {
	st     Store
	chain  *Chain
	enc    *storeEncoder
	json   slog.Handler // enc.json with this handler's attrs and groups
	groups int
}

func (h *storeHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *storeHandler) Handle(ctx context.Context, r slog.Record) error {
	h.enc.mu.Lock()
	h.enc.buf.Reset()
	err := h.json.Handle(ctx, r)
	data := bytes.Clone(bytes.TrimSuffix(h.enc.buf.Bytes(), []byte("\n")))
	h.enc.mu.Unlock()
	if err != nil {
		return err
	}
	e := Entry{Time: r.Time, Action: r.Message, Data: data}
	if h.groups == 0 {
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case KeyAction:
				e.Action = a.Value.String()
			case KeyOutcome:
				e.Outcome = Outcome(a.Value.String())
			case KeyActor:
				v := a.Value.Resolve()
				if v.Kind() == slog.KindGroup {
					for _, g := range v.Group() {
						if g.Key == KeyActorID {
							e.Actor = g.Value.String()
						}
					}
				}
			}
			return true
		})
	}
	_, err = h.chain.Append(ctx, h.st, e)
	return err
}

func (h *storeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.json = h.json.WithAttrs(attrs)
	return &c
}

func (h *storeHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.json = h.json.WithGroup(name)
	c.groups++
	return &c
}
