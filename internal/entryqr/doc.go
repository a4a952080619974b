// Package entryqr issues and checks the QR codes printed at car-park
// entrances. The original's codes were unsigned JSON that never expired;
// these carry the building, entrance, level and expiry, signed with
// HMAC-SHA256 under a key from configuration.
//
// # Format
//
// A code is "AS1." + base64url(JSON payload) + "." + base64url(MAC), the
// MAC covering everything before the last dot. [Signer.Verify] checks the
// length and shape, then the MAC under every configured key in constant
// time ([WithPreviousKeys] for rotation), and only then decodes the
// payload strictly and checks its expiry: [ErrMalformed],
// [ErrBadSignature], [ErrExpired]. [PNG] renders a code with
// github.com/skip2/go-qrcode.
//
// A [Signer] is immutable and safe for concurrent use.
package entryqr
