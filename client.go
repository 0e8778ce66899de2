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

	"golang.org/x/oauth2"
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
	limiter     Limiter                    // nil without a rate limit
	scope       Scope
	observers   []Observer
	// ownHeader says that each retry needs the call's header afresh, as
	// an Observer, a token or a cookie jar adds to an attempt's.
	ownHeader bool
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
	c.hc = &http.Client{Transport: baseRT, Timeout: timeout, Jar: jar, CheckRedirect: checkRedirect}
	c.limiter = cfg.newLimiter()
	c.scope = newScope(c.baseStr, cfg)
	c.observers = cfg.observers
	c.ownHeader = len(c.observers) > 0 || c.auth.tokens != nil || jar != nil

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
	ctx        context.Context // the caller's, or the one the Observers returned
	method     string
	route      route
	path       string // the escaped path, for errors and logs
	body       []byte
	mutating   bool
	attempts   int // attempts begun: sent, or refused by the Limiter
	retries    int // attempts that were retries the policy counts
	refreshed  bool
	start      time.Time     // when the current attempt was sent
	ambiguous  bool          // an attempt of a change may have been applied
	deadlineRA time.Duration // a wait not started because of the deadline
	secrets    []string      // the Secret values of the request body
	tok        *oauth2.Token // the token the current attempt carried

	idempotencyKey []string  // the Idempotency-Key header of a change
	rl             RateLimit // the current attempt's answer's; zero when it had none

	decode   func([]byte) error // decodes a successful body; nil discards it
	wantBody bool               // a successful answer must have a body
	bodyErr  *Error             // why the last successful answer was unusable

	callStart time.Time       // with Observers: when StartCall was called
	actx      context.Context // with Observers: the current attempt's context
	last      *http.Response  // with Observers: the last answer
}

// refusedError is an attempt the Limiter did not let through; the call
// ends with it.
type refusedError struct{ error }

