package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/bench/gen/oapiclient"
	"github.com/admin/api-go/bench/gen/ogenclient"
	"github.com/hashicorp/go-retryablehttp"
	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/ogen-go/ogen/ogenerrors"
)

// newUser is the body of a user to create.
type newUser struct {
	Name  string
	Email string
	Role  string
}

// peer is one way of calling the API. Every peer sends the same requests:
// the admin key as a bearer token, an Idempotency-Key on changes, 100
// users to a page.
type peer struct {
	name string
	// get fetches one user and returns its id.
	get func(ctx context.Context, id string) (string, error)
	// create creates a user and returns its id.
	create func(ctx context.Context, u *newUser) (string, error)
	// rename changes a user's name.
	rename func(ctx context.Context, id, name string) error
	// remove deletes a user.
	remove func(ctx context.Context, id string) error
	// page fetches the first page of 100 users and returns how many it held.
	page func(ctx context.Context) (int, error)
	// each walks every user, calling perPage after each page (the SDK
	// yields items, so it calls perPage after every 100th) and returns how
	// many users it saw.
	each func(ctx context.Context, perPage func()) (int, error)
}

// peerNames are the peers in the order the tables list them.
var peerNames = []string{"floor", "retryablehttp", "oapi-codegen", "ogen", "sdk"}

// target is where a peer sends its requests.
type target struct {
	url    string // with /v1
	origin string // without
	key    string
	// wrap, if set, wraps the transport each peer would use, e.g. to count
	// responses.
	wrap func(http.RoundTripper) http.RoundTripper
}

func (s *server) target() target { return target{url: s.URL, origin: s.Origin, key: s.Key} }

// newTransport is the transport the hand-written peers and the generated
// clients get: net/http's default, with as many idle connections per host
// as the SDK keeps.
func newTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

func (t target) transport() http.RoundTripper {
	if t.wrap != nil {
		return t.wrap(newTransport())
	}
	return newTransport()
}

func newPeer(name string, t target) (*peer, error) {
	switch name {
	case "floor":
		return floorPeer(t), nil
	case "retryablehttp":
		return retryablePeer(t), nil
	case "oapi-codegen":
		return oapiPeer(t)
	case "ogen":
		return ogenPeer(t)
	case "sdk":
		return sdkPeer(t)
	case "sdk-nolimit":
		p, err := sdkPeer(t, admin.WithoutRateLimit())
		if p != nil {
			p.name = name
		}
		return p, err
	}
	return nil, fmt.Errorf("no peer %q", name)
}

