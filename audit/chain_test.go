package audit_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

type vector struct {
	Seq     uint64 `json:"seq"`
	UnixMS  int64  `json:"unix_ms"`
	Action  string `json:"action"`
	Outcome string `json:"outcome"`
	Actor   string `json:"actor"`
	Data    string `json:"data_hex"`
	Prev    string `json:"prev_hex"`
	Hash    string `json:"hash_hex"`
}

// Known answers from testdata/gen_chain_vectors.py, an independent
// implementation of the canonical encoding.
func TestChainKnownAnswers(t *testing.T) {
	var vs struct {
		Key    string   `json:"hmac_key_hex"`
		SHA256 []vector `json:"sha256"`
		HMAC   []vector `json:"hmac-sha256"`
	}
	if err := json.Unmarshal(readFile(t, "testdata/chain_vectors.json"), &vs); err != nil {
		t.Fatal(err)
	}
	key, _ := hex.DecodeString(vs.Key)
	keyed, err := audit.NewHMACChain(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct {
		name  string
		chain *audit.Chain
		vs    []vector
	}{{"sha256", audit.NewChain(), vs.SHA256}, {"hmac-sha256", keyed, vs.HMAC}} {
		t.Run(mode.name, func(t *testing.T) {
			var head audit.Link
			var recs []audit.Record
			for _, v := range mode.vs {
				data, _ := hex.DecodeString(v.Data)
				r := mode.chain.Seal(head, audit.Entry{Time: time.UnixMilli(v.UnixMS), Action: v.Action, Outcome: audit.Outcome(v.Outcome), Actor: v.Actor, Data: data})
				if r.Seq != v.Seq || hex.EncodeToString(r.PrevHash) != v.Prev || hex.EncodeToString(r.Hash) != v.Hash {
					t.Fatalf("seq %d: got seq %d prev %x hash %x, want prev %s hash %s", v.Seq, r.Seq, r.PrevHash, r.Hash, v.Prev, v.Hash)
				}
				head = r.Link()
				recs = append(recs, r)
			}
			if _, err := mode.chain.VerifySeq(audit.Link{}, slices.Values(recs)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func buildChain(t *testing.T, c *audit.Chain, n int) []audit.Record {
	t.Helper()
	var head audit.Link
	out := make([]audit.Record, 0, n)
	for i := range n {
		r := c.Seal(head, audit.Entry{
			Time: fixedNow.Add(time.Duration(i) * time.Second), Action: audit.ActionLogin, Outcome: "success",
			Actor: fmt.Sprintf("user%d", i), Data: fmt.Appendf(nil, `{"i":%d}`, i),
		})
		head = r.Link()
		out = append(out, r)
	}
	return out
}

func TestVerifyDetectsTampering(t *testing.T) {
	plain := audit.NewChain()
	keyed, err := audit.NewHMACChain([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	clone := func(rs []audit.Record) []audit.Record {
		out := make([]audit.Record, len(rs))
		for i, r := range rs {
			out[i] = r.Clone()
		}
		return out
	}
	tests := []struct {
		name   string
		chain  *audit.Chain
		tamper func([]audit.Record) []audit.Record
		seq    uint64
		reason audit.Reason
	}{
		{"edited data", plain, func(rs []audit.Record) []audit.Record {
			rs[4].Data = []byte(`{"i":4,"outcome":"success"}`)
			return rs
		}, 5, audit.ReasonHash},
		{"edited indexed field", plain, func(rs []audit.Record) []audit.Record { rs[2].Outcome = "failure"; return rs }, 3, audit.ReasonHash},
		{"edited time", plain, func(rs []audit.Record) []audit.Record { rs[6].Time = rs[6].Time.Add(time.Hour); return rs }, 7, audit.ReasonHash},
		{"edited and re-hashed (unkeyed)", plain, func(rs []audit.Record) []audit.Record {
			rs[4].Data = []byte(`{"i":"forged"}`)
			rs[4].Hash = plain.Sum(rs[4])
			return rs
		}, 6, audit.ReasonLink},
		{"edited and re-hashed without the key", keyed, func(rs []audit.Record) []audit.Record {
			rs[4].Data = []byte(`{"i":"forged"}`)
			rs[4].Hash = plain.Sum(rs[4])
			return rs
		}, 5, audit.ReasonHash},
		{"tail rewritten without the key", keyed, func(rs []audit.Record) []audit.Record {
			rs[4].Data = []byte(`{"i":"forged"}`)
			for i := 4; i < len(rs); i++ {
				rs[i].PrevHash = rs[i-1].Hash
				rs[i].Hash = plain.Sum(rs[i])
			}
			return rs
		}, 5, audit.ReasonHash},
		{"deleted", plain, func(rs []audit.Record) []audit.Record { return slices.Delete(rs, 4, 5) }, 5, audit.ReasonMissing},
		{"deleted first", plain, func(rs []audit.Record) []audit.Record { return rs[1:] }, 1, audit.ReasonMissing},
		{"deleted and renumbered", plain, func(rs []audit.Record) []audit.Record {
			rs = slices.Delete(rs, 4, 5)
			for i := 4; i < len(rs); i++ {
				rs[i].Seq--
			}
			return rs
		}, 5, audit.ReasonLink},
		{"reordered", plain, func(rs []audit.Record) []audit.Record { rs[3], rs[4] = rs[4], rs[3]; return rs }, 4, audit.ReasonOrder},
		{"reordered with seqs swapped", plain, func(rs []audit.Record) []audit.Record {
			rs[3], rs[4] = rs[4], rs[3]
			rs[3].Seq, rs[4].Seq = 4, 5
			return rs
		}, 4, audit.ReasonLink},
		{"duplicated", plain, func(rs []audit.Record) []audit.Record { return slices.Insert(rs, 5, rs[4]) }, 5, audit.ReasonOrder},
		{"inserted", plain, func(rs []audit.Record) []audit.Record {
			fake := plain.Seal(rs[3].Link(), audit.Entry{Action: "x", Data: []byte("{}")})
			return slices.Insert(rs, 4, fake)
		}, 5, audit.ReasonOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := buildChain(t, tt.chain, 10)
			if _, err := tt.chain.VerifySeq(audit.Link{}, slices.Values(orig)); err != nil {
				t.Fatalf("untampered chain: %v", err)
			}
			_, err := tt.chain.VerifySeq(audit.Link{}, slices.Values(tt.tamper(clone(orig))))
			var ce *audit.ChainError
			if !errors.Is(err, audit.ErrTampered) || !errors.As(err, &ce) {
				t.Fatalf("tampering not detected: %v", err)
			}
			if ce.Seq != tt.seq || ce.Reason != tt.reason {
				t.Fatalf("got seq %d %q, want seq %d %q (%v)", ce.Seq, ce.Reason, tt.seq, tt.reason, err)
			}
		})
	}
}

// tamperStore is a Store whose Range output is rewritten, as if someone
// had edited the database.
type tamperStore struct {
	audit.Store
	tamper func([]audit.Record) []audit.Record
}

func (s tamperStore) Range(ctx context.Context, from, to uint64, fn func(audit.Record) error) error {
	var all []audit.Record
	if err := s.Store.Range(ctx, 1, 0, func(r audit.Record) error { all = append(all, r); return nil }); err != nil {
		return err
	}
	for _, r := range s.tamper(all) {
		if r.Seq < from || to != 0 && r.Seq > to {
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func TestVerifyStore(t *testing.T) {
	ctx := t.Context()
	chain := audit.NewChain()
	st := memory.NewAuditStore()
	for i := range 10 {
		if _, err := chain.Append(ctx, st, audit.Entry{Time: fixedNow, Action: "a.b", Data: fmt.Appendf(nil, `{"i":%d}`, i)}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := chain.Verify(ctx, st, 1, 0)
	if err != nil || head.Seq != 10 {
		t.Fatalf("Verify = %+v, %v", head, err)
	}
	if h, err := chain.Verify(ctx, st, 5, 8); err != nil || h.Seq != 8 {
		t.Fatalf("Verify(5,8) = %+v, %v", h, err)
	}
	if _, err := chain.Verify(ctx, st, 8, 5); !errors.Is(err, audit.ErrInvalidRange) {
		t.Fatalf("Verify(8,5) = %v", err)
	}
	if _, err := chain.Verify(ctx, st, 20, 0); !errors.Is(err, audit.ErrInvalidRange) {
		t.Fatalf("Verify(20,0) = %v", err)
	}
	tests := []struct {
		name     string
		from, to uint64
		tamper   func([]audit.Record) []audit.Record
		seq      uint64
		reason   audit.Reason
	}{
		{"edited", 1, 0, func(rs []audit.Record) []audit.Record { rs[6].Data = []byte(`{"i":"x"}`); return rs }, 7, audit.ReasonHash},
		{"deleted", 1, 0, func(rs []audit.Record) []audit.Record { return slices.Delete(rs, 2, 3) }, 3, audit.ReasonMissing},
		// A store returns records by sequence number, so a reorder shows as
		// the contents of two slots swapped.
		{"reordered", 1, 0, func(rs []audit.Record) []audit.Record {
			rs[3], rs[4] = rs[4], rs[3]
			rs[3].Seq, rs[4].Seq = 4, 5
			return rs
		}, 4, audit.ReasonLink},
		{"anchor edited", 5, 8, func(rs []audit.Record) []audit.Record { rs[3].Data = []byte("{}"); return rs }, 4, audit.ReasonHash},
		{"anchor deleted", 5, 8, func(rs []audit.Record) []audit.Record { return slices.Delete(rs, 3, 4) }, 4, audit.ReasonMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := chain.Verify(ctx, tamperStore{st, tt.tamper}, tt.from, tt.to)
			var ce *audit.ChainError
			if !errors.As(err, &ce) || ce.Seq != tt.seq || ce.Reason != tt.reason {
				t.Fatalf("Verify = %v, want seq %d %q", err, tt.seq, tt.reason)
			}
		})
	}
}

func TestNewHMACChainRejectsShortKey(t *testing.T) {
	if _, err := audit.NewHMACChain(make([]byte, audit.MinHMACKeyLen-1)); !errors.Is(err, audit.ErrWeakKey) {
		t.Fatalf("short key: %v", err)
	}
	key := make([]byte, audit.MinHMACKeyLen)
	c, err := audit.NewHMACChain(key)
	if err != nil {
		t.Fatal(err)
	}
	r1 := c.Seal(audit.Link{}, audit.Entry{Action: "a"})
	key[0] = 1 // the chain copied the key
	if r2 := c.Seal(audit.Link{}, audit.Entry{Action: "a"}); !slices.Equal(r1.Hash, r2.Hash) {
		t.Fatal("chain aliases the caller's key")
	}
}
