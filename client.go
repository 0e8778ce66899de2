package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client is a client of the Admin API. Create one with NewClient or
// NewClientFromEnv and share it: it is safe for concurrent use by many
// goroutines, and it keeps connections, tokens and the rate limiter across
// calls.
type Client struct {
	Users     *UsersService
	Groups    *GroupsService
	Roles     *RolesService
	Projects  *ProjectsService
	Clusters  *ClustersService
	Admins    *AdminsService
	AuditLogs *AuditLogsService
	Me        *MeService

	base        *url.URL
	baseStr     string // base URL, ending in "/"
	hc          *http.Client
	retry       RetryPolicy
	logger      *slog.Logger
	userAgent   []string
	auth        *credentials // behind a pointer so that %v of a Client value prints no secret
	maxResponse int64
	rateLimit   *atomic.Pointer[RateLimit] // behind a pointer so that a copy of a Client is harmless

	// Test hooks, set only by the package's tests before the first call:
	// onWait sees every wait before a retry, onLimiter every pass through
	// the client-side rate limiter.
	onWait    func(time.Duration)
	onLimiter func()
}

type service struct{ c *Client }

// credentials holds everything secret a Client sends, one pointer further
// away: a verb that does not fit a pointer field (%s, %q, %t) makes fmt
// print what the field points to, but never what that points to in turn.
type credentials struct{ *secretFields }

type secretFields struct {
	header  []string    // "Bearer <key>" for API keys; nil for token sources
	tokens  *tokenCache // for client credentials and token sources
	extra   http.Header // WithHeader's headers, which may carry a credential
	secrets []string    // values scrubbed from messages
}

// NewClient returns a Client configured by opts. It does no I/O: a wrong
// key or an unreachable server shows in the first call. Without an
// authentication option (WithAPIKey, WithClientCredentials or
// WithTokenSource) requests are sent without credentials; of several, the
// last one given wins, so options passed to NewClientFromEnv override the
// environment.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{maxResponse: DefaultMaxResponseSize}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	base, err := cfg.parseBaseURL()
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:        base,
		baseStr:     base.String(),
		retry:       cfg.retryPolicy(),
		logger:      cfg.logger,
		auth:        &credentials{&secretFields{extra: cfg.headers}},
		maxResponse: cfg.maxResponse,
		rateLimit:   new(atomic.Pointer[RateLimit]),
	}
	ua := "admin-api-go/" + Version
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	c.userAgent = []string{ua}

	var baseRT http.RoundTripper
	var timeout time.Duration
	var jar http.CookieJar
	if cfg.httpClient != nil {
		baseRT, timeout, jar = cfg.httpClient.Transport, cfg.httpClient.Timeout, cfg.httpClient.Jar
	}
	if baseRT == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		baseRT = t
	}
	plain := &http.Client{Transport: baseRT, Timeout: timeout, CheckRedirect: checkRedirect}

	switch {
	case cfg.apiKey != "":
		c.auth.header = []string{"Bearer " + string(cfg.apiKey)}
		c.auth.secrets = append(c.auth.secrets, string(cfg.apiKey))
	case cfg.tokenSource != nil || cfg.clientID != "":
		tokenURL := cfg.tokenURL
		if tokenURL == "" {
			tokenURL = c.baseStr + "oauth/token"
		}
		c.auth.tokens = newTokenCache(cfg, plain, tokenURL)
		if cfg.clientSecret != "" {
			// The token request carries the secret in HTTP Basic auth too,
			// where a server may echo it base64-encoded.
			basic := url.QueryEscape(cfg.clientID) + ":" + url.QueryEscape(string(cfg.clientSecret))
			c.auth.secrets = append(c.auth.secrets, string(cfg.clientSecret), base64.StdEncoding.EncodeToString([]byte(basic)))
		}
	}
	for _, vs := range cfg.headers {
		c.auth.secrets = append(c.auth.secrets, vs...)
	}
	c.hc = &http.Client{
		Transport:     &transport{base: baseRT, lim: newLimiter(cfg), tokens: c.auth.tokens, client: c},
		Timeout:       timeout,
		Jar:           jar,
		CheckRedirect: checkRedirect,
	}

	svc := &service{c}
	c.Users = (*UsersService)(svc)
	c.Groups = (*GroupsService)(svc)
	c.Roles = (*RolesService)(svc)
	c.Projects = (*ProjectsService)(svc)
	c.Clusters = (*ClustersService)(svc)
	c.Admins = (*AdminsService)(svc)
	c.AuditLogs = (*AuditLogsService)(svc)
	c.Me = (*MeService)(svc)
	return c, nil
}

