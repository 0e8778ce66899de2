// Package contracttest checks HTTP traffic against the Admin API's OpenAPI
// document (api/openapi.yaml, embedded as api.Spec) with kin-openapi's
// openapi3filter. It is test support: import it only from _test.go files.
//
// Wrap the in-memory server with Middleware, or the SDK's HTTP client with
// Transport; every violation of the contract is reported with t.Errorf,
// naming the method, path and status, and carrying kin-openapi's error.
//
// What is checked:
//   - the route: a request to a path and method the document does not
//     describe is a violation (unless Options.AllowUnknownRoutes);
//   - requests (Middleware with Options.Requests, Transport always):
//     parameters, headers such as Idempotency-Key, JSON and form-encoded
//     bodies (closed with additionalProperties: false in the document), and
//     the presence of credentials: a bearer token for bearerAuth and oauth2,
//     Basic credentials for clientBasic. Tokens are not verified;
//   - responses (Middleware always, Transport with Options.Responses): the
//     status must be documented for the operation (unless
//     Options.AllowUndocumentedStatus), required headers present and valid,
//     the Content-Type one the document lists, the body valid against its
//     schema. Unless Options.AllowUnknownFields, response objects are
//     closed: a field the document does not describe is a violation, so a
//     server cannot drift from the contract by adding fields. (The published
//     document leaves response objects open, since clients must ignore
//     unknown fields.)
//
// Bodies are buffered completely and restored, so the real handler and the
// real client see them unchanged, whatever their size. Middleware holds each
// response back until the handler returns and the response is checked, and
// Transport checks before RoundTrip returns, so a violation is recorded
// before the client sees the response: assertions made after a call see it.
// (Streaming is lost: a handler's Flush does nothing.)
//
// Typical use, in a _test.go file:
//
//	srv := httptest.NewServer(contracttest.Middleware(t, contracttest.Options{Requests: true})(handler))
//	defer srv.Close()
//	client := &http.Client{Transport: contracttest.Transport(t, nil, contracttest.Options{Responses: true})}
//	// ... point the SDK at srv.URL + "/v1" with client
//
// Fault injection (HTML 502 pages, dropped connections, slow bodies) is meant
// to be off in contract runs. The document does describe HTML bodies for 502
// and 503, so such responses pass; HTML on any other status is a violation.
package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/admin/api-go/api"
)

// Options tunes what Middleware and Transport check. The zero value is the
// strictest sensible setting for a contract run of the server (Middleware
// validates responses only) or the client (Transport validates requests only).
type Options struct {
	// Requests makes Middleware validate every request as well as every
	// response. Leave it off in tests that send invalid requests on purpose
	// (unknown fields, missing tokens) to check the server rejects them.
	Requests bool

	// Responses makes Transport validate every response as well as every
	// request.
	Responses bool

	// Mount is the path prefix at which the API's /v1 is served, when it is
	// not /v1: "/" for an API mounted at the root (a Kong-style base URL
	// such as https://kong.example:8001/), "/api/v1" for one mounted
	// there. Empty means "/v1", the document's own prefix. Hosts and ports
	// never matter.
	Mount string

	// AllowUnknownFields keeps response objects open, as the published
	// document has them: fields it does not describe are then accepted.
	AllowUnknownFields bool

	// AllowUndocumentedStatus accepts a response whose status the document
	// does not list for the operation; its body is then not checked.
	AllowUndocumentedStatus bool

	// AllowUnknownRoutes accepts requests to paths or methods the document
	// does not describe (for tests that probe 404 or 405 on purpose);
	// nothing is checked for them.
	AllowUnknownRoutes bool

	// SkipSecurity accepts requests without credentials.
	SkipSecurity bool
}

// checker validates traffic against one loaded copy of the document.
type checker struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	loadOnce           sync.Once
	openDoc, closedDoc *checker
	errLoad            error
)

// load parses api.Spec once per process into two checkers: one with the
// document as published, one whose response objects are closed.
func load() (open, closed *checker, err error) {
	loadOnce.Do(func() {
		// The fault injector's HTML pages (502, 503) are documented as
		// text/html strings, which kin-openapi has no decoder for.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		if openDoc, errLoad = newChecker(false); errLoad != nil {
			return
		}
		closedDoc, errLoad = newChecker(true)
	})
	return openDoc, closedDoc, errLoad
}

