package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// assertRedacted checks that v prints, in every fmt verb and through both
// slog handlers, without any of secrets.
func assertRedacted(t *testing.T, v any, secrets ...string) {
	t.Helper()
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("m", "v", v)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "v", v)
	outs := map[string]string{
		"%v": fmt.Sprintf("%v", v), "%+v": fmt.Sprintf("%+v", v), "%#v": fmt.Sprintf("%#v", v),
		"%s": fmt.Sprintf("%s", v), "%q": fmt.Sprintf("%q", v), "slog": logs.String(),
	}
	for name, out := range outs {
		for _, s := range secrets {
			assert.NotContains(t, out, s, name)
		}
	}
	assert.Contains(t, outs["%+v"], "[REDACTED]")
	assert.Contains(t, outs["slog"], "[REDACTED]")
}

const userJSON = `{"id": "usr_1", "name": "Ann Lee", "email": "ann@example.com", "role": "editor",
	"status": "active", "groups": ["ops"], "created_at": "2024-01-02T03:04:05Z",
	"updated_at": "2024-01-03T03:04:05.5Z", "last_login_at": null}`

func checkUser(t *testing.T, u *admin.User) {
	t.Helper()
	want := admin.User{ID: "usr_1", Name: "Ann Lee", Email: "ann@example.com", Role: admin.RoleEditor,
		Status: admin.UserActive, Groups: []string{"ops"},
		CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		UpdatedAt: time.Date(2024, 1, 3, 3, 4, 5, 5e8, time.UTC)}
	require.NotNil(t, u)
	assert.True(t, want.CreatedAt.Equal(u.CreatedAt))
	assert.True(t, want.UpdatedAt.Equal(u.UpdatedAt))
	want.CreatedAt, want.UpdatedAt = u.CreatedAt, u.UpdatedAt
	assert.Equal(t, want, *u)
}

func TestUsersWire(t *testing.T) {
	t.Parallel()
	page := `{"data": [` + userJSON + `], "meta": {"next_cursor": "c2", "has_more": true}}`
	tests := []struct {
		name   string
		reply  reply
		call   func(context.Context, *admin.Client) error
		method string
		path   string
		query  url.Values
		body   string
	}{
		{"list default", reply{200, page}, func(ctx context.Context, c *admin.Client) error {
			p, err := c.Users.List(ctx, nil)
			if err == nil {
				assert.Equal(t, "c2", p.NextCursor)
				assert.True(t, p.HasMore)
				require.Len(t, p.Data, 1)
				checkUser(t, &p.Data[0])
			}
			return err
		}, "GET", "/v1/users", nil, ""},
		{"list filtered", reply{200, `{"data": [], "meta": {"next_cursor": null, "has_more": false}}`},
			func(ctx context.Context, c *admin.Client) error {
				p, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 5, Cursor: "c1", Role: admin.RoleEditor,
					Status: admin.UserActive, Query: "Ann Lee&x", Email: "Ann+x@Example.com"})
				if err == nil {
					assert.Empty(t, p.Data)
					assert.False(t, p.HasMore)
					assert.Empty(t, p.NextCursor)
				}
				return err
			}, "GET", "/v1/users",
			url.Values{"limit": {"5"}, "cursor": {"c1"}, "role": {"editor"}, "status": {"active"}, "q": {"Ann Lee&x"},
				"email": {"Ann+x@Example.com"}}, ""},
		{"create", reply{201, userJSON}, func(ctx context.Context, c *admin.Client) error {
			u, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann Lee", Email: "ann@example.com",
				Role: admin.RoleEditor, SendInvitation: admin.Ptr(false)})
			if err == nil {
				checkUser(t, u)
			}
			return err
		}, "POST", "/v1/users", nil,
			`{"name": "Ann Lee", "email": "ann@example.com", "role": "editor", "send_invitation": false}`},
		{"create with default invitation", reply{201, userJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann Lee", Email: "ann@example.com", Role: admin.RoleEditor})
			return err
		}, "POST", "/v1/users", nil, `{"name": "Ann Lee", "email": "ann@example.com", "role": "editor"}`},
		{"get", reply{200, replaceOnce(userJSON, `"last_login_at": null`, `"last_login_at": "2024-02-01T00:00:00Z"`)},
			func(ctx context.Context, c *admin.Client) error {
				u, err := c.Users.Get(ctx, "usr_1")
				if err == nil {
					require.NotNil(t, u.LastLoginAt)
					assert.True(t, u.LastLoginAt.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)))
				}
				return err
			}, "GET", "/v1/users/usr_1", nil, ""},
		{"get escapes the id", reply{200, userJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Get(ctx, "a/b c?d")
			return err
		}, "GET", "/v1/users/a%2Fb%20c%3Fd", nil, ""},
		{"update", reply{200, userJSON}, func(ctx context.Context, c *admin.Client) error {
			u, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("Ann Lee"),
				Role: admin.Ptr(admin.RoleViewer), Status: admin.Ptr(admin.UserInactive)})
			if err == nil {
				checkUser(t, u)
			}
			return err
		}, "PATCH", "/v1/users/usr_1", nil, `{"name": "Ann Lee", "role": "viewer", "status": "inactive"}`},
		{"update nothing", reply{200, userJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{})
			return err
		}, "PATCH", "/v1/users/usr_1", nil, `{}`},
		{"delete", reply{204, ""}, func(ctx context.Context, c *admin.Client) error {
			return c.Users.Delete(ctx, "usr_1")
		}, "DELETE", "/v1/users/usr_1", nil, ""},
		{"logout", reply{204, ""}, func(ctx context.Context, c *admin.Client) error {
			return c.Users.Logout(ctx, "usr_1")
		}, "POST", "/v1/users/usr_1/logout", nil, ""},
		{"reset password", reply{200, `{"temp_password": "Tmp-Pass-98765"}`}, func(ctx context.Context, c *admin.Client) error {
			r, err := c.Users.ResetPassword(ctx, "usr_1")
			if err == nil {
				assert.Equal(t, "Tmp-Pass-98765", string(r.TempPassword))
			}
			return err
		}, "POST", "/v1/users/usr_1/password", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			require.NoError(t, tt.call(t.Context(), c))
			q := s.expect(tt.method, tt.path, tt.query, tt.body)
			assert.Equal(t, "Bearer "+testKey, q.Header.Get("Authorization"))
			s.none()
		})
	}
}

