package upload

import (
	"context"
	"io"
)

// Scanner inspects a file for malware before it is stored: the seed's
// "virus scanning integration ready". Scan reads r to the end (or as far
// as it needs) and returns nil if the file is clean, an [*InfectedError]
// (or any error wrapping [ErrInfected]) if it is not, and any other error
// if it could not decide. [Store] refuses the upload in both error cases.
//
// [Clamd] is a Scanner for ClamAV; [ScannerFunc] adapts a function.
type Scanner interface {
	Scan(ctx context.Context, r io.Reader) error
}

// ScannerFunc adapts a function to [Scanner].
type ScannerFunc func(ctx context.Context, r io.Reader) error

// Scan calls f.
func (f ScannerFunc) Scan(ctx context.Context, r io.Reader) error { return f(ctx, r) }

// InfectedError is a scanner's positive finding.
type InfectedError struct {
	// Signature names what was found, e.g. "Eicar-Signature".
	Signature string
}

func (e *InfectedError) Error() string {
	return "upload: virus scanner found " + e.Signature
}

// Is makes errors.Is(err, ErrInfected) true.
func (e *InfectedError) Is(target error) bool { return target == ErrInfected }
