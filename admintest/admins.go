package admintest

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// kongErr is a Kong-style {"message": ...} error.
func kongErr(status int, msg string) result { return jsonResult(status, kongMessage{Message: msg}) }

func kongNotFound() result { return kongErr(404, "Not found") }

// kongRequired is Kong's schema violation for a missing field.
func kongRequired(c *call, field string) result {
	return c.fail(&apiError{status: 400, param: field, message: "required field missing"})
}

func kongEmailOK(email string) bool {
	addr, err := mail.ParseAddress(email)
	return err == nil && addr.Address == email && addr.Name == ""
}

// adminClash names the field of a that another admin already uses.
func (st *store) adminClash(self, username, email, customID string) (string, string) {
	for id, a := range st.admins {
		if id == self {
			continue
		}
		switch {
		case username != "" && a.a.Username == username:
			return "username", username
		case email != "" && strings.EqualFold(a.a.Email, email):
			return "email", email
		case customID != "" && a.a.CustomID == customID:
			return "custom_id", customID
		}
	}
	return "", ""
}

func (st *store) adminsByKey(keys []string) []Admin {
	out := make([]Admin, 0, len(keys))
	for _, k := range keys {
		out = append(out, st.admins[k[17:]].a)
	}
	return out
}

func (s *service) listAdmins(c *call) result {
	size, after, e := kongParams(c.r.URL.Query(), "admins")
	if e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, more := s.st.adminIdx.page(after, size, nil)
	return jsonResult(200, newKongPage("/v1/admins", "admins", s.st.adminsByKey(keys), keys, more, size))
}

type inviteAdminReq struct {
	Username         *string `json:"username"`
	Email            *string `json:"email"`
	CustomID         *string `json:"custom_id"`
	RBACTokenEnabled *bool   `json:"rbac_token_enabled"`
}

func (s *service) inviteAdmin(c *call) result {
	var req inviteAdminReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if req.Username == nil || strings.TrimSpace(*req.Username) == "" {
		return kongRequired(c, "username")
	}
	a := &adminRec{a: Admin{Username: strings.TrimSpace(*req.Username), Status: AdminStatusInvited,
		RBACTokenEnabled: true}, registerToken: randomHex(16)}
	if req.Email != nil {
		if !kongEmailOK(*req.Email) {
			return c.fail(&apiError{status: 400, param: "email", message: "invalid email address " + *req.Email})
		}
		a.a.Email = *req.Email
	}
	if req.CustomID != nil {
		a.a.CustomID = *req.CustomID
	}
	if req.RBACTokenEnabled != nil {
		a.a.RBACTokenEnabled = *req.RBACTokenEnabled
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, _ := s.st.adminClash("", a.a.Username, a.a.Email, a.a.CustomID); f != "" {
		return kongErr(409, "user already exists with same username, email, or custom_id")
	}
	now := s.now()
	s.addAdmin(a, now)
	s.addEvent(c, now, "admin.create", "admin", a.a.ID, map[string]any{"username": a.a.Username})
	return jsonResult(200, map[string]Admin{"admin": a.a})
}

type adminWithRegister struct {
	Admin
	RegisterURL string `json:"register_url,omitempty"`
	Token       string `json:"token,omitempty"`
}

func (s *service) getAdmin(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	out := adminWithRegister{Admin: a.a}
	if c.r.URL.Query().Get("generate_register_url") == "true" && a.a.Status == AdminStatusInvited {
		a.registerToken = randomHex(16)
		out.Token = a.registerToken
		out.RegisterURL = fmt.Sprintf("http://%s/register?email=%s&username=%s&token=%s", c.r.Host,
			url.QueryEscape(a.a.Email), url.QueryEscape(a.a.Username), url.QueryEscape(a.registerToken))
	}
	return jsonResult(200, out)
}

func (s *service) patchAdmin(c *call) result {
	var req inviteAdminReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if req.Username != nil && strings.TrimSpace(*req.Username) == "" {
		return c.fail(&apiError{status: 400, param: "username", message: "length must be at least 1"})
	}
	if req.Email != nil && *req.Email != "" && !kongEmailOK(*req.Email) {
		return c.fail(&apiError{status: 400, param: "email", message: "invalid email address " + *req.Email})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	get := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	if f, v := s.st.adminClash(a.a.ID, get(req.Username), get(req.Email), get(req.CustomID)); f != "" {
		return jsonResult(409, kongFieldError{Code: 5, Name: "unique constraint violation",
			Message: fmt.Sprintf("UNIQUE violation detected on '{%s=%q}'", f, v),
			Fields:  map[string]string{f: fmt.Sprintf("already exists with value '%s'", v)}})
	}
	var changed []string
	set := func(field string, dst *string, v *string) {
		if v != nil && *dst != strings.TrimSpace(*v) {
			*dst, changed = strings.TrimSpace(*v), append(changed, field)
		}
	}
	set("username", &a.a.Username, req.Username)
	set("email", &a.a.Email, req.Email)
	set("custom_id", &a.a.CustomID, req.CustomID)
	if req.RBACTokenEnabled != nil && a.a.RBACTokenEnabled != *req.RBACTokenEnabled {
		a.a.RBACTokenEnabled, changed = *req.RBACTokenEnabled, append(changed, "rbac_token_enabled")
	}
	if len(changed) > 0 {
		now := s.now()
		a.a.UpdatedAt = now.Unix()
		s.addEvent(c, now, "admin.update", "admin", a.a.ID, map[string]any{"fields": changed})
	}
	return jsonResult(200, a.a)
}

func (s *service) deleteAdmin(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.findAdmin(c.r.PathValue("name_or_id"))
	if a == nil {
		return kongNotFound()
	}
	delete(s.st.admins, a.a.ID)
	s.st.adminIdx.remove(adminKey(a.seq, a.a.ID))
	s.addEvent(c, s.now(), "admin.delete", "admin", a.a.ID, map[string]any{"username": a.a.Username})
	return emptyResult(204)
}
