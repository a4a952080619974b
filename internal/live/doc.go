// Package live carries slot-availability changes to the clients watching
// a building, replacing the original's polling with server-sent events.
//
// # Hubs
//
// A [Hub] fans [Event]s out per building. [Local] delivers within one
// process; [Redis] publishes through Redis pub/sub (go-redis v9) and
// delivers what any replica published to this process's subscribers, so
// a change made through one replica reaches streams held by every other.
// Delivery never blocks a publisher: a subscriber that falls a whole
// buffer behind is dropped and told to resync.
//
// # Streams
//
// [Stream] serves a [Subscription] as text/event-stream: a snapshot, then
// one "slot" event per change, with heartbeats.
//
// All types are safe for concurrent use; [Redis.Close] stops its
// goroutine.
package live
