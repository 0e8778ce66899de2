package admintest

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// perm is what a route needs from the caller's role.
type perm int

const (
	permRead  perm = iota // any role
	permEdit              // editor or admin: changes to users, groups and projects
	permAdmin             // admin only
)

// level ranks a role: admin 3, editor 2, any other role 1 (read only).
func level(role string) int {
	switch role {
	case "admin":
		return 3
	case "editor":
		return 2
	default:
		return 1
	}
}

func allowed(role string, need perm) bool {
	switch need {
	case permAdmin:
		return level(role) >= 3
	case permEdit:
		return level(role) >= 2
	default:
		return true
	}
}

// outranked reports whether any of roles ranks above the caller's role: a
// caller may neither act on a user or group holding such a role nor grant it,
// so an editor cannot take over, lock out or become an admin.
func (c *call) outranked(roles ...string) bool {
	for _, r := range roles {
		if level(r) > level(c.p.role) {
			return true
		}
	}
	return false
}

// outrankedErr is the 403 for a change that outranks the caller.
func (c *call) outrankedErr() *apiError {
	return &apiError{status: 403, code: "forbidden",
		message: "The " + c.p.role + " role may not act on or grant a role above its own."}
}

// principal is who acts: an API key or an OAuth client, bound to a user.
type principal struct {
	id       string // "key:<key>" or "client:<client id>"; never sent
	role     string
	userID   string
	clientID string // the OAuth client's id; "" for an API key
}

type oauthClient struct {
	secret string
	p      *principal
}

type accessToken struct {
	p       *principal
	expires time.Time
}

// authState holds credentials. It has its own lock and survives Reset.
type authState struct {
	mu      sync.Mutex
	keys    map[string]*principal
	clients map[string]*oauthClient
	tokens  map[string]accessToken
}

func newAuthState() *authState {
	return &authState{keys: map[string]*principal{}, clients: map[string]*oauthClient{},
		tokens: map[string]accessToken{}}
}

// bearer extracts the token from Authorization: Bearer or Kong-Admin-Token.
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return strings.TrimSpace(r.Header.Get("Kong-Admin-Token"))
}

// authenticate returns the principal for the request's token, or a message for a 401.
func (a *authState) authenticate(r *http.Request, now time.Time) (*principal, string) {
	tok := bearer(r)
	if tok == "" {
		return nil, "No API key provided. Send it as Authorization: Bearer <key>."
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.keys[tok]; ok {
		return p, ""
	}
	if t, ok := a.tokens[tok]; ok {
		if now.Before(t.expires) {
			return t.p, ""
		}
		delete(a.tokens, tok)
		return nil, "The access token has expired."
	}
	return nil, "The provided API key is invalid or has been revoked."
}

// client returns the principal of an OAuth client after checking its secret.
func (a *authState) client(clientID, secret string) (*principal, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clients[clientID]
	if !ok || clientID == "" || c.secret != secret {
		return nil, false
	}
	return c.p, true
}

// issue makes an access token for p, dropping expired ones.
func (a *authState) issue(p *principal, now time.Time, ttl time.Duration) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, t := range a.tokens {
		if !now.Before(t.expires) {
			delete(a.tokens, k)
		}
	}
	tok := "at_" + randomHex(20)
	a.tokens[tok] = accessToken{p: p, expires: now.Add(ttl)}
	return tok
}

// revokeUser ends the sessions (access tokens) of every client bound to userID.
func (a *authState) revokeUser(userID string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for k, t := range a.tokens {
		if t.p.userID == userID {
			delete(a.tokens, k)
			n++
		}
	}
	return n
}

// newPrincipalUser creates the user bound to a new key or client, in the store
// and in the snapshot so that Reset keeps it.
func (s *service) newPrincipalUser(role string) string {
	if !isRole(role) {
		panic("admintest: unknown role " + role)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	tag := randomHex(4)
	u := &userRec{u: User{ID: s.newID("usr_"), Name: "Admintest " + role + " " + tag,
		Email: role + "-" + tag + "@admintest.local", Role: role, Status: "active",
		CreatedAt: now, UpdatedAt: now}, password: DefaultAdminPassword}
	s.st.addUser(u)
	cu := *u
	s.snapshot.addUser(&cu)
	return u.u.ID
}

func (s *service) newKey(role, key string) string {
	userID := s.newPrincipalUser(role)
	if key == "" {
		key = "sk_test_" + randomHex(16)
	}
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	s.auth.keys[key] = &principal{id: "key:" + key, role: role, userID: userID}
	return key
}

func (s *service) newOAuthClient(role string) OAuthClient {
	userID := s.newPrincipalUser(role)
	c := OAuthClient{ID: "cli_" + randomHex(8), Secret: "cs_" + randomHex(16), Role: role, UserID: userID}
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	s.auth.clients[c.ID] = &oauthClient{secret: c.Secret,
		p: &principal{id: "client:" + c.ID, role: role, userID: userID, clientID: c.ID}}
	return c
}

// mayAct reports whether p's user may still act: the keys and sessions of
// an inactive or deleted user stop working (401).
func (s *service) mayAct(p *principal) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[p.userID]
	return ok && u.u.Status != "inactive"
}

func (s *service) keyUserID(key string) string {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	if p, ok := s.auth.keys[key]; ok {
		return p.userID
	}
	return ""
}