// BaseURL returns the base URL every path is resolved against.
func (c *Client) BaseURL() string { return c.baseStr }

// RateLimit returns the server's rate limit as the latest response told
// it, and false before any response carried one.
func (c *Client) RateLimit() (RateLimit, bool) {
	rl := c.rateLimit.Load()
	if rl == nil {
		return RateLimit{}, false
	}
	return *rl, true
}

// String describes the client without any credential.
func (c *Client) String() string {
	auth := "none"
	switch {
	case c.auth.header != nil:
		auth = "api-key"
	case c.auth.tokens != nil:
		auth = "oauth2"
	}
	return fmt.Sprintf("admin.Client{BaseURL: %q, Auth: %s}", c.baseStr, auth)
}

// GoString describes the client without any credential.
func (c *Client) GoString() string { return c.String() }

// Format describes the client without any credential, whatever the verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue describes the client without any credential.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Response describes the HTTP exchange behind a call. Pass one to
// CaptureResponse to have a call fill it in.
type Response struct {
	StatusCode int
	RequestID  string
	Attempts   int
	// Replayed reports that the server answered from its idempotency
	// store: an earlier attempt of the same call had already been applied.
	Replayed  bool
	RateLimit RateLimit
	Header    http.Header
}

type ctxKey int

const (
	keyResponse ctxKey = iota
	keyIdempotency
)

// CaptureResponse returns a context that makes the calls it is passed to
// record their HTTP response in r. For an iteration, r describes the last
// page fetched.
func CaptureResponse(ctx context.Context, r *Response) context.Context {
	return context.WithValue(ctx, keyResponse, r)
}

// WithIdempotencyKey returns a context whose change calls (POST, PUT, PATCH,
// DELETE) carry key as their Idempotency-Key instead of a random one. Reuse
// a key to retry a call whose outcome is unknown (ErrPossiblyApplied)
// without applying it twice. A key is 1 to 255 characters.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyIdempotency, key)
}

// newIdempotencyKey returns a random key: 128 bits in hex.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// call is the state of one logical call across its attempts.
type call struct {
	c          *Client
	ctx        context.Context
	method     string
	path       string
	mutating   bool
	attempts   int
	start      time.Time
	ambiguous  bool          // an attempt of a change may have been applied
	nextWait   time.Duration // the wait before the next attempt
	deadlineRA time.Duration // a wait not started because of the deadline
	secrets    []string      // the Secret values of the request body

	decode   func([]byte) error // decodes a successful body; nil discards it
	wantBody bool               // a successful answer must have a body
	result   *Error             // why the last successful answer was unusable
	logged   int                // the attempt last logged
}

func (k *call) onAttempt(_ retryablehttp.Logger, _ *http.Request, i int) {
	k.attempts = i + 1
	k.start = time.Now()
}