// replaceOnce returns s with old replaced by new, failing loudly if old is
// absent (a fixture edit that matches nothing would test nothing).
func replaceOnce(s, old, new string) string {
	out := bytes.Replace([]byte(s), []byte(old), []byte(new), 1)
	if bytes.Equal(out, []byte(s)) {
		panic("fixture does not contain " + old)
	}
	return string(out)
}

func TestUsersAll(t *testing.T) {
	t.Parallel()
	u2 := replaceOnce(userJSON, `"usr_1"`, `"usr_2"`)
	u3 := replaceOnce(userJSON, `"usr_1"`, `"usr_3"`)
	s := script(t,
		reply{200, `{"data": [` + userJSON + `,` + u2 + `], "meta": {"next_cursor": "c2", "has_more": true}}`},
		reply{200, `{"data": [` + u3 + `], "meta": {"next_cursor": null, "has_more": false}}`},
	)
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	var ids []string
	for u, err := range c.Users.All(t.Context(), &admin.ListUsersParams{Limit: 2, Role: admin.RoleEditor}) {
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	assert.Equal(t, []string{"usr_1", "usr_2", "usr_3"}, ids)
	s.expect("GET", "/v1/users", url.Values{"limit": {"2"}, "role": {"editor"}}, "")
	s.expect("GET", "/v1/users", url.Values{"limit": {"2"}, "role": {"editor"}, "cursor": {"c2"}}, "")
	s.none()
}

func TestUsersInvalidParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		field string
		call  func(context.Context, *admin.Client) error
	}{
		{"list limit too big", "Limit", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 101})
			return err
		}},
		{"list negative limit", "Limit", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: -1})
			return err
		}},
		{"all limit too big", "Limit", func(ctx context.Context, c *admin.Client) error {
			for _, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 1000}) {
				return err
			}
			return nil
		}},
		{"create nil", "params", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, nil)
			return err
		}},
		{"create without name", "Name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Email: "a@example.com", Role: admin.RoleAdmin})
			return err
		}},
		{"create without email", "Email", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Role: admin.RoleAdmin})
			return err
		}},
		{"create with a display-name address", "Email", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "A <a@example.com>", Role: admin.RoleAdmin})
			return err
		}},
		{"create with a bad email", "Email", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "not-an-email", Role: admin.RoleAdmin})
			return err
		}},
		{"create without role", "Role", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com"})
			return err
		}},
		{"get empty id", "id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Get(ctx, "")
			return err
		}},
		{"get dot-dot id", "id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Get(ctx, "..")
			return err
		}},
		{"get id with a control character", "id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Get(ctx, "usr_1\n")
			return err
		}},
		{"update empty id", "id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, " ", &admin.UpdateUserParams{})
			return err
		}},
		{"update nil", "params", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", nil)
			return err
		}},
		{"update empty name", "Name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("")})
			return err
		}},
		{"update empty role", "Role", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Role: admin.Ptr(admin.Role(""))})
			return err
		}},
		{"update empty status", "Status", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Status: admin.Ptr(admin.UserStatus(""))})
			return err
		}},
		{"delete empty id", "id", func(ctx context.Context, c *admin.Client) error {
			return c.Users.Delete(ctx, "")
		}},
		{"logout empty id", "id", func(ctx context.Context, c *admin.Client) error {
			return c.Users.Logout(ctx, "")
		}},
		{"reset password dot id", "id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.ResetPassword(ctx, ".")
			return err
		}},
		{"nil context", "ctx", func(_ context.Context, c *admin.Client) error {
			//lint:ignore SA1012 a nil context is the point
			_, err := c.Users.Get(nil, "usr_1")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			err := tt.call(t.Context(), c)
			require.ErrorIs(t, err, admin.ErrInvalidParams)
			var pe *admin.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field)
			s.none()
		})
	}
}

