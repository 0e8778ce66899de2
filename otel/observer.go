package adminotel

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	admin "github.com/admin/api-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the Observer's tracer and
// meter.
const ScopeName = "github.com/admin/api-go/otel"

// The attributes this package adds to the semantic conventions.
const (
	// AttemptsKey is the number of attempts a call made (call spans).
	AttemptsKey = attribute.Key("admin.attempts")
	// RequestIDKey is the server's X-Request-Id: of the attempt's answer
	// on attempt spans, of the last answer on call spans.
	RequestIDKey = attribute.Key("admin.request_id")
	// ReplayedKey reports an answer from the server's idempotency store (call spans).
	ReplayedKey = attribute.Key("admin.replayed")
	// ErrorCodeKey is the server's machine-readable error code, such as
	// "not_found" or "rate_limited" (call and attempt spans).
	ErrorCodeKey = attribute.Key("admin.error.code")
	// RetryReasonKey says why another attempt followed: status,
	// transport, cut_body or token_refresh (attempt spans, retries metric).
	RetryReasonKey = attribute.Key("admin.retry.reason")
	// WaitReasonKey says why the client waited: backoff, retry_after or
	// limiter (wait events, wait metric).
	WaitReasonKey = attribute.Key("admin.wait.reason")
	// WaitDurationKey is how long a wait lasted, in seconds (wait events).
	WaitDurationKey = attribute.Key("admin.wait.duration")
	// WaitAttemptKey is the attempt a wait came before, 1 for the first
	// (wait events).
	WaitAttemptKey = attribute.Key("admin.wait.attempt")
)

// WaitEventName is the name of the span event that records a wait.
const WaitEventName = "admin.wait"

// Observer is an admin.Observer that records each call of a Client as
// OpenTelemetry spans and metrics. Pass it to admin.WithObserver. One
// Observer may watch many Clients; it is safe for concurrent use.
type Observer struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
	meter  metric.Meter
	inst   instruments

	mu      sync.RWMutex
	routes  map[routeKey]*route
	servers map[attribute.Distinct]*server
}

var _ admin.Observer = (*Observer)(nil)

// NewObserver returns an Observer that uses the global tracer and meter
// providers and propagator unless opts say otherwise. Its rate-limit
// gauges are reported by a callback it registers on its meter, for as
// long as the meter provider lives.
func NewObserver(opts ...Option) *Observer {
	c := newConfig(opts)
	o := &Observer{
		tracer: c.tracerProvider.Tracer(ScopeName,
			trace.WithInstrumentationVersion(admin.Version), trace.WithSchemaURL(semconv.SchemaURL)),
		meter: c.meterProvider.Meter(ScopeName,
			metric.WithInstrumentationVersion(admin.Version), metric.WithSchemaURL(semconv.SchemaURL)),
		prop:    c.propagators,
		routes:  make(map[routeKey]*route),
		servers: make(map[attribute.Distinct]*server),
	}
	o.inst = newInstruments(o.meter)
	o.observeBudgets()
	return o
}

// routeKey names the calls that share a route.
type routeKey struct{ method, template, baseURL string }

// route holds what every call of one method, template and server shares,
// computed once.
type route struct {
	name         string               // the span name, "GET /users/{id}"
	attrs        []attribute.KeyValue // method, url.template, server.address, server.port; read-only
	server       *server
	callStart    []trace.SpanStartOption
	attemptStart []trace.SpanStartOption // with attrs, for a sampled call
	attemptKind  []trace.SpanStartOption // without, for a call not sampled

	mu       sync.RWMutex
	outcomes map[outcome]*labels
}

// outcome is how an attempt, a call or a wait ended, as the metrics
// and spans label it besides its route.
type outcome struct {
	status  int                // http.response.status_code; 0 for none
	errType string             // error.type; "" for none
	reason  attribute.KeyValue // a wait's or a retry's reason; none if its key is ""
}

// labels are an outcome's attributes, computed once per route and
// outcome, as building an attribute set allocates.
type labels struct {
	attrs  []attribute.KeyValue // the outcome's own, not the route's; read-only
	record []metric.RecordOption
	add    []metric.AddOption
}

// maxOutcomes bounds a route's cache of outcomes: statuses, error types
// and reasons are few, but a server may answer any status.
const maxOutcomes = 64