func newChecker(closeObjects bool) (*checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	if err != nil {
		return nil, fmt.Errorf("contracttest: loading api/openapi.yaml: %w", err)
	}
	if !closeObjects {
		// Both copies come from the same bytes: validate once. Examples
		// are left out: api's tests and redocly check them against the
		// open schemas, this package's tests against the closed ones, and
		// checking them here would slow every test binary that loads the
		// document.
		if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
			return nil, fmt.Errorf("contracttest: api/openapi.yaml is invalid: %w", err)
		}
	} else {
		closeResponseObjects(doc)
	}
	// Paths carry /v1 and the test servers listen on any host and port:
	// without servers the router matches the path alone.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contracttest: building the router: %w", err)
	}
	return &checker{doc: doc, router: router}, nil
}

// closeResponseObjects sets additionalProperties: false on every object
// schema that lists properties and says nothing about additional ones.
// Request bodies are closed in the document already, so closing every such
// schema closes exactly the response objects. Free-form objects (no
// properties, such as an audit event's metadata) stay open.
func closeResponseObjects(doc *openapi3.T) {
	seen := make(map[*openapi3.Schema]bool)
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		ap := &s.AdditionalProperties
		if len(s.Properties) > 0 && ap.Has == nil && ap.Schema == nil {
			closed := false
			ap.Has = &closed
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(ap.Schema)
		walk(s.Not)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, sub := range list {
				walk(sub)
			}
		}
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
	walkContent := func(content openapi3.Content) {
		for _, mt := range content {
			if mt != nil {
				walk(mt.Schema)
			}
		}
	}
	for _, ref := range doc.Components.Responses {
		if ref.Value != nil {
			walkContent(ref.Value.Content)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, ref := range op.Responses.Map() {
				if ref.Value != nil {
					walkContent(ref.Value.Content)
				}
			}
		}
	}
}

// mustLoad returns the checker opts asks for, failing t if the document
// cannot be loaded.
func mustLoad(t testing.TB, opts Options) *checker {
	t.Helper()
	open, closed, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if opts.AllowUnknownFields {
		return open
	}
	return closed
}

// filterOptions are the openapi3filter options for opts.
func (opts Options) filterOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		IncludeResponseStatus: !opts.AllowUndocumentedStatus,
		// Never rewrite the request with default values: the real handler
		// must see what the client sent.
		SkipSettingDefaults: true,
		MultiError:          true,
		AuthenticationFunc:  credentialsPresent,
	}
	if opts.SkipSecurity {
		o.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	}
	o.WithCustomSchemaErrorFunc(schemaErrorMessage)
	return o
}

// schemaErrorMessage shortens kin-openapi's schema errors to the path, the
// reason and the value, leaving out the dump of the schema.
func schemaErrorMessage(err *openapi3.SchemaError) string {
	if err.Origin != nil {
		return "" // kin-openapi's message: the path, then the origin's messages
	}
	reason := err.Reason
	if reason == "" {
		reason = fmt.Sprintf("doesn't match schema keyword %q", err.SchemaField)
	}
	if !strings.HasPrefix(strings.ToLower(reason), "error at ") {
		reason = fmt.Sprintf("at %q: %s", "/"+strings.Join(err.JSONPointer(), "/"), reason)
	}
	value, merr := json.Marshal(err.Value)
	if merr != nil {
		value = []byte(fmt.Sprint(err.Value))
	}
	if len(value) > 200 {
		value = append(value[:200:200], "..."...)
	}
	return fmt.Sprintf("%s (value: %s)", reason, value)
}

// credentialsPresent accepts any credentials of the scheme's kind without
// verifying them: the contract run checks the wire format, not the keys.
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	req := in.RequestValidationInput.Request
	scheme := in.SecurityScheme
	switch {
	case scheme == nil:
		return in.NewError(errors.New("unknown security scheme"))
	case scheme.Type == "oauth2" || (scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer")):
		if token, ok := cutAuthorization(req, "Bearer"); !ok || token == "" {
			return in.NewError(errors.New("no bearer token in the Authorization header"))
		}
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "basic"):
		if _, _, ok := req.BasicAuth(); !ok {
			return in.NewError(errors.New("no Basic credentials in the Authorization header"))
		}
	case scheme.Type == "apiKey":
		var present bool
		switch scheme.In {
		case "header":
			present = req.Header.Get(scheme.Name) != ""
		case "query":
			present = req.URL.Query().Has(scheme.Name)
		case "cookie":
			_, err := req.Cookie(scheme.Name)
			present = err == nil
		}
		if !present {
			return in.NewError(fmt.Errorf("no %s %q", scheme.In, scheme.Name))
		}
	default:
		return in.NewError(fmt.Errorf("unsupported security scheme type %q", scheme.Type))
	}
	return nil
}