func (e refusedError) Unwrap() error { return e.error }

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
func object[T any](ctx context.Context, c *Client, method string, r route, query url.Values, in any, id func(*T) string) (*T, error) {
	out := new(T)
	err := c.doChecked(ctx, method, r, query, in, out, func() string {
		if id(out) == "" {
			return "the answer has no id"
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// do sends one logical call: method on r with query and a JSON body from
// in, and decodes a successful response into out. A nil out discards the
// body.
func (c *Client) do(ctx context.Context, method string, r route, query url.Values, in, out any) error {
	return c.doChecked(ctx, method, r, query, in, out, nil)
}

// doChecked is do with check, which describes what in the decoded out
// contradicts the contract, such as a missing id, or returns "". Such an
// answer fails the call with ErrInvalidResponse, as a malformed body does.
func (c *Client) doChecked(ctx context.Context, method string, r route, query url.Values, in, out any, check func() string) error {
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
			if err := decodeWire(body, out); err != nil {
				return err
			}
			if check != nil {
				if msg := check(); msg != "" {
					return contractError(msg)
				}
			}
			return nil
		}
	}
	var rawQuery string
	if len(query) > 0 {
		rawQuery = query.Encode()
	}
	return c.send(ctx, method, r, rawQuery, in, decode, out != nil)
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
//
// A call is a loop of attempts (attempt), each followed by the decision
// to make another (next) and the wait before it (sleep). The Observers
// see the call begin and end around the loop.
func (c *Client) send(ctx context.Context, method string, r route, rawQuery string, in any, decode func([]byte) error, wantBody bool) error {
	if ctx == nil {
		return invalidParam("ctx", "context is nil")
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return invalidParam("body", err.Error())
		}
	}
	u := c.baseStr + r.path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return invalidParam("path", "cannot build request URL")
	}
	k := &call{c: c, ctx: ctx, method: method, route: r, path: req.URL.EscapedPath(), body: body, secrets: secretsIn(in),
		decode: decode, wantBody: wantBody}
	if isChange(method) {
		k.mutating = true
		key, _ := ctx.Value(keyIdempotency).(string)
		if key == "" {
			key = newIdempotencyKey()
		} else if len(key) > 255 {
			return invalidParam("idempotency key", "longer than 255 characters")
		} else if !validHeaderValue(key) {
			return invalidParam("idempotency key", "contains control characters")
		}
		k.idempotencyKey = []string{key}
	}
	k.header(req.Header)
	if len(c.observers) > 0 {
		k.startCall() // each attempt is sent with the context they return for it
	}
	err = k.run(req)
	if len(c.observers) > 0 {
		k.endCall(err)
	}
	return err
}

// header writes the call's request header into h: what the Client sends
// with every request, and the call's own. Attempts whose header an
// Observer, a token or a cookie jar adds to get it afresh for each retry.
func (k *call) header(h http.Header) {
	c := k.c
	h["Accept"] = jsonContentType
	h["User-Agent"] = c.userAgent
	if k.body != nil {
		h["Content-Type"] = jsonContentType
	}
	if c.auth.header != nil {
		h["Authorization"] = c.auth.header
	}
	for name, vs := range c.auth.extra {
		h[name] = vs
	}
	if k.idempotencyKey != nil {
		h["Idempotency-Key"] = k.idempotencyKey
	}
}

// run makes the attempts of a call until one settles it, and returns the
// call's error.
func (k *call) run(req *http.Request) error {
	c := k.c
	if err := k.ctx.Err(); err != nil {
		return c.transportError(k, err) // nothing sent
	}
	for {
		resp, err := k.attempt(req)
		retry, wait, why := k.next(resp, err)
		k.endAttempt(resp, err, retry)
		if retry == "" {
			return k.result(resp, err)
		}
		if resp != nil {
			drain(resp.Body)
		}
		if err := k.sleep(wait, why); err != nil {
			return c.transportError(k, err)
		}
	}
}

// attempt makes one attempt: it waits for the Limiter, sends req with the
// credentials of the moment, tells the Limiter what the answer taught, and
// reads a successful answer's body. A body cut short is an error, to be
// retried; a body that is whole but unusable is kept in k.bodyErr.
func (k *call) attempt(req *http.Request) (*http.Response, error) {
	c := k.c
	k.attempts++
	if c.limiter != nil {
		var t0 time.Time
		if len(c.observers) > 0 {
			t0 = time.Now()
		}
		err := c.limiter.Wait(k.ctx, c.scope)
		k.waited(WaitLimiter, t0)
		if err != nil {
			return nil, refusedError{err}
		}
	}
	// The first attempt sends req itself, or with Observers a copy
	// carrying the context they return for the attempt: no one has sent
	// req's header yet, so whatever adds to it can. A retry sends a copy
	// with a fresh body, since the transport may still hold the one
	// before, and, when an Observer, a token or a cookie jar adds to the
	// header, with the call's header afresh.
	if k.attempts > 1 || len(c.observers) > 0 {
		h := req.Header
		if k.attempts > 1 && c.ownHeader {
			h = make(http.Header, len(req.Header))
			k.header(h)
		}
		var r *http.Request
		if len(c.observers) > 0 {
			r = req.WithContext(k.startAttempt(h))
		} else {
			cp := *req
			r = &cp
		}
		r.Header = h
		if k.attempts > 1 && req.GetBody != nil {
			r.Body, _ = req.GetBody() // a bytes.Reader's GetBody cannot fail
		}
		req = r
	}
	k.start = time.Now()
	resp, err := k.roundTrip(req)
	if err != nil {
		if c.limiter != nil {
			c.limiter.Observe(c.scope, Outcome{Err: err})
		}
		return nil, err
	}
	rl, ok := parseRateLimit(resp.Header)
	if ok {
		c.rateLimit.Store(&rl)
	}
	k.rl = rl
	if c.limiter != nil {
		o := Outcome{StatusCode: resp.StatusCode, RateLimit: rl}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			o.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		c.limiter.Observe(c.scope, o)
	}
	return resp, k.readBody(resp)
}

// roundTrip sends req with a token from the Client's token source, if it
// has one.
func (k *call) roundTrip(req *http.Request) (*http.Response, error) {
	if tokens := k.c.auth.tokens; tokens != nil {
		tok, err := tokens.token(req.Context())
		if err != nil {
			return nil, notSentError{err}
		}
		k.tok = tok
		req.Header["Authorization"] = []string{"Bearer " + tok.AccessToken}
	}
	return k.c.hc.Do(req)
}

// next decides whether another attempt follows the one that got resp or
// err, why, and how long to wait before it. It logs the attempt.
func (k *call) next(resp *http.Response, err error) (RetryReason, time.Duration, WaitReason) {
	k.log(resp, err)
	if k.ctx.Err() != nil {
		return "", 0, ""
	}
	var (
		hint   time.Duration
		hinted bool
		reason RetryReason
		cut    *cutBodyError
	)
	if _, refused := err.(refusedError); refused {
		return "", 0, ""
	}
	switch {
	case errors.As(err, &cut):
		// The server answered success but its body was cut short. A GET
		// can simply ask again; a change was applied, and asking again
		// with its idempotency key replays the answer.
		k.ambiguous = k.ambiguous || k.mutating
		reason = RetryCutBody
	case err != nil:
		if k.mutating && !wasNotSent(err) {
			k.ambiguous = true
		}
		if !isRetryableError(err) {
			return "", 0, ""
		}
		reason = RetryTransport
	case resp.StatusCode == http.StatusUnauthorized:
		if k.refreshToken() {
			return RetryUnauthorized, 0, ""
		}
		return "", 0, ""
	default:
		if k.mutating && ambiguousStatus(resp.StatusCode) {
			k.ambiguous = true
		}
		if !retryableStatus(resp.StatusCode) {
			return "", 0, ""
		}
		hint, hinted = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		reason = RetryStatus
	}
	if k.retries >= k.c.retry.MaxRetries {
		k.deadlineRA = hint
		return "", 0, ""
	}
	wait, why := backoff(k.c.retry, k.retries), WaitBackoff
	if hinted {
		wait, why = min(hint, k.c.retry.MaxWait), WaitRetryAfter
	}
	if dl, ok := k.ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		k.deadlineRA = max(wait, hint)
		return "", 0, ""
	}
	k.retries++
	return reason, wait, why
}

