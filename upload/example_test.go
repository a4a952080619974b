package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/autospot/autospot/upload"
)

func examplePNG() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 886, 716)))
	return b.Bytes()
}

// A handler for the car-park map upload: multipart field "file", .bmp
// allowed besides the seed's types, errors mapped to 400/413/415.
func ExampleStore_SaveRequest() {
	dir, _ := os.MkdirTemp("", "maps")
	defer os.RemoveAll(dir)
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()
	store, err := upload.New(root, upload.Config{
		Extensions: append(upload.DefaultExtensions(), ".bmp"),
	})
	if err != nil {
		log.Fatal(err)
	}

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := store.SaveRequest(r, "file")
		if err != nil {
			var ue *upload.Error
			msg := "upload failed"
			if errors.As(err, &ue) {
				msg = ue.Message // written for the uploader
			}
			http.Error(w, msg, upload.HTTPStatus(err))
			return
		}
		// Keep f.Name (generated) and f.DisplayName (sanitised) in the map document.
		fmt.Fprintf(w, "stored %s %dx%d as %d-char generated name", f.ContentType, f.Width, f.Height, len(f.Name))
	})

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "../../Level 1.png")
	part.Write(examplePNG())
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/parking/upload-map", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 stored image/png 886x716 as 36-char generated name
}

// Rejections are *upload.Error values with a status and a message for
// people.
func ExampleHTTPStatus() {
	dir, _ := os.MkdirTemp("", "uploads")
	defer os.RemoveAll(dir)
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	store, _ := upload.New(root, upload.Config{})

	polyglot := append(examplePNG(), "<html><script>alert(document.cookie)</script>"...)
	_, err := store.Save(context.Background(), bytes.NewReader(polyglot), "map.png")
	fmt.Println(upload.HTTPStatus(err), errors.Is(err, upload.ErrUnsafeContent))
	fmt.Println(err)

	_, err = store.Save(context.Background(), bytes.NewReader(examplePNG()), "shell.jpg.php")
	fmt.Println(upload.HTTPStatus(err), err)
	// Output:
	// 415 true
	// upload: the image contains <html> markup (an HTML/SVG/PHP polyglot)
	// 415 upload: files ending in .php are not accepted; accepted: .gif .jpeg .jpg .png
}

// Validate without storing, for example before handing a body to another
// system.
func ExampleValidator_Copy() {
	v, _ := upload.NewValidator(upload.Config{MaxWidth: 4000, MaxHeight: 4000})
	var out bytes.Buffer
	info, err := v.Copy(context.Background(), &out, bytes.NewReader(examplePNG()), "plan.png")
	fmt.Println(info.ContentType, info.Width, info.Height, info.Size == int64(out.Len()), err)
	// Output: image/png 886 716 true <nil>
}

func ExampleContentDisposition() {
	fmt.Println(upload.ContentDisposition("attachment", "Plan niveau 2 – Zoë.png"))
	// Output: attachment; filename="Plan niveau 2 _ Zo_.png"; filename*=UTF-8''Plan%20niveau%202%20%E2%80%93%20Zo%C3%AB.png
}

func ExampleSanitizeName() {
	fmt.Println(upload.SanitizeName("../../etc/passwd"))
	fmt.Println(upload.SanitizeName("report\x00.png"))
	// Output:
	// passwd
	// report.png
}

// Scan every upload with ClamAV's clamd before it is kept. (Not run: it
// needs a clamd listening on port 3310.)
func ExampleClamd() {
	root, _ := os.OpenRoot("/var/lib/autospot/uploads")
	store, err := upload.New(root, upload.Config{
		Scanner: &upload.Clamd{Address: "127.0.0.1:3310", Timeout: 20 * time.Second},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = store
}
