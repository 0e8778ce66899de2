package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

const (
	kongToken = "kong_admin_token_0123456789"
	adminUUID = "665b4070-541f-48bf-82c1-53030babaa81"
	adminJSON = `{"id": "665b4070-541f-48bf-82c1-53030babaa81", "username": "test-admin", "email": "test@example.com",
		"custom_id": null, "status": 4, "rbac_token_enabled": true, "created_at": 1556638385,
		"updated_at": 1.556638385e+09, "consumer": null}`
	roleJSON = `{"id": "r1", "name": "read-only", "comment": "Read access", "created_at": 1556638385.5, "is_default": false}`
)

// kongAuth is the credential a Kong client sends.
func kongAuth() admin.Option { return admin.WithHeader("Kong-Admin-Token", kongToken) }

func wantAdmin() admin.Admin {
	ts := time.Unix(1556638385, 0).UTC()
	return admin.Admin{ID: adminUUID, Username: "test-admin", Email: "test@example.com",
		Status: admin.AdminInvited, RBACTokenEnabled: true, CreatedAt: ts, UpdatedAt: ts}
}

func TestAdminsWire(t *testing.T) {
	t.Parallel()
	role := admin.AdminRole{ID: "r1", Name: "read-only", Comment: "Read access",
		CreatedAt: time.Unix(1556638385, 5e8).UTC()}
	tests := []struct {
		name   string
		reply  reply
		call   func(context.Context, *admin.Client) (any, error)
		want   any
		method string
		path   string
		query  url.Values
		body   string
	}{
		{"list", reply{200, `{"data": [` + adminJSON + `], "next": null}`},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.List(ctx, &admin.ListAdminsParams{Size: 1000, Offset: "WyJhMSJd"})
			}, &admin.Page[admin.Admin]{Data: []admin.Admin{wantAdmin()}},
			"GET", "/v1/admins", url.Values{"size": {"1000"}, "offset": {"WyJhMSJd"}}, ""},
		{"list default", reply{200, `{"data": [], "next": null}`},
			func(ctx context.Context, c *admin.Client) (any, error) { return c.Admins.List(ctx, nil) },
			&admin.Page[admin.Admin]{Data: []admin.Admin{}}, "GET", "/v1/admins", nil, ""},
		{"invite", reply{200, `{"admin": ` + adminJSON + `}`},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "test-admin", Email: "test@example.com",
					CustomID: "ops-1", RBACTokenEnabled: admin.Ptr(false)})
			}, admin.Ptr(wantAdmin()), "POST", "/v1/admins", nil,
			`{"username": "test-admin", "email": "test@example.com", "custom_id": "ops-1", "rbac_token_enabled": false}`},
		{"invite with username only", reply{200, `{"admin": ` + adminJSON + `}`},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "test-admin"})
			}, admin.Ptr(wantAdmin()), "POST", "/v1/admins", nil, `{"username": "test-admin"}`},
		{"register", reply{201, ""},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Admins.Register(ctx, &admin.RegisterAdminParams{Token: "rt_token_1", Username: "test-admin",
					Email: "test@example.com", Password: "correct horse"})
			}, nil, "POST", "/v1/admins/register", nil,
			`{"token": "rt_token_1", "username": "test-admin", "email": "test@example.com", "password": "correct horse"}`},
		{"request password reset", reply{201, ""},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Admins.RequestPasswordReset(ctx, "test@example.com")
			}, nil, "POST", "/v1/admins/password_resets", nil, `{"email": "test@example.com"}`},
		{"reset password", reply{200, ""},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Admins.ResetPassword(ctx, &admin.ResetAdminPasswordParams{Email: "test@example.com",
					Password: "new password", Token: "reset_token_1"})
			}, nil, "PATCH", "/v1/admins/password_resets", nil,
			`{"email": "test@example.com", "password": "new password", "token": "reset_token_1"}`},
		{"get escapes the name", reply{200, adminJSON},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Get(ctx, "kong admin/x?y", nil)
			}, admin.Ptr(wantAdmin()), "GET", "/v1/admins/kong%20admin%2Fx%3Fy", nil, ""},
		{"get with register url", reply{200, replaceOnce(adminJSON, `"consumer": null`,
			`"register_url": "https://manager.example.com/register?token=rt_token_1", "token": "rt_token_1"`)},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Get(ctx, adminUUID, &admin.GetAdminParams{GenerateRegisterURL: true})
			}, func() *admin.Admin {
				a := wantAdmin()
				a.RegisterURL, a.Token = "https://manager.example.com/register?token=rt_token_1", "rt_token_1"
				return &a
			}(), "GET", "/v1/admins/" + adminUUID, url.Values{"generate_register_url": {"true"}}, ""},
		{"get without register url", reply{200, adminJSON},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Get(ctx, "test-admin", &admin.GetAdminParams{})
			}, admin.Ptr(wantAdmin()), "GET", "/v1/admins/test-admin", nil, ""},
		{"update", reply{200, adminJSON},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.Update(ctx, "test-admin", &admin.UpdateAdminParams{Username: admin.Ptr("test-admin"),
					Email: admin.Ptr("new@example.com"), CustomID: admin.Ptr("ops-2")})
			}, admin.Ptr(wantAdmin()), "PATCH", "/v1/admins/test-admin", nil,
			`{"username": "test-admin", "email": "new@example.com", "custom_id": "ops-2"}`},
		{"delete", reply{204, ""},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Admins.Delete(ctx, "test-admin")
			},
			nil, "DELETE", "/v1/admins/test-admin", nil, ""},
		{"list roles", reply{200, `{"roles": [` + roleJSON + `]}`},
			func(ctx context.Context, c *admin.Client) (any, error) { return c.Admins.ListRoles(ctx, "test-admin") },
			[]admin.AdminRole{role}, "GET", "/v1/admins/test-admin/roles", nil, ""},
		{"list no roles", reply{200, `{"roles": []}`},
			func(ctx context.Context, c *admin.Client) (any, error) { return c.Admins.ListRoles(ctx, "test-admin") },
			[]admin.AdminRole{}, "GET", "/v1/admins/test-admin/roles", nil, ""},
		{"add roles", reply{201, `{"roles": [` + roleJSON + `]}`},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.AddRoles(ctx, "test-admin", "read-only", "super admin")
			}, []admin.AdminRole{role}, "POST", "/v1/admins/test-admin/roles", nil, `{"roles": "read-only,super admin"}`},
		{"remove roles sends a body on DELETE", reply{204, ""},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Admins.RemoveRoles(ctx, "test-admin", "read-only", "admin")
			}, nil, "DELETE", "/v1/admins/test-admin/roles", nil, `{"roles": "read-only,admin"}`},
		{"list workspaces", reply{200, `[{"id": "w1", "name": "default", "comment": null, "created_at": 1.706598432e+09,
			"config": {"portal": true, "portal_auto_approve": false, "portal_auth": "basic"},
			"meta": {"color": "#ffcc00", "thumbnail": null}}]`},
			func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Admins.ListWorkspaces(ctx, "test-admin")
			},
			[]admin.Workspace{{ID: "w1", Name: "default", CreatedAt: time.Unix(1706598432, 0).UTC(),
				Config: admin.WorkspaceConfig{Portal: true}, Meta: admin.WorkspaceMeta{Color: "#ffcc00"}}},
			"GET", "/v1/admins/test-admin/workspaces", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
			got, err := tt.call(t.Context(), c)
			require.NoError(t, err)
			if tt.want != nil {
				assert.Equal(t, tt.want, got)
			}
			q := s.expect(tt.method, tt.path, tt.query, tt.body)
			assert.Equal(t, kongToken, q.Header.Get("Kong-Admin-Token"))
			s.none()
		})
	}
}