func TestUsersErrors(t *testing.T) {
	t.Parallel()
	t.Run("email taken", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{409, `{"error": {"code": "email_taken", "message": "A user with this email already exists.",
			"status": 409, "request_id": "req_abc", "param": "email"}}`})
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		_, err := c.Users.Create(t.Context(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
		require.ErrorIs(t, err, admin.ErrConflict)
		assert.NotErrorIs(t, err, admin.ErrPossiblyApplied)
		var e *admin.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "email_taken", e.Code)
		assert.Equal(t, "email", e.Param)
		assert.Equal(t, "req_abc", e.RequestID)
		assert.Equal(t, "POST", e.Method)
		assert.Equal(t, "/v1/users", e.Path)
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{404, `{"error": {"code": "not_found", "message": "No such user.", "status": 404}}`})
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		_, err := c.Users.Get(t.Context(), "usr_missing")
		require.ErrorIs(t, err, admin.ErrNotFound)
		assert.Contains(t, err.Error(), "No such user.")
	})
	t.Run("reset password without temp password", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{200, `{}`})
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		_, err := c.Users.ResetPassword(t.Context(), "usr_1")
		require.ErrorIs(t, err, admin.ErrInvalidResponse)
		assert.ErrorIs(t, err, admin.ErrPossiblyApplied)
	})
	t.Run("create without body", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{201, ""})
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		_, err := c.Users.Create(t.Context(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
		require.ErrorIs(t, err, admin.ErrInvalidResponse)
		assert.ErrorIs(t, err, admin.ErrPossiblyApplied)
	})
	t.Run("malformed user", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{200, `{"id": "usr_1", "created_at": "yesterday"}`})
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		_, err := c.Users.Get(t.Context(), "usr_1")
		require.ErrorIs(t, err, admin.ErrInvalidResponse)
	})
}

func TestPasswordResetRedacted(t *testing.T) {
	t.Parallel()
	const temp = "Tmp-Pass-98765"
	s := script(t, reply{200, `{"temp_password": "` + temp + `"}`})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	pr, err := c.Users.ResetPassword(t.Context(), "usr_1")
	require.NoError(t, err)
	assertRedacted(t, pr, temp)
	assertRedacted(t, *pr, temp)
	b, err := json.Marshal(pr)
	require.NoError(t, err)
	assert.JSONEq(t, `{"temp_password": "`+temp+`"}`, string(b), "marshalling keeps the value")
}