// labels returns the labels of an outcome of r.
func (r *route) labels(o outcome) *labels {
	r.mu.RLock()
	l, ok := r.outcomes[o]
	r.mu.RUnlock()
	if ok {
		return l
	}
	var own []attribute.KeyValue
	if o.status > 0 {
		own = append(own, semconv.HTTPResponseStatusCode(o.status))
	}
	if o.errType != "" {
		own = append(own, semconv.ErrorTypeKey.String(o.errType))
	}
	if o.reason.Key != "" {
		own = append(own, o.reason)
	}
	opt := metric.WithAttributeSet(attribute.NewSet(append(r.attrs[:len(r.attrs):len(r.attrs)], own...)...))
	l = &labels{attrs: own, record: []metric.RecordOption{opt}, add: []metric.AddOption{opt}}
	r.mu.Lock()
	if len(r.outcomes) < maxOutcomes {
		r.outcomes[o] = l
	}
	r.mu.Unlock()
	return l
}

// maxRoutes bounds the cache of routes. The SDK's routes are a few dozen
// templates; past the bound a route is computed for each call.
const maxRoutes = 1024

// route returns the route of c, from the cache when it is there.
func (o *Observer) route(c admin.CallInfo) *route {
	k := routeKey{c.Method, c.Route, c.BaseURL}
	o.mu.RLock()
	r, ok := o.routes[k]
	o.mu.RUnlock()
	if ok {
		return r
	}
	r = newRoute(c)
	o.mu.Lock()
	r.server = o.serverLocked(serverAttrs(c.BaseURL))
	if len(o.routes) < maxRoutes {
		o.routes[k] = r
	}
	o.mu.Unlock()
	return r
}

// newRoute returns the route of c, without its server.
func newRoute(c admin.CallInfo) *route {
	method, known := knownMethods[c.Method]
	if !known {
		method = "_OTHER"
	}
	attrs := []attribute.KeyValue{semconv.HTTPRequestMethodKey.String(method)}
	if !known {
		attrs = append(attrs, semconv.HTTPRequestMethodOriginal(c.Method))
	}
	// The template is a path template ("/users/{id}"), never a path: the
	// SDK guarantees it, so no id or email reaches a name or a label.
	attrs = append(attrs, semconv.URLTemplate(c.Route))
	attrs = append(attrs, serverAttrs(c.BaseURL)...)
	name := method
	if !known {
		name = "HTTP"
	}
	if c.Route != "" {
		name += " " + c.Route
	}
	return &route{
		name:  name,
		attrs: attrs,
		// The logical call is an internal span: the semantic conventions
		// make each attempt sent over the wire the HTTP client span, and
		// advise against an encompassing client span. Its attributes are
		// set as it ends, with its outcome, in one step: the attempts
		// carry them from the start for samplers.
		callStart:    []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal)},
		attemptStart: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)},
		attemptKind:  []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)},
		outcomes:     make(map[outcome]*labels),
	}
}

// knownMethods maps the methods the semantic conventions know (RFC 9110's,
// PATCH and QUERY) to themselves.
var knownMethods = map[string]string{
	"CONNECT": "CONNECT", "DELETE": "DELETE", "GET": "GET", "HEAD": "HEAD", "OPTIONS": "OPTIONS",
	"PATCH": "PATCH", "POST": "POST", "PUT": "PUT", "QUERY": "QUERY", "TRACE": "TRACE",
}

// serverAttrs returns server.address and server.port of a base URL: its
// host and port, the scheme's default port when it names none. It never
// returns the URL's user information, path or query.
func serverAttrs(baseURL string) []attribute.KeyValue {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil
	}
	host, port := u.Hostname(), u.Port()
	n, err := strconv.Atoi(port)
	if err != nil {
		switch u.Scheme {
		case "http":
			n = 80
		case "https":
			n = 443
		default:
			return []attribute.KeyValue{semconv.ServerAddress(host)}
		}
	}
	return []attribute.KeyValue{semconv.ServerAddress(host), semconv.ServerPort(n)}
}

// callCtx is the context of a call, holding what the Observer keeps of
// it: one allocation for both. The methods of one call run one at a
// time, so it needs no lock.
type callCtx struct {
	context.Context
	route   *route
	span    trace.Span
	attempt trace.Span // the attempt in flight; nil between attempts
	carrier carrier    // writes the trace context into an attempt's header
}

// attrBuf holds the attributes set at the end of a span, which the SDK
// copies: a buffer from attrBufs spares them an allocation of their own,
// and spares an unsampled call the buffer.
type attrBuf [16]attribute.KeyValue

