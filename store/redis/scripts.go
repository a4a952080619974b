package redis

import (
	_ "embed"

	goredis "github.com/redis/go-redis/v9"
)

//go:embed lua/revoke_session.lua
var revokeSessionSource string

// scripts holds the store's Lua scripts. Each is run with
// [goredis.Script.Run]: EVALSHA, and EVAL once if the server answers
// NOSCRIPT.
type scripts struct {
	revokeSession *goredis.Script
}

func newScripts() *scripts {
	return &scripts{
		revokeSession: goredis.NewScript(revokeSessionSource),
	}
}

func (s *scripts) all() []*goredis.Script {
	return []*goredis.Script{s.revokeSession}
}
