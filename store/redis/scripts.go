package redis

import (
	_ "embed"

	goredis "github.com/redis/go-redis/v9"
)

// The Lua scripts, one per operation that needs more than one command.
// Each file documents its KEYS and ARGV.
var (
	//go:embed lua/revoke_session.lua
	revokeSessionSource string
	//go:embed lua/put_record.lua
	putRecordSource string
	//go:embed lua/attempt_reserve.lua
	attemptReserveSource string
	//go:embed lua/attempt_lock.lua
	attemptLockSource string
	//go:embed lua/otp_try.lua
	otpTrySource string
	//go:embed lua/otp_consume.lua
	otpConsumeSource string
	//go:embed lua/pending_take.lua
	pendingTakeSource string
	//go:embed lua/reset_put.lua
	resetPutSource string
	//go:embed lua/reset_consume.lua
	resetConsumeSource string
	//go:embed lua/reset_delete_user.lua
	resetDeleteUserSource string
)

// scripts holds the store's Lua scripts. Each is run with
// [goredis.Script.Run]: EVALSHA, and EVAL once if the server answers
// NOSCRIPT.
type scripts struct {
	revokeSession   *goredis.Script
	putRecord       *goredis.Script
	attemptReserve  *goredis.Script
	attemptLock     *goredis.Script
	otpTry          *goredis.Script
	otpConsume      *goredis.Script
	pendingTake     *goredis.Script
	resetPut        *goredis.Script
	resetConsume    *goredis.Script
	resetDeleteUser *goredis.Script
}

func newScripts() *scripts {
	return &scripts{
		revokeSession:   goredis.NewScript(revokeSessionSource),
		putRecord:       goredis.NewScript(putRecordSource),
		attemptReserve:  goredis.NewScript(attemptReserveSource),
		attemptLock:     goredis.NewScript(attemptLockSource),
		otpTry:          goredis.NewScript(otpTrySource),
		otpConsume:      goredis.NewScript(otpConsumeSource),
		pendingTake:     goredis.NewScript(pendingTakeSource),
		resetPut:        goredis.NewScript(resetPutSource),
		resetConsume:    goredis.NewScript(resetConsumeSource),
		resetDeleteUser: goredis.NewScript(resetDeleteUserSource),
	}
}

func (s *scripts) all() []*goredis.Script {
	return []*goredis.Script{
		s.revokeSession, s.putRecord, s.attemptReserve, s.attemptLock, s.otpTry,
		s.otpConsume, s.pendingTake, s.resetPut, s.resetConsume, s.resetDeleteUser,
	}
}
