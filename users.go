package admin

import (
	"context"
	"iter"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"time"
)

// UsersService manages users: GET, POST, PATCH and DELETE on /users.
type UsersService service

// Role is a role that can be granted to a user, a group or an API key.
type Role string

// The roles the API knows.
const (
	RoleAdmin           Role = "admin"
	RoleEditor          Role = "editor"
	RoleViewer          Role = "viewer"
	RoleDepartmentAdmin Role = "department_admin"
	RoleResearcher      Role = "researcher"
	RoleResearchManager Role = "research_manager"
	RoleMLEngineer      Role = "ml_engineer"
)

// Valid reports whether r is one of the roles the API knows.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleEditor, RoleViewer, RoleDepartmentAdmin, RoleResearcher, RoleResearchManager, RoleMLEngineer:
		return true
	}
	return false
}

// UserStatus is the state of a user's account.
type UserStatus string

// The statuses of a user.
const (
	UserActive   UserStatus = "active"
	UserInactive UserStatus = "inactive"
	UserInvited  UserStatus = "invited"
)

// Valid reports whether s is one of the statuses the API knows.
func (s UserStatus) Valid() bool { return s == UserActive || s == UserInactive || s == UserInvited }

// User is a user of the organisation.
type User struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Role        Role       `json:"role"`
	Status      UserStatus `json:"status"`
	Groups      []string   `json:"groups"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func userID(u *User) string { return u.ID }

// ListUsersParams filters and pages a list of users. The zero value lists
// every user, 20 to a page.
type ListUsersParams struct {
	Limit  int        // 1 to 100; 0 means the server's default (20)
	Cursor string     // resume after the page that gave this cursor
	Role   Role       // only users with this role
	Status UserStatus // only users with this status
	Query  string     // only users whose name or email contains this, ignoring case
}

func (p *ListUsersParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	if p.Role != "" {
		if !p.Role.Valid() {
			return nil, "", invalidParam("Role", "unknown role "+string(p.Role))
		}
		q.Set("role", string(p.Role))
	}
	if p.Status != "" {
		if !p.Status.Valid() {
			return nil, "", invalidParam("Status", "unknown status "+string(p.Status))
		}
		q.Set("status", string(p.Status))
	}
	if p.Query != "" {
		q.Set("q", p.Query)
	}
	return q, p.Cursor, nil
}

// List returns one page of users. GET /users
func (s *UsersService) List(ctx context.Context, p *ListUsersParams) (*Page[User], error) {
	q, cursor, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/users"), q, cursorStyle, userID).page(ctx, cursor)
}

// All iterates over every user matching p, page by page, starting at
// p.Cursor. GET /users
func (s *UsersService) All(ctx context.Context, p *ListUsersParams) iter.Seq2[User, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[User](err)
	}
	return newPager(s.c, static("/users"), q, cursorStyle, userID).all(ctx, cursor)
}

// CreateUserParams are the fields of a new user.
type CreateUserParams struct {
	Name  string `json:"name"`  // required
	Email string `json:"email"` // required
	Role  Role   `json:"role"`  // required
	// SendInvitation says whether to email an invitation; nil means yes.
	// An invited user has status "invited", otherwise "active".
	SendInvitation *bool `json:"send_invitation,omitempty"`
}

func (p *CreateUserParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Name == "":
		return invalidParam("Name", "is required")
	}
	if err := validEmail("Email", p.Email); err != nil {
		return err
	}
	return validRole("Role", p.Role)
}

// Create creates a user. POST /users
func (s *UsersService) Create(ctx context.Context, p *CreateUserParams) (*User, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodPost, static("/users"), nil, p, userID)
}

// Get returns the user with the given id. GET /users/{id}
func (s *UsersService) Get(ctx context.Context, id string) (*User, error) {
	r, err := at("/users/{id}", id)
	if err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodGet, r, nil, nil, userID)
}

// UpdateUserParams are the fields of a user to change; nil fields are kept.
type UpdateUserParams struct {
	Name   *string     `json:"name,omitempty"`
	Role   *Role       `json:"role,omitempty"`
	Status *UserStatus `json:"status,omitempty"` // UserActive or UserInactive
}

func (p *UpdateUserParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Name != nil && *p.Name == "":
		return invalidParam("Name", "must not be empty")
	case p.Role != nil && !p.Role.Valid():
		return invalidParam("Role", "unknown role "+string(*p.Role))
	case p.Status != nil && *p.Status != UserActive && *p.Status != UserInactive:
		return invalidParam("Status", "must be active or inactive")
	}
	return nil
}

// Update changes a user. PATCH /users/{id}
func (s *UsersService) Update(ctx context.Context, id string, p *UpdateUserParams) (*User, error) {
	r, err := at("/users/{id}", id)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodPatch, r, nil, p, userID)
}

// Delete deletes a user and removes them from every group and project.
// DELETE /users/{id}
func (s *UsersService) Delete(ctx context.Context, id string) error {
	r, err := at("/users/{id}", id)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}

// Logout ends every session of a user. POST /users/{id}/logout
func (s *UsersService) Logout(ctx context.Context, id string) error {
	r, err := at("/users/{id}/logout", id)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodPost, r, nil, nil, nil)
}

// PasswordReset is the result of resetting a user's password.
type PasswordReset struct {
	// TempPassword is the temporary password the user must change at their
	// next login. It prints as [REDACTED]; use string(TempPassword).
	TempPassword Secret `json:"temp_password"`
}

// LogValue describes the reset for log/slog with the password redacted
// (a JSON handler would otherwise marshal it in the clear).
func (r PasswordReset) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("temp_password", r.TempPassword))
}

// ResetPassword gives a user a temporary password.
// POST /users/{id}/password
func (s *UsersService) ResetPassword(ctx context.Context, id string) (*PasswordReset, error) {
	r, err := at("/users/{id}/password", id)
	if err != nil {
		return nil, err
	}
	out := new(PasswordReset)
	if err := s.c.do(ctx, http.MethodPost, r, nil, nil, out); err != nil {
		return nil, err
	}
	if out.TempPassword == "" {
		return nil, &Error{Method: http.MethodPost, Path: s.c.base.Path + r.path, StatusCode: http.StatusOK,
			Message: "no temp_password in the response", invalidResponse: true, PossiblyApplied: true}
	}
	return out, nil
}

// validEmail checks that v is a bare email address.
func validEmail(field, v string) error {
	if v == "" {
		return invalidParam(field, "is required")
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		return invalidParam(field, "is not a valid email address")
	}
	return nil
}

// validRole checks that r is set and known.
func validRole(field string, r Role) error {
	if r == "" {
		return invalidParam(field, "is required")
	}
	if !r.Valid() {
		return invalidParam(field, "unknown role "+string(r))
	}
	return nil
}

// errSeq is an iteration that yields err once.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
