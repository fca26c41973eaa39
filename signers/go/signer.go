// Package signer is accord's reference signer for Go (standard library only): sign and verify every
// request and webhook scheme of Starship Rewards, iStar, SIR Giving and ODM.
//
//	out, err := signer.Sign("starship-hmac-v1", signer.Request{
//		Method: "GET", Path: "/api/v1/products", Query: "per_page=50&category_id=1",
//		Timestamp: time.Now().Unix(), Secret: os.Getenv("STARSHIP_SIGNING_SECRET"),
//	})
//	// out.Headers["X-Signature"] == "t=1744646400,v1=<64 hex>"
//
//	err = signer.Verify("istar-webhook", signer.Incoming{Headers: r.Header, Body: raw,
//		Secrets: []string{os.Getenv("ISTAR_WEBHOOK_SECRET")}, Now: time.Now().Unix()})
//	// nil, or a *signer.Error with Code missing_header, malformed_header,
//	// timestamp_out_of_window or signature_mismatch
//
// `go run ./cmd/accord-signer serve` speaks accord's check-signer protocol (specs/VECTORS.md):
//
//	npx accord check-signer --scheme starship-hmac-v1 --command 'go run ./cmd/accord-signer serve'
package signer

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Scheme is one signing scheme, as data.
type Scheme struct {
	Canonical string // five-line | concat | timestamp-dot-body | body-only
	Ed25519   bool   // else HMAC-SHA256, hex
	Sig       string // signature header
	Layout    string // t-v1 | v1 | plain
	TS        string // separate timestamp header, if any
	Identity  string // header that must be present (selects the key), if any
	Window    int64  // replay window in seconds; 0: no timestamp
}

// Schemes holds every scheme of the four providers.
var Schemes = map[string]Scheme{
	"starship-hmac-v1":     {Canonical: "five-line", Sig: "X-Signature", Layout: "t-v1", Window: 300},
	"starship-hmac-concat": {Canonical: "concat", Sig: "X-Signature", Layout: "t-v1", TS: "X-Timestamp", Window: 300},
	"starship-webhook":     {Canonical: "timestamp-dot-body", Sig: "X-Starship-Signature", Layout: "t-v1", Window: 300},
	"istar-webhook":        {Canonical: "body-only", Sig: "X-iStar-Signature", Layout: "plain"},
	"sirgiving-hmac":       {Canonical: "five-line", Sig: "X-Signature", Layout: "plain", TS: "X-Timestamp", Identity: "X-Partner-Key", Window: 300},
	"sirgiving-webhook":    {Canonical: "timestamp-dot-body", Sig: "X-SIR-Signature", Layout: "v1", TS: "X-SIR-Timestamp", Window: 300},
	"odm-ed25519":          {Canonical: "five-line", Ed25519: true, Sig: "X-Signature", Layout: "plain", TS: "X-Timestamp", Identity: "X-API-Key", Window: 300},
	"odm-callback":         {Canonical: "timestamp-dot-body", Ed25519: true, Sig: "X-ODM-Signature", Layout: "plain", TS: "X-ODM-Timestamp", Window: 300},
}

