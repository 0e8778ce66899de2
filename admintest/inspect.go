package admintest

import (
	"maps"
	"slices"
	"strings"
)

// NewKey creates an API key acting with role, bound to a new user of that role
// (the user survives Reset). It panics if role is not one of the contract's roles.
func (s *Server) NewKey(role string) string { return s.svc.newKey(role, "") }

// NewOAuthClient creates OAuth2 client credentials acting with role, bound to a
// new user of that role. It panics if role is not one of the contract's roles.
func (s *Server) NewOAuthClient(role string) OAuthClient { return s.svc.newOAuthClient(role) }

// KeyUserID returns the id of the user bound to an API key, or "" for an unknown key.
func (s *Server) KeyUserID(key string) string { return s.svc.keyUserID(key) }

// SetPassword sets a user's password, as checked by POST /v1/me/password.
// It reports whether the user exists.
func (s *Server) SetPassword(userID, password string) bool {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	u, ok := s.svc.st.users[userID]
	if ok {
		u.password, u.mustChange = password, false
	}
	return ok
}

// Password returns a user's current password (e.g. the temporary one set by
// POST /v1/users/{id}/password) and whether the user exists.
func (s *Server) Password(userID string) (string, bool) {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	if u, ok := s.svc.st.users[userID]; ok {
		return u.password, true
	}
	return "", false
}

// Users returns every user, in id (creation) order.
func (s *Server) Users() []User {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	out := make([]User, 0, s.svc.st.userIdx.len())
	for _, id := range s.svc.st.userIdx.keys {
		out = append(out, s.svc.st.userView(s.svc.st.users[id]))
	}
	return out
}

// User returns the user with the given id.
func (s *Server) User(id string) (User, bool) {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	if u, ok := s.svc.st.users[id]; ok {
		return s.svc.st.userView(u), true
	}
	return User{}, false
}

// UserByEmail returns the user with the given email, compared case-insensitively.
func (s *Server) UserByEmail(email string) (User, bool) {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	if id, ok := s.svc.st.emails[strings.ToLower(email)]; ok {
		return s.svc.st.userView(s.svc.st.users[id]), true
	}
	return User{}, false
}

// Groups returns every group, in name order.
func (s *Server) Groups() []Group {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	out := make([]Group, 0, s.svc.st.groupIdx.len())
	for _, n := range s.svc.st.groupIdx.keys {
		out = append(out, s.svc.st.groups[n].view())
	}
	return out
}

// Projects returns every project, in id (creation) order.
func (s *Server) Projects() []Project {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	out := make([]Project, 0, s.svc.st.projectIdx.len())
	for _, id := range s.svc.st.projectIdx.keys {
		out = append(out, s.svc.st.projects[id].view())
	}
	return out
}

// Clusters returns every cluster, in id order.
func (s *Server) Clusters() []Cluster {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	out := make([]Cluster, 0, s.svc.st.clusterIdx.len())
	for _, id := range s.svc.st.clusterIdx.keys {
		out = append(out, s.svc.st.clusters[id])
	}
	return out
}

// Admins returns every Kong-style admin, in creation order.
func (s *Server) Admins() []Admin {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	return s.svc.st.adminsByKey(s.svc.st.adminIdx.keys)
}

// PasswordResetToken returns the pending password reset token of the admin with
// the given email (set by POST /v1/admins/password_resets), or "".
func (s *Server) PasswordResetToken(email string) string {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	if a := s.svc.st.adminByEmail(email); a != nil {
		return a.resetToken
	}
	return ""
}

// AuditLog returns the audit events kept (90 days by the server's clock), oldest first.
func (s *Server) AuditLog() []AuditEvent {
	s.svc.mu.Lock()
	defer s.svc.mu.Unlock()
	s.svc.st.prune(s.svc.now())
	out := make([]AuditEvent, 0, s.svc.st.eventIdx.len())
	for _, k := range s.svc.st.eventIdx.keys {
		ev := s.svc.st.events[k]
		ev.Metadata = maps.Clone(ev.Metadata)
		out = append(out, ev)
	}
	return out
}

// Requests returns the requests answered so far, in the order they arrived
// (not the order they finished); a request still being served is listed once
// it is answered.
func (s *Server) Requests() []RecordedRequest {
	s.svc.reqMu.Lock()
	defer s.svc.reqMu.Unlock()
	out := slices.Clone(s.svc.requests)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// Reset puts the server back in its seeded state: the store as it was at start
// (plus the users bound to keys and clients created since), no audit events, no
// recorded requests, no idempotency keys, full rate limit buckets, and fault
// counts, injections and the fault random source restarted. Keys, OAuth clients
// and their tokens stay valid.
func (s *Server) Reset() {
	s.svc.mu.Lock()
	s.svc.st = s.svc.snapshot.clone()
	s.svc.mu.Unlock()
	s.svc.reqMu.Lock()
	s.svc.requests, s.svc.arrived = nil, nil
	s.svc.reqMu.Unlock()
	s.svc.idem.reset()
	s.svc.limiter.reset()
	s.svc.faults.reset()
}

// InjectFault forces kind on the next n eligible requests (see Faults.Match and
// Faults.OAuth), ahead of random faults. Injections queue in call order.
func (s *Server) InjectFault(kind FaultKind, n int) { s.svc.faults.inject(kind, n) }

// FaultCounts returns how many requests got each fault kind so far.
func (s *Server) FaultCounts() map[FaultKind]int { return s.svc.faults.snapshotCounts() }

// FaultSeed returns the seed of the fault random source, to replay a run with Faults.Seed.
func (s *Server) FaultSeed() int64 { return s.svc.faults.seed }
