package password

import "testing"

// newTestHasher returns a Hasher with cheap costs unless cfg sets them.
func newTestHasher(t testing.TB, cfg Config) *Hasher {
	t.Helper()
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = 4
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = Argon2Params{Memory: 64, Time: 1, Parallelism: 1}
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
