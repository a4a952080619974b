package live

import "testing"

// FuzzDecodeMessage: messages on the Redis channel are decoded strictly
// and never panic; an accepted one is a valid event of the channel's topic.
func FuzzDecodeMessage(f *testing.F) {
	f.Add("autospot:live:b", `{"building":"B","level":1,"slot_id":"1A","status":"occupied","at":"2026-03-02T10:00:00Z"}`)
	f.Add("autospot:live:b", `{"building":"B","slot_id":"1A","x":1}`)
	f.Add("other", `{}`)
	f.Fuzz(func(t *testing.T, channel, payload string) {
		e, ok := decodeMessage(DefaultChannelPrefix, channel, payload)
		if !ok {
			return
		}
		if e.check() != nil || DefaultChannelPrefix+Topic(e.Building) != channel {
			t.Fatalf("accepted %+v on %q", e, channel)
		}
	})
}