func TestAdminsInvalidParams(t *testing.T) {
	t.Parallel()
	reg := func(mod func(*admin.RegisterAdminParams)) *admin.RegisterAdminParams {
		p := &admin.RegisterAdminParams{Token: "t", Username: "u", Email: "u@example.com", Password: "p"}
		mod(p)
		return p
	}
	reset := func(mod func(*admin.ResetAdminPasswordParams)) *admin.ResetAdminPasswordParams {
		p := &admin.ResetAdminPasswordParams{Email: "u@example.com", Password: "p", Token: "t"}
		mod(p)
		return p
	}
	type call = func(context.Context, *admin.AdminsService) error
	tests := []struct {
		name, field string
		call        call
	}{
		{"list size 0 is the default, -1 is not", "Size", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.List(ctx, &admin.ListAdminsParams{Size: -1})
			return err
		}},
		{"list size 1001", "Size", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.List(ctx, &admin.ListAdminsParams{Size: 1001})
			return err
		}},
		{"all size 1001", "Size", func(ctx context.Context, s *admin.AdminsService) error {
			for _, err := range s.All(ctx, &admin.ListAdminsParams{Size: 1001}) {
				return err
			}
			return nil
		}},
		{"invite nil", "params", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, nil)
			return err
		}},
		{"invite without username", "Username", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, &admin.InviteAdminParams{Email: "a@example.com"})
			return err
		}},
		{"invite blank username", "Username", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, &admin.InviteAdminParams{Username: "  "})
			return err
		}},
		{"invite bad email", "Email", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, &admin.InviteAdminParams{Username: "a", Email: "nope"})
			return err
		}},
		{"register nil", "params", func(ctx context.Context, s *admin.AdminsService) error { return s.Register(ctx, nil) }},
		{"register without token", "Token", func(ctx context.Context, s *admin.AdminsService) error {
			return s.Register(ctx, reg(func(p *admin.RegisterAdminParams) { p.Token = "" }))
		}},
		{"register without username", "Username", func(ctx context.Context, s *admin.AdminsService) error {
			return s.Register(ctx, reg(func(p *admin.RegisterAdminParams) { p.Username = "" }))
		}},
		{"register without email", "Email", func(ctx context.Context, s *admin.AdminsService) error {
			return s.Register(ctx, reg(func(p *admin.RegisterAdminParams) { p.Email = "" }))
		}},
		{"register bad email", "Email", func(ctx context.Context, s *admin.AdminsService) error {
			return s.Register(ctx, reg(func(p *admin.RegisterAdminParams) { p.Email = "u@" }))
		}},
		{"register without password", "Password", func(ctx context.Context, s *admin.AdminsService) error {
			return s.Register(ctx, reg(func(p *admin.RegisterAdminParams) { p.Password = "" }))
		}},
		{"request reset without email", "email", func(ctx context.Context, s *admin.AdminsService) error {
			return s.RequestPasswordReset(ctx, "")
		}},
		{"request reset bad email", "email", func(ctx context.Context, s *admin.AdminsService) error {
			return s.RequestPasswordReset(ctx, "not an email")
		}},
		{"reset nil", "params", func(ctx context.Context, s *admin.AdminsService) error { return s.ResetPassword(ctx, nil) }},
		{"reset without email", "Email", func(ctx context.Context, s *admin.AdminsService) error {
			return s.ResetPassword(ctx, reset(func(p *admin.ResetAdminPasswordParams) { p.Email = "" }))
		}},
		{"reset without password", "Password", func(ctx context.Context, s *admin.AdminsService) error {
			return s.ResetPassword(ctx, reset(func(p *admin.ResetAdminPasswordParams) { p.Password = "" }))
		}},
		{"reset without token", "Token", func(ctx context.Context, s *admin.AdminsService) error {
			return s.ResetPassword(ctx, reset(func(p *admin.ResetAdminPasswordParams) { p.Token = "" }))
		}},
		{"get empty", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Get(ctx, "", nil)
			return err
		}},
		{"get dot-dot", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Get(ctx, "..", nil)
			return err
		}},
		{"update empty name", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Update(ctx, "", &admin.UpdateAdminParams{})
			return err
		}},
		{"update nil", "params", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Update(ctx, "a", nil)
			return err
		}},
		{"update blank username", "Username", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Update(ctx, "a", &admin.UpdateAdminParams{Username: admin.Ptr("")})
			return err
		}},
		{"update bad email", "Email", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Update(ctx, "a", &admin.UpdateAdminParams{Email: admin.Ptr("x")})
			return err
		}},
		{"delete empty", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error { return s.Delete(ctx, " ") }},
		{"list roles empty", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.ListRoles(ctx, "")
			return err
		}},
		{"add no roles", "roles", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.AddRoles(ctx, "a")
			return err
		}},
		{"add empty role", "roles[1]", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.AddRoles(ctx, "a", "read-only", "")
			return err
		}},
		{"add role with a comma", "roles[0]", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.AddRoles(ctx, "a", "read,only")
			return err
		}},
		{"add roles empty name", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.AddRoles(ctx, "", "read-only")
			return err
		}},
		{"remove no roles", "roles", func(ctx context.Context, s *admin.AdminsService) error {
			return s.RemoveRoles(ctx, "a")
		}},
		{"remove role with a comma", "roles[0]", func(ctx context.Context, s *admin.AdminsService) error {
			return s.RemoveRoles(ctx, "a", "a,b")
		}},
		{"workspaces empty", "nameOrID", func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.ListWorkspaces(ctx, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t)
			_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
			err := tt.call(t.Context(), c.Admins)
			require.ErrorIs(t, err, admin.ErrInvalidParams)
			var pe *admin.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field)
			s.none()
		})
	}
}

