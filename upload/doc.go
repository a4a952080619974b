// Package upload accepts image uploads safely: it validates a file while
// it streams in, stores it under a generated name inside a directory the
// code cannot escape, and serves it back with headers that stop browsers
// from treating it as anything but an image.
//
// It implements the AutoSpot seed's "comprehensive file validation"
// (extension, MIME type, size, magic number, virus-scanning hook) to the
// OWASP file-upload guidance.
//
// # Usage
//
//	root, err := os.OpenRoot("/var/lib/autospot/maps")
//	…
//	store, err := upload.New(root, upload.Config{
//		Extensions: append(upload.DefaultExtensions(), ".bmp"), // car-park maps
//	})
//	…
//	f, err := store.SaveRequest(r, "file")
//	if err != nil {
//		http.Error(w, message(err), upload.HTTPStatus(err)) // 400, 413, 415 or 503
//		return
//	}
//	// keep f.Name (generated) and f.DisplayName (sanitised) in the record
//
// and to download, [Store.ServeFile](w, r, f.Name, f.DisplayName).
//
// [Store.Save] takes any reader (a raw body), [Store.SavePart] one
// multipart part, and [Validator.Copy] validates into any writer without
// storing.
//
// # What is checked
//
// [Validator.Copy] reads the upload once, in 32 KiB chunks:
//
//   - Size: at most Config.MaxSize (default 10 MiB, the seed's), counted
//     while reading; the upload is refused when byte MaxSize+1 arrives, so
//     a client cannot make the server read or store more.
//   - Name: the extension of the sanitised name must be in the allowlist
//     (default .jpg .jpeg .png .gif; the map upload adds .bmp), compared
//     case-insensitively; x.jpg.php fails on .php, and a script extension
//     anywhere inside the name (x.php.png, x.php%00.png) is refused too.
//   - Type: the content type is identified from the magic bytes with
//     github.com/gabriel-vasile/mimetype and must be the type the
//     extension names (a GIF called .png is refused). The client's
//     Content-Type is never read. Only raster types can be allowed: SVG,
//     HTML and scripts are refused whatever the configuration.
//   - Dimensions: width and height come from image.DecodeConfig (a header
//     parse; BMP headers are read directly) and are bounded by MaxWidth,
//     MaxHeight and MaxPixels before a single pixel is decoded, so a
//     100-byte PNG declaring 100000×100000 is refused with a few KiB
//     allocated. For an animated GIF the frames' areas are summed.
//   - Polyglots: every byte is searched for HTML, SVG, XML-entity and PHP
//     markup (a tag name followed by a tag delimiter, so the chance of a
//     false hit in compressed pixel data is below 10⁻¹⁰ per byte), and PNG
//     and GIF files are walked chunk by chunk: any byte after IEND or the
//     GIF trailer is refused. A PNG with an HTML tail, or with a script in
//     a text chunk, is rejected.
//
// Rejections are [*Error] values wrapping one sentinel ([ErrTooLarge],
// [ErrExtension], [ErrTypeMismatch], [ErrUnsafeContent], [ErrDimensions] …)
// with a Message written for the uploader and a [*Error.Status];
// [HTTPStatus] maps any error to 400, 413, 415, 503 or 500.
//
// # Storage
//
// A [Store] works inside an [os.Root], so no name it is given can reach
// outside the directory (no "..", no absolute paths, no symlinks out).
// The client's file name is never used as a path: each file gets 128
// random bits in hex plus the canonical extension, and the original name
// survives only as display metadata ([SanitizeName]: last path element,
// no control or bidi characters, at most 255 bytes). The upload is
// written to a temporary file in the root and gets its final name (a hard
// link, which never overwrites) only after validation, the scanner and
// re-encoding succeed; a failed, rejected or cancelled upload leaves
// nothing behind. [Store.Open] and [Store.ServeFile] accept only names of
// the generated form.
//
// With Config.Reencode, images are decoded and encoded again, which drops
// EXIF (including GPS position), XMP, comments and text chunks. This is
// the one step whose memory grows with the image (bounded by MaxPixels).
//
// # Downloads
//
// [Store.ServeFile] and [SetDownloadHeaders] send the validated
// Content-Type, X-Content-Type-Options: nosniff, a sandboxing
// Content-Security-Policy, and an RFC 6266 Content-Disposition from
// [ContentDisposition]: an ASCII filename= fallback and filename*= with
// the UTF-8 name percent-encoded (RFC 8187), so no name can inject header
// fields.
//
// # Virus scanning
//
// Config.Scanner receives each validated file before it is kept. [Clamd]
// streams it to ClamAV's clamd with the INSTREAM command; any [Scanner]
// can be plugged in ([ScannerFunc]). A positive result is [ErrInfected]
// (the signature is in an [*InfectedError]); a scanner that cannot answer
// fails the upload with [ErrScanFailed] rather than storing an unscanned
// file.
//
// # Memory
//
// Validation and storage use O(chunk) memory: one 32 KiB copy buffer
// (pooled), the 4 KiB sniffing buffer and the decoders' small header
// buffers. BenchmarkStoreSave10MiB reports the bytes allocated per 10 MiB
// upload (about 14 KiB; docs/benchmarks/upload.md).
//
// [Store] and [Validator] are safe for concurrent use.
package upload