func TestUserErrorsKeepTheKeyOut(t *testing.T) {
	t.Parallel()
	s := script(t, reply{401, `{"error": {"code": "invalid_api_key", "message": "bad key ` + testKey + `"}}`})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	_, err := c.Users.Get(t.Context(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	assert.NotContains(t, err.Error(), testKey)
	assert.False(t, errors.Is(err, admin.ErrPossiblyApplied))
}

func TestUsersFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()

	ann, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann Lee", Email: "ann@example.com",
		Role: admin.RoleEditor, SendInvitation: admin.Ptr(false)})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ann.ID, "usr_"), ann.ID)
	assert.Equal(t, admin.UserActive, ann.Status)
	assert.False(t, ann.CreatedAt.IsZero())
	assert.Nil(t, ann.LastLoginAt)
	bob, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Bob Roe", Email: "bob@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	assert.Equal(t, admin.UserInvited, bob.Status, "an invitation is sent by default")

	got, err := c.Users.Get(ctx, ann.ID)
	require.NoError(t, err)
	assert.Equal(t, ann.ID, got.ID)
	assert.Equal(t, ann.Email, got.Email)
	assert.True(t, ann.CreatedAt.Equal(got.CreatedAt))

	_, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann Again", Email: "ANN@example.com", Role: admin.RoleViewer})
	require.ErrorIs(t, err, admin.ErrConflict, "emails compare case-insensitively")
	var apiErr *admin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "email_taken", apiErr.Code)
	assert.NotEmpty(t, apiErr.RequestID)

	upd, err := c.Users.Update(ctx, ann.ID, &admin.UpdateUserParams{Name: admin.Ptr("Ann Lee-Smith"),
		Status: admin.Ptr(admin.UserInactive)})
	require.NoError(t, err)
	assert.Equal(t, "Ann Lee-Smith", upd.Name)
	assert.Equal(t, admin.UserInactive, upd.Status)
	assert.Equal(t, admin.RoleEditor, upd.Role, "a nil field is kept")
	assert.False(t, upd.UpdatedAt.Before(upd.CreatedAt))

	page, err := c.Users.List(ctx, &admin.ListUsersParams{Role: admin.RoleEditor, Status: admin.UserInactive, Query: "LEE-s"})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, ann.ID, page.Data[0].ID)
	assert.False(t, page.HasMore)
	page, err = c.Users.List(ctx, &admin.ListUsersParams{Query: "bob@"})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, bob.ID, page.Data[0].ID)
	page, err = c.Users.List(ctx, &admin.ListUsersParams{Status: admin.UserInvited, Role: admin.RoleEditor})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
	for _, email := range []string{"bob@example.com", "BOB@Example.COM"} {
		page, err = c.Users.List(ctx, &admin.ListUsersParams{Email: email})
		require.NoError(t, err)
		require.Len(t, page.Data, 1, "the exact email %s, ignoring case", email)
		assert.Equal(t, bob.ID, page.Data[0].ID)
	}
	page, err = c.Users.List(ctx, &admin.ListUsersParams{Email: "bob@example"})
	require.NoError(t, err)
	assert.Empty(t, page.Data, "not a substring match")

	var ids []string
	for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 1}) {
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	assert.Subset(t, ids, []string{srv.AdminUserID, ann.ID, bob.ID})
	assert.Len(t, ids, len(srv.Users()), "every user once")

	require.NoError(t, c.Users.Logout(ctx, ann.ID))
	assert.True(t, slices.ContainsFunc(srv.AuditLog(), func(e admintest.AuditEvent) bool {
		return e.Action == "user.logout" && e.TargetID == ann.ID
	}), "the server recorded the logout")

	reset, err := c.Users.ResetPassword(ctx, ann.ID)
	require.NoError(t, err)
	pw, ok := srv.Password(ann.ID)
	require.True(t, ok)
	assert.Equal(t, pw, string(reset.TempPassword))

	require.NoError(t, c.Users.Delete(ctx, bob.ID))
	_, err = c.Users.Get(ctx, bob.ID)
	require.ErrorIs(t, err, admin.ErrNotFound)
	require.ErrorIs(t, c.Users.Delete(ctx, bob.ID), admin.ErrNotFound)
	require.ErrorIs(t, c.Users.Logout(ctx, bob.ID), admin.ErrNotFound)
}
