package adminotel

import (
	"context"
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
	// RequestIDKey is the server's X-Request-Id of the last answer (call spans).
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

	mu     sync.RWMutex
	routes map[routeKey]*route
}

var _ admin.Observer = (*Observer)(nil)

// NewObserver returns an Observer that uses the global tracer and meter
// providers and propagator unless opts say otherwise.
func NewObserver(opts ...Option) *Observer {
	c := newConfig(opts)
	o := &Observer{
		tracer: c.tracerProvider.Tracer(ScopeName,
			trace.WithInstrumentationVersion(admin.Version), trace.WithSchemaURL(semconv.SchemaURL)),
		meter: c.meterProvider.Meter(ScopeName,
			metric.WithInstrumentationVersion(admin.Version), metric.WithSchemaURL(semconv.SchemaURL)),
		prop:   c.propagators,
		routes: make(map[routeKey]*route),
	}
	o.inst = newInstruments(o.meter)
	return o
}

// routeKey names the calls that share a route.
type routeKey struct{ method, template, baseURL string }

// route holds what every call of one method, template and server shares,
// computed once.
type route struct {
	name         string               // the span name, "GET /users/{id}"
	attrs        []attribute.KeyValue // method, url.template, server.address, server.port; read-only
	set          attribute.Set        // attrs as a set, for metrics
	callStart    []trace.SpanStartOption
	attemptStart []trace.SpanStartOption
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
	if len(o.routes) < maxRoutes {
		o.routes[k] = r
	}
	o.mu.Unlock()
	return r
}

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
		set:   attribute.NewSet(attrs...),
		// The logical call is an internal span: the semantic conventions
		// make each attempt sent over the wire the HTTP client span, and
		// advise against an encompassing client span.
		callStart:    []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...)},
		attemptStart: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)},
	}
}

// knownMethods maps the methods of RFC 9110 and PATCH to themselves.
var knownMethods = map[string]string{
	"CONNECT": "CONNECT", "DELETE": "DELETE", "GET": "GET", "HEAD": "HEAD", "OPTIONS": "OPTIONS",
	"PATCH": "PATCH", "POST": "POST", "PUT": "PUT", "TRACE": "TRACE",
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

// callState is what the Observer keeps of one call, in its context. The
// methods of one call run one at a time, so it needs no lock.
type callState struct {
	route   *route
	span    trace.Span
	attempt trace.Span // the attempt in flight; nil between attempts
}

type ctxKey struct{}

func callFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(ctxKey{}).(*callState)
	return st
}

// StartCall starts the call's span, named after its method and route.
func (o *Observer) StartCall(ctx context.Context, c admin.CallInfo) context.Context {
	r := o.route(c)
	ctx, span := o.tracer.Start(ctx, r.name, r.callStart...)
	return context.WithValue(ctx, ctxKey{}, &callState{route: r, span: span})
}

// Waited adds the wait to the call's span as an event, and to the wait
// metric. A wait of zero is not recorded.
func (o *Observer) Waited(ctx context.Context, w admin.Wait) {
	st := callFrom(ctx)
	if st == nil || w.Duration <= 0 {
		return
	}
	reason := waitReason(w.Reason)
	secs := w.Duration.Seconds()
	if st.span.IsRecording() {
		st.span.AddEvent(WaitEventName, trace.WithTimestamp(time.Now().Add(-w.Duration)),
			trace.WithAttributes(reason, WaitDurationKey.Float64(secs), WaitAttemptKey.Int(w.Attempt)))
	}
	o.inst.wait.Record(ctx, secs, metric.WithAttributes(append(st.route.attrs[:len(st.route.attrs):len(st.route.attrs)], reason)...))
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
	opts := st.route.attemptStart
	if a.Number > 1 {
		opts = append(opts[:len(opts):len(opts)], trace.WithAttributes(semconv.HTTPRequestResendCount(a.Number-1)))
	}
	ctx, st.attempt = o.tracer.Start(ctx, st.route.name, opts...)
	if a.Header != nil {
		o.prop.Inject(ctx, propagation.HeaderCarrier(a.Header))
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
	et := attemptErrorType(r)
	if span := st.attempt; span != nil {
		st.attempt = nil
		if span.IsRecording() {
			if r.StatusCode > 0 {
				span.SetAttributes(semconv.HTTPResponseStatusCode(r.StatusCode))
			}
			if r.Retry != "" {
				span.SetAttributes(retryReason(r.Retry))
			}
			setError(span, et, r.StatusCode, r.Err)
		}
		span.End()
	}
	attrs := st.route.attrs
	o.inst.attemptDuration.Record(ctx, r.Duration.Seconds(), outcomeAttrs(attrs, r.StatusCode, et))
	if r.StatusCode == 429 {
		o.inst.rateLimited.Add(ctx, 1, metric.WithAttributeSet(st.route.set))
	}
	if r.Retry != "" {
		o.inst.retries.Add(ctx, 1, metric.WithAttributes(append(attrs[:len(attrs):len(attrs)], retryReason(r.Retry))...))
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
	if span := st.span; span.IsRecording() {
		span.SetAttributes(AttemptsKey.Int(r.Attempts))
		if r.StatusCode > 0 {
			span.SetAttributes(semconv.HTTPResponseStatusCode(r.StatusCode))
		}
		if r.RequestID != "" {
			span.SetAttributes(RequestIDKey.String(r.RequestID))
		}
		if r.Replayed {
			span.SetAttributes(ReplayedKey.Bool(true))
		}
		setError(span, et, r.StatusCode, r.Err)
	}
	st.span.End()
	o.inst.callDuration.Record(ctx, r.Duration.Seconds(), outcomeAttrs(st.route.attrs, r.StatusCode, et))
}

// setError marks span as failed with error type et, if et is not empty,
// and adds the server's error code. The status carries no description
// when the status code says it all, and never the error's message, which
// may quote the request.
func setError(span trace.Span, et string, status int, err error) {
	if et == "" {
		return
	}
	span.SetAttributes(semconv.ErrorTypeKey.String(et))
	if code := serverCode(err); code != "" {
		span.SetAttributes(ErrorCodeKey.String(code))
	}
	if status >= 400 {
		span.SetStatus(codes.Error, "")
	} else {
		span.SetStatus(codes.Error, et)
	}
}

// outcomeAttrs returns the metric attributes of an attempt or a call: the
// route's, the status code if any, and error.type if any.
func outcomeAttrs(base []attribute.KeyValue, status int, et string) metric.MeasurementOption {
	attrs := base[:len(base):len(base)]
	if status > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(status))
	}
	if et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	return metric.WithAttributes(attrs...)
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
