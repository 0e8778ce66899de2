package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. An *Error matches the one for its status
// code; a caller's mistake caught before sending matches ErrInvalidParams.
var (
	ErrBadRequest    = errors.New("admin: bad request")        // 400, 413, 422
	ErrUnauthorized  = errors.New("admin: unauthorized")       // 401
	ErrForbidden     = errors.New("admin: forbidden")          // 403
	ErrNotFound      = errors.New("admin: not found")          // 404
	ErrConflict      = errors.New("admin: conflict")           // 409
	ErrRateLimited   = errors.New("admin: rate limited")       // 429, or the client-side limiter's wait would outlast the context
	ErrServer        = errors.New("admin: server error")       // 5xx
	ErrInvalidParams = errors.New("admin: invalid parameters") // caught before any request is sent

	// ErrInvalidResponse matches a successful status whose body could not
	// be used: malformed or oversized JSON, a missing body, a page that
	// contradicts itself.
	ErrInvalidResponse = errors.New("admin: invalid response")

	// ErrPossiblyApplied matches a failed change (POST, PUT, PATCH, DELETE)
	// that may nevertheless have taken effect: an attempt was sent and its
	// answer lost (a dropped connection, a timeout, a 500, 502 or 504), and
	// no later attempt settled the outcome. Read the resource back, or retry
	// with the same idempotency key (see WithIdempotencyKey), to find out.
	ErrPossiblyApplied = errors.New("admin: change possibly applied")
)

// Error is a failed call: an error response from the server, or a
// transport failure (StatusCode 0, with the cause in Err).
type Error struct {
	StatusCode int               // HTTP status; 0 when no response arrived
	Code       string            // machine-readable code such as "not_found", when the server gave one
	Message    string            // human-readable message from the server
	Param      string            // the request field at fault, if any
	RequestID  string            // from the body or the X-Request-Id header
	RetryAfter time.Duration     // the wait the server asked for (429, 503), if any
	Attempts   int               // attempts made, retries included
	Method     string            // HTTP method of the call
	Path       string            // path of the call, without query string
	Fields     map[string]string // per-field messages (Kong-style errors)

	// PossiblyApplied reports that the change may have taken effect even
	// though the call failed; see ErrPossiblyApplied.
	PossiblyApplied bool

	// Err is the underlying cause when no usable response arrived, such as
	// a connection error or context.DeadlineExceeded.
	Err error

	invalidResponse bool
}

// Error returns a one-line description of e without any secret.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("admin: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	switch {
	case e.invalidResponse:
		b.WriteString("invalid response")
		if e.StatusCode != 0 {
			fmt.Fprintf(&b, " (status %d)", e.StatusCode)
		}
	case e.StatusCode != 0:
		fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Code != "" {
			b.WriteString(" (")
			b.WriteString(e.Code)
			b.WriteByte(')')
		}
	default:
		b.WriteString("request failed")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Param != "" {
		b.WriteString(" [param ")
		b.WriteString(e.Param)
		b.WriteByte(']')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RequestID != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.PossiblyApplied {
		b.WriteString("; the change may have been applied")
	}
	return b.String()
}

