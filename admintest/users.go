package admintest

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

func validName(param string, v *string) *apiError {
	if v == nil {
		return requiredErr(param)
	}
	t := strings.TrimSpace(*v)
	if t == "" {
		return invalidErr(param, param+" must not be empty.")
	}
	if utf8.RuneCountInString(t) > 200 {
		return invalidErr(param, param+" must be at most 200 characters.")
	}
	*v = t
	return nil
}

func validEmail(v *string) *apiError {
	if v == nil {
		return requiredErr("email")
	}
	addr, err := mail.ParseAddress(*v)
	if err != nil || addr.Address != *v || addr.Name != "" || len(*v) > 254 {
		return invalidErr("email", "email must be a valid email address.")
	}
	return nil
}

func validRole(param string, v *string) *apiError {
	if v == nil {
		return requiredErr(param)
	}
	if !isRole(*v) {
		return invalidErr(param, "Unknown role "+quote(*v)+"; GET /roles lists the roles.")
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

func (s *service) listUsers(c *call) result {
	q := c.r.URL.Query()
	limit, after, e := cursorParams(q, "users")
	if e != nil {
		return c.fail(e)
	}
	role, status, text := q.Get("role"), q.Get("status"), strings.ToLower(q.Get("q"))
	email := strings.ToLower(q.Get("email"))
	if len(email) > 254 {
		return c.fail(invalidErr("email", "email must be at most 254 characters."))
	}
	if role != "" && !isRole(role) {
		return c.fail(invalidErr("role", "Unknown role "+quote(role)+"."))
	}
	if status != "" && status != "active" && status != "inactive" && status != "invited" {
		return c.fail(invalidErr("status", "status must be active, inactive or invited."))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, more := s.st.userIdx.page(after, limit, func(id string) bool {
		u := s.st.users[id].u
		return (role == "" || u.Role == role) && (status == "" || u.Status == status) &&
			(email == "" || strings.ToLower(u.Email) == email) &&
			(text == "" || strings.Contains(strings.ToLower(u.Name), text) ||
				strings.Contains(strings.ToLower(u.Email), text))
	})
	data := make([]User, 0, len(keys))
	for _, id := range keys {
		data = append(data, s.st.userView(s.st.users[id]))
	}
	return jsonResult(200, newCursorPage("users", data, keys, more))
}

type createUserReq struct {
	Name           *string `json:"name"`
	Email          *string `json:"email"`
	Role           *string `json:"role"`
	SendInvitation *bool   `json:"send_invitation"`
}

func (s *service) createUser(c *call) result {
	var req createUserReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if e := firstErr(validName("name", req.Name), validEmail(req.Email), validRole("role", req.Role)); e != nil {
		return c.fail(e)
	}
	if c.outranked(*req.Role) {
		return c.fail(c.outrankedErr())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.st.emails[strings.ToLower(*req.Email)]; taken {
		return c.fail(&apiError{status: 409, code: "email_taken", param: "email",
			message: "A user with this email already exists."})
	}
	now := s.now()
	status := "invited"
	if req.SendInvitation != nil && !*req.SendInvitation {
		status = "active"
	}
	u := &userRec{u: User{ID: s.newID("usr_"), Name: *req.Name, Email: *req.Email, Role: *req.Role,
		Status: status, CreatedAt: now, UpdatedAt: now}, password: randomHex(8), mustChange: true}
	s.st.addUser(u)
	s.addEvent(c, now, "user.create", "user", u.u.ID, map[string]any{"email": u.u.Email, "role": u.u.Role})
	res := jsonResult(201, s.st.userView(u))
	res.header.Set("Location", "/v1/users/"+u.u.ID)
	return res
}

func firstErr(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *service) getUser(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("user"))
	}
	return jsonResult(200, s.st.userView(u))
}

type patchUserReq struct {
	Name   *string `json:"name"`
	Role   *string `json:"role"`
	Status *string `json:"status"`
}

func (s *service) patchUser(c *call) result {
	var req patchUserReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	if req.Name != nil {
		if e := validName("name", req.Name); e != nil {
			return c.fail(e)
		}
	}
	if req.Role != nil {
		if e := validRole("role", req.Role); e != nil {
			return c.fail(e)
		}
	}
	if req.Status != nil && *req.Status != "active" && *req.Status != "inactive" {
		return c.fail(invalidErr("status", "status must be active or inactive."))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("user"))
	}
	if c.outranked(u.u.Role) || (req.Role != nil && c.outranked(*req.Role)) {
		return c.fail(c.outrankedErr())
	}
	var changed []string
	set := func(field string, dst *string, v *string) {
		if v != nil && *dst != *v {
			*dst = *v
			changed = append(changed, field)
		}
	}
	set("name", &u.u.Name, req.Name)
	set("role", &u.u.Role, req.Role)
	set("status", &u.u.Status, req.Status)
	if u.u.Status == "inactive" {
		s.auth.revokeUser(u.u.ID) // its sessions end; its keys fail while it stays inactive
	}
	if len(changed) > 0 {
		now := s.now()
		u.u.UpdatedAt = now
		s.addEvent(c, now, "user.update", "user", u.u.ID, map[string]any{"fields": changed})
	}
	return jsonResult(200, s.st.userView(u))
}

func (s *service) deleteUser(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.r.PathValue("id")
	if u, ok := s.st.users[id]; ok && c.outranked(u.u.Role) {
		return c.fail(c.outrankedErr())
	}
	now := s.now()
	if !s.st.removeUser(id, now) {
		return c.fail(notFoundErr("user"))
	}
	s.auth.revokeUser(id)
	s.addEvent(c, now, "user.delete", "user", id, nil)
	return emptyResult(204)
}

func (s *service) logoutUser(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.r.PathValue("id")
	u, ok := s.st.users[id]
	if !ok {
		return c.fail(notFoundErr("user"))
	}
	if c.outranked(u.u.Role) {
		return c.fail(c.outrankedErr())
	}
	n := s.auth.revokeUser(id)
	s.addEvent(c, s.now(), "user.logout", "user", id, map[string]any{"sessions_ended": n})
	return emptyResult(204)
}

func (s *service) resetUserPassword(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("user"))
	}
	if c.outranked(u.u.Role) {
		return c.fail(c.outrankedErr())
	}
	temp := "tmp-" + randomHex(6)
	now := s.now()
	u.password, u.mustChange = temp, true
	u.u.UpdatedAt = now
	s.addEvent(c, now, "user.password_reset", "user", u.u.ID, nil)
	return jsonResult(200, map[string]string{"temp_password": temp})
}

