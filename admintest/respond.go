package admintest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// errStyle selects the error body format: the envelope, or Kong's for admins.
type errStyle int

const (
	styleEnvelope errStyle = iota
	styleKong
)

func styleFor(path string) errStyle {
	if path == "/v1/admins" || strings.HasPrefix(path, "/v1/admins/") {
		return styleKong
	}
	return styleEnvelope
}

// apiError is an error answer before it is rendered in a style.
type apiError struct {
	status  int
	code    string
	message string
	param   string
}

// result is a complete answer, buffered so that idempotency can store it and
// faults can mangle it.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) clone() result {
	return result{status: r.status, header: r.header.Clone(), body: bytes.Clone(r.body)}
}

func jsonResult(status int, v any) result {
	res := result{status: status, header: http.Header{}}
	if v != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			buf.Reset()
			buf.WriteString("{}\n")
		}
		res.body = buf.Bytes()
		res.header.Set("Content-Type", "application/json")
	}
	return res
}

func emptyResult(status int) result { return result{status: status, header: http.Header{}} }

type envelope struct {
	Error envelopeError `json:"error"`
}

type envelopeError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Status    int    `json:"status"`
	RequestID string `json:"request_id"`
	Param     string `json:"param,omitempty"`
}

type kongMessage struct {
	Message string `json:"message"`
}

type kongFieldError struct {
	Code    int               `json:"code"`
	Name    string            `json:"name"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func defaultCode(status int) string {
	switch status {
	case 400, 405, 413:
		return "invalid_request"
	case 401:
		return "invalid_api_key"
	case 403:
		return "forbidden"
	case 404:
		return "not_found"
	case 409:
		return "conflict"
	case 429:
		return "rate_limited"
	case 502, 503:
		return "unavailable"
	default:
		return "internal_error"
	}
}

// errorResult renders e in style. Kong-style 400s that name a field use Kong's
// schema violation form, which also carries "message".
func errorResult(style errStyle, reqID string, e apiError) result {
	if e.code == "" {
		e.code = defaultCode(e.status)
	}
	if style == styleKong {
		if e.status == 400 && e.param != "" {
			return jsonResult(400, kongFieldError{Code: 2, Name: "schema violation",
				Message: fmt.Sprintf("schema violation (%s: %s)", e.param, e.message),
				Fields:  map[string]string{e.param: e.message}})
		}
		return jsonResult(e.status, kongMessage{Message: e.message})
	}
	return jsonResult(e.status, envelope{Error: envelopeError{Code: e.code, Message: e.message,
		Status: e.status, RequestID: reqID, Param: e.param}})
}

// writeResult sends res; its headers replace those already set on w.
func writeResult(w http.ResponseWriter, res result) {
	h := w.Header()
	for k, v := range res.header {
		h[k] = v
	}
	if res.status == http.StatusNoContent || res.status == http.StatusNotModified {
		res.body = nil
	}
	h.Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body)
}

// decodeStrict decodes one JSON object from body into dst, rejecting unknown
// fields, wrong types and trailing data.
func decodeStrict(body []byte, dst any) *apiError {
	bad := func(param, msg string) *apiError {
		return &apiError{status: 400, code: "invalid_request", param: param, message: msg}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return bad("", "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return bad(typeErr.Field, fmt.Sprintf("%s must be %s.", typeErr.Field, jsonKind(typeErr.Type)))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			if uerr != nil {
				name = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			}
			return bad(name, fmt.Sprintf("Unknown field %q.", name))
		default:
			return bad("", "The request body is not valid JSON.")
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("", "The request body has data after the JSON object.")
	}
	if name, dup := duplicateKey(trimmed); dup {
		return bad(name, fmt.Sprintf("Duplicate field %q.", name))
	}
	return nil
}

// duplicateKey reports a top-level key given twice, in any case. Such a
// body reads differently to different parsers (encoding/json matches keys
// ignoring case and keeps the last value), so a proxy checking the first
// "role" could pass a request that runs with the second.
func duplicateKey(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := tok.(string)
		if seen[strings.ToLower(key)] {
			return key, true
		}
		seen[strings.ToLower(key)] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// decodeEmpty accepts an empty body or an empty JSON object.
func decodeEmpty(body []byte) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeStrict(body, &struct{}{})
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Slice:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "an object"
	}
}

func requiredErr(param string) *apiError {
	return &apiError{status: 400, code: "invalid_request", param: param, message: param + " is required."}
}

func invalidErr(param, msg string) *apiError {
	return &apiError{status: 400, code: "invalid_request", param: param, message: msg}
}

func notFoundErr(what string) *apiError {
	return &apiError{status: 404, code: "not_found", message: "No such " + what + "."}
}
