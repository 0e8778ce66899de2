package admin

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AdminsService manages Kong Enterprise-style admins: /admins. It speaks
// Kong's wire format, so it also works against a Kong Gateway Enterprise
// Admin API (authenticate with WithHeader("Kong-Admin-Token", token)).
type AdminsService service

// AdminStatus is the state of an admin's invitation, as Kong numbers it.
type AdminStatus int

// The statuses of an admin.
const (
	AdminApproved   AdminStatus = 0
	AdminPending    AdminStatus = 1
	AdminRejected   AdminStatus = 2
	AdminRevoked    AdminStatus = 3
	AdminInvited    AdminStatus = 4
	AdminUnverified AdminStatus = 5
)

var adminStatusNames = [...]string{"approved", "pending", "rejected", "revoked", "invited", "unverified"}

// String returns the status's name, such as "invited", or
// "AdminStatus(9)" for a status the SDK does not know.
func (s AdminStatus) String() string {
	if s >= 0 && int(s) < len(adminStatusNames) {
		return adminStatusNames[s]
	}
	return "AdminStatus(" + strconv.Itoa(int(s)) + ")"
}

// Admin is an admin of the Kong-style admin API.
type Admin struct {
	ID               string
	Username         string
	Email            string
	CustomID         string
	Status           AdminStatus
	RBACTokenEnabled bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// RegisterURL and Token are set only by Get with GenerateRegisterURL
	// while the admin is invited; pass Token to Register. The URL carries
	// the token, so both print as [REDACTED].
	RegisterURL Secret
	Token       Secret
}

type adminWire struct {
	ID               string       `json:"id"`
	Username         string       `json:"username"`
	Email            string       `json:"email,omitempty"`
	CustomID         string       `json:"custom_id,omitempty"`
	Status           *AdminStatus `json:"status"`
	RBACTokenEnabled bool         `json:"rbac_token_enabled"`
	CreatedAt        unixTime     `json:"created_at"`
	UpdatedAt        unixTime     `json:"updated_at"`
	RegisterURL      Secret       `json:"register_url,omitempty"`
	Token            Secret       `json:"token,omitempty"`
}

// UnmarshalJSON decodes an admin in Kong's wire format.
func (a *Admin) UnmarshalJSON(b []byte) error {
	var w adminWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Status == nil { // a missing status must not read as AdminApproved
		return errors.New("admin: admin has no status")
	}
	*a = Admin{w.ID, w.Username, w.Email, w.CustomID, *w.Status, w.RBACTokenEnabled,
		w.CreatedAt.Time, w.UpdatedAt.Time, w.RegisterURL, w.Token}
	return nil
}

// MarshalJSON encodes an admin in Kong's wire format, which UnmarshalJSON
// reads back. Like every Secret, the token is encoded as its value.
func (a Admin) MarshalJSON() ([]byte, error) {
	return json.Marshal(adminWire{a.ID, a.Username, a.Email, a.CustomID, &a.Status, a.RBACTokenEnabled,
		unixTime{a.CreatedAt}, unixTime{a.UpdatedAt}, a.RegisterURL, a.Token})
}

// LogValue describes the admin for log/slog with its secrets redacted
// (a JSON handler would otherwise marshal them in the clear).
func (a Admin) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", a.ID), slog.String("username", a.Username),
		slog.String("email", a.Email), slog.String("custom_id", a.CustomID),
		slog.String("status", a.Status.String()), slog.Bool("rbac_token_enabled", a.RBACTokenEnabled),
		slog.Time("created_at", a.CreatedAt), slog.Time("updated_at", a.UpdatedAt)}
	if a.Token != "" || a.RegisterURL != "" {
		attrs = append(attrs, slog.Any("register_url", a.RegisterURL), slog.Any("token", a.Token))
	}
	return slog.GroupValue(attrs...)
}

func adminID(a *Admin) string { return a.ID }

// ListAdminsParams pages a list of admins. The zero value lists every
// admin, 100 to a page.
type ListAdminsParams struct {
	Size   int    // 1 to 1000; 0 means the server's default (100)
	Offset string // resume after the page that gave this offset (Page.NextCursor)
}

func (p *ListAdminsParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Size", "size", p.Size, 1000); err != nil {
		return nil, "", err
	}
	return q, p.Offset, nil
}

// List returns one page of admins; its NextCursor is Kong's offset.
// GET /admins
func (s *AdminsService) List(ctx context.Context, p *ListAdminsParams) (*Page[Admin], error) {
	q, offset, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/admins"), q, kongStyle, adminID).page(ctx, offset)
}

// All iterates over every admin, page by page, starting at p.Offset.
// GET /admins
func (s *AdminsService) All(ctx context.Context, p *ListAdminsParams) iter.Seq2[Admin, error] {
	q, offset, err := p.query()
	if err != nil {
		return errSeq[Admin](err)
	}
	return newPager(s.c, static("/admins"), q, kongStyle, adminID).all(ctx, offset)
}

// InviteAdminParams are the fields of a new admin.
type InviteAdminParams struct {
	Username string `json:"username"` // required
	Email    string `json:"email,omitempty"`
	CustomID string `json:"custom_id,omitempty"`
	// RBACTokenEnabled allows the admin to use and reset their RBAC
	// token; nil means the server's default (true).
	RBACTokenEnabled *bool `json:"rbac_token_enabled,omitempty"`
}

func (p *InviteAdminParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case strings.TrimSpace(p.Username) == "":
		return invalidParam("Username", "is required")
	case p.Email != "":
		return validEmail("Email", p.Email)
	}
	return nil
}