// refreshToken replaces a token the server refused before its expiry
// (revoked or rotated), once per call, and reports whether the call should
// send its request again with the fresh one.
func (k *call) refreshToken() bool {
	tok := k.tok
	if tok == nil || k.refreshed || (!tok.Expiry.IsZero() && !tok.Expiry.After(time.Now())) {
		return false
	}
	k.refreshed = true
	fresh, err := k.c.auth.tokens.refresh(k.ctx, tok)
	return err == nil && fresh.AccessToken != tok.AccessToken
}

// sleep waits d before the next attempt, or until the call's context ends.
func (k *call) sleep(d time.Duration, why WaitReason) error {
	if why == "" {
		return nil
	}
	var t0 time.Time
	if len(k.c.observers) > 0 {
		t0 = time.Now()
	}
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-k.ctx.Done():
			t.Stop()
			k.waited(why, t0)
			return k.ctx.Err()
		case <-t.C:
		}
	}
	k.waitedFor(why, d)
	return nil
}

// result is the call's error once its last attempt got resp or err.
func (k *call) result(resp *http.Response, err error) error {
	c := k.c
	if len(c.observers) > 0 {
		k.last = resp
	}
	var cut *cutBodyError
	if errors.As(err, &cut) && resp != nil { // still cut short when retries ran out
		return c.invalidResponse(k, resp, cut.msg)
	}
	if err != nil {
		return c.transportError(k, err)
	}
	defer drain(resp.Body)
	if cap, ok := k.ctx.Value(keyResponse).(*Response); ok && cap != nil {
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
		return c.responseError(k, resp)
	}
	if k.bodyErr != nil {
		return k.bodyErr
	}
	return nil
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
// with the body is kept in k.bodyErr and ends the call.
func (k *call) readBody(resp *http.Response) error {
	c := k.c
	k.bodyErr = nil
	if resp.StatusCode >= 300 {
		return nil
	}
	if k.wantBody && (resp.StatusCode == http.StatusNoContent || resp.ContentLength == 0) {
		k.bodyErr = c.invalidResponse(k, resp, "no body where one was expected")
		return nil
	}
	if k.decode == nil {
		return nil
	}
	if resp.ContentLength > c.maxResponse {
		k.bodyErr = c.invalidResponse(k, resp, c.tooLarge())
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
		k.bodyErr = c.transportError(k, k.ctx.Err())
		return nil
	case lr.over:
		k.bodyErr = c.invalidResponse(k, resp, c.tooLarge())
		return nil
	default:
		return &cutBodyError{"reading the body: " + k.scrub(err.Error())}
	}
	if k.wantBody {
		switch trimmed := bytes.TrimSpace(data); {
		case len(trimmed) == 0:
			k.bodyErr = c.invalidResponse(k, resp, "no body where one was expected")
			return nil
		case string(trimmed) == "null":
			k.bodyErr = c.invalidResponse(k, resp, "null where a body was expected")
			return nil
		}
	}
	if err := k.decode(data); err != nil {
		var syntax *json.SyntaxError
		if errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syntax) && syntax.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n")))) {
			return &cutBodyError{"the body ends too early: " + k.scrub(err.Error())}
		}
		k.bodyErr = c.invalidResponse(k, resp, k.scrub(err.Error()))
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

// Ptr returns a pointer to v, for optional fields.
func Ptr[T any](v T) *T { return &v }
