package admintest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// FaultKind names one way the server can misbehave.
type FaultKind string

// The fault kinds. Unless a kind says otherwise, the request is not handled, so
// nothing changes on the server.
const (
	// FaultInternalError answers 500 internal_error.
	FaultInternalError FaultKind = "internal_error"
	// FaultBadGateway answers 502 unavailable (a JSON error body).
	FaultBadGateway FaultKind = "bad_gateway"
	// FaultUnavailable answers 503 unavailable without Retry-After.
	FaultUnavailable FaultKind = "unavailable"
	// FaultUnavailableRetryAfter answers 503 unavailable with Retry-After.
	FaultUnavailableRetryAfter FaultKind = "unavailable_retry_after"
	// FaultRateLimitStorm answers 429 rate_limited with Retry-After to this request
	// and to the next Faults.StormLength-1 eligible requests.
	FaultRateLimitStorm FaultKind = "rate_limit_storm"
	// FaultResetBeforeHandler resets the connection before the request is handled.
	FaultResetBeforeHandler FaultKind = "reset_before_handler"
	// FaultResetAfterCommit handles the request (its change is committed and its
	// idempotency key, if any, is stored) and then resets the connection instead
	// of answering.
	FaultResetAfterCommit FaultKind = "reset_after_commit"
	// FaultTruncatedBody handles the request and then sends its status with the
	// first half of its body (Content-Length matches what is sent). A bodiless
	// answer becomes 200 with the body `{"`.
	FaultTruncatedBody FaultKind = "truncated_body"
	// FaultHTMLError answers 502 with a proxy's text/html error page.
	FaultHTMLError FaultKind = "html_error"
	// FaultLatency delays the request by Faults.Latency and then handles it.
	FaultLatency FaultKind = "latency"
)

// AllFaultKinds returns every fault kind.
func AllFaultKinds() []FaultKind {
	return []FaultKind{FaultInternalError, FaultBadGateway, FaultUnavailable, FaultUnavailableRetryAfter,
		FaultRateLimitStorm, FaultResetBeforeHandler, FaultResetAfterCommit, FaultTruncatedBody,
		FaultHTMLError, FaultLatency}
}

