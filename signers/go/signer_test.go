package signer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// go test ./...: every staged vector of every scheme through this signer.

type vectorFile struct {
	Scheme   string `json:"scheme"`
	Positive []struct {
		ID    string `json:"id"`
		Input struct {
			Method, Path, Query string
			Headers             map[string]string
			Body                *string `json:"body"`
			BodyBase64          *string `json:"body_base64"`
			Timestamp           *int64  `json:"timestamp"`
			Secret              string  `json:"secret"`
			PrivateKeyPEM       string  `json:"private_key_pem"`
		} `json:"input"`
		Intermediates struct {
			Canonical       *string `json:"canonical"`
			CanonicalBase64 *string `json:"canonical_base64"`
		} `json:"intermediates"`
		Signature string            `json:"signature"`
		Headers   map[string]string `json:"headers"`
		Verify    verifyJSON        `json:"verify"`
	} `json:"positive"`
	Negative []struct {
		ID            string     `json:"id"`
		Verify        verifyJSON `json:"verify"`
		ExpectedError string     `json:"expected_error"`
	} `json:"negative"`
}

type verifyJSON struct {
	VerifyAt            int64 `json:"verify_at"`
	Method, Path, Query string
	Headers             map[string]string
	Body                *string  `json:"body"`
	BodyBase64          *string  `json:"body_base64"`
	Secrets             []string `json:"secrets"`
	PublicKeysPEM       []string `json:"public_keys_pem"`
}

func bodyOf(text, b64 *string) []byte {
	if b64 != nil {
		b, _ := base64.StdEncoding.DecodeString(*b64)
		return b
	}
	if text != nil {
		return []byte(*text)
	}
	return nil
}

func multi(h map[string]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range h {
		out[k] = []string{v}
	}
	return out
}

func loadVectors(t *testing.T) []vectorFile {
	paths, _ := filepath.Glob("../../specs/*/vectors/*.json")
	var files []vectorFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f vectorFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(p, err)
		}
		files = append(files, f)
	}
	if len(files) != len(Schemes) {
		t.Fatalf("want a vector file per scheme (%d), found %d", len(Schemes), len(files))
	}
	return files
}

func TestPositiveVectors(t *testing.T) {
	for _, f := range loadVectors(t) {
		for _, v := range f.Positive {
			t.Run(f.Scheme+"/"+v.ID, func(t *testing.T) {
				in := v.Input
				r := Request{Method: in.Method, Path: in.Path, Query: in.Query, Body: bodyOf(in.Body, in.BodyBase64), Secret: in.Secret, PrivateKeyPEM: in.PrivateKeyPEM}
				if in.Timestamp != nil {
					r.Timestamp = *in.Timestamp
				}
				out, err := Sign(f.Scheme, r)
				if err != nil {
					t.Fatal(err)
				}
				want := bodyOf(v.Intermediates.Canonical, v.Intermediates.CanonicalBase64)
				if !bytes.Equal(out.Canonical, want) {
					t.Errorf("canonical: want %q, got %q", want, out.Canonical)
				}
				if out.Signature != v.Signature {
					t.Errorf("signature: want %s, got %s", v.Signature, out.Signature)
				}
				for name, value := range out.Headers {
					if v.Headers[name] != value {
						t.Errorf("header %s: want %q, got %q", name, v.Headers[name], value)
					}
				}
				w := v.Verify
				if err := Verify(f.Scheme, Incoming{Method: w.Method, Path: w.Path, Query: w.Query, Headers: multi(w.Headers), Body: r.Body, Now: w.VerifyAt, Secrets: w.Secrets, PublicKeysPEM: w.PublicKeysPEM}); err != nil {
					t.Errorf("verify: %v", err)
				}
			})
		}
	}
}

func TestNegativeVectors(t *testing.T) {
	for _, f := range loadVectors(t) {
		for _, v := range f.Negative {
			t.Run(f.Scheme+"/"+v.ID, func(t *testing.T) {
				w := v.Verify
				err := Verify(f.Scheme, Incoming{Method: w.Method, Path: w.Path, Query: w.Query, Headers: multi(w.Headers), Body: bodyOf(w.Body, w.BodyBase64), Now: w.VerifyAt, Secrets: w.Secrets, PublicKeysPEM: w.PublicKeysPEM})
				var refused *Error
				if !errors.As(err, &refused) || refused.Code != v.ExpectedError {
					t.Errorf("want %s, got %v", v.ExpectedError, err)
				}
			})
		}
	}
}
