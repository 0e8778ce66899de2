package admintest

import (
	"slices"
	"strings"
)

func validGroupName(v *string) *apiError {
	if e := validName("name", v); e != nil {
		return e
	}
	if strings.ContainsAny(*v, "/?#") || len(*v) > 128 {
		return invalidErr("name", "name must be at most 128 characters without '/', '?' or '#'.")
	}
	return nil
}

func validRoles(v *[]string) *apiError {
	if v == nil {
		return requiredErr("roles")
	}
	out := []string{}
	for _, r := range *v {
		if !isRole(r) {
			return invalidErr("roles", "Unknown role "+quote(r)+"; GET /roles lists the roles.")
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	*v = out
	return nil
}

func (s *service) listGroups(c *call) result {
	q := c.r.URL.Query()
	limit, after, e := cursorParams(q, "groups")
	if e != nil {
		return c.fail(e)
	}
	role := q.Get("role")
	if role != "" && !isRole(role) {
		return c.fail(invalidErr("role", "Unknown role "+quote(role)+"."))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, more := s.st.groupIdx.page(after, limit, func(name string) bool {
		return role == "" || slices.Contains(s.st.groups[name].roles, role)
	})
	data := make([]Group, 0, len(keys))
	for _, name := range keys {
		data = append(data, s.st.groups[name].view())
	}
	return jsonResult(200, newCursorPage("groups", data, keys, more))
}

type groupReq struct {
	Name  *string   `json:"name"`
	Roles *[]string `json:"roles"`
}

func (s *service) createGroup(c *call) result {
	var req groupReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if e := firstErr(validGroupName(req.Name), validRoles(req.Roles)); e != nil {
		return c.fail(e)
	}
	if c.outranked(*req.Roles...) {
		return c.fail(c.outrankedErr())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.st.groups[*req.Name]; exists {
		return c.fail(&apiError{status: 409, code: "conflict", param: "name",
			message: "A group with this name already exists."})
	}
	now := s.now()
	g := &groupRec{name: *req.Name, roles: *req.Roles, createdBy: c.p.userID, createdAt: now, updatedAt: now}
	s.st.groups[g.name] = g
	s.st.groupIdx.insert(g.name)
	s.addEvent(c, now, "group.create", "group", g.name, map[string]any{"roles": g.roles})
	return jsonResult(201, g.view())
}

func (s *service) getGroup(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.groups[c.r.PathValue("name")]
	if !ok {
		return c.fail(notFoundErr("group"))
	}
	return jsonResult(200, g.view())
}

func (s *service) putGroup(c *call) result {
	var req struct {
		Roles *[]string `json:"roles"`
	}
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if e := validRoles(req.Roles); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.groups[c.r.PathValue("name")]
	if !ok {
		return c.fail(notFoundErr("group"))
	}
	if c.outranked(g.roles...) || c.outranked(*req.Roles...) {
		return c.fail(c.outrankedErr())
	}
	if !slices.Equal(g.roles, *req.Roles) {
		now := s.now()
		g.roles, g.updatedAt = *req.Roles, now
		s.addEvent(c, now, "group.update", "group", g.name, map[string]any{"roles": g.roles})
	}
	return jsonResult(200, g.view())
}

func (s *service) deleteGroup(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := c.r.PathValue("name")
	g, ok := s.st.groups[name]
	if !ok {
		return c.fail(notFoundErr("group"))
	}
	if c.outranked(g.roles...) {
		return c.fail(c.outrankedErr())
	}
	delete(s.st.groups, name)
	s.st.groupIdx.remove(name)
	s.addEvent(c, s.now(), "group.delete", "group", name, nil)
	return emptyResult(204)
}

func (s *service) listGroupMembers(c *call) result {
	limit, after, e := cursorParams(c.r.URL.Query(), "members")
	if e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.groups[c.r.PathValue("name")]
	if !ok {
		return c.fail(notFoundErr("group"))
	}
	keys, more := g.members.page(after, limit, nil)
	data := make([]User, 0, len(keys))
	for _, id := range keys {
		data = append(data, s.st.userView(s.st.users[id]))
	}
	return jsonResult(200, newCursorPage("members", data, keys, more))
}

// groupAndUser looks up the group and user named in the path.
func (s *service) groupAndUser(c *call) (*groupRec, string, *apiError) {
	g, ok := s.st.groups[c.r.PathValue("name")]
	if !ok {
		return nil, "", notFoundErr("group")
	}
	id := c.r.PathValue("user_id")
	if _, ok := s.st.users[id]; !ok {
		return nil, "", notFoundErr("user")
	}
	return g, id, nil
}

func (s *service) addGroupMember(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, id, e := s.groupAndUser(c)
	if e != nil {
		return c.fail(e)
	}
	if c.outranked(g.roles...) {
		return c.fail(c.outrankedErr())
	}
	if !g.members.has(id) {
		now := s.now()
		g.members.insert(id)
		g.updatedAt = now
		s.addEvent(c, now, "group.member_add", "group", g.name, map[string]any{"user_id": id})
	}
	return emptyResult(204)
}

func (s *service) removeGroupMember(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.groups[c.r.PathValue("name")]
	if !ok {
		return c.fail(notFoundErr("group"))
	}
	if c.outranked(g.roles...) {
		return c.fail(c.outrankedErr())
	}
	id := c.r.PathValue("user_id")
	if g.members.remove(id) {
		now := s.now()
		g.updatedAt = now
		s.addEvent(c, now, "group.member_remove", "group", g.name, map[string]any{"user_id": id})
	}
	return emptyResult(204)
}