// ParseFaultKinds parses a comma-separated list of fault kinds; "" and "all"
// mean every kind.
func ParseFaultKinds(s string) ([]FaultKind, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return AllFaultKinds(), nil
	}
	var kinds []FaultKind
	for _, part := range strings.Split(s, ",") {
		k := FaultKind(strings.TrimSpace(part))
		if !slices.Contains(AllFaultKinds(), k) {
			return nil, fmt.Errorf("admintest: unknown fault kind %q", part)
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// Faults configures random misbehaviour. The zero value injects nothing.
type Faults struct {
	// Rate is the fraction of eligible requests, 0 to 1, that get a fault.
	Rate float64
	// Kinds are the kinds to choose from, uniformly; empty means all.
	Kinds []FaultKind
	// Seed seeds the random source, so a failing test replays with the same
	// choices for the same sequence of requests. Zero picks a random seed,
	// which Server.FaultSeed reports.
	Seed int64
	// Latency is the delay of FaultLatency (default 200ms).
	Latency time.Duration
	// StormLength is how many consecutive requests a FaultRateLimitStorm answers
	// with 429 (default 3).
	StormLength int
	// RetryAfter is the Retry-After, in whole seconds, sent with FaultRateLimitStorm
	// and FaultUnavailableRetryAfter (default 1).
	RetryAfter int
	// Match, when set, limits faults (random and injected) to requests it accepts.
	// It is called from many goroutines at once, before the body is read.
	Match func(*http.Request) bool
	// OAuth makes POST /v1/oauth/token eligible for faults as well.
	OAuth bool
}

type injection struct {
	kind FaultKind
	n    int
}

// faultState chooses the fault of each request.
type faultState struct {
	mu        sync.Mutex
	cfg       Faults
	seed      int64
	rng       *rand.Rand
	counts    map[FaultKind]int
	injected  []injection
	stormLeft int
}

func newFaultState(cfg Faults) *faultState {
	if len(cfg.Kinds) == 0 {
		cfg.Kinds = AllFaultKinds()
	}
	if cfg.Latency <= 0 {
		cfg.Latency = 200 * time.Millisecond
	}
	if cfg.StormLength <= 0 {
		cfg.StormLength = 3
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 1
	}
	f := &faultState{cfg: cfg, seed: cfg.Seed, counts: map[FaultKind]int{}}
	if f.seed == 0 {
		f.seed = rand.Int64N(1<<62) + 1
	}
	f.rng = rand.New(rand.NewPCG(uint64(f.seed), 0x9e3779b97f4a7c15))
	return f
}

// pick chooses the fault for a request ("" for none).
func (f *faultState) pick(r *http.Request, oauth bool) FaultKind {
	if oauth && !f.cfg.OAuth {
		return ""
	}
	if f.cfg.Match != nil && !f.cfg.Match(r) {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var kind FaultKind
	switch {
	case len(f.injected) > 0:
		kind = f.injected[0].kind
		if f.injected[0].n--; f.injected[0].n <= 0 {
			f.injected = f.injected[1:]
		}
	case f.stormLeft > 0:
		f.stormLeft--
		kind = FaultRateLimitStorm
	case f.cfg.Rate > 0 && f.rng.Float64() < f.cfg.Rate:
		kind = f.cfg.Kinds[f.rng.IntN(len(f.cfg.Kinds))]
		if kind == FaultRateLimitStorm {
			f.stormLeft = f.cfg.StormLength - 1
		}
	default:
		return ""
	}
	f.counts[kind]++
	return kind
}

func (f *faultState) inject(kind FaultKind, n int) {
	if n <= 0 || kind == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.injected = append(f.injected, injection{kind: kind, n: n})
}

func (f *faultState) snapshotCounts() map[FaultKind]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[FaultKind]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// reset forgets counts and injections and restarts the random source.
func (f *faultState) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.counts)
	f.injected, f.stormLeft = nil, 0
	f.rng = rand.New(rand.NewPCG(uint64(f.seed), 0x9e3779b97f4a7c15))
}

const htmlErrorPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// preFault answers a fault that replaces the handler; ok is false for kinds
// that let the request through.
func (f *faultState) preFault(kind FaultKind, style errStyle, reqID string) (result, bool) {
	retry := fmt.Sprint(f.cfg.RetryAfter)
	switch kind {
	case FaultInternalError:
		return errorResult(style, reqID, apiError{status: 500, message: "Injected fault: internal error."}), true
	case FaultBadGateway:
		return errorResult(style, reqID, apiError{status: 502, message: "Injected fault: bad gateway."}), true
	case FaultUnavailable:
		return errorResult(style, reqID, apiError{status: 503, message: "Injected fault: service unavailable."}), true
	case FaultUnavailableRetryAfter:
		res := errorResult(style, reqID, apiError{status: 503, message: "Injected fault: service unavailable."})
		res.header.Set("Retry-After", retry)
		return res, true
	case FaultRateLimitStorm:
		res := errorResult(style, reqID, apiError{status: 429, message: "Injected fault: too many requests."})
		res.header.Set("Retry-After", retry)
		res.header.Set("X-RateLimit-Remaining", "0")
		return res, true
	case FaultHTMLError:
		res := result{status: 502, header: http.Header{}, body: []byte(htmlErrorPage)}
		res.header.Set("Content-Type", "text/html")
		return res, true
	}
	return result{}, false
}

// truncate cuts an answer's body in half.
func truncate(res result) result {
	if len(res.body) < 2 {
		res = result{status: 200, header: http.Header{}, body: []byte(`{"`)}
		res.header.Set("Content-Type", "application/json")
		return res
	}
	res.body = res.body[:len(res.body)/2]
	return res
}

// abortConn drops the client's connection without an answer: a TCP reset when
// the connection can be hijacked, else the server's own abort.
func abortConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