func (k *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	// retryablehttp asks again after reading the body (readBody); log each
	// attempt once, and the second time only if the body failed.
	if k.logged != k.attempts || err != nil {
		k.log(resp, err)
		k.logged = k.attempts
	}
	if ctx.Err() != nil {
		return false, nil
	}
	var hint time.Duration
	var hinted bool
	var cut *cutBodyError
	if errors.As(err, &cut) {
		// The server answered success but its body was cut short. A GET
		// can simply ask again; a change was applied, and asking again
		// with its idempotency key replays the answer.
		k.ambiguous = k.ambiguous || k.mutating
	} else if err != nil {
		if k.mutating && !wasNotSent(err) {
			k.ambiguous = true
		}
		if !isRetryableError(err) {
			return false, nil
		}
	} else {
		if k.mutating && ambiguousStatus(resp.StatusCode) {
			k.ambiguous = true
		}
		if !retryableStatus(resp.StatusCode) {
			return false, nil
		}
		hint, hinted = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if k.attempts > k.c.retry.MaxRetries {
		k.deadlineRA = hint
		return false, nil
	}
	wait := backoff(k.c.retry, k.attempts-1)
	if hinted {
		wait = min(hint, k.c.retry.MaxWait)
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		k.deadlineRA = max(wait, hint)
		return false, nil
	}
	k.nextWait = wait
	if k.c.onWait != nil {
		k.c.onWait(wait)
	}
	return true, nil
}

func (k *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return k.nextWait
}

func passthrough(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err }

func (k *call) log(resp *http.Response, err error) {
	l := k.c.logger
	if l == nil || !l.Enabled(k.ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", k.method),
		slog.String("path", k.path),
		slog.Int("attempt", k.attempts),
		slog.Duration("duration", time.Since(k.start)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.String("request_id", k.scrub(resp.Header.Get("X-Request-Id"))))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", k.scrub(stripURL(err).Error())))
	}
	l.LogAttrs(k.ctx, slog.LevelDebug, "admin: attempt", attrs...)
}

// minSecretLen is the shortest value scrub removes: shorter header values
// are not credentials, and removing them would garble messages.
const minSecretLen = 8

// scrub removes every credential the client knows from s.
func (c *Client) scrub(s string) string {
	for _, sec := range c.auth.secrets {
		if len(sec) >= minSecretLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	if tok := c.auth.tokens.current(); len(tok) >= minSecretLen && strings.Contains(s, tok) {
		s = strings.ReplaceAll(s, tok, redacted)
	}
	return s
}

// scrub removes from s every credential the client knows and every Secret
// value of the call's request body (a password, a token), which a server
// may echo in an error message or a header.
func (k *call) scrub(s string) string {
	s = k.c.scrub(s)
	for _, sec := range k.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// secretsIn returns the Secret fields, long enough to scrub, of the struct
// body (or pointer to one) that a call sends.
func secretsIn(body any) []string {
	v := reflect.ValueOf(body)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == reflect.TypeFor[Secret]() && f.Len() >= minSecretLen {
			out = append(out, f.String())
		}
	}
	return out
}

// scrubError removes every credential the client knows, and every secret
// of the call's body, from the fields of e that come from the server, any
// of which may echo a request.
func (k *call) scrubError(e *Error) {
	e.Code, e.Message, e.Param, e.RequestID = k.scrub(e.Code), k.scrub(e.Message), k.scrub(e.Param), k.scrub(e.RequestID)
	if len(e.Fields) > 0 {
		fields := make(map[string]string, len(e.Fields))
		for name, v := range e.Fields {
			fields[k.scrub(name)] = k.scrub(v)
		}
		e.Fields = fields
	}
}

// object sends a call whose answer is one resource, and checks that the
// answer names it: a call returns either a whole resource or an error,
// never a half-decoded value with an error.
func object[T any](ctx context.Context, c *Client, method, path string, query url.Values, in any, id func(*T) string) (*T, error) {
	out := new(T)
	if err := c.do(ctx, method, path, query, in, out); err != nil {
		return nil, err
	}
	if id(out) == "" {
		return nil, c.invalidResult(method, path, "the answer has no id")
	}
	return out, nil
}

// do sends one logical call: method on path (relative to the base URL and
// already escaped) with query and a JSON body from in, and decodes a
// successful response into out. A nil out discards the body.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var decode func([]byte) error
	if out != nil {
		tried := false
		decode = func(body []byte) error {
			if tried { // a retry after a cut body: start from zero, not from its remains
				if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
					v.Elem().SetZero()
				}
			}
			tried = true
			return decodeWire(body, out)
		}
	}
	_, err := c.send(ctx, method, path, query, in, decode, out != nil)
	return err
}

