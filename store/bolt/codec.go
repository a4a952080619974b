package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Records are stored in a compact binary encoding: a one-byte record
// version, then the fields in a fixed order, each an unsigned varint or a
// varint length followed by that many bytes. Times are milliseconds since
// the Unix epoch (the interfaces hand stores UTC times truncated to the
// millisecond), with a presence byte so that the zero time round-trips.
// Decoding is strict: a short or over-long record is [ErrCorrupt].

// encoder appends fields to a byte slice.
type encoder struct{ b []byte }

func newEncoder(version byte, size int) *encoder {
	e := &encoder{b: make([]byte, 0, size+1)}
	e.b = append(e.b, version)
	return e
}

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *encoder) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(p []byte) {
	e.uint(uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 1)
	e.int(t.UnixMilli())
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// decoder reads fields back; the first failure sticks and every later
// read returns a zero value.
type decoder struct {
	b    []byte
	what string
	err  error
}

// newDecoder checks the version byte of a record of kind what.
func newDecoder(b []byte, what string, version byte) *decoder {
	d := &decoder{b: b, what: what}
	if len(b) == 0 || b[0] != version {
		d.fail("unknown record version")
		return d
	}
	d.b = b[1:]
	return d
}

func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s: %s", ErrCorrupt, d.what, why)
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// smallInt reads an int written with encoder.int that must fit in 32 bits
// (counts, tries, limits).
func (d *decoder) smallInt() int {
	v := d.int()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.fail("count out of range")
		return 0
	}
	return int(v)
}

// raw returns the next length-prefixed field, aliasing the input.
func (d *decoder) raw() []byte {
	n := d.uint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("field longer than record")
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

// str and bytes copy: bbolt's values are only valid inside the
// transaction.
func (d *decoder) str() string { return string(d.raw()) }

func (d *decoder) bytes() []byte {
	p := d.raw()
	if len(p) == 0 {
		return nil
	}
	return bytes.Clone(p)
}

func (d *decoder) time() time.Time {
	if d.err != nil {
		return time.Time{}
	}
	if len(d.b) == 0 {
		d.fail("truncated time")
		return time.Time{}
	}
	present := d.b[0]
	d.b = d.b[1:]
	switch present {
	case 0:
		return time.Time{}
	case 1:
		return time.UnixMilli(d.int()).UTC()
	}
	d.fail("bad time marker")
	return time.Time{}
}

func (d *decoder) strs() []string {
	n := d.uint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) { // every element takes at least one byte
		d.fail("list longer than record")
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// done reports the first failure, or trailing bytes.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	return d.err
}

// Keys. Integers in keys are big-endian so that bbolt's byte order is
// numeric order; times are shifted by 2^63 so that times before 1970 sort
// first. Variable-length parts that are followed by more key bytes are
// length-prefixed (lp), so that no id is a prefix of another's key.

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func getU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// msKey is the 8-byte key part of t.
func msKey(t time.Time) []byte { return u64(uint64(t.UnixMilli()) ^ 1<<63) }

// msFromKey reverses msKey.
func msFromKey(b []byte) time.Time { return time.UnixMilli(int64(getU64(b) ^ 1<<63)).UTC() }

// lp returns the length-prefixed s: the key prefix of every entry under s.
func lp(s string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(s)))
	return append(b, s...)
}

// join concatenates key parts into a new slice.
func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
