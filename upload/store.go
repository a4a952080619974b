package upload

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"
)

// File is an upload that passed validation and was stored.
type File struct {
	// Name is the generated name the file is stored under in the root:
	// 32 random hex digits and the canonical extension, such as
	// "9f86d081884c7d659a2feaa0c55ad015.png". Keep it in your record; pass
	// it to [Store.Open], [Store.ServeFile] and [Store.Remove].
	Name string
	Info
}

// Store validates uploads and keeps them under a directory opened with
// [os.OpenRoot], so no operation can reach outside it. Each upload is
// written to a temporary file in the root, and linked under its generated
// name only once validation, the optional scan and re-encoding succeed; a
// failed or cancelled upload leaves nothing behind.
//
// A Store is safe for concurrent use. It does not own the root: the caller
// closes it.
type Store struct {
	root *os.Root
	v    *Validator
	cfg  Config
	rand io.Reader
}

const tempPrefix = ".upload-"

// New returns a Store that keeps files in root and applies cfg (the zero
// Config applies the defaults).
func New(root *os.Root, cfg Config) (*Store, error) {
	if root == nil {
		return nil, errors.New("upload: New needs a root (os.OpenRoot)")
	}
	v, err := NewValidator(cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{root: root, v: v, cfg: v.cfg, rand: cfg.Rand}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s, nil
}

// Validator returns the store's validator.
func (s *Store) Validator() *Validator { return s.v }

// Save validates the file read from src, named filename by the client,
// and stores it under a generated name. Use it for a raw request body
// (with the name from a header or query) or any reader; see
// [Store.SavePart] and [Store.SaveRequest] for multipart forms.
func (s *Store) Save(ctx context.Context, src io.Reader, filename string) (*File, error) {
	tmp, f, err := s.createTemp()
	if err != nil {
		return nil, err
	}
	kept := false
	defer func() {
		if !kept {
			f.Close()
			_ = s.root.Remove(tmp)
		}
	}()

	info, err := s.v.Copy(ctx, f, src, filename)
	if err != nil {
		return nil, err
	}
	if s.cfg.Scanner != nil {
		if err := s.scan(ctx, f); err != nil {
			return nil, err
		}
	}
	if s.cfg.Reencode {
		if err := s.reencode(ctx, f, info); err != nil {
			return nil, err
		}
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("upload: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("upload: close: %w", err)
	}
	kept = true
	name, err := s.publish(tmp, info.Ext)
	if err != nil {
		_ = s.root.Remove(tmp)
		return nil, err
	}
	return &File{Name: name, Info: *info}, nil
}

// SavePart validates and stores one part of a multipart form. The part's
// own Content-Type header is ignored: the type comes from the content.
func (s *Store) SavePart(ctx context.Context, part *multipart.Part) (*File, error) {
	if part.FileName() == "" {
		return nil, reject(ErrNoFile, fmt.Sprintf("the form field %q is not a file", part.FormName()), nil)
	}
	return s.Save(ctx, part, part.FileName())
}

// maxFormOverhead is how much a multipart request may carry besides the
// file: other fields, part headers and boundaries.
const maxFormOverhead = 1 << 20

// SaveRequest reads a multipart/form-data request as a stream (nothing is
// buffered in memory or spooled to disk by net/http), skips fields until
// the file field named field, and stores that file with [Store.SavePart].
// The whole body is limited to MaxSize plus 1 MiB.
func (s *Store) SaveRequest(r *http.Request, field string) (*File, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, reject(ErrNoFile, "the request is not a multipart/form-data upload", err)
	}
	body := &limitedReader{ctx: r.Context(), r: r.Body, max: s.cfg.MaxSize + maxFormOverhead}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, reject(ErrNoFile, fmt.Sprintf("the request has no file in the form field %q", field), nil)
		}
		if err != nil {
			if body.tooLarge {
				return nil, reject(ErrTooLarge, fmt.Sprintf("the request is larger than the %s limit", formatSize(s.cfg.MaxSize)), nil)
			}
			return nil, reject(ErrNoFile, "the multipart form is malformed", err)
		}
		if part.FormName() != field {
			if _, err := io.Copy(io.Discard, part); err != nil && body.tooLarge {
				return nil, reject(ErrTooLarge, fmt.Sprintf("the request is larger than the %s limit", formatSize(s.cfg.MaxSize)), nil)
			}
			part.Close()
			continue
		}
		return s.SavePart(r.Context(), part)
	}
}

// Open opens a stored file for reading. name must be a name [Store]
// generated; anything else (a path, "..", another extension) fails with
// [ErrName] before the file system is touched.
func (s *Store) Open(name string) (*os.File, error) {
	if _, ok := validStoredName(name); !ok {
		return nil, reject(ErrName, "no such file", nil)
	}
	return s.root.Open(name)
}

// Remove deletes a stored file. name must be a name [Store] generated.
func (s *Store) Remove(name string) error {
	if _, ok := validStoredName(name); !ok {
		return reject(ErrName, "no such file", nil)
	}
	return s.root.Remove(name)
}

// RemoveStale deletes temporary files older than age, left behind if the
// process died during an upload. Call it at start-up or now and then.
func (s *Store) RemoveStale(age time.Duration) (int, error) {
	entries, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return 0, fmt.Errorf("upload: %w", err)
	}
	cutoff := time.Now().Add(-age)
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		if s.root.Remove(e.Name()) == nil {
			n++
		}
	}
	return n, nil
}

// ServeFile writes a stored file to w with download headers (see
// [SetDownloadHeaders]): the content type recorded by its extension,
// nosniff, a restrictive Content-Security-Policy, and a Content-Disposition
// carrying displayName. Range and conditional requests are handled by
// http.ServeContent. An invalid or unknown name gives 404.
func (s *Store) ServeFile(w http.ResponseWriter, r *http.Request, name, displayName string) {
	f, ok := validStoredName(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	file, err := s.root.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	SetDownloadHeaders(w.Header(), f.mime, displayName, s.cfg.Inline)
	http.ServeContent(w, r, "", fi.ModTime(), file)
}

func (s *Store) createTemp() (string, *os.File, error) {
	for range 3 {
		name, err := newStoredName(s.rand, ".part")
		if err != nil {
			return "", nil, err
		}
		name = tempPrefix + name
		f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, s.cfg.FileMode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("upload: create temporary file: %w", err)
		}
		return name, f, nil
	}
	return "", nil, errors.New("upload: could not create a unique temporary file")
}

// publish gives the finished temporary file its generated name. A hard
// link never replaces an existing file, so a (vanishingly unlikely) name
// collision is detected rather than overwriting; where links are not
// supported, a rename is used instead.
func (s *Store) publish(tmp, ext string) (string, error) {
	for range 3 {
		name, err := newStoredName(s.rand, ext)
		if err != nil {
			return "", err
		}
		err = s.root.Link(tmp, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			if _, statErr := s.root.Lstat(name); statErr == nil {
				continue
			}
			if err := s.root.Rename(tmp, name); err != nil {
				return "", fmt.Errorf("upload: store file: %w", err)
			}
			return name, nil
		}
		_ = s.root.Remove(tmp)
		return name, nil
	}
	return "", errors.New("upload: could not generate a unique name")
}

func (s *Store) scan(ctx context.Context, f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	err := s.cfg.Scanner.Scan(ctx, f)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrInfected):
		return reject(ErrInfected, "the file was rejected by the virus scanner", err)
	default:
		return reject(ErrScanFailed, "the file could not be checked for viruses; try again later", err)
	}
}