func TestAdminsErrors(t *testing.T) {
	t.Parallel()
	t.Run("duplicate invite", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{409, `{"message": "user already exists with same username, email, or custom_id"}`})
		_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
		_, err := c.Admins.Invite(t.Context(), &admin.InviteAdminParams{Username: "test-admin"})
		require.ErrorIs(t, err, admin.ErrConflict)
		assert.NotErrorIs(t, err, admin.ErrPossiblyApplied)
		assert.Contains(t, err.Error(), "user already exists with same username, email, or custom_id")
	})
	t.Run("unique constraint violation", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{409, `{"code": 5, "name": "unique constraint violation",
			"message": "UNIQUE violation detected on '{username=\"test-admin\"}'", "fields": {"username": "test-admin"}}`})
		_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
		_, err := c.Admins.Invite(t.Context(), &admin.InviteAdminParams{Username: "test-admin"})
		require.ErrorIs(t, err, admin.ErrConflict)
		var e *admin.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "unique constraint violation", e.Code)
		assert.Equal(t, map[string]string{"username": "test-admin"}, e.Fields)
	})
	t.Run("missing admin", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{404, `{"message": "Not found"}`})
		_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
		_, err := c.Admins.Get(t.Context(), "nobody", nil)
		require.ErrorIs(t, err, admin.ErrNotFound)
		var e *admin.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "Not found", e.Message)
		assert.Equal(t, "/v1/admins/nobody", e.Path)
	})
	t.Run("bad registration token", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{401, `{"message": "Unauthorized"}`})
		_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
		err := c.Admins.Register(t.Context(), &admin.RegisterAdminParams{Token: "rt_wrong_token",
			Username: "u", Email: "u@example.com", Password: "my password 1"})
		require.ErrorIs(t, err, admin.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "rt_wrong_token")
		assert.NotContains(t, err.Error(), "my password 1")
	})
	t.Run("server refuses empty roles", func(t *testing.T) {
		t.Parallel()
		s := script(t, reply{400, `{"message": "must provide >= 1 role"}`})
		_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
		_, err := c.Admins.AddRoles(t.Context(), "a", "ghost")
		require.ErrorIs(t, err, admin.ErrBadRequest)
		assert.Contains(t, err.Error(), "must provide >= 1 role")
	})
}

func TestAdminsInvalidResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reply   reply
		call    func(context.Context, *admin.AdminsService) error
		applied bool
	}{
		{"invite without envelope", reply{200, adminJSON}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, &admin.InviteAdminParams{Username: "a"})
			return err
		}, true},
		{"invite with null admin", reply{200, `{"admin": null}`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Invite(ctx, &admin.InviteAdminParams{Username: "a"})
			return err
		}, true},
		{"get without id", reply{200, `{"username": "a", "status": 0}`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Get(ctx, "a", nil)
			return err
		}, false},
		{"get without status", reply{200, `{"id": "x", "username": "a"}`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.Get(ctx, "a", nil)
			return err
		}, false},
		{"get with a status name", reply{200, replaceOnce(adminJSON, `"status": 4`, `"status": "active"`)},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.Get(ctx, "a", nil)
				return err
			}, false},
		{"get with a string timestamp", reply{200, replaceOnce(adminJSON, `"created_at": 1556638385`, `"created_at": "1556638385"`)},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.Get(ctx, "a", nil)
				return err
			}, false},
		{"update wrapped in an envelope", reply{200, `{"admin": ` + adminJSON + `}`},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.Update(ctx, "a", &admin.UpdateAdminParams{})
				return err
			}, true},
		{"add roles without roles", reply{201, `{}`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.AddRoles(ctx, "a", "r")
			return err
		}, true},
		{"list roles without roles", reply{200, `{"roles": null}`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.ListRoles(ctx, "a")
			return err
		}, false},
		{"workspaces as an object", reply{200, `{"id": "w1", "name": "default"}`},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.ListWorkspaces(ctx, "a")
				return err
			}, false},
		{"workspaces null", reply{200, `null`}, func(ctx context.Context, s *admin.AdminsService) error {
			_, err := s.ListWorkspaces(ctx, "a")
			return err
		}, false},
		{"list item without id", reply{200, `{"data": [{"username": "a", "status": 0}], "next": null}`},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.List(ctx, nil)
				return err
			}, false},
		{"list next without offset", reply{200, `{"data": [` + adminJSON + `], "next": "/admins?size=1"}`},
			func(ctx context.Context, s *admin.AdminsService) error {
				_, err := s.List(ctx, nil)
				return err
			}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
			err := tt.call(t.Context(), c.Admins)
			require.ErrorIs(t, err, admin.ErrInvalidResponse)
			assert.Equal(t, tt.applied, errors.Is(err, admin.ErrPossiblyApplied))
			s.next()
		})
	}
}

