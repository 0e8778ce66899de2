// Package adminotel records the calls of an Admin API client
// (github.com/admin/api-go) as OpenTelemetry traces and metrics: each
// logical call, each attempt it made, and each wait before an attempt,
// for the limiter, a backoff or the server's Retry-After.
//
//	import adminotel "github.com/admin/api-go/otel"
//
//	obs := adminotel.NewObserver() // the global providers and propagator
//	c, err := admin.NewClient(admin.WithAPIKey(key), admin.WithObserver(obs))
//	if err != nil {
//		return err
//	}
//
// Instrumenting the HTTP client given to admin.WithHTTPClient (with
// otelhttp) shows only the attempts: not the call they serve, why they
// were retried, or how long the client waited between them.
//
// # Traces
//
// Each call is an internal span named after its method and path template,
// such as "GET /users/{id}"; a walk with All or a page iterator makes one
// such span per page. Below it, each attempt sent over the wire is a
// client span of the same name, following the semantic conventions for
// HTTP client spans (v1.43.0): http.request.method, url.template,
// server.address, server.port, http.response.status_code, error.type, and
// http.request.resend_count on every attempt after the first. The
// conventions make each attempt the HTTP client span and advise against an
// encompassing client span, hence the call's internal kind; its attributes
// are set as it ends, while the attempts of a sampled call carry theirs
// from the start, where samplers see them. (The attempts of a call that is
// not sampled, which a sampler that follows the parent drops, start
// without them, and get them at once if sampled all the same: an unsampled
// call builds no attribute.) The trace context of each attempt is written
// into its request headers by the propagators, so that the server's span
// hangs below the attempt.
//
// The call span also carries admin.attempts, admin.request_id (the
// server's X-Request-Id of the last answer), admin.replayed (the answer
// came from the server's idempotency store) and, on failure,
// admin.error.code (the server's code, such as "not_found"). Each attempt
// that got an answer carries that answer's admin.request_id, an opaque id
// the server assigns, to find the request in the server's logs; and, on
// failure, its admin.error.code. An attempt that was followed by another
// carries admin.retry.reason: status, transport, cut_body or
// token_refresh. Each wait is an event named admin.wait on the call span,
// stamped when the wait began, with admin.wait.reason (backoff,
// retry_after or limiter), admin.wait.duration in seconds and
// admin.wait.attempt, the attempt it preceded. A limiter wait shorter than
// a millisecond, the limiter letting an attempt through at once, is not
// recorded.
//
// A failed call or attempt has an Error status and an error.type of
// either the answer's status code ("404", "503") or one of:
// invalid_response (a successful status with an unusable body), cut_body
// (an answer cut short; attempts only), timeout, canceled, rate_limited
// (the client's limiter would have waited past the deadline),
// invalid_params (caught before sending), transport (no answer: refused,
// reset, TLS) and _OTHER.
//
// # Metrics
//
//   - http.client.request.duration (s): each attempt, as the semantic
//     conventions define it (one HTTP request over the wire), with their
//     advised buckets.
//   - admin.client.call.duration (s): each logical call, waits and
//     retries included, with the same buckets.
//   - admin.client.retries ({retry}): attempts followed by another, by
//     admin.retry.reason.
//   - admin.client.rate_limited ({response}): 429 answers.
//   - admin.client.wait.duration (s): waits before attempts, by
//     admin.wait.reason.
//   - admin.client.rate_limit.remaining and admin.client.rate_limit.limit
//     ({request}): gauges of the server's rate limit as the latest answer
//     with X-RateLimit-* headers the Observer saw from it told, with
//     server.address and server.port. Observer.ObserveRateLimit reports
//     them for a Client the Observer does not watch.
//
// The durations and counters carry http.request.method, url.template,
// server.address and server.port, and where they apply
// http.response.status_code and error.type.
//
// # What is never recorded
//
// No attribute, span name, event or metric label holds a path with its
// ids, a query string, a request or response body, a header, the API key,
// an OAuth token or secret, an idempotency key, or an error's message
// (which may quote the request, such as an email). url.full, which the
// conventions require, is left out for that reason: url.template and
// server.address name the call instead. The Observer never reads the
// request headers it writes the trace context to.
package adminotel
