package openapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/openapi"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the route tables")

// ---- schema helpers ----

type js = map[string]any

func str(desc string) js   { return js{"type": "string", "description": desc} }
func strN(min, max int) js { return js{"type": "string", "minLength": min, "maxLength": max} }
func integer(desc string) js {
	return js{"type": "integer", "description": desc}
}
func boolean(desc string) js {
	return js{"type": "boolean", "description": desc}
}
func ref(name string) js { return js{"$ref": "#/components/schemas/" + name} }

// obj is a closed object (the server refuses unknown fields).
func obj(required []string, props js) js {
	o := js{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var card = obj([]string{"card_number", "expiry_month", "expiry_year", "cvv", "cardholder_name"}, js{
	"card_number":     str("13–19 digits (spaces and hyphens ignored); Luhn and brand prefix/length checked; never stored"),
	"expiry_month":    js{"type": "string", "pattern": "^(0[1-9]|1[0-2])$"},
	"expiry_year":     js{"type": "string", "pattern": "^20[0-9]{2}$", "description": "2025–2050, not before the current month"},
	"cvv":             js{"type": "string", "pattern": "^[0-9]{3,4}$", "description": "checked, never stored"},
	"cardholder_name": strN(1, 100),
})

// schemas are the shared component schemas.
var schemas = js{
	"Error": js{
		"type":        "object",
		"description": "The error envelope of every non-2xx answer.",
		"required":    []string{"detail", "error_code"},
		"properties": js{
			"detail":     str("human-readable reason (never secret)"),
			"error_code": str("machine-readable code, e.g. not_authenticated, forbidden, rate_limited, invalid_json"),
			"request_id": str("the X-Request-ID of the request, for support"),
		},
	},
	"TokenPair": js{
		"type": "object",
		"properties": js{
			"access_token": str("JWT for the Authorization header"), "refresh_token": str("opaque, single use (rotated)"),
			"token_type": str("Bearer"), "expires_in": integer("seconds until the access token expires"),
			"csrf_token": str("double-submit value for cookie clients"), "refresh_expires_at": js{"type": "string", "format": "date-time"},
		},
	},
	"Card":   card,
	"Object": js{"type": "object", "description": "A JSON object; see the operation's description."},
}

// ---- per-route extras written by hand ----

type extra struct {
	Body    js       // JSON request body schema
	Query   []string // query parameter names ("name:integer" for typed; "*name" required)
	Success int      // default 200
	// Content of the success answer when not JSON ("" JSON object).
	Produces  []string
	Headers   []string // request headers ("*Name" required)
	Multipart bool
}

var extras = map[string]extra{
	// server
	"POST /auth/register":         {Body: obj([]string{"email", "username", "password", "full_name"}, js{"email": js{"type": "string", "format": "email", "maxLength": 254}, "username": js{"type": "string", "pattern": "^[A-Za-z0-9_]{3,30}$"}, "password": strN(8, 128), "full_name": strN(2, 100)}), Success: 202},
	"POST /auth/resend-code":      {Body: obj([]string{"email", "ticket"}, js{"email": js{"type": "string", "format": "email"}, "ticket": strN(1, 128)}), Success: 202},
	"POST /auth/verify-email":     {Body: obj([]string{"email", "ticket", "code"}, js{"email": js{"type": "string", "format": "email"}, "ticket": strN(1, 128), "code": js{"type": "string", "pattern": "^[0-9]{6}$"}}), Success: 201},
	"POST /auth/login":            {Body: obj([]string{"email", "password"}, js{"email": str("email or username"), "password": strN(1, 1024)})},
	"POST /auth/refresh":          {Body: obj([]string{"refresh_token"}, js{"refresh_token": strN(1, 8192)})},
	"POST /auth/forgot-password":  {Body: obj([]string{"email"}, js{"email": js{"type": "string", "format": "email"}}), Success: 202},
	"POST /auth/reset-password":   {Body: obj([]string{"new_password"}, js{"token": str("the reset link's token (or email + code)"), "email": js{"type": "string", "format": "email"}, "code": js{"type": "string", "pattern": "^[0-9]{6}$"}, "new_password": strN(8, 128)})},
	"POST /auth/logout":           {Success: 204},
	"POST /auth/logout-all":       {Success: 204},
	"POST /auth/change-password":  {Body: obj([]string{"current_password", "new_password"}, js{"current_password": strN(1, 1024), "new_password": strN(8, 128)})},
	"PUT /auth/profile":           {Body: obj(nil, js{"full_name": strN(2, 100), "phone": str("E.164-like phone"), "address": strN(3, 200), "licence_plate": str("licence plate")})},
	"POST /auth/delete-account":   {Body: obj([]string{"password"}, js{"password": strN(1, 1024)}), Success: 204},
	"POST /admin/operators":       {Body: obj([]string{"email", "username", "full_name", "password", "facility"}, js{"email": js{"type": "string", "format": "email"}, "username": js{"type": "string", "pattern": "^[A-Za-z0-9_]{3,30}$"}, "full_name": strN(2, 100), "password": strN(8, 128), "facility": js{"type": "string", "pattern": "^[A-Za-z0-9_]{1,64}$"}}), Success: 201},
	"GET /admin/users":            {Query: []string{"search", "role", "after", "limit:integer"}},
	"POST /admin/users/{id}/lock": {Body: obj(nil, js{"until": js{"type": "string", "format": "date-time", "description": "end of the lock; empty locks for 100 years"}})},
	"PUT /admin/users/{id}/roles": {Body: obj([]string{"roles"}, js{"roles": js{"type": "array", "minItems": 1, "maxItems": 3, "items": js{"enum": []string{"driver", "operator", "admin"}}}, "facility": js{"type": "string", "pattern": "^[A-Za-z0-9_]{0,64}$"}})},
	"GET /admin/audit":            {Query: []string{"actor", "action", "outcome", "since", "until", "cursor", "limit:integer", "desc"}},
	"GET /metrics":                {Produces: []string{"text/plain"}},
	// parkingapi
	"GET /parking/maps":                                        {Query: []string{"facility_id"}},
	"POST /parking/maps":                                       {Body: ref("Object"), Success: 201},
	"PUT /parking/maps/{id}":                                   {Body: ref("Object")},
	"DELETE /parking/maps/{id}":                                {Query: []string{"*version:integer"}, Success: 204},
	"POST /parking/upload-map":                                 {Query: []string{"*building_name", "level:integer", "grid_rows:integer", "grid_cols:integer", "replace", "dry_run", "facility_id"}, Multipart: true, Success: 201},
	"GET /parking/slots":                                       {Query: []string{"map_id", "building_name", "level:integer", "status"}},
	"GET /parking/slots/summary":                               {Query: []string{"map_id", "building_name"}},
	"PUT /parking/maps/{id}/slots/{slot_id}":                   {Body: ref("Object")},
	"GET /parking/entrances":                                   {Query: []string{"map_id", "building_name"}},
	"GET /parking/exits":                                       {Query: []string{"map_id", "building_name"}},
	"GET /pathfinding/shortest-path":                           {Query: []string{"*start", "*end", "map_id", "building_name"}},
	"GET /pathfinding/nearest-slot/{point_id}":                 {Query: []string{"map_id", "building_name"}},
	"GET /pathfinding/route-to-nearest-slot":                   {Query: []string{"*entrance_id", "target_point_id", "map_id", "building_name"}},
	"GET /pathfinding/destinations":                            {Query: []string{"entrance_id", "map_id", "building_name"}},
	"GET /pathfinding/nearest-exit-to-slot":                    {Query: []string{"*slot_id", "map_id", "building_name"}},
	"POST /parking/predict-fare":                               {Body: obj([]string{"destination"}, js{"destination": strN(1, 200), "date": str("YYYY-MM-DD (default today, Australia/Sydney)"), "time": str("HH:MM (default now)"), "duration_hours": js{"type": "number", "exclusiveMinimum": 0, "maximum": 24}})},
	"GET /parking/destination-parking-rate":                    {Query: []string{"*destination"}},
	"PUT /parking/rates/{facility}":                            {Body: ref("Object")},
	"PUT /parking/rates/{facility}/destinations/{destination}": {Body: ref("Object")},
	// opsapi
	"POST /session/start":                           {Body: obj([]string{"vehicle_id"}, js{"qr_code": str("a scanned entrance code (AS1.…)"), "building": strN(1, 200), "entrance_id": strN(1, 100), "slot_id": str("premium only"), "vehicle_id": strN(1, 32)}), Success: 201},
	"POST /session/end":                             {Body: obj(nil, js{"session_id": str("default: the active session"), "exit_id": str("default: the nearest exit"), "payment": js{"enum": []string{"wallet", "later"}, "default": "wallet"}})},
	"GET /session/history":                          {Query: []string{"limit:integer", "offset:integer"}},
	"POST /wallet/add-money":                        {Body: obj([]string{"amount_cents", "payment_method_id"}, js{"amount_cents": js{"type": "integer", "minimum": 1, "maximum": 100000}, "payment_method_id": strN(1, 64)}), Headers: []string{"Idempotency-Key"}},
	"PUT /session/update-exit":                      {Body: obj(nil, js{"session_id": str("default: the active session; an ended one is 409"), "exit_id": js{"type": "string", "minLength": 1, "maxLength": 64, "description": "an exit of the session's building; absent: the exit nearest the session's slot"}})},
	"POST /wallet/pay-parking":                      {Body: obj([]string{"session_id"}, js{"session_id": strN(1, 64)})},
	"POST /wallet/pay-later":                        {Body: obj([]string{"session_id"}, js{"session_id": strN(1, 64)})},
	"GET /wallet/pending-payments":                  {Query: []string{"limit:integer", "offset:integer"}},
	"POST /wallet/pending-payments/{id}/pay":        {Body: obj([]string{"method"}, js{"method": js{"enum": []string{"wallet", "card"}}, "payment_method_id": str("a saved card (method card)"), "card": ref("Card")})},
	"GET /wallet/transactions":                      {Query: []string{"limit:integer", "offset:integer", "status", "type"}},
	"POST /wallet/payment-methods":                  {Body: js{"allOf": []any{ref("Card"), js{"type": "object", "properties": js{"method_type": str("credit or debit"), "label": strN(0, 50), "is_default": boolean("")}}}}, Success: 201},
	"PUT /wallet/payment-methods/{id}":              {Body: obj(nil, js{"expiry_month": js{"type": "string"}, "expiry_year": js{"type": "string"}, "is_default": boolean(""), "label": strN(0, 50)})},
	"GET /qr/entrance-code":                         {Query: []string{"*building", "*entrance_id", "format", "ttl_hours:integer"}, Produces: []string{"image/png", "application/json"}},
	"GET /qr/entrance-codes":                        {Query: []string{"*building"}},
	"GET /qr/list":                                  {Query: []string{"limit:integer"}},
	"POST /qr/scan":                                 {Body: obj([]string{"qr_content"}, js{"qr_content": strN(1, 4096)})},
	"POST /qr/base64-to-image":                      {Body: obj([]string{"image_base64"}, js{"image_base64": js{"type": "string", "maxLength": 49174, "description": "standard padded base64 of a PNG ≤ 1024×1024 (a data:image/png;base64, prefix is accepted)"}}), Produces: []string{"image/png"}},
	"POST /emissions/estimate":                      {Body: obj([]string{"route_distance"}, js{"route_distance": js{"type": "number", "exclusiveMinimum": 0}, "baseline_distance": js{"type": "number", "minimum": 0}, "emissions_factor": js{"type": "number", "exclusiveMinimum": 0}, "session_id": str("one of the caller's sessions")})},
	"POST /emissions/estimate-for-route":            {Body: obj([]string{"building", "start", "end"}, js{"building": strN(1, 200), "start": str("level,x,y or a feature id"), "end": str("level,x,y or a feature id"), "use_dynamic_baseline": js{"type": "boolean", "default": true}})},
	"POST /emissions/estimate-for-parking-search":   {Body: obj([]string{"building", "entrance_id"}, js{"building": strN(1, 200), "entrance_id": strN(1, 100), "use_dynamic_baseline": js{"type": "boolean", "default": true}})},
	"POST /emissions/estimate_full_parking_journey": {Body: obj([]string{"building", "start", "slot_id"}, js{"building": strN(1, 200), "start": str("level,x,y or a feature id"), "slot_id": str("a slot id or level,x,y"), "exit": str("level,x,y or an exit id; default the slot's nearest exit"), "use_dynamic_baseline": js{"type": "boolean", "default": true}})},
	"POST /emissions/estimate-session-journey":      {Body: obj([]string{"session_id"}, js{"session_id": strN(1, 64)})},
	"GET /emissions/history":                        {Query: []string{"session_id", "calculation_method", "limit:integer"}},
	"DELETE /emissions/clear":                       {Query: []string{"*confirm", "driver_id", "session_id"}},
	"PUT /operator/facilities/{facility}/slots":     {Body: obj([]string{"building", "level", "slot_id", "new_status"}, js{"building": strN(1, 200), "level": integer(""), "slot_id": strN(1, 64), "new_status": js{"enum": []string{"available", "occupied", "allocated"}}, "reserved_by": str(""), "vehicle_id": str("")})},
	"GET /operator/facilities/{facility}/sessions":  {Query: []string{"building"}},
	"GET /live/buildings/{building}/slots":          {Produces: []string{"text/event-stream"}},
}

// ---- generation ----

func errResp(desc string) js {
	return js{"description": desc, "content": js{"application/json": js{"schema": ref("Error")}}}
}

var responses = js{
	"BadRequest":      errResp("Invalid parameters or body (strict JSON: no unknown fields, typed values, one value)."),
	"Unauthorized":    errResp("No valid access token."),
	"Forbidden":       errResp("The token lacks the permission (or the facility) the route needs."),
	"NotFound":        errResp("Not found (or not the caller's: objects are looked up by owner)."),
	"TooLarge":        errResp("Body too large."),
	"UnsupportedType": errResp("Content-Type must be application/json."),
	"TooManyRequests": js{
		"description": "Rate limited (per IP; the auth and upload routes have stricter rules).",
		"headers":     js{"Retry-After": js{"schema": js{"type": "integer"}, "description": "seconds to wait"}},
		"content":     js{"application/json": js{"schema": ref("Error")}},
	},
}

func pathParams(p string) []string {
	var out []string
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSuffix(p[i+1:i+j], "..."))
		p = p[i+j+1:]
	}
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	up := true
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func operation(rt route) js {
	x := extras[rt.Method+" "+rt.Path]
	seg := strings.Split(strings.Trim(rt.Path, "/"), "/")[0]
	if seg == "api" || seg == ".well-known" || seg == "metrics" || seg == "openapi.json" {
		seg = "platform"
	}
	op := js{
		"operationId":       operationID(rt.Method, rt.Path),
		"summary":           rt.Description,
		"tags":              []string{seg},
		"x-autospot-access": rt.Access,
		"x-autospot-source": rt.Source,
	}
	if rt.Permission != "" {
		op["x-autospot-permission"] = rt.Permission
	}
	public := rt.Access == "public"
	if public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{js{"bearerAuth": []string{}}}
	}
	var params []any
	for _, name := range pathParams(rt.Path) {
		params = append(params, js{"name": name, "in": "path", "required": true, "schema": js{"type": "string", "maxLength": 200}})
	}
	for _, q := range x.Query {
		req := strings.HasPrefix(q, "*")
		q = strings.TrimPrefix(q, "*")
		name, typ, ok := strings.Cut(q, ":")
		if !ok {
			typ = "string"
		}
		params = append(params, js{"name": name, "in": "query", "required": req, "schema": js{"type": typ}})
	}
	for _, h := range x.Headers {
		req := strings.HasPrefix(h, "*")
		params = append(params, js{"name": strings.TrimPrefix(h, "*"), "in": "header", "required": req,
			"description": "8–128 of [A-Za-z0-9_-:.]; a retry with the same key moves money once (without one, every call is applied)",
			"schema":      js{"type": "string", "pattern": "^[A-Za-z0-9_\\-:.]{8,128}$"}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if x.Body != nil {
		op["requestBody"] = js{"required": true, "content": js{"application/json": js{"schema": x.Body}}}
	}
	if x.Multipart {
		op["requestBody"] = js{"required": true, "content": js{"multipart/form-data": js{"schema": js{
			"type": "object", "required": []string{"file"}, "properties": js{"file": js{"type": "string", "contentEncoding": "binary", "description": "PNG or JPEG of the grid"}},
		}}}}
	}
	code := x.Success
	if code == 0 {
		code = 200
	}
	res := js{}
	ok := js{"description": "Success."}
	switch {
	case code == 204:
		ok["description"] = "Done; no body."
	case len(x.Produces) > 0:
		c := js{}
		for _, p := range x.Produces {
			switch p {
			case "application/json":
				c[p] = js{"schema": ref("Object")}
			case "text/event-stream", "text/plain":
				c[p] = js{"schema": js{"type": "string"}}
			default:
				c[p] = js{"schema": js{"type": "string", "contentMediaType": p, "contentEncoding": "binary"}}
			}
		}
		ok["content"] = c
	default:
		schema := ref("Object")
		switch rt.Method + " " + rt.Path {
		case "POST /auth/login", "POST /auth/verify-email", "POST /auth/refresh", "POST /auth/change-password":
			schema = ref("TokenPair")
		}
		ok["content"] = js{"application/json": js{"schema": schema}}
	}
	res[strconv.Itoa(code)] = ok
	if x.Body != nil || len(x.Query) > 0 || len(x.Headers) > 0 || x.Multipart || len(pathParams(rt.Path)) > 0 {
		res["400"] = js{"$ref": "#/components/responses/BadRequest"}
	}
	if x.Body != nil || x.Multipart {
		res["413"] = js{"$ref": "#/components/responses/TooLarge"}
		res["415"] = js{"$ref": "#/components/responses/UnsupportedType"}
	}
	if !public {
		res["401"] = js{"$ref": "#/components/responses/Unauthorized"}
		res["403"] = js{"$ref": "#/components/responses/Forbidden"}
	}
	if len(pathParams(rt.Path)) > 0 {
		res["404"] = js{"$ref": "#/components/responses/NotFound"}
	}
	res["429"] = js{"$ref": "#/components/responses/TooManyRequests"}
	op["responses"] = res
	return op
}

// generate makes the document from the routes.
func generate(rts []route) ([]byte, error) {
	sort.Slice(rts, func(i, j int) bool { return rts[i].key() < rts[j].key() })
	paths := js{}
	for _, rt := range rts {
		item, _ := paths[rt.Path].(js)
		if item == nil {
			item = js{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = operation(rt)
	}
	doc := js{
		"openapi": "3.1.0",
		"info": js{
			"title":   "AutoSpot reference server",
			"version": "1.0.0",
			"summary": "Car-park backend: accounts, parking maps and fares, sessions, wallet, subscriptions, entrance QR codes, emissions, operators, live availability.",
			"description": "Generated from the server's route tables (internal/openapi). x-autospot-access is the route's access rule " +
				"(public; authenticated: a token holding x-autospot-permission; admin: the admin role; facility: the permission in the facility the request names — " +
				"operators of that facility and admins; parking:read and route: the parking API's read and routing permissions). " +
				"A driver's identity is always the token's subject, never a parameter. Money is integer cents. Every error answer is the Error envelope.",
			"license": js{"name": "Proprietary", "identifier": "LicenseRef-AutoSpot"},
		},
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"security":          []any{js{"bearerAuth": []string{}}},
		"paths":             paths,
		"components": js{
			"schemas":   schemas,
			"responses": responses,
			"securitySchemes": js{
				"bearerAuth": js{"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "Access token (HS256 or EdDSA; 1 h) from /auth/login, /auth/verify-email or /auth/refresh."},
				"cookieAuth": js{"type": "apiKey", "in": "cookie", "name": "__Host-access_token", "description": "The access token as a cookie, for deployments that enable auth.WithCookie; unsafe methods then also need csrfHeader."},
				"csrfHeader": js{"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The token pair's csrf_token (double submit), with cookieAuth on POST, PUT, PATCH and DELETE."},
			},
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// TestGenerate checks that the embedded document is what the generator
// makes from the current route tables (run with -update to rewrite it),
// and that every hand-written extra names a registered route.
func TestGenerate(t *testing.T) {
	rts := registeredRoutes(t)
	known := map[string]bool{}
	for _, rt := range rts {
		known[rt.Method+" "+rt.Path] = true
	}
	for k := range extras {
		if !known[k] {
			t.Errorf("extras names %q, which is not a registered route", k)
		}
	}
	got, err := generate(rts)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("openapi.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, openapi.Document()) {
		t.Fatal("openapi.json is stale: run go test ./internal/openapi -run TestGenerate -update")
	}
}
