// Package mapimage turns an image of a labelled grid (the operator's
// uploaded level plan) into a [parking.Level].
//
// # Conversion
//
// [Decode] reads a bounded PNG, JPEG or GIF (checking its declared size
// before decoding pixels) and [Convert] classifies each grid cell by the
// median colour of its inner 80 %, against a palette calibrated on the
// original app's own example images: the original's classifier turned
// their slots into walls and its auto-crop cut off the outer ring. Here
// both example images convert to exactly the intended grids, slot
// statuses included (green available, yellow allocated, red occupied).
// The crop trims only a uniform outer border; cells of unclear colour are
// reported in an *[UnrecognisedError] rather than guessed.
//
// # What the image cannot say
//
// An image shows where a ramp is but not where it leads: converted ramps
// have no [parking.RampLink], and map validation refuses the level until
// the operator supplies each ramp's target. Corridors are two-way.
//
// # Limits
//
// [Options] bound the bytes (10 MiB), the pixels (16 Mpx) and the side
// (8192 px) by default; the upload package guards the file itself.
// Conversion of an 886×716 image takes a few milliseconds; see
// docs/benchmarks/parking.md. Functions are safe for concurrent use.
package mapimage