var attrBufs = sync.Pool{New: func() any { return new(attrBuf) }}

type ctxKey struct{}

// Value returns the call for ctxKey, and asks the parent for other keys.
func (c *callCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func callFrom(ctx context.Context) *callCtx {
	st, _ := ctx.Value(ctxKey{}).(*callCtx)
	return st
}

// StartCall starts the call's span, named after its method and route.
func (o *Observer) StartCall(ctx context.Context, c admin.CallInfo) context.Context {
	r := o.route(c)
	ctx, span := o.tracer.Start(ctx, r.name, r.callStart...)
	return &callCtx{Context: ctx, route: r, span: span}
}

// minLimiterWait is the shortest limiter wait recorded. The Client
// reports the time each Limiter.Wait took, a few microseconds when the
// Limiter lets the attempt through at once: that is no wait.
const minLimiterWait = time.Millisecond

// Waited adds the wait to the call's span as an event, and to the wait
// metric. A limiter's wait shorter than a millisecond is not recorded.
func (o *Observer) Waited(ctx context.Context, w admin.Wait) {
	st := callFrom(ctx)
	if st == nil || w.Duration <= 0 || w.Reason == admin.WaitLimiter && w.Duration < minLimiterWait {
		return
	}
	reason := waitReason(w.Reason)
	secs := w.Duration.Seconds()
	if st.span.IsRecording() {
		st.span.AddEvent(WaitEventName, trace.WithTimestamp(time.Now().Add(-w.Duration)),
			trace.WithAttributes(reason, WaitDurationKey.Float64(secs), WaitAttemptKey.Int(w.Attempt)))
	}
	o.inst.wait.Record(ctx, secs, st.route.labels(outcome{reason: reason}).record...)
}

// StartAttempt starts the attempt's span, a client span below the call's,
// and writes its trace context into the attempt's header.
func (o *Observer) StartAttempt(ctx context.Context, a admin.Attempt) context.Context {
	st := callFrom(ctx)
	if st == nil {
		return ctx
	}
	if st.attempt != nil { // an attempt that never ended
		st.attempt.End()
	}
	// The attempt's attributes go to the sampler with its start, as the
	// semantic conventions advise, when its call is sampled. An attempt
	// of a call that is not, which a sampler that follows its parent does
	// not sample either, is started without them, and gets them at once
	// if it is sampled all the same.
	sampled := st.span.IsRecording()
	opts := st.route.attemptKind
	if sampled {
		opts = st.route.attemptStart
		if a.Number > 1 {
			opts = append(opts[:len(opts):len(opts)], trace.WithAttributes(semconv.HTTPRequestResendCount(a.Number-1)))
		}
	}
	ctx, st.attempt = o.tracer.Start(ctx, st.route.name, opts...)
	if !sampled && st.attempt.IsRecording() {
		st.attempt.SetAttributes(st.route.attrs...)
		if a.Number > 1 {
			st.attempt.SetAttributes(semconv.HTTPRequestResendCount(a.Number - 1))
		}
	}
	if a.Header != nil {
		// Fields one by one: the spare of an earlier attempt is not
		// written again, as its request may still be in flight.
		st.carrier.h, st.carrier.first = a.Header, a.Number == 1
		o.prop.Inject(ctx, &st.carrier)
		st.carrier.h = nil
	}
	return ctx
}

// EndAttempt ends the attempt's span with its outcome, and records the
// attempt in the metrics.
func (o *Observer) EndAttempt(ctx context.Context, r admin.AttemptResult) {
	st := callFrom(ctx)
	if st == nil {
		return
	}
	var reason attribute.KeyValue
	if r.Retry != "" {
		reason = retryReason(r.Retry)
	}
	l := st.route.labels(outcome{status: r.StatusCode, errType: attemptErrorType(r)})
	if span := st.attempt; span != nil {
		st.attempt = nil
		if span.IsRecording() {
			buf := attrBufs.Get().(*attrBuf)
			attrs := append(buf[:0], l.attrs...)
			if reason.Key != "" {
				attrs = append(attrs, reason)
			}
			if r.RequestID != "" {
				attrs = append(attrs, RequestIDKey.String(r.RequestID))
			}
			setOutcome(span, attrs, r.StatusCode, r.Err)
			attrBufs.Put(buf)
		}
		span.End()
	}
	if r.RateLimit != (admin.RateLimit{}) {
		st.route.server.budget(r.RateLimit)
	}
	o.inst.attemptDuration.Record(ctx, r.Duration.Seconds(), l.record...)
	if r.StatusCode == 429 {
		o.inst.rateLimited.Add(ctx, 1, st.route.labels(outcome{}).add...)
	}
	if r.Retry != "" {
		o.inst.retries.Add(ctx, 1, st.route.labels(outcome{reason: reason}).add...)
	}
}

// EndCall ends the call's span with its outcome, and records the call in
// the metrics.
func (o *Observer) EndCall(ctx context.Context, r admin.CallResult) {
	st := callFrom(ctx)
	if st == nil {
		return
	}
	if st.attempt != nil { // an attempt that never ended
		st.attempt.End()
		st.attempt = nil
	}
	var et string
	if r.Err != nil {
		et = errorType(r.Err)
	}
	l := st.route.labels(outcome{status: r.StatusCode, errType: et})
	if span := st.span; span.IsRecording() {
		buf := attrBufs.Get().(*attrBuf)
		attrs := append(append(buf[:0], st.route.attrs...), AttemptsKey.Int(r.Attempts))
		if r.RequestID != "" {
			attrs = append(attrs, RequestIDKey.String(r.RequestID))
		}
		if r.Replayed {
			attrs = append(attrs, ReplayedKey.Bool(true))
		}
		setOutcome(span, append(attrs, l.attrs...), r.StatusCode, r.Err)
		attrBufs.Put(buf)
	}
	st.span.End()
	o.inst.callDuration.Record(ctx, r.Duration.Seconds(), l.record...)
}

// setOutcome sets the attributes of an outcome on span, with the
// server's error code if err has one, and marks a failed span (one with
// error.type) as such. The status carries no description when the status
// code says it all, and never the error's message, which may quote the
// request.
func setOutcome(span trace.Span, attrs []attribute.KeyValue, status int, err error) {
	if code := serverCode(err); code != "" {
		attrs = append(attrs, ErrorCodeKey.String(code))
	}
	span.SetAttributes(attrs...)
	var et string
	for _, kv := range attrs {
		if kv.Key == semconv.ErrorTypeKey {
			et = kv.Value.AsString()
		}
	}
	switch {
	case et == "":
	case status >= 400:
		span.SetStatus(codes.Error, "")
	default:
		span.SetStatus(codes.Error, et)
	}
}

var (
	waitReasons = map[admin.WaitReason]attribute.KeyValue{
		admin.WaitBackoff:    WaitReasonKey.String(string(admin.WaitBackoff)),
		admin.WaitRetryAfter: WaitReasonKey.String(string(admin.WaitRetryAfter)),
		admin.WaitLimiter:    WaitReasonKey.String(string(admin.WaitLimiter)),
	}
	retryReasons = map[admin.RetryReason]attribute.KeyValue{
		admin.RetryStatus:       RetryReasonKey.String(string(admin.RetryStatus)),
		admin.RetryTransport:    RetryReasonKey.String(string(admin.RetryTransport)),
		admin.RetryCutBody:      RetryReasonKey.String(string(admin.RetryCutBody)),
		admin.RetryUnauthorized: RetryReasonKey.String(string(admin.RetryUnauthorized)),
	}
)

func waitReason(r admin.WaitReason) attribute.KeyValue {
	if kv, ok := waitReasons[r]; ok {
		return kv
	}
	return WaitReasonKey.String(string(r))
}

func retryReason(r admin.RetryReason) attribute.KeyValue {
	if kv, ok := retryReasons[r]; ok {
		return kv
	}
	return RetryReasonKey.String(string(r))
}

// carrier is propagation.HeaderCarrier over an attempt's header h, which
// writes the propagators' keys in their canonical form without computing
// it for each attempt. The first attempt's traceparent value lives in
// spare, which the call holds anyway; a later attempt's gets a slice of
// its own, as the transport may still read the header before.
type carrier struct {
	h     http.Header
	first bool
	spare [1]string
}

func (c *carrier) Get(key string) string { return c.h.Get(key) }

func (c *carrier) Set(key, value string) {
	switch key {
	case "traceparent":
		if c.first {
			c.spare[0] = value
			c.h["Traceparent"] = c.spare[:]
			return
		}
		c.h["Traceparent"] = []string{value}
	case "tracestate":
		c.h["Tracestate"] = []string{value}
	case "baggage":
		c.h["Baggage"] = []string{value}
	default:
		c.h.Set(key, value)
	}
}

func (c *carrier) Keys() []string { return propagation.HeaderCarrier(c.h).Keys() }
