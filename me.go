package admin

import (
	"context"
	"net/http"
	"unicode/utf8"
)

// MeService tells who the caller's credentials act as and changes their
// password: /me.
type MeService service

// Principal is who a client's credentials act as: the user an API key
// belongs to, or an OAuth client, which may act as a user of its own.
type Principal struct {
	// UserID and Email identify the user the credentials act as. Both are
	// empty when the principal is not a user: an OAuth client that acts
	// as no user.
	UserID string
	Email  string
	// Role is the role the credentials act with, which decides what they
	// may do (it can differ from the user's own role).
	Role Role
	// ClientID is the OAuth client's id when the credentials are OAuth
	// client credentials, and empty for an API key.
	ClientID string
}

// meWire is the wire form of GET /me.
type meWire struct {
	Type     string  `json:"type"` // "user" or "client"
	User     *User   `json:"user"`
	ClientID *string `json:"client_id"`
	Role     Role    `json:"role"`
}

// Get returns the principal the client's credentials act as. Credentials
// of an inactive or deleted user are ErrUnauthorized. GET /me
func (s *MeService) Get(ctx context.Context) (*Principal, error) {
	var w meWire
	err := s.c.doChecked(ctx, http.MethodGet, static("/me"), nil, nil, &w, func() string {
		switch {
		case w.Type == "":
			return "the answer has no type"
		case w.Role == "":
			return "the answer has no role"
		case w.User != nil && w.User.ID == "":
			return "the answer's user has no id"
		case w.Type == "user" && w.User == nil:
			return "the answer's principal is a user but has no user"
		case w.Type == "client" && (w.ClientID == nil || *w.ClientID == ""):
			return "the answer's principal is a client but has no client_id"
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	p := &Principal{Role: w.Role}
	if w.User != nil {
		p.UserID, p.Email = w.User.ID, w.User.Email
	}
	if w.ClientID != nil {
		p.ClientID = *w.ClientID
	}
	return p, nil
}

// MinPasswordLength is the fewest characters a new password may have.
const MinPasswordLength = 8

// changePasswordBody is the wire form of ChangePassword's request.
type changePasswordBody struct {
	CurrentPassword Secret `json:"current_password"`
	NewPassword     Secret `json:"new_password"`
}

// ChangePassword changes the caller's own password. A wrong current
// password is ErrForbidden. POST /me/password
func (s *MeService) ChangePassword(ctx context.Context, currentPassword, newPassword string) error {
	switch {
	case currentPassword == "":
		return invalidParam("currentPassword", "is required")
	case utf8.RuneCountInString(newPassword) < MinPasswordLength:
		return invalidParam("newPassword", "must have at least 8 characters")
	}
	body := &changePasswordBody{CurrentPassword: Secret(currentPassword), NewPassword: Secret(newPassword)}
	return s.c.do(ctx, http.MethodPost, static("/me/password"), nil, body, nil)
}
