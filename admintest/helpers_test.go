package admintest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
	"github.com/stretchr/testify/require"
)

// setup starts a server that closes when the test ends. Every response it
// gives, errors included, is validated against api/openapi.yaml.
func setup(t *testing.T, opts ...admintest.Option) *admintest.Server {
	t.Helper()
	return setupChecked(t, contracttest.Options{}, opts...)
}

// setupChecked is setup with the contract check tuned by copts, for tests
// that call paths or methods the document does not have on purpose.
func setupChecked(t *testing.T, copts contracttest.Options, opts ...admintest.Option) *admintest.Server {
	t.Helper()
	mw := admintest.WithMiddleware(contracttest.Middleware(t, copts))
	srv := admintest.NewServer(append([]admintest.Option{mw}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// setupUnchecked is setup without the contract check, for the faults that
// break the contract on purpose (a truncated body).
func setupUnchecked(t *testing.T, opts ...admintest.Option) *admintest.Server {
	t.Helper()
	srv := admintest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// response is a fully read answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode unmarshals the body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// apiErr is the error envelope.
type apiErr struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Status    int    `json:"status"`
		RequestID string `json:"request_id"`
		Param     string `json:"param"`
	} `json:"error"`
}

func (r response) apiError(t *testing.T) apiErr {
	t.Helper()
	var e apiErr
	r.decode(t, &e)
	return e
}

// request is one request to send with send.
type request struct {
	method, path string
	key          string            // bearer token; "" sends none
	body         any               // string or []byte sent raw, anything else as JSON, nil for none
	header       map[string]string // extra headers
}

// send sends req to srv over a fresh connection and reads the answer.
func send(t *testing.T, srv *admintest.Server, req request) response {
	t.Helper()
	resp, err := roundTrip(srv, req)
	require.NoError(t, err)
	return resp
}

// roundTrip is send without assertions, for requests that may fail at the transport.
func roundTrip(srv *admintest.Server, req request) (response, error) {
	var body io.Reader
	switch b := req.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(req.method, srv.URL+req.path, body)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.key != "" {
		hr.Header.Set("Authorization", "Bearer "+req.key)
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	// A fresh connection per request: the transport never retries a request on
	// its own after a reset, so fault tests see what the server did.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

// user is the wire form of a user as a client sees it.
type user struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Role        string   `json:"role"`
	Status      string   `json:"status"`
	Groups      []string `json:"groups"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	LastLoginAt *string  `json:"last_login_at"`
}

// page is a cursor page.
type page[T any] struct {
	Data []T `json:"data"`
	Meta struct {
		NextCursor *string `json:"next_cursor"`
		HasMore    bool    `json:"has_more"`
	} `json:"meta"`
}

// createUser creates a user with the admin key and returns it.
func createUser(t *testing.T, srv *admintest.Server, name, email string) user {
	t.Helper()
	r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey,
		body: map[string]any{"name": name, "email": email, "role": "viewer"}})
	require.Equal(t, http.StatusCreated, r.Status, "body: %s", r.Body)
	var u user
	r.decode(t, &u)
	return u
}