func TestAdminsAllKongPagination(t *testing.T) {
	t.Parallel()
	item := func(n string) string {
		return replaceOnce(adminJSON, adminUUID, "00000000-0000-0000-0000-00000000000"+n)
	}
	s := script(t,
		// offset and next both present: offset wins.
		reply{200, `{"data": [` + item("1") + `,` + item("2") + `], "next": "/v1/admins?offset=ignored&size=2", "offset": "T2Zmc2V0MQ=="}`},
		// only next, as a path from the host's root on another prefix.
		reply{200, `{"data": [` + item("3") + `], "next": "/admins?offset=b2Zm%2Bc2V0Mg%3D%3D&size=2"}`},
		// only next, as an absolute URL of another host: only its offset is used.
		reply{200, `{"data": [` + item("4") + `], "next": "https://kong.example:8001/admins?size=2&offset=o3"}`},
		// the last page: no offset, next null.
		reply{200, `{"data": [` + item("5") + `], "next": null}`},
	)
	_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
	var ids []string
	for a, err := range c.Admins.All(t.Context(), &admin.ListAdminsParams{Size: 2}) {
		require.NoError(t, err)
		ids = append(ids, a.ID[len(a.ID)-1:])
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "5"}, ids)
	s.expect("GET", "/v1/admins", url.Values{"size": {"2"}}, "")
	s.expect("GET", "/v1/admins", url.Values{"size": {"2"}, "offset": {"T2Zmc2V0MQ=="}}, "")
	s.expect("GET", "/v1/admins", url.Values{"size": {"2"}, "offset": {"b2Zm+c2V0Mg=="}}, "")
	s.expect("GET", "/v1/admins", url.Values{"size": {"2"}, "offset": {"o3"}}, "")
	s.none()
}

func TestAdminsListPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, next string
	}{
		{"offset present", `{"data": [` + adminJSON + `], "next": "/v1/admins?offset=abc&size=1", "offset": "abc"}`, "abc"},
		{"only next", `{"data": [` + adminJSON + `], "next": "/admins?offset=def&size=1"}`, "def"},
		{"last page", `{"data": [` + adminJSON + `], "next": null}`, ""},
		{"last page without next", `{"data": [` + adminJSON + `]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, reply{200, tt.body})
			_, c := serve(t, s.ServeHTTP, oneShot(kongAuth())...)
			p, err := c.Admins.List(t.Context(), &admin.ListAdminsParams{Size: 1})
			require.NoError(t, err)
			assert.Equal(t, []admin.Admin{wantAdmin()}, p.Data)
			assert.Equal(t, tt.next, p.NextCursor)
			assert.Equal(t, tt.next != "", p.HasMore)
		})
	}
}

func TestAdminTimestamps(t *testing.T) {
	t.Parallel()
	base := time.Unix(1556638385, 0).UTC()
	tests := []struct {
		raw     string
		want    time.Time
		wantErr bool
	}{
		{raw: `1556638385`, want: base},
		{raw: `1556638385.0`, want: base},
		{raw: `1.556638385e+09`, want: base},
		{raw: `1.556638385E9`, want: base},
		{raw: `155663838500e-2`, want: base},
		{raw: `1556638385.25`, want: base.Add(250 * time.Millisecond)},
		{raw: `1556638385.123456789`, want: base.Add(123456789)},
		{raw: `1556638385.1234567899`, want: base.Add(123456789)},
		{raw: `1.5566383851e9`, want: base.Add(100 * time.Millisecond)},
		{raw: `0`, want: time.Unix(0, 0).UTC()},
		{raw: `-0`, want: time.Unix(0, 0).UTC()},
		{raw: `0.000000001`, want: time.Unix(0, 1).UTC()},
		{raw: `1e-10`, want: time.Unix(0, 0).UTC()},
		{raw: `1e-999999999999`, want: time.Unix(0, 0).UTC()},
		{raw: `253402300799`, want: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{raw: `null`, want: time.Time{}},
		{raw: `"1556638385"`, wantErr: true},
		{raw: `"2019-04-30T15:33:05Z"`, wantErr: true},
		{raw: `-1`, wantErr: true},
		{raw: `-0.5`, wantErr: true},
		{raw: `253402300800`, wantErr: true},
		{raw: `1e300`, wantErr: true},
		{raw: `1e999999999999`, wantErr: true},
		{raw: `true`, wantErr: true},
		{raw: `{}`, wantErr: true},
		{raw: `[]`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			var a admin.Admin
			err := json.Unmarshal([]byte(`{"id": "x", "status": 0, "created_at": `+tt.raw+`}`), &a)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(a.CreatedAt), "got %v", a.CreatedAt)
			assert.Equal(t, tt.want.Location(), a.CreatedAt.Location())
		})
	}
}

func TestAdminTimestampsInRolesAndWorkspaces(t *testing.T) {
	t.Parallel()
	var rl admin.AdminRole
	require.NoError(t, json.Unmarshal([]byte(roleJSON), &rl))
	assert.Equal(t, time.Unix(1556638385, 5e8).UTC(), rl.CreatedAt)
	require.Error(t, json.Unmarshal([]byte(`{"created_at": "yesterday"}`), &rl))
	var ws admin.Workspace
	require.NoError(t, json.Unmarshal([]byte(`{"name": "default", "created_at": 1.706598432e+09}`), &ws))
	assert.Equal(t, time.Unix(1706598432, 0).UTC(), ws.CreatedAt)
	require.Error(t, json.Unmarshal([]byte(`{"name": "default", "created_at": -5}`), &ws))
}

func TestAdminJSONRoundTrip(t *testing.T) {
	t.Parallel()
	a := wantAdmin()
	a.CreatedAt = a.CreatedAt.Add(250 * time.Millisecond)
	a.UpdatedAt = time.Time{}
	a.Token = "rt_token_1"
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id": "665b4070-541f-48bf-82c1-53030babaa81", "username": "test-admin", "email": "test@example.com",
		"status": 4, "rbac_token_enabled": true, "created_at": 1556638385.25, "updated_at": null, "token": "rt_token_1"}`, string(b))
	var back admin.Admin
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, a, back)

	a.CreatedAt = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
	_, err = json.Marshal(a)
	assert.Error(t, err, "a time before 1970 has no Unix seconds on Kong's wire")
}

