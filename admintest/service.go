package admintest

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody is the largest request body accepted; maxDrain is how much of a
// larger one is read and thrown away, so that the client, still sending, gets
// the 413 rather than a connection reset.
const (
	maxBody  = 1 << 20
	maxDrain = 32 << 20
)

var errTooLarge = errors.New("admintest: request body too large")

// readBody reads at most maxBody bytes of the request body.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength <= maxBody {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, err
		}
		if len(body) <= maxBody {
			return body, nil
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
	return nil, errTooLarge
}

// service is the fake server behind both NewServer and NewHandler.
type service struct {
	cfg      config
	seq      atomic.Uint64
	mu       sync.Mutex // guards st and snapshot
	st       *store
	snapshot *store
	auth     *authState
	limiter  *rateLimiter
	idem     *idemStore
	faults   *faultState
	reqMu    sync.Mutex
	requests []RecordedRequest // answered requests, in arrival order
	arrived  []uint64          // the arrival number of each of requests
	arrivals atomic.Uint64
	handler  http.Handler
	mux      *http.ServeMux
	table    []route // every route registered, in order

	adminKey    string
	adminUserID string

	closed    chan struct{}
	closeOnce sync.Once
	gateMu    sync.Mutex
	gateShut  bool
	inflight  int
	idle      *sync.Cond

	// beforeHandler, when set, runs after an idempotency key is claimed and
	// before the handler; tests in this package use it to hold a request.
	beforeHandler atomic.Pointer[func(*call)]
}

// reqInfo travels in the request context from the outermost layer inwards.
type reqInfo struct {
	id    string
	fault FaultKind
}

type reqInfoKey struct{}

func newService(cfg config) *service {
	s := &service{cfg: cfg, st: newStore(), auth: newAuthState(), limiter: newRateLimiter(cfg.rateLimit),
		idem: newIdemStore(), faults: newFaultState(cfg.faults), mux: http.NewServeMux(),
		closed: make(chan struct{})}
	s.idle = sync.NewCond(&s.gateMu)
	now := s.now()
	admin := &userRec{u: User{ID: s.newID("usr_"), Name: "Admintest Admin", Email: "admin@admintest.local",
		Role: "admin", Status: "active", CreatedAt: now, UpdatedAt: now}, password: DefaultAdminPassword}
	s.adminUserID = admin.u.ID
	s.seed(admin)
	s.snapshot = s.st.clone()
	s.adminKey = cfg.adminKey
	if s.adminKey == "" {
		s.adminKey = "sk_test_" + randomHex(16)
	}
	s.auth.keys[s.adminKey] = &principal{id: "key:" + s.adminKey, role: "admin", userID: admin.u.ID}
	s.routes()
	var h http.Handler = s.mux
	for i := len(cfg.middleware) - 1; i >= 0; i-- {
		h = cfg.middleware[i](h)
	}
	s.handler = s.outer(h)
	return s
}

func (s *service) now() time.Time { return s.cfg.clock().UTC() }

// statusWriter remembers the status sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// enter counts a request in; it fails once the server is closing.
func (s *service) enter() bool {
	s.gateMu.Lock()
	defer s.gateMu.Unlock()
	if s.gateShut {
		return false
	}
	s.inflight++
	return true
}

func (s *service) leave() {
	s.gateMu.Lock()
	defer s.gateMu.Unlock()
	if s.inflight--; s.inflight == 0 {
		s.idle.Broadcast()
	}
}

// wake ends every pending latency delay, now and later.
func (s *service) wake() { s.closeOnce.Do(func() { close(s.closed) }) }

// shut stops new requests, wakes sleeping ones and waits for the rest.
func (s *service) shut() {
	s.wake()
	s.gateMu.Lock()
	defer s.gateMu.Unlock()
	s.gateShut = true
	for s.inflight > 0 {
		s.idle.Wait()
	}
}

// outer sets X-Request-Id and default rate limit headers on every answer,
// records the request and turns a panic into a 500.
func (s *service) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enter() {
			w.Header().Set("Connection", "close")
			http.Error(w, "server closed", http.StatusServiceUnavailable)
			return
		}
		defer s.leave()
		arrival := s.arrivals.Add(1)
		info := &reqInfo{id: newRequestID()}
		w.Header().Set("X-Request-Id", info.id)
		s.limiter.idle(s.now()).apply(w.Header())
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			s.record(r, sw.status, info, arrival)
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			log.Printf("admintest: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			if sw.status == 0 {
				writeResult(sw, errorResult(styleFor(r.URL.Path), info.id,
					apiError{status: 500, message: "The server failed unexpectedly."}))
			}
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info)))
	})
}

// record files an answered request by its arrival number, so that requests
// are listed in the order they arrived, whenever they finished.
func (s *service) record(r *http.Request, status int, info *reqInfo, arrival uint64) {
	h := r.Header.Clone()
	h.Del("Authorization")
	h.Del("Kong-Admin-Token")
	rec := RecordedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: h,
		Status: status, RequestID: info.id, Fault: info.fault}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	i, _ := slices.BinarySearch(s.arrived, arrival)
	s.arrived = slices.Insert(s.arrived, i, arrival)
	s.requests = slices.Insert(s.requests, i, rec)
}

func clientIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}

func infoOf(r *http.Request) *reqInfo {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return info
	}
	return &reqInfo{id: newRequestID()}
}

// sleep waits d; it reports false if the request or the server ended first.
func (s *service) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}

// serveFaulty runs inner between the fault and latency steps and sends its answer.
func (s *service) serveFaulty(w http.ResponseWriter, r *http.Request, oauth bool, inner func() result) {
	info := infoOf(r)
	style := styleFor(r.URL.Path)
	kind := s.faults.pick(r, oauth)
	info.fault = kind
	if kind == FaultResetBeforeHandler {
		abortConn(w)
		return
	}
	if res, ok := s.faults.preFault(kind, style, info.id); ok {
		writeResult(w, res)
		return
	}
	delay := s.cfg.latency
	if kind == FaultLatency {
		delay += s.faults.cfg.Latency
	}
	if !s.sleep(r.Context(), delay) {
		// The client gave up or the server is closing: drop the
		// connection rather than let net/http send an empty 200.
		abortConn(w)
		return
	}
	res := inner()
	switch kind {
	case FaultResetAfterCommit:
		abortConn(w)
		return
	case FaultTruncatedBody:
		res = truncate(res)
	}
	writeResult(w, res)
}

// call is one API request on its way through the server.
type call struct {
	r     *http.Request
	id    string
	style errStyle
	p     *principal
	body  []byte
	now   time.Time
	ip    string
	hdr   http.Header // headers added to whatever answer is sent
}

func (c *call) fail(e *apiError) result { return errorResult(c.style, c.id, *e) }

func (c *call) decode(dst any) (result, bool) {
	if e := decodeStrict(c.body, dst); e != nil {
		return c.fail(e), false
	}
	return result{}, true
}

type handlerFunc func(*call) result

// route is one entry of the route table.
type route struct {
	pattern string
	public  bool // no token needed (the OAuth token endpoint)
}

// api registers an authenticated /v1 route.
func (s *service) api(pattern string, need perm, h handlerFunc) {
	s.table = append(s.table, route{pattern: pattern})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		info := infoOf(r)
		c := &call{r: r, id: info.id, style: styleFor(r.URL.Path), now: s.now(), ip: clientIP(r), hdr: http.Header{}}
		s.serveFaulty(w, r, false, func() result {
			res := s.run(c, need, h)
			for k, v := range c.hdr {
				res.header[k] = v
			}
			return res
		})
	})
}

// run authenticates, rate limits, authorises, reads the body and applies the
// idempotency key before calling h.
func (s *service) run(c *call, need perm, h handlerFunc) result {
	p, msg := s.auth.authenticate(c.r, c.now)
	if p != nil && !s.mayAct(p) {
		p, msg = nil, "The user behind these credentials is inactive or deleted."
	}
	if p == nil {
		res := c.fail(&apiError{status: 401, code: "invalid_api_key", message: msg})
		res.header.Set("WWW-Authenticate", `Bearer realm="admintest"`)
		return res
	}
	c.p = p
	rl := s.limiter.take(p.id, c.now)
	rl.apply(c.hdr)
	if !rl.ok {
		return c.fail(&apiError{status: 429, code: "rate_limited",
			message: "Too many requests. Retry after " + strconv.Itoa(rl.retryAfter) + "s."})
	}
	if !allowed(p.role, need) {
		return c.fail(&apiError{status: 403, code: "forbidden",
			message: "The " + p.role + " role may not do this."})
	}
	body, err := readBody(c.r)
	switch {
	case errors.Is(err, errTooLarge):
		return c.fail(&apiError{status: 413, code: "invalid_request", message: "The request body exceeds 1 MiB."})
	case err != nil:
		return c.fail(&apiError{status: 400, code: "invalid_request", message: "The request body could not be read."})
	}
	c.body = body
	key := c.r.Header.Get("Idempotency-Key")
	switch c.r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		key = ""
	}
	if key == "" {
		return s.invoke(c, h)
	}
	if len(key) > 255 {
		return c.fail(invalidErr("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters."))
	}
	fp := fingerprint(c.r.Method, c.r.URL.RequestURI(), body)
	switch outcome, stored := s.idem.begin(p.id, key, fp, c.now); outcome {
	case idemReused:
		return c.fail(&apiError{status: 409, code: "idempotency_key_reused",
			message: "This Idempotency-Key was used with a different request."})
	case idemInFlight:
		return c.fail(&apiError{status: 409, code: "conflict",
			message: "A request with this Idempotency-Key is still being processed."})
	case idemReplay:
		stored.header.Set("Idempotent-Replayed", "true")
		return stored
	}
	res := result{status: 500}
	defer func() { s.idem.finish(p.id, key, res) }()
	res = s.invoke(c, h)
	return res
}

func (s *service) invoke(c *call, h handlerFunc) result {
	if hook := s.beforeHandler.Load(); hook != nil {
		(*hook)(c)
	}
	return h(c)
}
