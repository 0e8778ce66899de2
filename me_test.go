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
	r := newRig(t, []rigReply{{204, ""}})
	require.NoError(t, r.client.Me.ChangePassword(t.Context(), "old-password", "new-password-1"))
	r.expect("POST", "/v1/me/password", nil, `{"current_password": "old-password", "new_password": "new-password-1"}`)
	r.none()
}

func TestMeChangePasswordCountsCharacters(t *testing.T) {
	t.Parallel()
	// Eight characters in sixteen bytes: long enough.
	r := newRig(t, []rigReply{{204, ""}})
	require.NoError(t, r.client.Me.ChangePassword(t.Context(), "old-password", "éééééééé"))
	r.expect("POST", "/v1/me/password", nil, `{"current_password": "old-password", "new_password": "éééééééé"}`)
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
			r := newRig(t, nil)
			err := r.client.Me.ChangePassword(t.Context(), tt.current, tt.new)
			require.ErrorIs(t, err, admin.ErrInvalidParams)
			var pe *admin.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field)
			for _, s := range []string{tt.current, tt.new} {
				if len(s) > 3 {
					assert.NotContains(t, err.Error(), s, "the error must not repeat a password")
				}
			}
			r.none()
		})
	}
}

func TestMeChangePasswordNilContext(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	var ctx context.Context
	err := r.client.Me.ChangePassword(ctx, "old-password", "new-password-1")
	require.ErrorIs(t, err, admin.ErrInvalidParams)
	r.none()
}

func TestMeChangePasswordErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply rigReply
		want  error
	}{
		{"wrong current password", rigReply{403, `{"error": {"code": "forbidden", "message": "The current password is wrong."}}`}, admin.ErrForbidden},
		{"server refuses the new password", rigReply{400, `{"error": {"code": "invalid_request", "message": "Too short.", "param": "new_password"}}`}, admin.ErrBadRequest},
		{"old Run:AI error", rigReply{400, `{"code": 400, "message": "Required parameter is missing"}`}, admin.ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, []rigReply{tt.reply})
			err := r.client.Me.ChangePassword(t.Context(), "old-password", "new-password-1")
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), "old-password")
			assert.NotContains(t, err.Error(), "new-password-1")
			r.next()
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
