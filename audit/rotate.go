package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// Defaults for [RotateOptions].
const (
	DefaultMaxFileSize = 100 << 20
	DefaultMaxFiles    = 5
)

// RotateOptions configures a [RotatingFile]. The zero value is valid.
type RotateOptions struct {
	// MaxSize is the size in bytes at which the file is rotated; 0 means
	// [DefaultMaxFileSize].
	MaxSize int64
	// MaxFiles is how many rotated files are kept (path.1 … path.N, newest
	// first); 0 means [DefaultMaxFiles]. Older ones are deleted.
	MaxFiles int
	// Perm is the mode of new files; 0 means 0o600 (audit trails are
	// sensitive).
	Perm fs.FileMode
}

// A RotatingFile is an [io.WriteCloser] that appends to a file and, when
// the next write would take it past MaxSize, renames it to path.1 (shifting
// path.1 to path.2 …, deleting beyond MaxFiles) and starts a new one. Each
// Write lands whole in one file, so a JSON handler's record (one Write per
// record) is never split; a single write larger than MaxSize gets a file of
// its own. It is safe for concurrent use.
type RotatingFile struct {
	path     string
	maxSize  int64
	maxFiles int
	perm     fs.FileMode

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotatingFile opens (or creates) path for appending.
func OpenRotatingFile(path string, opts RotateOptions) (*RotatingFile, error) {
	w := &RotatingFile{path: path, maxSize: opts.MaxSize, maxFiles: opts.MaxFiles, perm: opts.Perm}
	if w.maxSize <= 0 {
		w.maxSize = DefaultMaxFileSize
	}
	if w.maxFiles <= 0 {
		w.maxFiles = DefaultMaxFiles
	}
	if w.perm == 0 {
		w.perm = 0o600
	}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *RotatingFile) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, w.perm)
	if err != nil {
		return fmt.Errorf("audit: open %s: %w", w.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("audit: stat %s: %w", w.path, err)
	}
	w.f, w.size = f, st.Size()
	return nil
}

// Write appends p, rotating first if p would not fit.
func (w *RotatingFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, ErrClosed
	}
	if w.size > 0 && w.size+int64(len(p)) > w.maxSize {
		// On a failed rotation keep writing to the current file: an
		// oversized file is better than a lost audit record.
		if err := w.rotate(); err != nil && w.f == nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// Rotate rotates now (e.g. on SIGHUP).
func (w *RotatingFile) Rotate() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return ErrClosed
	}
	return w.rotate()
}

func (w *RotatingFile) rotate() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("audit: rotate %s: %w", w.path, err)
	}
	w.f = nil
	serr := w.shift()
	if err := w.open(); err != nil {
		return errors.Join(serr, err)
	}
	return serr
}

func (w *RotatingFile) shift() error {
	name := func(i int) string { return fmt.Sprintf("%s.%d", w.path, i) }
	if err := os.Remove(name(w.maxFiles)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("audit: rotate: %w", err)
	}
	for i := w.maxFiles - 1; i >= 1; i-- {
		if err := os.Rename(name(i), name(i+1)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("audit: rotate: %w", err)
		}
	}
	if err := os.Rename(w.path, name(1)); err != nil {
		return fmt.Errorf("audit: rotate: %w", err)
	}
	return nil
}

// Sync commits the current file to stable storage.
func (w *RotatingFile) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return ErrClosed
	}
	return w.f.Sync()
}

// Close closes the current file. Later writes return [ErrClosed].
func (w *RotatingFile) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
