package parkingapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/mapimage"
)

// Upload form fields.
const (
	FieldFile  = "file"  // the image (PNG, JPEG or GIF)
	FieldRamps = "ramps" // optional JSON {"1R1": {"to_level": 2, "to_x": 1, "to_y": 1, "direction": "up"}}
)

// maxFormOverhead is what a multipart body may carry beyond the file.
const maxFormOverhead = 1 << 20

// UploadResponse answers a map upload.
type UploadResponse struct {
	MapID        string        `json:"map_id,omitempty"`
	FacilityID   string        `json:"facility_id"`
	Building     string        `json:"building"`
	Version      int64         `json:"version,omitempty"`
	Level        int           `json:"level"`
	Rows         int           `json:"grid_rows"`
	Cols         int           `json:"grid_cols"`
	Sketch       string        `json:"sketch"`
	Slots        int           `json:"slots_detected"`
	Warnings     []string      `json:"warnings"`
	ProcessingMS float64       `json:"processing_ms"` // image decoding and conversion
	DryRun       bool          `json:"dry_run"`
	File         UploadedFile  `json:"file"`
	LevelData    parking.Level `json:"level_data"`
}

// UploadedFile describes the validated file.
type UploadedFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

type uploadQuery struct {
	building          string
	level, rows, cols int
	replace, dryRun   bool
	facility          string
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, CodeValidation, "%s must be an integer %d..%d", name, lo, hi)
	}
	return n, nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, errorf(http.StatusBadRequest, CodeValidation, "%s must be true or false", name)
}

func parseUploadQuery(r *http.Request) (uploadQuery, error) {
	var q uploadQuery
	var err error
	q.building = r.URL.Query().Get("building_name")
	if !parking.ValidName(q.building) {
		return q, errorf(http.StatusBadRequest, CodeValidation, "building_name is required: 1-%d bytes of printable text without surrounding spaces", parking.MaxNameLen)
	}
	if q.level, err = intParam(r, "level", 1, parking.MinLevelNumber, parking.MaxLevelNumber); err != nil {
		return q, err
	}
	if q.rows, err = intParam(r, "grid_rows", 10, mapimage.MinGrid, mapimage.MaxGrid); err != nil {
		return q, err
	}
	if q.cols, err = intParam(r, "grid_cols", 10, mapimage.MinGrid, mapimage.MaxGrid); err != nil {
		return q, err
	}
	if q.replace, err = boolParam(r, "replace"); err != nil {
		return q, err
	}
	if q.dryRun, err = boolParam(r, "dry_run"); err != nil {
		return q, err
	}
	q.facility = r.URL.Query().Get("facility_id")
	if q.facility != "" && !parking.ValidID(q.facility) {
		return q, errorf(http.StatusBadRequest, CodeValidation, "facility_id must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen)
	}
	return q, nil
}

// uploadMap turns an uploaded grid image into a level of a building's map:
// authorisation (on the building's facility, before the body is read),
// then the upload package's checks on the file, then mapimage, then the
// map's validation on write.
func (a *API) uploadMap(w http.ResponseWriter, r *http.Request) {
	q, err := parseUploadQuery(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	existing, err := a.d.Maps.GetMapByBuilding(r.Context(), q.building)
	switch {
	case err == nil:
		if q.facility != "" && q.facility != existing.FacilityID {
			a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "building %q belongs to another facility", q.building))
			return
		}
		q.facility = existing.FacilityID
	case errors.Is(err, parking.ErrNotFound):
		existing = nil
		if q.facility == "" {
			if c, ok := auth.ClaimsFrom(r.Context()); ok {
				q.facility = c.Facility
			}
		}
		if q.facility == "" {
			a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "facility_id is required for a new building"))
			return
		}
	default:
		a.fail(w, r, err)
		return
	}
	if err := a.requireIn(r, auth.PermMapWrite, q.facility); err != nil {
		a.fail(w, r, err)
		return
	}

	img, fi, ramps, err := a.readUpload(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	start := time.Now()
	res, err := mapimage.Decode(bytes.NewReader(img), mapimage.Options{Rows: q.rows, Cols: q.cols, Level: q.level, MaxBytes: a.d.MaxUploadBytes})
	elapsed := time.Since(start)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	lvl := res.Level
	for id, link := range ramps {
		found := false
		for i := range lvl.Cells {
			if c := &lvl.Cells[i]; c.Kind == parking.Ramp && c.ID == id {
				l := link
				c.Ramp, found = &l, true
			}
		}
		if !found {
			a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "the uploaded level has no ramp %q (ramps are numbered %dR1, %dR2 … in reading order)", id, q.level, q.level))
			return
		}
	}
	out := UploadResponse{FacilityID: q.facility, Building: q.building, Level: q.level, Rows: q.rows, Cols: q.cols,
		Sketch: lvl.Sketch(), Slots: slotCounts(&parking.Map{Levels: []parking.Level{lvl}}, nil)["total"], Warnings: res.Warnings,
		ProcessingMS: float64(elapsed.Microseconds()) / 1000, DryRun: q.dryRun, File: fi, LevelData: lvl}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if q.dryRun {
		writeJSON(w, http.StatusOK, out)
		return
	}
	status := http.StatusOK
	var m *parking.Map
	if existing != nil {
		m = existing
		if err := m.PutLevel(lvl, q.replace); err != nil {
			a.fail(w, r, errorf(http.StatusConflict, CodeConflict, "level %d of %q already exists; send replace=true to overwrite it", q.level, m.Building))
			return
		}
		m.UpdatedAt = a.d.Now().UTC()
		m.Version, err = a.d.Maps.UpdateMap(r.Context(), m)
	} else {
		id, idErr := a.newID()
		if idErr != nil {
			a.fail(w, r, idErr)
			return
		}
		m = &parking.Map{ID: id, FacilityID: q.facility, Building: q.building, Levels: []parking.Level{lvl}, UpdatedAt: a.d.Now().UTC()}
		m.Version, err = a.d.Maps.CreateMap(r.Context(), m)
		status = http.StatusCreated
	}
	if errors.Is(err, parking.ErrInvalidMap) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "%s (give each ramp's target in the %q form field, or preview with dry_run=true and save the map as JSON)", trimPrefix(err), FieldRamps))
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out.MapID, out.Version = m.ID, m.Version
	writeJSON(w, status, out)
}

