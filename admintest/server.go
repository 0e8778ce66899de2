package admintest

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a running fake Admin API.
type Server struct {
	// URL is the base URL of the API, with the /v1 prefix, e.g. http://127.0.0.1:41234/v1.
	URL string
	// APIKey is an admin API key.
	APIKey string
	// AdminUserID is the id of the user bound to APIKey.
	AdminUserID string
	// AdminPassword is that user's password, DefaultAdminPassword, for POST /v1/me/password.
	AdminPassword string

	svc       *service
	hs        *http.Server
	ln        net.Listener
	done      chan struct{}
	closeOnce sync.Once
}

// NewServer starts a server on a random loopback port (or the address given with
// WithAddr) and returns when it accepts connections. It panics if it cannot listen;
// use Listen to get an error instead. Call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Listen(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen is like NewServer but returns an error when it cannot listen.
func Listen(opts ...Option) (*Server, error) {
	cfg := newConfig(opts)
	addr := cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	svc := newService(cfg)
	s := &Server{URL: "http://" + ln.Addr().String() + "/v1", APIKey: svc.adminKey,
		AdminUserID: svc.adminUserID, AdminPassword: DefaultAdminPassword, svc: svc, ln: ln,
		hs:   &http.Server{Handler: svc.handler, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 20},
		done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := s.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("admintest: serve: %v", err)
		}
	}()
	return s, nil
}

// NewHandler returns the fake API as an http.Handler serving the /v1 routes, to
// mount anywhere; it does not listen. Pass WithAdminKey to know an admin key.
func NewHandler(opts ...Option) http.Handler {
	return newService(newConfig(opts)).handler
}

// Close stops the server at once: it drops open connections, ends pending
// latency delays and waits for running handlers to return.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.svc.wake()
		_ = s.hs.Close()
		s.svc.shut()
		<-s.done
	})
}

// Shutdown stops the server gracefully: it stops accepting connections and waits
// for requests in progress to finish, or for ctx to end, and then closes the server.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.hs.Shutdown(ctx)
	s.Close()
	return err
}

// Handler returns the server's handler, e.g. to serve it on another listener too.
func (s *Server) Handler() http.Handler { return s.svc.handler }