// cutAuthorization returns the credentials of the Authorization header if
// it uses the given scheme (compared case-insensitively, RFC 9110 11.1).
func cutAuthorization(req *http.Request, scheme string) (string, bool) {
	h := req.Header.Get("Authorization")
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) || h[len(scheme)] != ' ' {
		return "", false
	}
	return strings.TrimSpace(h[len(scheme)+1:]), true
}

// exchange is one request and its response, with fully buffered bodies.
type exchange struct {
	req     *http.Request // never read from: its body may be gone
	reqBody []byte

	status     int
	header     http.Header
	respBody   []byte
	noResponse bool
}

// route finds the operation of req, a request whose body must not be read.
// The returned request is a copy whose path is the document's (/v1/...),
// with its own reader over body.
func (c *checker) route(req *http.Request, body []byte, opts Options) (*http.Request, *routers.Route, map[string]string, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		r.Body = http.NoBody
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	if r.URL == nil {
		r.URL = &url.URL{}
	}
	if mount := strings.TrimSuffix(opts.Mount, "/"); opts.Mount != "" && mount != "/v1" {
		path := r.URL.Path
		if !strings.HasPrefix(path, mount+"/") && path != mount {
			return r, nil, nil, fmt.Errorf("path is not under the mount point %q", opts.Mount)
		}
		u := *r.URL
		u.Path = "/v1" + strings.TrimPrefix(path, mount)
		u.RawPath = ""
		r.URL = &u
	}
	route, params, err := c.router.FindRoute(r)
	return r, route, params, err
}

// check validates ex and reports violations on t. With checkRequest the
// request is validated; with checkResponse the response is.
func (c *checker) check(t testing.TB, opts Options, ex *exchange, checkRequest, checkResponse bool) {
	where := fmt.Sprintf("%s %s", ex.req.Method, ex.req.URL.RequestURI())
	if !ex.noResponse {
		where += fmt.Sprintf(" -> %d", ex.status)
	}
	r, route, params, err := c.route(ex.req, ex.reqBody, opts)
	if err != nil {
		if !opts.AllowUnknownRoutes {
			t.Errorf("contracttest: %s: no such operation in api/openapi.yaml: %v", where, err)
		}
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    opts.filterOptions(),
	}
	ctx := context.Background()
	if checkRequest {
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			t.Errorf("contracttest: %s (%s): request violates api/openapi.yaml: %v", where, route.Operation.OperationID, err)
		}
	}
	if !checkResponse || ex.noResponse {
		return
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 ex.status,
		Header:                 ex.header,
		Options:                input.Options,
	}
	out.SetBodyBytes(ex.respBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("contracttest: %s (%s): response violates api/openapi.yaml: %v", where, route.Operation.OperationID, err)
	}
}

// readBody reads and closes b, which may be nil.
func readBody(b io.ReadCloser) ([]byte, error) {
	if b == nil || b == http.NoBody {
		return nil, nil
	}
	defer b.Close()
	return io.ReadAll(b)
}

// Middleware returns an http middleware that validates every response (and,
// if opts.Requests, every request) passing through it against
// api/openapi.yaml, reporting each violation with t.Errorf: the method, the
// path, the status, the operation and the kin-openapi error. The request and
// response pass through unchanged; bodies are buffered completely for the
// check. The document is loaded once per process; if it cannot be, t fails
// at once (call Middleware from the test's goroutine).
func Middleware(t testing.TB, opts Options) func(http.Handler) http.Handler {
	t.Helper()
	c := mustLoad(t, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := readBody(r.Body)
			if err != nil {
				t.Errorf("contracttest: %s %s: reading the request body: %v", r.Method, r.URL.RequestURI(), err)
			}
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			ex := &exchange{req: r.Clone(r.Context()), reqBody: body}
			rec := &recorder{w: w}
			next.ServeHTTP(rec, r)
			rec.finish()
			if r.Context().Err() != nil {
				// The client went away before the answer: nothing reaches
				// anyone, so there is nothing to hold to the contract.
				rec.send()
				return
			}
			ex.status, ex.header, ex.respBody = rec.status, rec.header, rec.body.Bytes()
			// Check before the client gets the response, so that a test
			// asserting after its call already sees the violations.
			c.check(t, opts, ex, opts.Requests, true)
			rec.send()
		})
	}
}

