package upload_test

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/autospot/autospot/upload"
)

type formPart struct {
	field, filename, contentType string
	data                         []byte
}

func multipartRequest(t *testing.T, parts ...formPart) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		h := make(textproto.MIMEHeader)
		cd := `form-data; name="` + p.field + `"`
		if p.filename != "" {
			cd += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/parking/upload-map", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

func TestSaveRequest(t *testing.T) {
	s, dir := newStore(t, upload.Config{MaxSize: 64 << 10})
	png := pngBytes(t, 10, 10)
	gif := gifBytes(t, 10, 10)

	t.Run("file after other fields; client Content-Type ignored", func(t *testing.T) {
		r := multipartRequest(t,
			formPart{field: "building_name", data: []byte("Westfield Sydney")},
			formPart{field: "file", filename: "level_1.png", contentType: "text/html", data: png})
		f, err := s.SaveRequest(r, "file")
		if err != nil {
			t.Fatal(err)
		}
		if f.ContentType != "image/png" {
			t.Fatalf("ContentType = %q", f.ContentType)
		}
	})
	tests := []struct {
		name   string
		req    *http.Request
		kind   error
		status int
	}{
		{"client claims image/png for a GIF named .png", multipartRequest(t,
			formPart{field: "file", filename: "x.png", contentType: "image/png", data: gif}), upload.ErrTypeMismatch, 415},
		{"no file field", multipartRequest(t, formPart{field: "other", filename: "x.png", data: png}), upload.ErrNoFile, 400},
		{"field is not a file", multipartRequest(t, formPart{field: "file", data: png}), upload.ErrNoFile, 400},
		{"file too large", multipartRequest(t, formPart{field: "file", filename: "x.png", data: pngWithChunk(t, "zTXt", make([]byte, 70<<10))}), upload.ErrTooLarge, 413},
		{"huge other field", multipartRequest(t, formPart{field: "junk", data: make([]byte, 2<<20)}, formPart{field: "file", filename: "x.png", data: png}), upload.ErrTooLarge, 413},
		{"not multipart", httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(png)), upload.ErrNoFile, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SaveRequest(tc.req, "file")
			if !errors.Is(err, tc.kind) || upload.HTTPStatus(err) != tc.status {
				t.Fatalf("err = %v (status %d), want %v (%d)", err, upload.HTTPStatus(err), tc.kind, tc.status)
			}
		})
	}
	if n := len(dirNames(t, dir)); n != 1 {
		t.Fatalf("%d files in the root, want the one accepted upload", n)
	}
}

func TestServeFile(t *testing.T) {
	s, _ := newStore(t, upload.Config{})
	data := pngBytes(t, 5, 5)
	f, err := s.Save(t.Context(), bytes.NewReader(data), "plan.png")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("headers", func(t *testing.T) {
		w := httptest.NewRecorder()
		s.ServeFile(w, httptest.NewRequest(http.MethodGet, "/", nil), f.Name, "Plan \"Niveau\" 1 – Zoë.png")
		h := w.Result().Header
		if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), data) {
			t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
		want := map[string]string{
			"Content-Type":           "image/png",
			"X-Content-Type-Options": "nosniff",
			"Content-Disposition":    `attachment; filename="Plan _Niveau_ 1 _ Zo_.png"; filename*=UTF-8''Plan%20_Niveau_%201%20%E2%80%93%20Zo%C3%AB.png`,
		}
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, h.Get(k), v)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("CSP = %q", h.Get("Content-Security-Policy"))
		}
	})
	t.Run("range", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Range", "bytes=0-7")
		s.ServeFile(w, r, f.Name, "plan.png")
		if w.Code != http.StatusPartialContent || w.Body.String() != "\x89PNG\r\n\x1a\n" {
			t.Fatalf("status %d body %q", w.Code, w.Body.String())
		}
	})
	for _, name := range []string{"../../etc/passwd", "/etc/passwd", f.Name + "/..", strings.ToUpper(f.Name), ".upload-x.part", "00000000000000000000000000000000.png", f.Name[:32] + ".php"} {
		t.Run("404 "+name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.ServeFile(w, httptest.NewRequest(http.MethodGet, "/", nil), name, "x.png")
			if w.Code != http.StatusNotFound {
				t.Fatalf("status %d", w.Code)
			}
			if _, err := s.Open(name); err == nil {
				t.Fatal("Open succeeded")
			}
		})
	}
	t.Run("remove", func(t *testing.T) {
		if err := s.Remove("../x.png"); !errors.Is(err, upload.ErrName) {
			t.Fatalf("Remove(traversal) = %v", err)
		}
		if err := s.Remove(f.Name); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(f.Name); err == nil {
			t.Fatal("removed file still opens")
		}
	})
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, disposition, filename, want string
	}{
		{"ascii", "attachment", "map.png", `attachment; filename="map.png"; filename*=UTF-8''map.png`},
		{"inline", "inline", "map.png", `inline; filename="map.png"; filename*=UTF-8''map.png`},
		{"unknown disposition becomes attachment", "evil", "a.png", `attachment; filename="a.png"; filename*=UTF-8''a.png`},
		{"utf-8", "attachment", "東京.png", `attachment; filename="__.png"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC.png`},
		{"header injection", "attachment", "a\r\nSet-Cookie: x=1.png", `attachment; filename="aSet-Cookie_ x=1.png"; filename*=UTF-8''aSet-Cookie_%20x%3D1.png`},
		{"quote and backslash", "attachment", `a\"b.png`, `attachment; filename="_b.png"; filename*=UTF-8''_b.png`},
		{"semicolon and percent", "attachment", "a;b%20.png", `attachment; filename="a_b_20.png"; filename*=UTF-8''a%3Bb%2520.png`},
		{"path", "attachment", "../../x.png", `attachment; filename="x.png"; filename*=UTF-8''x.png`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := upload.ContentDisposition(tc.disposition, tc.filename); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