// readUpload reads the multipart body: the file (validated by the upload
// package while it streams: extension, magic bytes, declared dimensions,
// markup and trailing data, size) and the optional ramps field. Any other
// field is refused.
func (a *API) readUpload(w http.ResponseWriter, r *http.Request) ([]byte, UploadedFile, map[string]parking.RampLink, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, UploadedFile{}, nil, errorf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "the request must be multipart/form-data with the image in the %q field", FieldFile)
	}
	body := http.MaxBytesReader(w, r.Body, a.d.MaxUploadBytes+maxFormOverhead)
	mr := multipart.NewReader(body, params["boundary"])
	var (
		img   []byte
		fi    UploadedFile
		ramps map[string]parking.RampLink
		got   bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, fi, nil, err
			}
			return nil, fi, nil, errorf(http.StatusBadRequest, CodeBadRequest, "the multipart form is malformed")
		}
		switch part.FormName() {
		case FieldFile:
			if got {
				return nil, fi, nil, errorf(http.StatusBadRequest, CodeBadRequest, "only one file may be uploaded")
			}
			var buf bytes.Buffer
			info, err := a.validator.Copy(r.Context(), &buf, part, part.FileName())
			if err != nil {
				return nil, fi, nil, err
			}
			img, got = buf.Bytes(), true
			fi = UploadedFile{Name: info.DisplayName, ContentType: info.ContentType, Size: info.Size, SHA256: info.SHA256, Width: info.Width, Height: info.Height}
		case FieldRamps:
			raw, err := io.ReadAll(io.LimitReader(part, DefaultMaxJSONBytes+1))
			if err != nil || len(raw) > DefaultMaxJSONBytes {
				return nil, fi, nil, errorf(http.StatusBadRequest, CodeValidation, "the %q field must be at most %d bytes of JSON", FieldRamps, DefaultMaxJSONBytes)
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&ramps); err != nil {
				return nil, fi, nil, errorf(http.StatusBadRequest, CodeInvalidJSON, "the %q field must be a JSON object of ramp id → {\"to_level\", \"to_x\", \"to_y\", \"direction\"}", FieldRamps)
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				return nil, fi, nil, errorf(http.StatusBadRequest, CodeInvalidJSON, "the %q field must hold exactly one JSON value", FieldRamps)
			}
		default:
			return nil, fi, nil, errorf(http.StatusBadRequest, CodeBadRequest, "unknown form field %q (want %q and optionally %q)", part.FormName(), FieldFile, FieldRamps)
		}
		part.Close()
	}
	if !got {
		return nil, fi, nil, errorf(http.StatusBadRequest, CodeBadRequest, "the request has no file in the %q field", FieldFile)
	}
	return img, fi, ramps, nil
}
