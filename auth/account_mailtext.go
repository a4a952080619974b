package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

func (a *Accounts) isClosed() bool {
	a.closeMu.RLock()
	defer a.closeMu.RUnlock()
	return a.closed
}

// sendMail hands m to the Mailer in the background, so that the caller's
// response time does not depend on whether an email was sent. It waits for
// a delivery slot while ctx lasts. Failures become ActionMail events (with
// the kind, never the body).
func (a *Accounts) sendMail(ctx context.Context, ri RequestInfo, uid string, m Message) {
	a.closeMu.RLock()
	if a.closed {
		a.closeMu.RUnlock()
		a.emit(ctx, ri, ActionMail, OutcomeFailure, "closed:"+string(m.Kind), uid, "")
		return
	}
	a.mailWG.Add(1)
	a.closeMu.RUnlock()
	select {
	case a.mailSem <- struct{}{}: // a free slot wins even if ctx has ended
	default:
		select {
		case a.mailSem <- struct{}{}:
		case <-ctx.Done():
			a.mailWG.Done()
			a.emit(ctx, ri, ActionMail, OutcomeFailure, "queue_full:"+string(m.Kind), uid, "")
			return
		}
	}
	// The delivery outlives the request, keeping its values (request id).
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.mailTimeout)
	go func() {
		defer a.mailWG.Done()
		defer func() { <-a.mailSem }()
		defer cancel()
		if err := a.mailer.Send(mctx, m); err != nil {
			a.emit(mctx, ri, ActionMail, OutcomeFailure, reasonMailFailed+":"+string(m.Kind), uid, "")
			return
		}
		a.emit(mctx, ri, ActionMail, OutcomeSuccess, string(m.Kind), uid, "")
	}()
}

// describeRequest is the "where from" line of security notices. The user
// agent is cut short and stripped of control characters.
func describeRequest(ri RequestInfo) string {
	var b strings.Builder
	if ri.IP.IsValid() {
		b.WriteString("from " + ri.IP.String())
	}
	if ua := cleanLine(ri.UserAgent, 120); ua != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("using " + ua)
	}
	if b.Len() == 0 {
		return "from an unknown address"
	}
	return b.String()
}

func cleanLine(s string, n int) string {
	s = truncateUTF8(s, n)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func verifyCodeText(app, code string, ttl time.Duration) string {
	return fmt.Sprintf(`Your %s verification code is:

    %s

It expires in %d minutes and can be used once. If you did not try to
create an account, ignore this email.
`, app, code, int(ttl.Minutes()))
}

func alreadyRegisteredText(app string, owner User, ri RequestInfo, resetURL string) string {
	return fmt.Sprintf(`Hello %s,

Someone (maybe you) tried to create an account on %s with this email
address %s. You already have an account, so no new one was created.

If it was you, sign in instead; if you forgot your password, reset it at
%s

If it was not you, you can ignore this email.
`, cleanLine(owner.FullName, 100), app, describeRequest(ri), resetURL)
}

func usernameTakenText(app, username string) string {
	return fmt.Sprintf(`The username %q is already taken on %s, so your
registration cannot be completed. Please register again with another
username.
`, username, app)
}

func resetText(app, link, code string, linkTTL, codeTTL time.Duration, ri RequestInfo) string {
	return fmt.Sprintf(`A password reset was requested for your %s account %s.

Open this link to choose a new password (valid %d minutes, once):

%s

or enter this code (valid %d minutes):

    %s

If you did not ask for this, ignore this email: your password stays as it is.
`, app, describeRequest(ri), int(linkTTL.Minutes()), link, int(codeTTL.Minutes()), code)
}

func passwordChangedText(app string, u User, ri RequestInfo, reset bool) string {
	what := "changed"
	if reset {
		what = "reset"
	}
	return fmt.Sprintf(`Hello %s,

The password of your %s account was %s %s. Every session was signed out.

If this was not you, reset your password at once and contact support.
`, cleanLine(u.FullName, 100), app, what, describeRequest(ri))
}

func lockoutText(app string, u *User, ri RequestInfo, everywhere bool, until time.Time) string {
	scope := "from that address"
	if everywhere {
		scope = "from every address"
	}
	return fmt.Sprintf(`Hello %s,

Several failed sign-ins to your %s account were made %s, so sign-in %s
is locked until %s UTC.

If this was you, wait or reset your password. If it was not, someone may
be guessing your password: make sure it is strong and unique.
`, cleanLine(u.FullName, 100), app, describeRequest(ri), scope, until.UTC().Format("2006-01-02 15:04"))
}

func deletedText(app string, u User) string {
	return fmt.Sprintf(`Hello %s,

Your %s account and its data have been deleted. If this was not you,
contact support at once.
`, cleanLine(u.FullName, 100), app)
}
