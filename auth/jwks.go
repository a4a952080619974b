package auth

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// maxJWKSLen bounds the input of [ParseJWKS].
const maxJWKSLen = 64 << 10

type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

func (r *KeyRing) buildJWKS() []byte {
	set := jwkSet{Keys: []jwk{}}
	for _, id := range r.ids {
		k := r.keys[id]
		if k.pub == nil {
			continue // HMAC secrets are never published
		}
		set.Keys = append(set.Keys, jwk{
			Kty: "OKP", Crv: "Ed25519", Alg: "EdDSA", Use: "sig", Kid: k.id,
			X: base64.RawURLEncoding.EncodeToString(k.pub),
		})
	}
	b, _ := json.Marshal(set) // cannot fail: plain strings
	return b
}

// JWKS returns the ring's public keys as an RFC 7517 JSON Web Key Set:
// Ed25519 keys only; HMAC secrets are never included.
func (r *KeyRing) JWKS() []byte { return bytes.Clone(r.jwks) }

// JWKSHandler serves [KeyRing.JWKS] to GET and HEAD requests (other methods
// get 405), with a five-minute public cache lifetime. Mount it at e.g.
// /.well-known/jwks.json so that other services can verify EdDSA tokens
// with [ParseJWKS] without holding any secret.
func (r *KeyRing) JWKSHandler() http.Handler {
	body := r.JWKS()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/jwk-set+json")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if req.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	})
}

// ParseJWKS reads a JSON Web Key Set (at most 64 KiB) and returns its
// Ed25519 keys as verify-only keys, for [NewKeyRing](nil, keys...). Keys of
// other types are skipped (RFC 7517 §5); an Ed25519 key without a valid kid,
// with an "alg" other than EdDSA, a "use" other than "sig", or a malformed
// "x" is an error. Private members ("d") are never read.
func ParseJWKS(data []byte) ([]*Key, error) {
	if len(data) > maxJWKSLen {
		return nil, fmt.Errorf("%w: JWKS larger than %d bytes", ErrInvalidConfig, maxJWKSLen)
	}
	var set jwkSet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%w: JWKS: %v", ErrInvalidConfig, err)
	}
	var keys []*Key
	for i, j := range set.Keys {
		if j.Kty != "OKP" || j.Crv != "Ed25519" {
			continue
		}
		if (j.Alg != "" && j.Alg != "EdDSA") || (j.Use != "" && j.Use != "sig") {
			return nil, fmt.Errorf("%w: JWKS key %d: alg %q use %q", ErrInvalidConfig, i, j.Alg, j.Use)
		}
		x, err := base64.RawURLEncoding.Strict().DecodeString(j.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: JWKS key %d: bad x", ErrWeakKey, i)
		}
		k, err := NewEd25519PublicKey(j.Kid, x)
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: JWKS has no Ed25519 keys", ErrInvalidConfig)
	}
	return keys, nil
}