// Is reports whether target is the sentinel error for e's status code, or
// ErrPossiblyApplied or ErrInvalidResponse where they apply.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrPossiblyApplied:
		return e.PossiblyApplied
	case ErrInvalidResponse:
		return e.invalidResponse
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || (e.StatusCode == 0 && (errors.Is(e.Err, errLimiterWait) || errors.Is(e.Err, ErrRateLimited)))
	}
	if e.invalidResponse {
		return false
	}
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return target == ErrBadRequest
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusConflict:
		return target == ErrConflict
	}
	return e.StatusCode >= 500 && target == ErrServer
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying the same call again later may succeed.
func (e *Error) Temporary() bool {
	switch e.StatusCode {
	case 0:
		return !errors.Is(e.Err, errRedirect)
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ParamError is a caller's mistake caught before any request was sent. It
// matches ErrInvalidParams.
type ParamError struct {
	Field  string // the parameter or option at fault
	Reason string
}

func (e *ParamError) Error() string {
	return "admin: invalid parameter " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidParams.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParams }

// invalidParam is the one constructor of a ParamError: field names the
// parameter, option or environment variable at fault.
func invalidParam(field, reason string) error { return &ParamError{Field: field, Reason: reason} }

// Secret is a string that never prints: fmt, %v, %+v, %#v, slog and
// String all show "[REDACTED]". Convert it with string(s) to use it.
//
// encoding/json still encodes a Secret as its value, since that is how it
// travels on the wire. A struct with a Secret field therefore implements
// slog.LogValuer itself, so that slog's JSON handler redacts it too; do
// not json.Marshal such a struct into a log.
type Secret string

const redacted = "[REDACTED]"

// String returns "[REDACTED]".
func (Secret) String() string { return redacted }

// GoString returns "[REDACTED]".
func (Secret) GoString() string { return redacted }

// Format writes "[REDACTED]" whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[REDACTED]" for log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// wireError is the union of the error bodies the API answers:
// {"error": {...}}, Kong's {"message", "name", "code", "fields"}, Run:AI's
// {"code": 400, "message"} and OAuth2's {"error", "error_description"}.
type wireError struct {
	Error   json.RawMessage `json:"error"`
	Desc    json.RawMessage `json:"error_description"` // OAuth2, RFC 6749 §5.2
	Message json.RawMessage `json:"message"`
	Code    json.RawMessage `json:"code"`
	Name    string          `json:"name"`
	Fields  map[string]any  `json:"fields"`
}

type wireEnvelope struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Param     string `json:"param"`
	RequestID string `json:"request_id"`
}

// decodeErrorBody fills e from an error response body. It never fails: a
// body it cannot read leaves the status text as the message.
func decodeErrorBody(e *Error, body []byte) {
	body = bytes.TrimSpace(body)
	var w wireError
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &w) != nil {
		e.Message = http.StatusText(e.StatusCode)
		return
	}
	if len(w.Error) > 0 && w.Error[0] == '{' {
		var env wireEnvelope
		if json.Unmarshal(w.Error, &env) == nil {
			e.Code, e.Message, e.Param = env.Code, env.Message, env.Param
			if env.RequestID != "" {
				e.RequestID = env.RequestID
			}
		}
	} else if len(w.Error) > 0 {
		_ = json.Unmarshal(w.Error, &e.Code) // OAuth2: {"error": "invalid_client", "error_description": "..."}
		_ = json.Unmarshal(w.Desc, &e.Message)
	}
	if e.Message == "" {
		_ = json.Unmarshal(w.Message, &e.Message)
	}
	if e.Code == "" && len(w.Code) > 0 {
		var s string
		if json.Unmarshal(w.Code, &s) == nil {
			e.Code = s
		} else if w.Name != "" {
			e.Code = w.Name // Kong: {"code": 5, "name": "unique constraint violation"}
		}
	}
	if len(w.Fields) > 0 {
		e.Fields = make(map[string]string, len(w.Fields))
		for k, v := range w.Fields {
			if s, ok := v.(string); ok {
				e.Fields[k] = s
			} else if b, err := json.Marshal(v); err == nil {
				e.Fields[k] = string(b)
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
}

// parseRetryAfter reads a Retry-After value in any form RFC 9110 allows:
// delay-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime). It
// reports false for a missing or malformed value; a date in the past is a
// zero wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, false
		}
		const maxSeconds = int64(1<<63-1) / int64(time.Second)
		if n > maxSeconds {
			n = maxSeconds
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

func (c *Client) baseError(k *call) *Error {
	return &Error{Method: k.method, Path: k.path, Attempts: k.attempts}
}

func (c *Client) responseError(k *call, resp *http.Response) *Error {
	e := c.baseError(k)
	e.StatusCode = resp.StatusCode
	e.RequestID = resp.Header.Get("X-Request-Id")
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	decodeErrorBody(e, body)
	k.scrubError(e)
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	if k.deadlineRA > e.RetryAfter {
		e.RetryAfter = k.deadlineRA
	}
	e.PossiblyApplied = k.mutating && k.ambiguous
	return e
}

// newInvalidResponse is the one constructor of the error for an answer
// that contradicts the contract (ErrInvalidResponse): method and path (as
// sent, escaped) name the call, status and requestID the answer. The
// server answered success, so a change was applied even though its
// answer cannot be used: PossiblyApplied follows the method.
func newInvalidResponse(method, path string, status int, requestID, msg string) *Error {
	return &Error{Method: method, Path: path, StatusCode: status, RequestID: requestID, Message: msg,
		invalidResponse: true, PossiblyApplied: isChange(method)}
}

// isChange reports whether method changes something on the server.
func isChange(method string) bool {
	return method != "" && method != http.MethodGet && method != http.MethodHead
}

// invalidResponse is the error for the answer resp that a call could not
// use.
func (c *Client) invalidResponse(k *call, resp *http.Response, msg string) *Error {
	e := newInvalidResponse(k.method, k.path, resp.StatusCode, k.scrub(resp.Header.Get("X-Request-Id")), k.scrub(msg))
	e.Attempts = k.attempts
	return e
}

// invalidResult is the error for a walk over pages that contradicts the
// contract across them, such as an item repeated from an earlier page.
func (c *Client) invalidResult(method string, r route, msg string) *Error {
	return newInvalidResponse(method, c.base.EscapedPath()+r.path, http.StatusOK, "", msg)
}

// contractError is a decoded answer that contradicts the contract.
type contractError string

func (e contractError) Error() string { return string(e) }

func (c *Client) transportError(k *call, err error) *Error {
	e := c.baseError(k)
	var apiErr *Error
	if errors.As(err, &apiErr) { // from the token source
		// The token endpoint's description may echo the client secret.
		k.scrubError(apiErr)
		apiErr.Attempts = k.attempts
		if apiErr.Method == "" {
			apiErr.Method, apiErr.Path = k.method, k.path
		}
		return apiErr
	}
	err = stripURL(err)
	e.Err = scrubbedError{err, k.scrub(err.Error())}
	e.RetryAfter = k.deadlineRA
	e.PossiblyApplied = k.mutating && k.ambiguous
	return e
}

// stripURL returns the cause inside a *url.Error, whose message repeats
// the request URL, query string included.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// scrubbedError keeps the cause for errors.Is and errors.As but prints a
// message with the credentials removed.
type scrubbedError struct {
	err error
	msg string
}

func (s scrubbedError) Error() string { return s.msg }
func (s scrubbedError) Unwrap() error { return s.err }