// recorder holds a response back from the real ResponseWriter until it is
// complete and checked. Flush does nothing: the response is sent at once
// when the handler returns.
type recorder struct {
	w      http.ResponseWriter
	status int
	header http.Header // snapshot taken with the status
	body   bytes.Buffer
}

// Header returns the real ResponseWriter's header map: nothing is sent
// before the handler returns.
func (r *recorder) Header() http.Header { return r.w.Header() }

// WriteHeader records the status and a snapshot of the headers. Later
// calls are ignored, as net/http ignores them. Informational (1xx) statuses
// other than 101 are passed on at once.
func (r *recorder) WriteHeader(status int) {
	if r.header != nil {
		return
	}
	if status >= 100 && status <= 199 && status != http.StatusSwitchingProtocols {
		r.w.WriteHeader(status)
		return
	}
	r.status = status
	r.header = r.w.Header().Clone()
}

// Write records p, recording a 200 status first if none was.
func (r *recorder) Write(p []byte) (int, error) {
	if r.header == nil {
		if _, set := r.w.Header()["Content-Type"]; !set && len(p) > 0 {
			// net/http would sniff the type from the first write.
			r.w.Header().Set("Content-Type", http.DetectContentType(p))
		}
		r.WriteHeader(http.StatusOK)
	}
	return r.body.Write(p)
}

// Flush does nothing: the response is held back until it is checked.
func (r *recorder) Flush() {}

// finish records the 200 net/http would answer if the handler wrote nothing.
func (r *recorder) finish() {
	if r.header == nil {
		r.WriteHeader(http.StatusOK)
	}
}

// send writes the recorded response to the real ResponseWriter, with the
// headers as they were when the status was written (net/http ignores later
// changes).
func (r *recorder) send() {
	h := r.w.Header()
	for k := range h {
		if _, ok := r.header[k]; !ok {
			delete(h, k)
		}
	}
	for k, v := range r.header {
		h[k] = v
	}
	r.w.WriteHeader(r.status)
	_, _ = r.w.Write(r.body.Bytes())
}

// Transport wraps an http.RoundTripper (http.DefaultTransport if base is
// nil) on the client side and validates every request it sends (and the
// response it gets, if opts.Responses) against api/openapi.yaml, reporting
// each violation with t.Errorf. Requests and responses reach the base
// transport and the caller unchanged; bodies are buffered completely for the
// check. The document is loaded once per process; if it cannot be, t fails
// at once (call Transport from the test's goroutine).
func Transport(t testing.TB, base http.RoundTripper, opts Options) http.RoundTripper {
	t.Helper()
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{t: t, base: base, opts: opts, c: mustLoad(t, opts)}
}

type transport struct {
	t    testing.TB
	base http.RoundTripper
	opts Options
	c    *checker
}

// RoundTrip validates req, sends a copy of it with the buffered body through
// the base transport and, if asked to, validates the response.
func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req.Body)
	if err != nil {
		return nil, fmt.Errorf("contracttest: reading the request body: %w", err)
	}
	send := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		send.Body = io.NopCloser(bytes.NewReader(body))
		send.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	ex := &exchange{req: req, reqBody: body, noResponse: true}

	resp, err := tr.base.RoundTrip(send)
	if err != nil || resp == nil {
		tr.c.check(tr.t, tr.opts, ex, true, false)
		return resp, err
	}
	resp.Request = req
	if tr.opts.Responses && req.Method != http.MethodHead {
		data, rerr := readBody(resp.Body)
		if rerr != nil {
			// Let the caller meet the error where it would have: reading
			// the body, after the bytes that did arrive.
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{rerr}))
			tr.t.Logf("contracttest: %s %s -> %d: response not checked: reading its body: %v", req.Method, req.URL.RequestURI(), resp.StatusCode, rerr)
			tr.c.check(tr.t, tr.opts, ex, true, false)
			return resp, nil
		}
		resp.Body = io.NopCloser(bytes.NewReader(data))
		ex.noResponse = false
		ex.status, ex.header, ex.respBody = resp.StatusCode, resp.Header, data
	}
	tr.c.check(tr.t, tr.opts, ex, true, tr.opts.Responses)
	return resp, nil
}

// errReader fails every Read with err.
type errReader struct{ err error }

// Read returns the reader's error.
func (e errReader) Read([]byte) (int, error) { return 0, e.err }
