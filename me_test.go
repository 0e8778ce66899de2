package admin_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

func TestMeChangePassword(t *testing.T) {
	t.Parallel()
	s := script(t, reply{204, ""})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	require.NoError(t, c.Me.ChangePassword(t.Context(), "old-password", "new-password-1"))
	s.expect("POST", "/v1/me/password", nil, `{"current_password": "old-password", "new_password": "new-password-1"}`)
	s.none()
}

func TestMeChangePasswordCountsCharacters(t *testing.T) {
	t.Parallel()
	// Eight characters in sixteen bytes: long enough.
	s := script(t, reply{204, ""})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	require.NoError(t, c.Me.ChangePassword(t.Context(), "old-password", "éééééééé"))
	s.expect("POST", "/v1/me/password", nil, `{"current_password": "old-password", "new_password": "éééééééé"}`)
}

func TestMeChangePasswordInvalidParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, current, new, field string
	}{
		{"no current password", "", "new-password-1", "currentPassword"},
		{"empty new password", "old-password", "", "newPassword"},
		{"seven characters", "old-password", "1234567", "newPassword"},
		{"seven characters in fourteen bytes", "old-password", "ééééééé", "newPassword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			err := c.Me.ChangePassword(t.Context(), tt.current, tt.new)
			require.ErrorIs(t, err, admin.ErrInvalidParams)
			var pe *admin.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field)
			for _, s := range []string{tt.current, tt.new} {
				if len(s) > 3 {
					assert.NotContains(t, err.Error(), s, "the error must not repeat a password")
				}
			}
			s.none()
		})
	}
}

func TestMeChangePasswordNilContext(t *testing.T) {
	t.Parallel()
	s := script(t)
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	var ctx context.Context
	err := c.Me.ChangePassword(ctx, "old-password", "new-password-1")
	require.ErrorIs(t, err, admin.ErrInvalidParams)
	s.none()
}

func TestMeChangePasswordErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply reply
		want  error
	}{
		{"wrong current password", reply{403, `{"error": {"code": "forbidden", "message": "The current password is wrong."}}`}, admin.ErrForbidden},
		{"server refuses the new password", reply{400, `{"error": {"code": "invalid_request", "message": "Too short.", "param": "new_password"}}`}, admin.ErrBadRequest},
		{"old Run:AI error", reply{400, `{"code": 400, "message": "Required parameter is missing"}`}, admin.ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			err := c.Me.ChangePassword(t.Context(), "old-password", "new-password-1")
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), "old-password")
			assert.NotContains(t, err.Error(), "new-password-1")
			s.next()
		})
	}
}

func TestMeChangePasswordFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	err := c.Me.ChangePassword(ctx, "not-the-password", "new-password-1")
	require.ErrorIs(t, err, admin.ErrForbidden)
	assert.NotContains(t, err.Error(), "new-password-1")
	require.NoError(t, c.Me.ChangePassword(ctx, srv.AdminPassword, "new-password-1"))
	pw, ok := srv.Password(srv.AdminUserID)
	require.True(t, ok)
	assert.Equal(t, "new-password-1", pw)
	require.ErrorIs(t, c.Me.ChangePassword(ctx, srv.AdminPassword, "new-password-2"), admin.ErrForbidden,
		"the old password no longer works")
}

func TestMeGet(t *testing.T) {
	t.Parallel()
	const user = `{"id": "usr_1", "name": "Ada", "email": "ada@example.com", "role": "viewer", "status": "active",
		"groups": [], "created_at": "2025-01-15T09:30:00Z", "updated_at": "2025-01-15T09:30:00Z", "last_login_at": null}`
	tests := []struct {
		name string
		body string
		want admin.Principal
	}{
		{"API key", `{"type": "user", "user": ` + user + `, "client_id": null, "role": "admin"}`,
			admin.Principal{UserID: "usr_1", Email: "ada@example.com", Role: admin.RoleAdmin}},
		{"OAuth client acting as a user", `{"type": "client", "user": ` + user + `, "client_id": "cli_1", "role": "editor"}`,
			admin.Principal{UserID: "usr_1", Email: "ada@example.com", Role: admin.RoleEditor, ClientID: "cli_1"}},
		{"OAuth client acting as no user", `{"type": "client", "user": null, "client_id": "cli_1", "role": "editor"}`,
			admin.Principal{Role: admin.RoleEditor, ClientID: "cli_1"}},
		{"a type and a role the SDK does not know", `{"type": "service", "user": null, "client_id": null, "role": "auditor", "new": 1}`,
			admin.Principal{Role: "auditor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, reply{200, tt.body})
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			got, err := c.Me.Get(t.Context())
			require.NoError(t, err)
			assert.Equal(t, &tt.want, got)
			s.expect("GET", "/v1/me", nil, "")
		})
	}
}

func TestMeGetInvalidAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"no type", `{"user": null, "client_id": "cli_1", "role": "editor"}`},
		{"no role", `{"type": "client", "user": null, "client_id": "cli_1"}`},
		{"user without user", `{"type": "user", "user": null, "client_id": null, "role": "admin"}`},
		{"user without id", `{"type": "user", "user": {"email": "a@example.com"}, "client_id": null, "role": "admin"}`},
		{"client without client_id", `{"type": "client", "user": null, "client_id": null, "role": "admin"}`},
		{"empty client_id", `{"type": "client", "user": null, "client_id": "", "role": "admin"}`},
		{"not an object", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, reply{200, tt.body})
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			got, err := c.Me.Get(t.Context())
			require.ErrorIs(t, err, admin.ErrInvalidResponse)
			assert.Nil(t, got)
		})
	}
}

func TestMeGetFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	editorKey := srv.NewKey("editor")
	oc := srv.NewOAuthClient("viewer")
	editor, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(editorKey))
	require.NoError(t, err)
	client, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithClientCredentials(oc.ID, oc.Secret, ""))
	require.NoError(t, err)
	userOf := func(id string) string {
		u, ok := srv.User(id)
		require.True(t, ok)
		return u.Email
	}
	tests := []struct {
		name   string
		client *admin.Client
		want   admin.Principal
	}{
		{"admin key", c, admin.Principal{UserID: srv.AdminUserID, Email: userOf(srv.AdminUserID), Role: admin.RoleAdmin}},
		{"editor key", editor, admin.Principal{UserID: srv.KeyUserID(editorKey), Email: userOf(srv.KeyUserID(editorKey)),
			Role: admin.RoleEditor}},
		{"OAuth client", client, admin.Principal{UserID: oc.UserID, Email: userOf(oc.UserID), Role: admin.RoleViewer,
			ClientID: oc.ID}},
	}
	for _, tt := range tests {
		got, err := tt.client.Me.Get(ctx)
		require.NoError(t, err, tt.name)
		assert.Equal(t, &tt.want, got, tt.name)
	}

	// A deactivated user's key stops working.
	_, err = c.Users.Update(ctx, srv.KeyUserID(editorKey), &admin.UpdateUserParams{Status: admin.Ptr(admin.UserInactive)})
	require.NoError(t, err)
	_, err = editor.Me.Get(ctx)
	require.ErrorIs(t, err, admin.ErrUnauthorized)
}