// Error says why a signature was refused; Code is one of the codes of specs/VECTORS.md.
type Error struct{ Code, Message string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func fail(code, format string, args ...any) *Error { return &Error{code, fmt.Sprintf(format, args...)} }

// Request is what is signed. Timestamp is unix seconds (ignored by istar-webhook).
type Request struct {
	Method, Path, Query string
	Body                []byte
	Timestamp           int64
	Secret              string // HMAC schemes
	PrivateKeyPEM       string // Ed25519 schemes (PKCS#8)
}

// Signed is what Sign returns: the headers to send, and the exact bytes signed.
type Signed struct {
	Signature string
	Headers   map[string]string
	Canonical []byte
}

// SortedQuery sorts the query pairs by key (byte order, stable), values exactly as on the wire.
func SortedQuery(query string) string {
	var pairs []string
	for _, p := range strings.Split(strings.TrimPrefix(query, "?"), "&") {
		if p != "" {
			pairs = append(pairs, p)
		}
	}
	key := func(p string) string { return strings.SplitN(p, "=", 2)[0] }
	sort.SliceStable(pairs, func(i, j int) bool { return key(pairs[i]) < key(pairs[j]) })
	return strings.Join(pairs, "&")
}

// canonical holds one builder per canonical form.
var canonical = map[string]func(method, path, query string, body []byte, ts string) []byte{
	"five-line": func(m, p, q string, b []byte, ts string) []byte {
		sum := sha256.Sum256(b)
		return []byte(m + "\n" + p + "\n" + SortedQuery(q) + "\n" + hex.EncodeToString(sum[:]) + "\n" + ts)
	},
	"concat":             func(m, p, q string, b []byte, ts string) []byte { return append([]byte(ts+m+p), b...) },
	"timestamp-dot-body": func(m, p, q string, b []byte, ts string) []byte { return append([]byte(ts+"."), b...) },
	"body-only":          func(m, p, q string, b []byte, ts string) []byte { return b },
}

func scheme(id string) (Scheme, error) {
	s, ok := Schemes[id]
	if !ok {
		return s, fail("unknown_scheme", "unknown scheme %s", id)
	}
	return s, nil
}

func canonicalBytes(s Scheme, method, path, query string, body []byte, ts string) ([]byte, error) {
	if (s.Canonical == "five-line" || s.Canonical == "concat") && (!strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#")) {
		return nil, fail("invalid_input", `path must start with "/" and carry no query: pass the query separately`)
	}
	if method == "" {
		method = "GET"
	}
	return canonical[s.Canonical](strings.ToUpper(method), path, query, body, ts), nil
}

func privateKey(pemText string) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, fail("invalid_key", "not a PEM private key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if k, ok := key.(ed25519.PrivateKey); ok && err == nil {
		return k, nil
	}
	return nil, fail("invalid_key", "not an Ed25519 PKCS#8 private key")
}

func publicKey(pemText string) (ed25519.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, fail("invalid_key", "not a PEM public key")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if k, ok := key.(ed25519.PublicKey); ok && err == nil {
		return k, nil
	}
	return nil, fail("invalid_key", "not an Ed25519 SPKI public key")
}

// Sign signs a request or webhook and returns the headers to send.
func Sign(id string, r Request) (*Signed, error) {
	s, err := scheme(id)
	if err != nil {
		return nil, err
	}
	ts := ""
	if s.Window > 0 {
		ts = strconv.FormatInt(r.Timestamp, 10)
	}
	msg, err := canonicalBytes(s, r.Method, r.Path, r.Query, r.Body, ts)
	if err != nil {
		return nil, err
	}
	var sig string
	if s.Ed25519 {
		key, err := privateKey(r.PrivateKeyPEM)
		if err != nil {
			return nil, err
		}
		sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	} else {
		mac := hmac.New(sha256.New, []byte(r.Secret))
		mac.Write(msg)
		sig = hex.EncodeToString(mac.Sum(nil))
	}
	headers := map[string]string{}
	if s.TS != "" {
		headers[s.TS] = ts
	}
	switch s.Layout {
	case "t-v1":
		headers[s.Sig] = "t=" + ts + ",v1=" + sig
	case "v1":
		headers[s.Sig] = "v1=" + sig
	default:
		headers[s.Sig] = sig
	}
	return &Signed{sig, headers, msg}, nil
}

// Incoming is what a verifier sees. Headers: any casing; repeated headers are joined with ",".
type Incoming struct {
	Method, Path, Query string
	Headers             map[string][]string
	Body                []byte
	Now                 int64 // the verifier's clock, unix seconds
	Secrets             []string
	PublicKeysPEM       []string
}

func header(h map[string][]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return strings.TrimSpace(strings.Join(v, ","))
		}
	}
	return ""
}

func required(h map[string][]string, name string) (string, error) {
	if v := header(h, name); v != "" {
		return v, nil
	}
	return "", fail("missing_header", "%s is missing", name)
}

var (
	hexSig    = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	base64Sig = regexp.MustCompile(`^[A-Za-z0-9+/]{86}==$`)
	unixTime  = regexp.MustCompile(`^(0|[1-9][0-9]{0,14})$`)
)