// decodeJSON decodes the one JSON value body holds into out; anything but
// white space after it is an error.
func decodeJSON(body io.Reader, out any) error {
	dec := json.NewDecoder(body)
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// send is the one request path every call takes. decode reads a
// successful body, which is read whole first (up to the client's maximum
// response size); a nil decode leaves the body unread. wantBody says that
// a 204, an empty body or a JSON null is an error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, in any, decode func([]byte) error, wantBody bool) (*http.Response, error) {
	if ctx == nil {
		return nil, invalidParam("ctx", "context is nil")
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, invalidParam("body", err.Error())
		}
	}
	u := c.baseStr + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rawBody any
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u, rawBody)
	if err != nil {
		return nil, invalidParam("path", "cannot build request URL")
	}
	h := req.Header
	h["Accept"] = jsonContentType
	h["User-Agent"] = c.userAgent
	if body != nil {
		h["Content-Type"] = jsonContentType
	}
	if c.auth.header != nil {
		h["Authorization"] = c.auth.header
	}
	for k, vs := range c.auth.extra {
		h[k] = vs
	}
	k := &call{c: c, ctx: ctx, method: method, path: req.URL.EscapedPath(), secrets: secretsIn(in)}
	if method != http.MethodGet && method != http.MethodHead {
		k.mutating = true
		key, _ := ctx.Value(keyIdempotency).(string)
		if key == "" {
			key = newIdempotencyKey()
		} else if len(key) > 255 {
			return nil, invalidParam("idempotency key", "longer than 255 characters")
		} else if !validHeaderValue(key) {
			return nil, invalidParam("idempotency key", "contains control characters")
		}
		h["Idempotency-Key"] = []string{key}
	}
	rc := &retryablehttp.Client{
		HTTPClient:     c.hc,
		RetryMax:       c.retry.MaxRetries,
		RetryWaitMin:   c.retry.MinWait,
		RetryWaitMax:   c.retry.MaxWait,
		CheckRetry:     k.checkRetry,
		Backoff:        k.backoff,
		ErrorHandler:   passthrough,
		RequestLogHook: k.onAttempt,
	}
	if err := ctx.Err(); err != nil {
		return nil, c.transportError(k, err) // nothing sent
	}
	k.decode, k.wantBody = decode, wantBody
	req.SetResponseHandler(k.readBody)
	resp, err := rc.Do(req)
	var cut *cutBodyError
	if errors.As(err, &cut) && resp != nil { // still cut short when retries ran out
		return resp, c.invalidResponse(k, resp, cut.msg)
	}
	if err != nil {
		if resp != nil {
			drain(resp.Body)
		}
		return nil, c.transportError(k, err)
	}
	defer drain(resp.Body)
	if cap, ok := ctx.Value(keyResponse).(*Response); ok && cap != nil {
		*cap = Response{
			StatusCode: resp.StatusCode,
			RequestID:  resp.Header.Get("X-Request-Id"),
			Attempts:   k.attempts,
			Replayed:   resp.Header.Get("Idempotent-Replayed") == "true",
			Header:     resp.Header,
		}
		cap.RateLimit, _ = parseRateLimit(resp.Header)
	}
	if resp.StatusCode >= 300 {
		return resp, c.responseError(k, resp)
	}
	if k.result != nil {
		return resp, k.result
	}
	return resp, nil
}

// tooLarge describes a body over the size limit; it is built only when
// one is, not on every call.
func (c *Client) tooLarge() string {
	return fmt.Sprintf("body larger than %d bytes", c.maxResponse)
}

// cutBodyError is a successful answer whose body ended too early to decode:
// a dropped connection, or a proxy that truncated it. Unlike a body that is
// whole but wrong, it is worth asking for again.
type cutBodyError struct{ msg string }

func (e *cutBodyError) Error() string { return e.msg }

// bodyBuffers holds the buffers successful bodies are read into: a body is
// decoded before readBody returns, and nothing decoded refers to it.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// putBodyBuffer returns buf to bodyBuffers unless it grew too large to keep.
func putBodyBuffer(buf *[]byte) {
	if cap(*buf) > maxPooledBuffer {
		*buf = nil
	}
	*buf = (*buf)[:0]
	bodyBuffers.Put(buf)
}

