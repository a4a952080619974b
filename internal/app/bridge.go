package app

import (
	"context"
	"strings"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
)

// auditBridge records auth.Accounts events in the audit trail. Actions
// "account.x" become "auth.x", so that failed logins count as
// authentication failures and "auth.lockout" as lockouts in the audit
// metrics. Events carry no secret by construction; the audit logger
// redacts anyway.
type auditBridge struct{ lg *audit.Logger }

var _ auth.EventSink = auditBridge{}

// AccountEvent implements auth.EventSink; it only queues.
func (b auditBridge) AccountEvent(ctx context.Context, e auth.Event) {
	actor := e.UserID
	if actor == "" {
		actor = e.Identifier
	}
	ev := audit.Event{
		Time:      e.Time,
		Action:    "auth." + strings.TrimPrefix(e.Action, "account."),
		Outcome:   audit.Outcome(e.Outcome),
		Reason:    e.Reason,
		Actor:     audit.Actor{ID: actor},
		UserAgent: e.UserAgent,
		RequestID: e.RequestID,
	}
	if e.IP.IsValid() {
		ev.ClientIP = e.IP.String()
	}
	if e.UserID != "" && e.Identifier != "" {
		ev.Target = "user:" + e.UserID
		ev.Actor.ID = e.Identifier
	}
	b.lg.Log(ctx, ev)
}
