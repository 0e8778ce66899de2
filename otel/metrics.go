package adminotel

import (
	"context"
	"errors"
	"sync"

	admin "github.com/admin/api-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
)

// The names of the metrics this package records besides the semantic
// conventions' http.client.request.duration.
const (
	CallDurationMetric       = "admin.client.call.duration"
	RetriesMetric            = "admin.client.retries"
	RateLimitedMetric        = "admin.client.rate_limited"
	WaitDurationMetric       = "admin.client.wait.duration"
	RateLimitRemainingMetric = "admin.client.rate_limit.remaining"
	RateLimitLimitMetric     = "admin.client.rate_limit.limit"
)

// durationBuckets are the semantic conventions' advised bucket boundaries
// of http.client.request.duration, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// waitBuckets reach further than durationBuckets: a Retry-After or a
// limiter's wait lasts up to minutes.
var waitBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// instruments are an Observer's metric instruments.
type instruments struct {
	attemptDuration metric.Float64Histogram
	callDuration    metric.Float64Histogram
	wait            metric.Float64Histogram
	retries         metric.Int64Counter
	rateLimited     metric.Int64Counter
	remaining       metric.Int64ObservableGauge
	limit           metric.Int64ObservableGauge
}

// newInstruments creates the instruments on m. An instrument m refuses is
// reported to otel.Handle and replaced by one that records nothing, as
// instrumentation must not fail the program it watches.
func newInstruments(m metric.Meter) instruments {
	var errs []error
	attempt, err := httpconv.NewClientRequestDuration(m)
	if err != nil {
		errs = append(errs, err)
	}
	i := instruments{
		attemptDuration: attempt.Inst(),
		callDuration: histogram(m, &errs, CallDurationMetric,
			"Duration of logical calls of the Admin API client, from the first attempt to the last answer, waits and retries included.",
			durationBuckets),
		wait: histogram(m, &errs, WaitDurationMetric,
			"Time the Admin API client waited before an attempt: backoff, Retry-After or its rate limiter.",
			waitBuckets),
		retries: counter(m, &errs, RetriesMetric,
			"Attempts of the Admin API client that were followed by another, by reason.", "{retry}"),
		rateLimited: counter(m, &errs, RateLimitedMetric,
			"Answers 429 Too Many Requests the Admin API client received.", "{response}"),
		remaining: gauge(m, &errs, RateLimitRemainingMetric,
			"Requests left in the server's current rate-limit window, as its latest answer told."),
		limit: gauge(m, &errs, RateLimitLimitMetric,
			"Requests the server allows per minute, as its latest answer told."),
	}
	if err := errors.Join(errs...); err != nil {
		otel.Handle(err)
	}
	return i
}

// histogram returns a histogram in seconds, or a no-op one when m refuses.
func histogram(m metric.Meter, errs *[]error, name, desc string, buckets []float64) metric.Float64Histogram {
	h, err := m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(buckets...))
	if err != nil || h == nil {
		*errs = append(*errs, err)
		h, _ = noop.Meter{}.Float64Histogram(name)
	}
	return h
}

// counter returns a counter, or a no-op one when m refuses.
func counter(m metric.Meter, errs *[]error, name, desc, unit string) metric.Int64Counter {
	c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit(unit))
	if err != nil || c == nil {
		*errs = append(*errs, err)
		c, _ = noop.Meter{}.Int64Counter(name)
	}
	return c
}

// gauge returns an observable gauge of requests, or a no-op one when m
// refuses.
func gauge(m metric.Meter, errs *[]error, name, desc string) metric.Int64ObservableGauge {
	g, err := m.Int64ObservableGauge(name, metric.WithDescription(desc), metric.WithUnit("{request}"))
	if err != nil || g == nil {
		*errs = append(*errs, err)
		g, _ = noop.Meter{}.Int64ObservableGauge(name)
	}
	return g
}

// server is what an Observer keeps of one server (server.address and
// server.port): its rate budget, as the latest answer from it told.
type server struct {
	attrs metric.ObserveOption

	mu        sync.Mutex
	seen      bool // an answer carried X-RateLimit-* headers
	limit     int
	remaining int
}

// budget keeps rl as the server's latest.
func (s *server) budget(rl admin.RateLimit) {
	s.mu.Lock()
	s.seen, s.limit, s.remaining = true, rl.Limit, rl.Remaining
	s.mu.Unlock()
}

// read returns the server's latest budget, and false before any.
func (s *server) read() (limit, remaining int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit, s.remaining, s.seen
}

// maxServers bounds the servers an Observer reports budgets of.
const maxServers = 256

// serverLocked returns the server whose attributes are attrs, adding it
// if there is room; o.mu is held. Past the bound, the server's budget is
// kept but not reported.
func (o *Observer) serverLocked(attrs []attribute.KeyValue) *server {
	set := attribute.NewSet(attrs...)
	if s, ok := o.servers[set.Equivalent()]; ok {
		return s
	}
	s := &server{attrs: metric.WithAttributeSet(set)}
	if len(o.servers) < maxServers {
		o.servers[set.Equivalent()] = s
	}
	return s
}

// observeBudgets reports, each time the meter collects, the rate budget
// of every server the Observer has had an answer with X-RateLimit-*
// headers from. A meter that refuses the callback is reported to
// otel.Handle.
func (o *Observer) observeBudgets() {
	_, err := o.meter.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		o.mu.RLock()
		defer o.mu.RUnlock()
		for _, s := range o.servers {
			if limit, remaining, ok := s.read(); ok {
				ob.ObserveInt64(o.inst.remaining, int64(remaining), s.attrs)
				ob.ObserveInt64(o.inst.limit, int64(limit), s.attrs)
			}
		}
		return nil
	}, o.inst.remaining, o.inst.limit)
	if err != nil {
		otel.Handle(err)
	}
}

// ObserveRateLimit reports c's rate budget as the gauges
// admin.client.rate_limit.remaining and admin.client.rate_limit.limit,
// read from c.RateLimit each time the meter collects, with c's
// server.address and server.port, unless the Observer reports that
// server's budget itself. Unregister the result to stop.
//
// The Observer reports the budget of every server whose answers it has
// seen, from the latest of them: ObserveRateLimit is needed only for a
// Client the Observer does not watch, or to report a Client's budget
// before the Observer has seen an answer (the Client's RateLimit may
// predate the Observer's first call).
func (o *Observer) ObserveRateLimit(c *admin.Client) (metric.Registration, error) {
	if c == nil {
		return nil, errors.New("adminotel: ObserveRateLimit: nil Client")
	}
	set := attribute.NewSet(serverAttrs(c.BaseURL())...)
	attrs := metric.WithAttributeSet(set)
	return o.meter.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		o.mu.RLock()
		s, watched := o.servers[set.Equivalent()]
		o.mu.RUnlock()
		if watched {
			if _, _, ok := s.read(); ok {
				return nil // reported by observeBudgets
			}
		}
		rl, ok := c.RateLimit()
		if !ok {
			return nil
		}
		ob.ObserveInt64(o.inst.remaining, int64(rl.Remaining), attrs)
		ob.ObserveInt64(o.inst.limit, int64(rl.Limit), attrs)
		return nil
	}, o.inst.remaining, o.inst.limit)
}