// Invite creates an admin with status AdminInvited. A username, email or
// custom id already taken is ErrConflict. POST /admins
func (s *AdminsService) Invite(ctx context.Context, p *InviteAdminParams) (*Admin, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var out struct {
		Admin *Admin `json:"admin"`
	}
	r := static("/admins")
	if err := s.c.do(ctx, http.MethodPost, r, nil, p, &out); err != nil {
		return nil, err
	}
	if out.Admin == nil || out.Admin.ID == "" {
		return nil, s.invalid(http.MethodPost, r, "no admin in the response")
	}
	return out.Admin, nil
}

// RegisterAdminParams register an invited admin's credentials.
type RegisterAdminParams struct {
	Token    Secret `json:"token"` // required: Admin.Token from Get with GenerateRegisterURL
	Username string `json:"username"`
	Email    string `json:"email"`
	Password Secret `json:"password"`
}

// LogValue describes the params for log/slog with the token and password
// redacted.
func (p RegisterAdminParams) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("token", p.Token), slog.String("username", p.Username),
		slog.String("email", p.Email), slog.Any("password", p.Password))
}

func (p *RegisterAdminParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Token == "":
		return invalidParam("Token", "is required")
	case strings.TrimSpace(p.Username) == "":
		return invalidParam("Username", "is required")
	case p.Password == "":
		return invalidParam("Password", "is required")
	}
	return validEmail("Email", p.Email)
}

// Register sets an invited admin's password, which approves the admin. A
// bad token is ErrUnauthorized. POST /admins/register
func (s *AdminsService) Register(ctx context.Context, p *RegisterAdminParams) error {
	if err := p.validate(); err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodPost, static("/admins/register"), nil, p, nil)
}

// RequestPasswordReset has a password reset email sent to the admin with
// the given email address. POST /admins/password_resets
func (s *AdminsService) RequestPasswordReset(ctx context.Context, email string) error {
	if err := validEmail("email", email); err != nil {
		return err
	}
	body := struct {
		Email string `json:"email"`
	}{email}
	return s.c.do(ctx, http.MethodPost, static("/admins/password_resets"), nil, &body, nil)
}

// ResetAdminPasswordParams set a new password with a reset token.
type ResetAdminPasswordParams struct {
	Email    string `json:"email"`    // required
	Password Secret `json:"password"` // required: the new password
	Token    Secret `json:"token"`    // required: from the reset email
}

// LogValue describes the params for log/slog with the token and password
// redacted.
func (p ResetAdminPasswordParams) LogValue() slog.Value {
	return slog.GroupValue(slog.String("email", p.Email), slog.Any("password", p.Password), slog.Any("token", p.Token))
}

func (p *ResetAdminPasswordParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Password == "":
		return invalidParam("Password", "is required")
	case p.Token == "":
		return invalidParam("Token", "is required")
	}
	return validEmail("Email", p.Email)
}

// ResetPassword sets an admin's new password with the token of a password
// reset email. A bad token is ErrUnauthorized. PATCH /admins/password_resets
func (s *AdminsService) ResetPassword(ctx context.Context, p *ResetAdminPasswordParams) error {
	if err := p.validate(); err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodPatch, static("/admins/password_resets"), nil, p, nil)
}

// GetAdminParams are the options of Get.
type GetAdminParams struct {
	// GenerateRegisterURL asks for a registration URL and token, which the
	// server gives while the admin is invited.
	GenerateRegisterURL bool
}

// Get returns the admin with the given username or id; p may be nil.
// GET /admins/{name_or_id}
func (s *AdminsService) Get(ctx context.Context, nameOrID string, p *GetAdminParams) (*Admin, error) {
	r, err := at("/admins/{name_or_id}", nameOrID)
	if err != nil {
		return nil, err
	}
	var q url.Values
	if p != nil && p.GenerateRegisterURL {
		q = url.Values{"generate_register_url": {"true"}}
	}
	return s.admin(ctx, http.MethodGet, r, q, nil)
}

// UpdateAdminParams are the fields of an admin to change; nil fields are
// kept.
type UpdateAdminParams struct {
	Username *string `json:"username,omitempty"`
	Email    *string `json:"email,omitempty"`
	CustomID *string `json:"custom_id,omitempty"`
}

func (p *UpdateAdminParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Username != nil && strings.TrimSpace(*p.Username) == "":
		return invalidParam("Username", "must not be empty")
	case p.Email != nil:
		return validEmail("Email", *p.Email)
	}
	return nil
}

// Update changes an admin. PATCH /admins/{name_or_id}
func (s *AdminsService) Update(ctx context.Context, nameOrID string, p *UpdateAdminParams) (*Admin, error) {
	r, err := at("/admins/{name_or_id}", nameOrID)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return s.admin(ctx, http.MethodPatch, r, nil, p)
}

// admin sends a call answered with a bare admin.
func (s *AdminsService) admin(ctx context.Context, method string, r route, q url.Values, in any) (*Admin, error) {
	a := new(Admin)
	if err := s.c.do(ctx, method, r, q, in, a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, s.invalid(method, r, "no admin id in the response")
	}
	return a, nil
}

// Delete deletes an admin. DELETE /admins/{name_or_id}
func (s *AdminsService) Delete(ctx context.Context, nameOrID string) error {
	r, err := at("/admins/{name_or_id}", nameOrID)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}

// invalid is the error for a successful response that lacks what the call
// returns; a change may nevertheless have been applied.
func (s *AdminsService) invalid(method string, r route, msg string) error {
	return &Error{Method: method, Path: s.c.base.Path + r.path, StatusCode: http.StatusOK,
		Message: msg, invalidResponse: true, PossiblyApplied: method != http.MethodGet}
}