func decode(s Scheme, v string) ([]byte, error) {
	if s.Ed25519 {
		if !base64Sig.MatchString(v) {
			return nil, fail("malformed_header", "%s: not a base64 Ed25519 signature", s.Sig)
		}
		return base64.StdEncoding.DecodeString(v)
	}
	if !hexSig.MatchString(v) {
		return nil, fail("malformed_header", "%s: not a 64-hex signature", s.Sig)
	}
	return hex.DecodeString(v)
}

// parseList reads `t=<ts>,v1=<sig>,…` or `v1=<sig>,…`; unknown keys are ignored.
func parseList(s Scheme, value string) (t *string, sigs [][]byte, err error) {
	for _, entry := range strings.Split(value, ",") {
		entry = strings.Trim(entry, " ")
		key, val, ok := strings.Cut(entry, "=")
		if !ok || key == "" {
			return nil, nil, fail("malformed_header", "%s: an entry is not key=value", s.Sig)
		}
		switch {
		case key == "v1":
			if len(sigs) == 8 {
				return nil, nil, fail("malformed_header", "%s: more than 8 signatures", s.Sig)
			}
			sig, err := decode(s, val)
			if err != nil {
				return nil, nil, err
			}
			sigs = append(sigs, sig)
		case key == "t" && s.Layout == "t-v1":
			if t != nil {
				return nil, nil, fail("malformed_header", "%s: t= appears twice", s.Sig)
			}
			v := val
			t = &v
		}
	}
	if s.Layout == "t-v1" && t == nil {
		return nil, nil, fail("malformed_header", "%s: no t=", s.Sig)
	}
	if len(sigs) == 0 {
		return nil, nil, fail("malformed_header", "%s: no v1=", s.Sig)
	}
	return t, sigs, nil
}

// Verify checks a signed request or webhook in the order of specs/VECTORS.md; nil means valid.
func Verify(id string, in Incoming) error {
	s, err := scheme(id)
	if err != nil {
		return err
	}
	var pubs []ed25519.PublicKey
	for _, p := range in.PublicKeysPEM {
		k, err := publicKey(p)
		if err != nil {
			return err
		}
		pubs = append(pubs, k)
	}
	if (s.Ed25519 && len(pubs) == 0) || (!s.Ed25519 && len(in.Secrets) == 0) {
		return fail("invalid_key", "no key configured")
	}
	raw, err := required(in.Headers, s.Sig)
	if err != nil {
		return err
	}
	var t *string
	var sigs [][]byte
	if s.Layout == "plain" {
		sig, err := decode(s, raw)
		if err != nil {
			return err
		}
		sigs = [][]byte{sig}
	} else if t, sigs, err = parseList(s, raw); err != nil {
		return err
	}
	if s.Identity != "" {
		if _, err := required(in.Headers, s.Identity); err != nil {
			return err
		}
	}
	ts := ""
	if s.Window > 0 {
		if t != nil {
			ts = *t
		} else if ts, err = required(in.Headers, s.TS); err != nil {
			return err
		}
		if !unixTime.MatchString(ts) {
			return fail("malformed_header", "the timestamp is not unix seconds")
		}
		if t != nil && s.TS != "" {
			echoed, err := required(in.Headers, s.TS)
			if err != nil {
				return err
			}
			if echoed != *t {
				return fail("malformed_header", "%s differs from t=", s.TS)
			}
		}
		n, _ := strconv.ParseInt(ts, 10, 64)
		if skew := in.Now - n; skew > s.Window || -skew > s.Window {
			return fail("timestamp_out_of_window", "more than %d s from now", s.Window)
		}
	}
	msg, err := canonicalBytes(s, in.Method, in.Path, in.Query, in.Body, ts)
	if err != nil {
		return err
	}
	for _, sig := range sigs {
		for _, k := range pubs {
			if ed25519.Verify(k, msg, sig) {
				return nil
			}
		}
		for _, secret := range in.Secrets {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(msg)
			if hmac.Equal(mac.Sum(nil), sig) {
				return nil
			}
		}
	}
	return fail("signature_mismatch", "%s does not match", s.Sig)
}
