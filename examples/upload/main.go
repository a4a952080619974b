// Command upload shows the upload package on its own: an HTTP server with
// a map-upload endpoint and a download endpoint, and a client that sends
// it a good map image and the attacks of the security catalogue (a PNG
// with an HTML tail, x.jpg.php, a GIF called .png, an SVG with a script,
// a 100-byte pixel flood, a hostile file name, an oversized file).
//
//	go run ./examples/upload                 # run the demo and exit
//	go run ./examples/upload -serve :8080    # keep serving; then
//	curl -F file=@level_1.png localhost:8080/upload
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/autospot/autospot/upload"
)

func main() {
	serve := flag.String("serve", "", "listen on this address and keep serving instead of running the demo")
	dirFlag := flag.String("dir", "", "directory for stored files (default: a temporary directory)")
	flag.Parse()
	if err := run(*serve, *dirFlag); err != nil {
		fmt.Fprintln(os.Stderr, "upload example:", err)
		os.Exit(1)
	}
}

func run(serve, dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "autospot-upload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	store, err := upload.New(root, upload.Config{
		Extensions: append(upload.DefaultExtensions(), ".bmp"), // the car-park maps take .bmp too
		MaxSize:    2 << 20,                                    // small, for the demo
		Reencode:   true,                                       // strip EXIF/XMP/text chunks
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		f, err := store.SaveRequest(r, "file")
		if err != nil {
			msg := "upload failed"
			var ue *upload.Error
			if errors.As(err, &ue) {
				msg = ue.Message
			} else {
				log.Printf("upload: %v", err) // internal: log it, do not show it
			}
			http.Error(w, msg, upload.HTTPStatus(err))
			return
		}
		// A real server stores f.Name and f.DisplayName in the map document.
		fmt.Fprintf(w, "/files/%s?name=%s (%d×%d)", f.Name, url.QueryEscape(f.DisplayName), f.Width, f.Height)
	})
	mux.HandleFunc("GET /files/{name}", func(w http.ResponseWriter, r *http.Request) {
		store.ServeFile(w, r, r.PathValue("name"), r.URL.Query().Get("name"))
	})

	if serve != "" {
		log.Printf("serving uploads from %s on %s", dir, serve)
		return http.ListenAndServe(serve, mux)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	good := pngOf(image.NewRGBA(image.Rect(0, 0, 886, 716)))
	cases := []struct {
		what, name, contentType string
		data                    []byte
	}{
		{"a car-park map", "Level 1.png", "image/png", good},
		{"PNG + HTML tail", "map.png", "image/png", append(bytes.Clone(good), "<html><script>alert(1)</script>"...)},
		{"x.jpg.php", "x.jpg.php", "image/jpeg", good},
		{".png holding a GIF (client says image/png)", "map.png", "image/png", gifOf()},
		{"SVG with <script>", "logo.png", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"100-byte PNG declaring 100000×100000", "flood.png", "image/png", floodPNG()},
		{"hostile name", "../../etc/passwd.png", "image/png", good},
		{"3 MiB file (limit 2 MiB)", "big.png", "image/png", bigPNG(good)},
	}
	var stored string
	for _, c := range cases {
		status, body, err := post(base+"/upload", c.name, c.contentType, c.data)
		if err != nil {
			return err
		}
		fmt.Printf("%-45s → %d %s\n", c.what, status, body)
		if status == http.StatusOK && stored == "" {
			stored = strings.Fields(body)[0]
		}
	}

	resp, err := http.Get(base + stored)
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Println("\ndownload headers:")
	for _, h := range []string{"Content-Type", "X-Content-Type-Options", "Content-Disposition", "Content-Security-Policy"} {
		fmt.Printf("  %s: %s\n", h, resp.Header.Get(h))
	}
	entries, _ := os.ReadDir(dir)
	fmt.Printf("\n%d files in %s:\n", len(entries), dir)
	for _, e := range entries {
		fmt.Println(" ", e.Name())
	}
	return nil
}

func post(url, filename, contentType string, data []byte) (int, string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename=%q`, filename)}
	h["Content-Type"] = []string{contentType} // ignored by the server
	w, err := mw.CreatePart(h)
	if err != nil {
		return 0, "", err
	}
	w.Write(data)
	mw.Close()
	resp, err := http.Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), nil
}

func pngOf(img image.Image) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func gifOf() []byte {
	var b bytes.Buffer
	_ = gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black, color.White}), nil)
	return b.Bytes()
}

// bigPNG inserts a 3 MiB ancillary chunk after IHDR.
func bigPNG(p []byte) []byte {
	out := append([]byte(nil), p[:33]...)
	out = binary.BigEndian.AppendUint32(out, 3<<20)
	out = append(out, "zTXt"...)
	out = append(out, make([]byte, 3<<20+4)...)
	return append(out, p[33:]...)
}

// floodPNG is a PNG header declaring 100000×100000 pixels.
func floodPNG() []byte {
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(out, typ...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(out, chunk("IEND", nil)...)
}
