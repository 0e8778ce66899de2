package admin

import (
	"context"
	"net/http"
	"unicode/utf8"
)

// MeService acts on the account of the caller's own credentials: /me.
type MeService service

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