// idempotencyKey is what every peer sends on a change, as the SDK does.
func idempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// The wire types a hand-written client declares.
type wireUser struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	Status      string     `json:"status"`
	Groups      []string   `json:"groups"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

type wirePage struct {
	Data []wireUser `json:"data"`
	Meta struct {
		NextCursor *string `json:"next_cursor"`
		HasMore    bool    `json:"has_more"`
	} `json:"meta"`
}

type wireCreate struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	Role           string `json:"role"`
	SendInvitation bool   `json:"send_invitation"`
}

type wireRename struct {
	Name string `json:"name"`
}

// statusError is a hand-written client's error for an unexpected status.
type statusError int

func (e statusError) Error() string { return "unexpected status " + strconv.Itoa(int(e)) }

// handWritten is the request path of the two hand-written peers: do sends
// a request and returns the response.
type handWritten struct {
	base string
	auth string
	do   func(ctx context.Context, method, url string, body []byte, hdr http.Header) (*http.Response, error)
}

func (h *handWritten) call(ctx context.Context, method, path string, in, out any, want int) error {
	var body []byte
	hdr := http.Header{"Authorization": {h.auth}, "Accept": {"application/json"}}
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
		hdr["Content-Type"] = []string{"application/json"}
	}
	if method != http.MethodGet {
		hdr["Idempotency-Key"] = []string{idempotencyKey()}
	}
	resp, err := h.do(ctx, method, h.base+path, body, hdr)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body) // to EOF, so the connection is reused
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != want {
		return statusError(resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (h *handWritten) peer(name string) *peer {
	return &peer{
		name: name,
		get: func(ctx context.Context, id string) (string, error) {
			var u wireUser
			err := h.call(ctx, http.MethodGet, "/users/"+url.PathEscape(id), nil, &u, http.StatusOK)
			return u.ID, err
		},
		create: func(ctx context.Context, nu *newUser) (string, error) {
			var u wireUser
			err := h.call(ctx, http.MethodPost, "/users", &wireCreate{Name: nu.Name, Email: nu.Email, Role: nu.Role}, &u, http.StatusCreated)
			return u.ID, err
		},
		rename: func(ctx context.Context, id, name string) error {
			var u wireUser
			return h.call(ctx, http.MethodPatch, "/users/"+url.PathEscape(id), &wireRename{Name: name}, &u, http.StatusOK)
		},
		remove: func(ctx context.Context, id string) error {
			return h.call(ctx, http.MethodDelete, "/users/"+url.PathEscape(id), nil, nil, http.StatusNoContent)
		},
		page: func(ctx context.Context) (int, error) {
			var p wirePage
			err := h.call(ctx, http.MethodGet, "/users?limit=100", nil, &p, http.StatusOK)
			return len(p.Data), err
		},
		each: func(ctx context.Context, perPage func()) (int, error) {
			n, path := 0, "/users?limit=100"
			for {
				var p wirePage
				if err := h.call(ctx, http.MethodGet, path, nil, &p, http.StatusOK); err != nil {
					return n, err
				}
				n += len(p.Data)
				perPage()
				if !p.Meta.HasMore || p.Meta.NextCursor == nil {
					return n, nil
				}
				path = "/users?limit=100&cursor=" + url.QueryEscape(*p.Meta.NextCursor)
			}
		},
	}
}

// floorPeer is net/http and encoding/json, written by hand.
func floorPeer(t target) *peer {
	hc := &http.Client{Transport: t.transport()}
	h := &handWritten{base: t.url, auth: "Bearer " + t.key,
		do: func(ctx context.Context, method, u string, body []byte, hdr http.Header) (*http.Response, error) {
			var r io.Reader
			if body != nil {
				r = bytes.NewReader(body)
			}
			req, err := http.NewRequestWithContext(ctx, method, u, r)
			if err != nil {
				return nil, err
			}
			req.Header = hdr
			return hc.Do(req)
		}}
	return h.peer("floor")
}

// retryablePeer is bare go-retryablehttp with its default policy, backoff
// and pooled transport, and encoding/json. Its logger is off: the default
// one writes a line to stderr on every request.
func retryablePeer(t target) *peer {
	rc := retryablehttp.NewClient()
	rc.Logger = nil
	if t.wrap != nil {
		rc.HTTPClient.Transport = t.wrap(rc.HTTPClient.Transport)
	}
	h := &handWritten{base: t.url, auth: "Bearer " + t.key,
		do: func(ctx context.Context, method, u string, body []byte, hdr http.Header) (*http.Response, error) {
			var raw any
			if body != nil {
				raw = body
			}
			req, err := retryablehttp.NewRequestWithContext(ctx, method, u, raw)
			if err != nil {
				return nil, err
			}
			req.Header = hdr
			return rc.Do(req)
		}}
	return h.peer("retryablehttp")
}

// oapiPeer is the client oapi-codegen generated from api/openapi.yaml.
func oapiPeer(t target) (*peer, error) {
	auth := "Bearer " + t.key
	c, err := oapiclient.NewClientWithResponses(t.origin,
		oapiclient.WithHTTPClient(&http.Client{Transport: t.transport()}),
		oapiclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header["Authorization"] = []string{auth}
			return nil
		}))
	if err != nil {
		return nil, err
	}
	limit := 100
	list := func(ctx context.Context, cursor *string) (*oapiclient.UserPage, error) {
		r, err := c.ListUsersWithResponse(ctx, &oapiclient.ListUsersParams{Limit: &limit, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		if r.JSON200 == nil {
			return nil, statusError(r.StatusCode())
		}
		return r.JSON200, nil
	}
	return &peer{
		name: "oapi-codegen",
		get: func(ctx context.Context, id string) (string, error) {
			r, err := c.GetUserWithResponse(ctx, id)
			if err != nil {
				return "", err
			}
			if r.JSON200 == nil {
				return "", statusError(r.StatusCode())
			}
			return r.JSON200.Id, nil
		},
		create: func(ctx context.Context, nu *newUser) (string, error) {
			key, no := idempotencyKey(), false
			r, err := c.CreateUserWithResponse(ctx, &oapiclient.CreateUserParams{IdempotencyKey: &key},
				oapiclient.UserCreate{Name: nu.Name, Email: openapi_types.Email(nu.Email), Role: oapiclient.Role(nu.Role), SendInvitation: &no})
			if err != nil {
				return "", err
			}
			if r.JSON201 == nil {
				return "", statusError(r.StatusCode())
			}
			return r.JSON201.Id, nil
		},
		rename: func(ctx context.Context, id, name string) error {
			key := idempotencyKey()
			r, err := c.UpdateUserWithResponse(ctx, id, &oapiclient.UpdateUserParams{IdempotencyKey: &key},
				oapiclient.UserUpdate{Name: &name})
			if err != nil {
				return err
			}
			if r.JSON200 == nil {
				return statusError(r.StatusCode())
			}
			return nil
		},
		remove: func(ctx context.Context, id string) error {
			key := idempotencyKey()
			r, err := c.DeleteUserWithResponse(ctx, id, &oapiclient.DeleteUserParams{IdempotencyKey: &key})
			if err != nil {
				return err
			}
			if r.StatusCode() != http.StatusNoContent {
				return statusError(r.StatusCode())
			}
			return nil
		},
		page: func(ctx context.Context) (int, error) {
			p, err := list(ctx, nil)
			if err != nil {
				return 0, err
			}
			return len(p.Data), nil
		},
		each: func(ctx context.Context, perPage func()) (int, error) {
			n := 0
			var cursor *string
			for {
				p, err := list(ctx, cursor)
				if err != nil {
					return n, err
				}
				n += len(p.Data)
				perPage()
				if !p.Meta.HasMore || p.Meta.NextCursor == nil {
					return n, nil
				}
				cursor = p.Meta.NextCursor
			}
		},
	}, nil
}

// ogenSecurity hands ogen's client the admin key.
type ogenSecurity struct{ key string }

func (s ogenSecurity) BearerAuth(context.Context, ogenclient.OperationName) (ogenclient.BearerAuth, error) {
	return ogenclient.BearerAuth{Token: s.key}, nil
}

func (s ogenSecurity) ClientBasic(context.Context, ogenclient.OperationName) (ogenclient.ClientBasic, error) {
	return ogenclient.ClientBasic{}, ogenerrors.ErrSkipClientSecurity
}

func (s ogenSecurity) KongAdminToken(context.Context, ogenclient.OperationName) (ogenclient.KongAdminToken, error) {
	return ogenclient.KongAdminToken{}, ogenerrors.ErrSkipClientSecurity
}

func (s ogenSecurity) OAuth2(context.Context, ogenclient.OperationName) (ogenclient.OAuth2, error) {
	return ogenclient.OAuth2{}, ogenerrors.ErrSkipClientSecurity
}

// ogenPeer is the client ogen generated from api/openapi.yaml, without
// OpenTelemetry.
func ogenPeer(t target) (*peer, error) {
	c, err := ogenclient.NewClient(t.origin, ogenSecurity{t.key},
		ogenclient.WithClient(&http.Client{Transport: t.transport()}))
	if err != nil {
		return nil, err
	}
	list := func(ctx context.Context, cursor string) (*ogenclient.UserPage, error) {
		p := ogenclient.ListUsersParams{Limit: ogenclient.NewOptInt(100)}
		if cursor != "" {
			p.Cursor = ogenclient.NewOptString(cursor)
		}
		res, err := c.ListUsers(ctx, p)
		if err != nil {
			return nil, err
		}
		ok, isOK := res.(*ogenclient.UserPageResponseHeaders)
		if !isOK {
			return nil, fmt.Errorf("unexpected answer %T", res)
		}
		return &ok.Response, nil
	}
	return &peer{
		name: "ogen",
		get: func(ctx context.Context, id string) (string, error) {
			res, err := c.GetUser(ctx, ogenclient.GetUserParams{ID: id})
			if err != nil {
				return "", err
			}
			ok, isOK := res.(*ogenclient.UserResponseHeaders)
			if !isOK {
				return "", fmt.Errorf("unexpected answer %T", res)
			}
			return ok.Response.ID, nil
		},
		create: func(ctx context.Context, nu *newUser) (string, error) {
			res, err := c.CreateUser(ctx, &ogenclient.UserCreate{Name: nu.Name, Email: nu.Email,
				Role: ogenclient.Role(nu.Role), SendInvitation: ogenclient.NewOptBool(false)},
				ogenclient.CreateUserParams{IdempotencyKey: ogenclient.NewOptString(idempotencyKey())})
			if err != nil {
				return "", err
			}
			ok, isOK := res.(*ogenclient.UserHeaders)
			if !isOK {
				return "", fmt.Errorf("unexpected answer %T", res)
			}
			return ok.Response.ID, nil
		},
		rename: func(ctx context.Context, id, name string) error {
			res, err := c.UpdateUser(ctx, &ogenclient.UserUpdate{Name: ogenclient.NewOptString(name)},
				ogenclient.UpdateUserParams{ID: id, IdempotencyKey: ogenclient.NewOptString(idempotencyKey())})
			if err != nil {
				return err
			}
			if _, isOK := res.(*ogenclient.UserChangedResponseHeaders); !isOK {
				return fmt.Errorf("unexpected answer %T", res)
			}
			return nil
		},
		remove: func(ctx context.Context, id string) error {
			res, err := c.DeleteUser(ctx, ogenclient.DeleteUserParams{ID: id, IdempotencyKey: ogenclient.NewOptString(idempotencyKey())})
			if err != nil {
				return err
			}
			if _, isOK := res.(*ogenclient.NoContent); !isOK {
				return fmt.Errorf("unexpected answer %T", res)
			}
			return nil
		},
		page: func(ctx context.Context) (int, error) {
			p, err := list(ctx, "")
			if err != nil {
				return 0, err
			}
			return len(p.Data), nil
		},
		each: func(ctx context.Context, perPage func()) (int, error) {
			n, cursor := 0, ""
			for {
				p, err := list(ctx, cursor)
				if err != nil {
					return n, err
				}
				n += len(p.Data)
				perPage()
				next, ok := p.Meta.NextCursor.Get()
				if !p.Meta.HasMore || !ok {
					return n, nil
				}
				cursor = next
			}
		},
	}, nil
}

// sdkPeer is this SDK with its defaults: retries, the adaptive rate
// limiter, and the pager that fetches the next page while the caller works.
func sdkPeer(t target, opts ...admin.Option) (*peer, error) {
	base := []admin.Option{admin.WithBaseURL(t.url), admin.WithAPIKey(t.key), admin.WithInsecureHTTP()}
	if t.wrap != nil {
		base = append(base, admin.WithHTTPClient(&http.Client{Transport: t.transport()}))
	}
	c, err := admin.NewClient(append(base, opts...)...)
	if err != nil {
		return nil, err
	}
	no := false
	return &peer{
		name: "sdk",
		get: func(ctx context.Context, id string) (string, error) {
			u, err := c.Users.Get(ctx, id)
			if err != nil {
				return "", err
			}
			return u.ID, nil
		},
		create: func(ctx context.Context, nu *newUser) (string, error) {
			u, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: nu.Name, Email: nu.Email,
				Role: admin.Role(nu.Role), SendInvitation: &no})
			if err != nil {
				return "", err
			}
			return u.ID, nil
		},
		rename: func(ctx context.Context, id, name string) error {
			_, err := c.Users.Update(ctx, id, &admin.UpdateUserParams{Name: &name})
			return err
		},
		remove: func(ctx context.Context, id string) error {
			return c.Users.Delete(ctx, id)
		},
		page: func(ctx context.Context) (int, error) {
			p, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 100})
			if err != nil {
				return 0, err
			}
			return len(p.Data), nil
		},
		each: func(ctx context.Context, perPage func()) (int, error) {
			n := 0
			for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 100}) {
				if err != nil {
					return n, err
				}
				if u.ID == "" {
					return n, errors.New("user without id")
				}
				if n++; n%100 == 0 {
					perPage()
				}
			}
			if n%100 != 0 {
				perPage()
			}
			return n, nil
		},
	}, nil
}
