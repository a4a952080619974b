package redis

import (
	"fmt"
	"strconv"
	"time"
)

// record is a Redis hash as field → value, read back from HGETALL or a
// script's {'ok', field, value, …} reply.
type record map[string]string

// parseReply splits a script reply {status, field, value, …}.
func parseReply(reply []string) (status string, r record, err error) {
	if len(reply) == 0 || len(reply)%2 != 1 {
		return "", nil, fmt.Errorf("%w: %d strings", ErrUnexpectedReply, len(reply))
	}
	r = make(record, len(reply)/2)
	for i := 1; i < len(reply); i += 2 {
		r[reply[i]] = reply[i+1]
	}
	return reply[0], r, nil
}

// field returns the value of a field the store always writes.
func (r record) field(name string) (string, error) {
	v, ok := r[name]
	if !ok {
		return "", fmt.Errorf("%w: record without field %q", ErrUnexpectedReply, name)
	}
	return v, nil
}

func (r record) time(name string) (time.Time, error) {
	v, err := r.field(name)
	if err != nil {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: field %q = %q", ErrUnexpectedReply, name, v)
	}
	return time.UnixMilli(ms).UTC(), nil
}

func (r record) int(name string) (int, error) {
	v, err := r.field(name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: field %q = %q", ErrUnexpectedReply, name, v)
	}
	return n, nil
}

// ms formats t as Unix milliseconds, the store's time encoding (times
// handed to stores are truncated to the millisecond).
func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// spanTTL is the TTL, in milliseconds, of a record created at `from` that
// expires at `to`, both by the caller's clock: the span plus the grace.
func (s *Store) spanTTL(from, to time.Time) int64 {
	d := to.Sub(from)
	if d < 0 {
		d = 0
	}
	if d > maxTTL-s.cfg.grace {
		d = maxTTL - s.cfg.grace
	}
	return max((d + s.cfg.grace).Milliseconds(), 1)
}