type changePasswordReq struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

func (s *service) changeOwnPassword(c *call) result {
	var req changePasswordReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	switch {
	case req.CurrentPassword == nil:
		return c.fail(requiredErr("current_password"))
	case req.NewPassword == nil:
		return c.fail(requiredErr("new_password"))
	case utf8.RuneCountInString(*req.NewPassword) < 8:
		return c.fail(invalidErr("new_password", "new_password must have at least 8 characters."))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[c.p.userID]
	if !ok {
		return c.fail(notFoundErr("user"))
	}
	if u.password != *req.CurrentPassword {
		return c.fail(&apiError{status: 403, code: "forbidden", param: "current_password",
			message: "current_password is not the current password."})
	}
	now := s.now()
	u.password, u.mustChange = *req.NewPassword, false
	u.u.UpdatedAt = now
	s.addEvent(c, now, "user.password_change", "user", u.u.ID, nil)
	return emptyResult(204)
}

// meResponse is the wire form of GET /v1/me.
type meResponse struct {
	Type     string  `json:"type"` // "user" for an API key, "client" for an OAuth client
	User     *User   `json:"user"`
	ClientID *string `json:"client_id"`
	Role     string  `json:"role"`
}

// getMe serves GET /v1/me: the caller's principal and the user it acts as.
func (s *service) getMe(c *call) result {
	res := meResponse{Type: "user", Role: c.p.role}
	if c.p.clientID != "" {
		id := c.p.clientID
		res.Type, res.ClientID = "client", &id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.st.users[c.p.userID]; ok {
		v := s.st.userView(u)
		res.User = &v
	}
	return jsonResult(200, res)
}
