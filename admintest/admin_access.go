package admintest

import (
	"slices"
	"strings"
)

type registerReq struct {
	Token    *string `json:"token"`
	Username *string `json:"username"`
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

// required returns the first of the named fields that is missing or empty.
func required(fields ...any) string {
	for i := 0; i+1 < len(fields); i += 2 {
		if p, _ := fields[i+1].(*string); p == nil || *p == "" {
			return fields[i].(string)
		}
	}
	return ""
}

func (s *service) registerAdmin(c *call) result {
	var req registerReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if f := required("token", req.Token, "username", req.Username, "email", req.Email, "password", req.Password); f != "" {
		return kongRequired(c, f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(*req.Username)
	if a == nil || a.a.Username != *req.Username || !strings.EqualFold(a.a.Email, *req.Email) ||
		a.a.Status != AdminStatusInvited || a.registerToken == "" || a.registerToken != *req.Token {
		return kongErr(401, "Unauthorized")
	}
	now := s.now()
	a.a.Status, a.password, a.registerToken = AdminStatusApproved, *req.Password, ""
	a.a.UpdatedAt = now.Unix()
	s.addEvent(c, now, "admin.register", "admin", a.a.ID, nil)
	return emptyResult(201)
}

func (st *store) adminByEmail(email string) *adminRec {
	for _, a := range st.admins {
		if a.a.Email != "" && strings.EqualFold(a.a.Email, email) {
			return a
		}
	}
	return nil
}

func (s *service) requestAdminPasswordReset(c *call) result {
	var req struct {
		Email *string `json:"email"`
	}
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if f := required("email", req.Email); f != "" {
		return kongRequired(c, f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Like Kong, answer 201 whether or not the email is known.
	if a := s.st.adminByEmail(*req.Email); a != nil {
		a.resetToken = randomHex(16)
		s.addEvent(c, s.now(), "admin.password_reset_request", "admin", a.a.ID, nil)
	}
	return emptyResult(201)
}

func (s *service) resetAdminPassword(c *call) result {
	var req struct {
		Email    *string `json:"email"`
		Password *string `json:"password"`
		Token    *string `json:"token"`
	}
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if f := required("email", req.Email, "password", req.Password, "token", req.Token); f != "" {
		return kongRequired(c, f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.adminByEmail(*req.Email)
	if a == nil || a.resetToken == "" || a.resetToken != *req.Token {
		return kongErr(401, "Unauthorized")
	}
	now := s.now()
	a.password, a.resetToken = *req.Password, ""
	a.a.UpdatedAt = now.Unix()
	s.addEvent(c, now, "admin.password_reset", "admin", a.a.ID, nil)
	return emptyResult(200)
}

func (st *store) adminRoles(a *adminRec) []RBACRole {
	out := []RBACRole{}
	for _, name := range a.roles {
		if r, ok := st.rbacRole(name); ok {
			out = append(out, r)
		}
	}
	return out
}

func (s *service) listAdminRoles(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	return jsonResult(200, map[string][]RBACRole{"roles": s.st.adminRoles(a)})
}

// roleNames parses the comma-separated roles field and checks every name exists.
func (s *service) roleNames(c *call) ([]string, *result) {
	var req struct {
		Roles *string `json:"roles"`
	}
	if res, ok := c.decode(&req); !ok {
		return nil, &res
	}
	var names []string
	if req.Roles != nil {
		for _, n := range strings.Split(*req.Roles, ",") {
			if n = strings.TrimSpace(n); n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		res := kongErr(400, "must provide >= 1 role")
		return nil, &res
	}
	for _, n := range names {
		if _, ok := s.st.rbacRole(n); !ok {
			res := kongErr(400, "role not found with name '"+n+"'")
			return nil, &res
		}
	}
	return names, nil
}

func (s *service) addAdminRoles(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	names, fail := s.roleNames(c)
	if fail != nil {
		return *fail
	}
	var added []string
	for _, n := range names {
		if !slices.Contains(a.roles, n) {
			a.roles, added = append(a.roles, n), append(added, n)
		}
	}
	if len(added) > 0 {
		s.addEvent(c, s.now(), "admin.roles_add", "admin", a.a.ID, map[string]any{"roles": added})
	}
	return jsonResult(201, map[string][]RBACRole{"roles": s.st.adminRoles(a)})
}

func (s *service) removeAdminRoles(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	names, fail := s.roleNames(c)
	if fail != nil {
		return *fail
	}
	var removed []string
	a.roles = slices.DeleteFunc(a.roles, func(n string) bool {
		if slices.Contains(names, n) {
			removed = append(removed, n)
			return true
		}
		return false
	})
	if len(removed) > 0 {
		s.addEvent(c, s.now(), "admin.roles_remove", "admin", a.a.ID, map[string]any{"roles": removed})
	}
	return emptyResult(204)
}

func (s *service) listAdminWorkspaces(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	names := []string{"default"}
	for _, r := range s.st.adminRoles(a) {
		if !slices.Contains(names, r.workspace) {
			names = append(names, r.workspace)
		}
	}
	out := []Workspace{}
	for _, w := range s.st.workspaces {
		if slices.Contains(names, w.Name) {
			out = append(out, w)
		}
	}
	return jsonResult(200, out)
}
