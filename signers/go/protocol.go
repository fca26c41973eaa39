package signer

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
)

// ProtocolRequest is one line of accord's check-signer protocol (specs/VECTORS.md).
type ProtocolRequest struct {
	ID            string                     `json:"id"`
	Op            string                     `json:"op"`
	Scheme        string                     `json:"scheme"`
	Method        string                     `json:"method"`
	Path          string                     `json:"path"`
	Query         string                     `json:"query"`
	BodyBase64    string                     `json:"body_base64"`
	Timestamp     *int64                     `json:"timestamp"`
	Now           int64                      `json:"now"`
	Headers       map[string]json.RawMessage `json:"headers"`
	Secret        string                     `json:"secret"`
	PrivateKeyPEM string                     `json:"private_key_pem"`
	Secrets       []string                   `json:"secrets"`
	PublicKeysPEM []string                   `json:"public_keys_pem"`
}

// headerValues reads a header given as a string or as a list (a header sent more than once).
func headerValues(raw map[string]json.RawMessage) map[string][]string {
	out := map[string][]string{}
	for k, v := range raw {
		var one string
		if json.Unmarshal(v, &one) == nil {
			out[k] = []string{one}
			continue
		}
		var many []string
		_ = json.Unmarshal(v, &many)
		out[k] = many
	}
	return out
}

// Answer turns one protocol request into its answer.
func Answer(req ProtocolRequest) map[string]any {
	body, err := base64.StdEncoding.DecodeString(req.BodyBase64)
	if err != nil {
		return map[string]any{"id": req.ID, "error": "body_base64 is not base64"}
	}
	switch req.Op {
	case "sign":
		r := Request{Method: req.Method, Path: req.Path, Query: req.Query, Body: body, Secret: req.Secret, PrivateKeyPEM: req.PrivateKeyPEM}
		if req.Timestamp != nil {
			r.Timestamp = *req.Timestamp
		}
		out, err := Sign(req.Scheme, r)
		if err != nil {
			return map[string]any{"id": req.ID, "error": err.Error()}
		}
		headers := map[string]string{}
		for k, v := range headerValues(req.Headers) {
			if len(v) > 0 {
				headers[k] = v[0]
			}
		}
		for k, v := range out.Headers {
			headers[k] = v
		}
		return map[string]any{"id": req.ID, "signature": out.Signature, "headers": headers, "canonical_base64": base64.StdEncoding.EncodeToString(out.Canonical)}
	case "verify":
		err := Verify(req.Scheme, Incoming{Method: req.Method, Path: req.Path, Query: req.Query, Headers: headerValues(req.Headers), Body: body, Now: req.Now, Secrets: req.Secrets, PublicKeysPEM: req.PublicKeysPEM})
		var refused *Error
		if errors.As(err, &refused) {
			return map[string]any{"id": req.ID, "valid": false, "error": refused.Code}
		}
		return map[string]any{"id": req.ID, "valid": err == nil}
	}
	return map[string]any{"id": req.ID, "error": "unknown op " + req.Op}
}

// Serve reads one JSON request per line and writes one JSON answer per line.
func Serve(in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 64<<20) // multi-megabyte bodies
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for scanner.Scan() {
		if len(scanner.Bytes()) == 0 {
			continue
		}
		var req ProtocolRequest
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil {
			_ = enc.Encode(map[string]any{"error": "not a JSON request: " + err.Error()})
		} else if err := enc.Encode(Answer(req)); err != nil {
			return err
		}
		// Flush each answer: the checker may be waiting for it.
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return scanner.Err()
}
