package admintest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// retention is how long audit events are kept.
const retention = 90 * 24 * time.Hour

type userRec struct {
	u          User // Groups is computed when the user is shown
	password   string
	mustChange bool
}

type groupRec struct {
	name      string
	roles     []string
	members   sortedIndex
	createdBy string
	createdAt time.Time
	updatedAt time.Time
}

type projectRec struct {
	p       Project // Members is kept in members
	members sortedIndex
}

type adminRec struct {
	a             Admin
	seq           uint64
	password      string
	registerToken string
	resetToken    string
	roles         []string // RBAC role names, in the order granted
}

// store is the server's state. Every access holds service.mu.
type store struct {
	users      map[string]*userRec
	userIdx    sortedIndex
	emails     map[string]string // lower-case email → user id
	groups     map[string]*groupRec
	groupIdx   sortedIndex
	projects   map[string]*projectRec
	projectIdx sortedIndex
	clusters   map[string]Cluster
	clusterIdx sortedIndex
	events     map[string]AuditEvent // by eventKey
	eventIdx   sortedIndex
	admins     map[string]*adminRec // by id
	adminIdx   sortedIndex          // adminKey(seq, id)
	rbacRoles  []RBACRole
	workspaces []Workspace
}

func newStore() *store {
	return &store{
		users: map[string]*userRec{}, emails: map[string]string{},
		groups: map[string]*groupRec{}, projects: map[string]*projectRec{},
		clusters: map[string]Cluster{}, events: map[string]AuditEvent{},
		admins: map[string]*adminRec{},
	}
}

// clone deep-copies the store for snapshots and Reset. Events and clusters are
// never changed in place, so they are shared.
func (st *store) clone() *store {
	c := newStore()
	for id, u := range st.users {
		cu := *u
		if u.u.LastLoginAt != nil {
			t := *u.u.LastLoginAt
			cu.u.LastLoginAt = &t
		}
		c.users[id] = &cu
	}
	c.userIdx = st.userIdx.clone()
	c.emails = maps.Clone(st.emails)
	for n, g := range st.groups {
		cg := *g
		cg.roles = slices.Clone(g.roles)
		cg.members = g.members.clone()
		c.groups[n] = &cg
	}
	c.groupIdx = st.groupIdx.clone()
	for id, p := range st.projects {
		cp := *p
		cp.members = p.members.clone()
		c.projects[id] = &cp
	}
	c.projectIdx = st.projectIdx.clone()
	c.clusters = maps.Clone(st.clusters)
	c.clusterIdx = st.clusterIdx.clone()
	c.events = maps.Clone(st.events)
	c.eventIdx = st.eventIdx.clone()
	for id, a := range st.admins {
		ca := *a
		ca.roles = slices.Clone(a.roles)
		c.admins[id] = &ca
	}
	c.adminIdx = st.adminIdx.clone()
	c.rbacRoles = slices.Clone(st.rbacRoles)
	c.workspaces = slices.Clone(st.workspaces)
	return c
}

func (st *store) addUser(u *userRec) {
	st.users[u.u.ID] = u
	st.userIdx.insert(u.u.ID)
	st.emails[strings.ToLower(u.u.Email)] = u.u.ID
}

// removeUser deletes a user and its memberships; it reports whether it existed.
func (st *store) removeUser(id string, now time.Time) bool {
	u, ok := st.users[id]
	if !ok {
		return false
	}
	delete(st.users, id)
	st.userIdx.remove(id)
	delete(st.emails, strings.ToLower(u.u.Email))
	for _, g := range st.groups {
		if g.members.remove(id) {
			g.updatedAt = now
		}
	}
	for _, p := range st.projects {
		if p.members.remove(id) {
			p.p.UpdatedAt = now
		}
	}
	return true
}

// userView returns the wire form of a user.
func (st *store) userView(u *userRec) User {
	v := u.u
	v.Groups = []string{}
	for _, name := range st.groupIdx.keys {
		if st.groups[name].members.has(v.ID) {
			v.Groups = append(v.Groups, name)
		}
	}
	if u.u.LastLoginAt != nil {
		t := *u.u.LastLoginAt
		v.LastLoginAt = &t
	}
	return v
}

func (g *groupRec) view() Group {
	return Group{Name: g.name, Roles: append([]string{}, g.roles...), Members: append([]string{}, g.members.keys...),
		CreatedBy: g.createdBy, CreatedAt: g.createdAt, UpdatedAt: g.updatedAt}
}

func (p *projectRec) view() Project {
	v := p.p
	v.Members = append([]string{}, p.members.keys...)
	return v
}

// eventKey orders events by time, then id, as a string.
func eventKey(t time.Time, id string) string {
	return fmt.Sprintf("%020d|%s", uint64(t.UnixNano())^(1<<63), id)
}

// addEvent appends an audit event; the caller holds the lock.
func (s *service) addEvent(c *call, now time.Time, action, targetType, targetID string, meta map[string]any) {
	if meta == nil {
		meta = map[string]any{}
	}
	ev := AuditEvent{ID: s.newID("evt_"), Action: action, UserID: c.p.userID, TargetType: targetType,
		TargetID: targetID, IP: c.ip, CreatedAt: now, Metadata: meta}
	k := eventKey(now, ev.ID)
	s.st.events[k] = ev
	s.st.eventIdx.insert(k)
	s.st.prune(now)
}

// prune drops audit events older than the retention period.
func (st *store) prune(now time.Time) {
	cutoff := eventKey(now.Add(-retention), "")
	n := 0
	for n < len(st.eventIdx.keys) && st.eventIdx.keys[n] < cutoff {
		delete(st.events, st.eventIdx.keys[n])
		n++
	}
	if n > 0 {
		st.eventIdx.keys = slices.Delete(st.eventIdx.keys, 0, n)
	}
}

func adminKey(seq uint64, id string) string { return fmt.Sprintf("%016x|%s", seq, id) }

// findAdmin looks an admin up by id, then by username.
func (st *store) findAdmin(nameOrID string) *adminRec {
	if a, ok := st.admins[nameOrID]; ok {
		return a
	}
	for _, a := range st.admins {
		if a.a.Username == nameOrID {
			return a
		}
	}
	return nil
}

func (st *store) rbacRole(name string) (RBACRole, bool) {
	for _, r := range st.rbacRoles {
		if r.Name == name {
			return r, true
		}
	}
	return RBACRole{}, false
}