// readAll appends what r holds to b. size, when positive, is the length
// the body says it has: b is grown to hold it at once, with a byte to
// spare to see the end without growing again.
func readAll(r io.Reader, b []byte, size int64) ([]byte, error) {
	if size > 0 && int64(cap(b)-len(b)) <= size {
		b = slices.Grow(b, int(size)+1)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// readBody reads and decodes a successful answer inside the retry loop, so
// that a body cut short is retried like a lost answer. Any other problem
// with the body is kept in k.result and ends the call.
func (k *call) readBody(resp *http.Response) error {
	c := k.c
	k.result = nil
	if resp.StatusCode >= 300 {
		return nil
	}
	if k.wantBody && (resp.StatusCode == http.StatusNoContent || resp.ContentLength == 0) {
		k.result = c.invalidResponse(k, resp, "no body where one was expected")
		return nil
	}
	if k.decode == nil {
		return nil
	}
	if resp.ContentLength > c.maxResponse {
		k.result = c.invalidResponse(k, resp, c.tooLarge())
		return nil
	}
	lr := &limitedReader{r: resp.Body, n: c.maxResponse}
	buf := bodyBuffers.Get().(*[]byte)
	defer putBodyBuffer(buf)
	data, err := readAll(lr, (*buf)[:0], resp.ContentLength)
	*buf = data
	switch {
	case err == nil:
	case k.ctx.Err() != nil:
		k.result = c.transportError(k, k.ctx.Err())
		return nil
	case lr.over:
		k.result = c.invalidResponse(k, resp, c.tooLarge())
		return nil
	default:
		return &cutBodyError{"reading the body: " + k.scrub(err.Error())}
	}
	if k.wantBody {
		switch trimmed := bytes.TrimSpace(data); {
		case len(trimmed) == 0:
			k.result = c.invalidResponse(k, resp, "no body where one was expected")
			return nil
		case string(trimmed) == "null":
			k.result = c.invalidResponse(k, resp, "null where a body was expected")
			return nil
		}
	}
	if err := k.decode(data); err != nil {
		var syntax *json.SyntaxError
		if errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syntax) && syntax.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n")))) {
			return &cutBodyError{"the body ends too early: " + k.scrub(err.Error())}
		}
		k.result = c.invalidResponse(k, resp, k.scrub(err.Error()))
	}
	return nil
}

var jsonContentType = []string{"application/json"}

// limitedReader reads at most n bytes and remembers if the source had more.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

var errBodyTooLarge = errors.New("response body too large")

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

// invalidResult is the error for a successful answer whose content
// contradicts the contract in a way only the caller of do can see, such
// as an object without its id; path is relative to the base URL and
// escaped, as given to do. A change may have been applied.
func (c *Client) invalidResult(method, path, msg string) *Error {
	return &Error{Method: method, Path: c.base.EscapedPath() + path, StatusCode: http.StatusOK, Message: msg,
		invalidResponse: true, PossiblyApplied: method != http.MethodGet && method != http.MethodHead}
}

func (c *Client) invalidResponse(k *call, resp *http.Response, msg string) *Error {
	e := c.baseError(k)
	e.StatusCode = resp.StatusCode
	e.RequestID = k.scrub(resp.Header.Get("X-Request-Id"))
	e.Message = k.scrub(msg)
	e.invalidResponse = true
	// The server answered success: a change was applied even though its
	// answer cannot be read.
	e.PossiblyApplied = k.mutating
	return e
}

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

// Ptr returns a pointer to v, for optional fields.
func Ptr[T any](v T) *T { return &v }

// escape escapes one path segment. An empty id, and "." or "..", which
// would name another path, are a caller's mistake.
func escape(field, v string) (string, error) {
	switch {
	case strings.TrimSpace(v) == "":
		return "", invalidParam(field, "must not be empty")
	case v == "." || v == "..":
		return "", invalidParam(field, "must not be a dot segment")
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", invalidParam(field, "must not contain control characters")
	}
	return url.PathEscape(v), nil
}