func TestAdminStatusString(t *testing.T) {
	t.Parallel()
	for s, want := range map[admin.AdminStatus]string{
		admin.AdminApproved: "approved", admin.AdminPending: "pending", admin.AdminRejected: "rejected",
		admin.AdminRevoked: "revoked", admin.AdminInvited: "invited", admin.AdminUnverified: "unverified",
		6: "AdminStatus(6)", -1: "AdminStatus(-1)",
	} {
		assert.Equal(t, want, s.String())
	}
}

func TestAdminSecretsRedacted(t *testing.T) {
	t.Parallel()
	const token, password = "rt_secret_token_abc", "hunter2-password"
	a := wantAdmin()
	a.RegisterURL = "https://manager.example.com/register?token=" + token
	a.Token = token
	assertRedacted(t, a, token)
	assertRedacted(t, &a, token)

	reg := admin.RegisterAdminParams{Token: token, Username: "u", Email: "u@example.com", Password: password}
	assertRedacted(t, reg, token, password)
	assertRedacted(t, &reg, token, password)
	b, err := json.Marshal(reg)
	require.NoError(t, err)
	assert.JSONEq(t, `{"token": "`+token+`", "username": "u", "email": "u@example.com", "password": "`+password+`"}`, string(b))

	reset := admin.ResetAdminPasswordParams{Email: "u@example.com", Password: password, Token: token}
	assertRedacted(t, reset, token, password)
	assertRedacted(t, &reset, token, password)
	b, err = json.Marshal(&reset)
	require.NoError(t, err)
	assert.JSONEq(t, `{"email": "u@example.com", "password": "`+password+`", "token": "`+token+`"}`, string(b))
}

func TestAdminsInviteRegisterFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()

	a, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "kong-ops", Email: "ops@example.com", CustomID: "ops-1"})
	require.NoError(t, err)
	assert.NotEmpty(t, a.ID)
	assert.Equal(t, admin.AdminInvited, a.Status)
	assert.True(t, a.RBACTokenEnabled, "the server's default")
	assert.False(t, a.CreatedAt.IsZero())
	assert.Empty(t, a.Token, "only Get with GenerateRegisterURL gives a token")

	for _, p := range []admin.InviteAdminParams{
		{Username: "kong-ops"}, {Username: "other", Email: "OPS@example.com"}, {Username: "third", CustomID: "ops-1"},
	} {
		_, err := c.Admins.Invite(ctx, &p)
		require.ErrorIs(t, err, admin.ErrConflict, "%+v", p)
	}

	plain, err := c.Admins.Get(ctx, a.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, *a, *plain)
	g, err := c.Admins.Get(ctx, "kong-ops", &admin.GetAdminParams{GenerateRegisterURL: true})
	require.NoError(t, err)
	require.NotEmpty(t, g.Token)
	assert.Contains(t, string(g.RegisterURL), string(g.Token))
	assert.Equal(t, a.ID, g.ID)

	reg := &admin.RegisterAdminParams{Token: "wrong-token", Username: "kong-ops", Email: "ops@example.com", Password: "correct horse"}
	require.ErrorIs(t, c.Admins.Register(ctx, reg), admin.ErrUnauthorized)
	reg.Token = g.Token
	require.NoError(t, c.Admins.Register(ctx, reg))
	approved, err := c.Admins.Get(ctx, "kong-ops", &admin.GetAdminParams{GenerateRegisterURL: true})
	require.NoError(t, err)
	assert.Equal(t, admin.AdminApproved, approved.Status)
	assert.Empty(t, approved.Token, "no register URL once registered")
	require.ErrorIs(t, c.Admins.Register(ctx, reg), admin.ErrUnauthorized, "a token works once")

	require.NoError(t, c.Admins.RequestPasswordReset(ctx, "ops@example.com"))
	tok := srv.PasswordResetToken("ops@example.com")
	require.NotEmpty(t, tok)
	reset := &admin.ResetAdminPasswordParams{Email: "ops@example.com", Password: "new horse", Token: "wrong-token"}
	require.ErrorIs(t, c.Admins.ResetPassword(ctx, reset), admin.ErrUnauthorized)
	reset.Token = admin.Secret(tok)
	require.NoError(t, c.Admins.ResetPassword(ctx, reset))
	assert.Empty(t, srv.PasswordResetToken("ops@example.com"), "the token is spent")
	require.NoError(t, c.Admins.RequestPasswordReset(ctx, "nobody@example.com"), "as Kong, unknown emails are not revealed")

	other, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "kong-dev"})
	require.NoError(t, err)
	upd, err := c.Admins.Update(ctx, a.ID, &admin.UpdateAdminParams{Email: admin.Ptr("ops2@example.com")})
	require.NoError(t, err)
	assert.Equal(t, "ops2@example.com", upd.Email)
	assert.Equal(t, "ops-1", upd.CustomID, "a nil field is kept")
	_, err = c.Admins.Update(ctx, other.ID, &admin.UpdateAdminParams{Username: admin.Ptr("kong-ops")})
	require.ErrorIs(t, err, admin.ErrConflict)
	var apiErr *admin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Fields, "username")

	require.NoError(t, c.Admins.Delete(ctx, "kong-dev"))
	_, err = c.Admins.Get(ctx, other.ID, nil)
	require.ErrorIs(t, err, admin.ErrNotFound)
}

func TestAdminsAllFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	var want []string
	for _, n := range []string{"a1", "a2", "a3", "a4", "a5"} {
		a, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: n})
		require.NoError(t, err)
		want = append(want, a.ID)
	}
	var got []string
	for a, err := range c.Admins.All(ctx, &admin.ListAdminsParams{Size: 2}) {
		require.NoError(t, err)
		got = append(got, a.ID)
	}
	var all []string
	for _, a := range srv.Admins() {
		all = append(all, a.ID)
	}
	assert.Equal(t, all, got, "every admin once, in the server's order")
	assert.Subset(t, got, want)

	page, err := c.Admins.List(ctx, &admin.ListAdminsParams{Size: 2})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	require.True(t, page.HasMore)
	next, err := c.Admins.List(ctx, &admin.ListAdminsParams{Size: 2, Offset: page.NextCursor})
	require.NoError(t, err)
	require.NotEmpty(t, next.Data)
	assert.Equal(t, all[2], next.Data[0].ID)
}

func TestAdminsRolesFlow(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	_, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "kong-ops"})
	require.NoError(t, err)

	roles, err := c.Admins.ListRoles(ctx, "kong-ops")
	require.NoError(t, err)
	assert.Empty(t, roles)
	roles, err = c.Admins.AddRoles(ctx, "kong-ops", "read-only", "team-a-admin")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"read-only", "team-a-admin"}, roleNames(roles))
	for _, r := range roles {
		assert.NotEmpty(t, r.ID)
		assert.False(t, r.CreatedAt.IsZero())
	}
	listed, err := c.Admins.ListRoles(ctx, "kong-ops")
	require.NoError(t, err)
	assert.Equal(t, roles, listed)

	ws, err := c.Admins.ListWorkspaces(ctx, "kong-ops")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"default", "team-a"}, workspaceNames(ws))
	for _, w := range ws {
		assert.NotEmpty(t, w.ID)
		assert.False(t, w.CreatedAt.IsZero())
		if w.Name == "team-a" {
			assert.True(t, w.Config.Portal)
		}
	}

	require.NoError(t, c.Admins.RemoveRoles(ctx, "kong-ops", "team-a-admin"))
	listed, err = c.Admins.ListRoles(ctx, "kong-ops")
	require.NoError(t, err)
	assert.Equal(t, []string{"read-only"}, roleNames(listed))
	ws, err = c.Admins.ListWorkspaces(ctx, "kong-ops")
	require.NoError(t, err)
	assert.Equal(t, []string{"default"}, workspaceNames(ws))

	_, err = c.Admins.AddRoles(ctx, "kong-ops", "no-such-role")
	require.ErrorIs(t, err, admin.ErrBadRequest)
	assert.True(t, strings.Contains(err.Error(), "no-such-role"), err.Error())
	_, err = c.Admins.ListRoles(ctx, "nobody")
	require.ErrorIs(t, err, admin.ErrNotFound)
	_, err = c.Admins.ListWorkspaces(ctx, "nobody")
	require.ErrorIs(t, err, admin.ErrNotFound)
}

func roleNames(rs []admin.AdminRole) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func workspaceNames(ws []admin.Workspace) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Name)
	}
	return out
}
