package opsapi

import (
	"errors"
	"net/http"
	"sync"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/qrscan"
)

// memScans holds the in-process scan repositories used when Deps.Scans is
// nil, one per auth service, so Register and DeleteDriverData given the
// same Deps share it.
var memScans sync.Map // *auth.Service → *qrscan.Memory

func defaultScans(a *auth.Service) qrscan.Repository {
	r, _ := memScans.LoadOrStore(a, qrscan.NewMemory())
	return r.(*qrscan.Memory)
}

// recordScan stores the caller's scan of a verified code, once per
// (driver, code). A store failure is logged; the scan's answer stands.
func (a *api) recordScan(r *http.Request, code string, e entryqr.Entrance) {
	me := driver(r)
	rec := qrscan.Record{
		ID: qrscan.ID(me, code), DriverID: me, Building: e.Building, EntranceID: e.Entrance,
		Level: e.Level, ExpiresAt: e.Expires, ScannedAt: a.d.Now(),
	}
	if _, err := a.d.Scans.Add(r.Context(), rec); err != nil {
		a.d.Logger.ErrorContext(r.Context(), "opsapi: store failure", "op", "qr scan record", "error", err.Error())
	}
}

// qrScanView is one entry of GET /qr/list.
type qrScanView struct {
	qrscan.Record
	Status string `json:"status"`
}

// qrList answers the caller's scanned codes, newest first. Identity is the
// token's subject only: the original's ?username is refused (400), so a
// client ported from it cannot believe it is reading someone else's list.
func (a *api) qrList(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("username") {
		writeErr(w, badRequest("unsupported_parameter", "username is not accepted: the list is always the caller's own scans"))
		return
	}
	limit, e := intParam(r, "limit", qrscan.DefaultLimit, 1, qrscan.MaxLimit)
	if e != nil {
		writeErr(w, e)
		return
	}
	recs, err := a.d.Scans.List(r.Context(), driver(r), limit)
	if errors.Is(err, qrscan.ErrInvalid) {
		writeErr(w, badRequest("invalid_parameter", "invalid limit"))
		return
	}
	if err != nil {
		a.internal(w, r, "qr scan list", err)
		return
	}
	now := a.d.Now()
	out := make([]qrScanView, len(recs))
	valid := 0
	for i, rec := range recs {
		out[i] = qrScanView{Record: rec, Status: "expired"}
		if now.Before(rec.ExpiresAt) {
			out[i].Status = "valid"
			valid++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"qr_codes": out, "count": len(out), "valid": valid, "expired": len(out) - valid})
}
