package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// securityKey is the API key of the clients in this file.
const securityKey = "sk_test_security_0123456789abcdef"

// TestClientValueNeverPrintsCredentials prints a Client, and a Client
// value, with every verb fmt has: none may show a credential. (A verb that
// does not fit a pointer field makes fmt print what the pointer points to.)
func TestClientValueNeverPrintsCredentials(t *testing.T) {
	t.Parallel()
	c, err := admin.NewClient(admin.WithAPIKey(securityKey), admin.WithHeader("Kong-Admin-Token", "kong-token-security-0123"))
	require.NoError(t, err)
	cc, err := admin.NewClient(admin.WithClientCredentials("cli_security", "cs_security_secret_0123", ""))
	require.NoError(t, err)
	for _, v := range []any{c, *c, cc, *cc, struct{ C admin.Client }{*c}, []admin.Client{*cc}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%t", "%p", "%T", "%9.3f"} {
			out := fmt.Sprintf(verb, v)
			for _, sec := range []string{securityKey, "kong-token-security-0123", "cs_security_secret_0123"} {
				assert.NotContains(t, out, sec, "%s of %T", verb, v)
			}
		}
	}
}

// TestRedirectNeverCarriesCredentialsAway redirects every kind of
// credential to another host: an API key, a custom credential header, a
// token source's token and the client secret on its way to the token
// endpoint. The other host sees none of them; the redirect is refused.
func TestRedirectNeverCarriesCredentialsAway(t *testing.T) {
	t.Parallel()
	var away atomic.Int32
	other, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		away.Add(1)
		writeRaw(w, 200, `{"access_token": "stolen", "token_type": "Bearer", "expires_in": 3600, "id": "usr_1"}`)
	})
	tests := map[string][]admin.Option{
		"api key":            {admin.WithAPIKey(securityKey)},
		"credential header":  {admin.WithHeader("Kong-Admin-Token", "kong-token-security-0123")},
		"token source":       {admin.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok_security_0123456789"}))},
		"client credentials": {admin.WithClientCredentials("cli_security", "cs_security_secret_0123", "")},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, code := range []int{301, 302, 303, 307, 308} {
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path, code)
				})
				c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(srv.URL + "/v1"),
					admin.WithRetry(admin.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond})}, opts...)...)
				require.NoError(t, err)
				_, err = c.Users.Get(context.Background(), "usr_1")
				var e *admin.Error
				require.ErrorAs(t, err, &e, "%d", code)
				err = c.Me.ChangePassword(context.Background(), "current-password", "new-password-0123")
				require.ErrorAs(t, err, &e, "%d", code)
				assert.False(t, e.PossiblyApplied, "a refused redirect applied nothing")
				srv.Close()
			}
		})
	}
	assert.Zero(t, away.Load(), "a request reached the other host")
}

// TestPlainHTTPLookalikes checks base URLs that look like loopback but
// are not: plain HTTP to them is refused without WithInsecureHTTP.
func TestPlainHTTPLookalikes(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1.nip.io/v1", "http://localhost.:8080/v1", "http://0.0.0.0/v1",
		"http://[::]/v1", "http://169.254.169.254/v1", "http://127.1/v1", "http://2130706433/v1", "HTTP://api.admin.com/v1"} {
		_, err := admin.NewClient(admin.WithBaseURL(u), admin.WithAPIKey(securityKey))
		require.ErrorIs(t, err, admin.ErrInvalidParams, u)
		_, err = admin.NewClient(admin.WithBaseURL(u), admin.WithAPIKey(securityKey), admin.WithInsecureHTTP())
		assert.NoError(t, err, u)
	}
}

// hostileIDs are path segments that would name another resource if they
// were not escaped.
var hostileIDs = []string{"a/b", "../users", "../../v1/admins", "x?role=admin", "x#frag", "100%", "%2e%2e", "a%2Fb",
	"ünï/cödé", "a b", "a;b", "..%2f", "\u202e", "x/../../oauth/token"}

// TestHostileIDsStayInTheirPath sends every call that takes an id with
// ids that would name another resource if they were not escaped, against
// admintest: each reaches the handler of its own route (which answers 404
// for the unknown id, or 204 for removing a non-member), or is refused
// before sending; nothing on the server changes.
func TestHostileIDsStayInTheirPath(t *testing.T) {
	t.Parallel()
	srv := admintest.NewServer(admintest.WithSeedData(3, 2, 2))
	t.Cleanup(srv.Close)
	c := srv.Client(admin.WithRetry(admin.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	users, groups, projects, admins, audit := srv.Users(), srv.Groups(), srv.Projects(), srv.Admins(), len(srv.AuditLog())
	ctx := context.Background()
	uid, grp, prj := users[1].ID, groups[0].Name, projects[0].ID
	calls := []struct {
		name, route string // route: the path pattern that must answer, with {} for the hostile id
		f           func(id string) error
	}{
		{"Users.Get", "/v1/users/{}", func(id string) error { _, err := c.Users.Get(ctx, id); return err }},
		{"Users.Update", "/v1/users/{}", func(id string) error {
			_, err := c.Users.Update(ctx, id, &admin.UpdateUserParams{Role: admin.Ptr(admin.RoleAdmin)})
			return err
		}},
		{"Users.Delete", "/v1/users/{}", func(id string) error { return c.Users.Delete(ctx, id) }},
		{"Users.Logout", "/v1/users/{}/logout", func(id string) error { return c.Users.Logout(ctx, id) }},
		{"Users.ResetPassword", "/v1/users/{}/password", func(id string) error { _, err := c.Users.ResetPassword(ctx, id); return err }},
		{"Groups.Get", "/v1/groups/{}", func(id string) error { _, err := c.Groups.Get(ctx, id); return err }},
		{"Groups.Update", "/v1/groups/{}", func(id string) error {
			_, err := c.Groups.Update(ctx, id, &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleAdmin}})
			return err
		}},
		{"Groups.Delete", "/v1/groups/{}", func(id string) error { return c.Groups.Delete(ctx, id) }},
		{"Groups.ListMembers", "/v1/groups/{}/members", func(id string) error { _, err := c.Groups.ListMembers(ctx, id, nil); return err }},
		{"Groups.AddMember group", "/v1/groups/{}/members/" + uid, func(id string) error { return c.Groups.AddMember(ctx, id, uid) }},
		{"Groups.AddMember user", "/v1/groups/" + grp + "/members/{}", func(id string) error { return c.Groups.AddMember(ctx, grp, id) }},
		{"Groups.RemoveMember user", "/v1/groups/" + grp + "/members/{}", func(id string) error { return c.Groups.RemoveMember(ctx, grp, id) }},
		{"Projects.Get", "/v1/projects/{}", func(id string) error { _, err := c.Projects.Get(ctx, id); return err }},
		{"Projects.Update", "/v1/projects/{}", func(id string) error {
			_, err := c.Projects.Update(ctx, id, &admin.UpdateProjectParams{DeservedGPUs: admin.Ptr(99)})
			return err
		}},
		{"Projects.Delete", "/v1/projects/{}", func(id string) error { return c.Projects.Delete(ctx, id) }},
		{"Projects.AddMember user", "/v1/projects/" + prj + "/members/{}", func(id string) error { return c.Projects.AddMember(ctx, prj, id) }},
		{"Projects.RemoveMember project", "/v1/projects/{}/members/" + uid, func(id string) error { return c.Projects.RemoveMember(ctx, id, uid) }},
		{"Clusters.Get", "/v1/clusters/{}", func(id string) error { _, err := c.Clusters.Get(ctx, id); return err }},
		{"Admins.Get", "/v1/admins/{}", func(id string) error { _, err := c.Admins.Get(ctx, id, nil); return err }},
		{"Admins.Update", "/v1/admins/{}", func(id string) error {
			_, err := c.Admins.Update(ctx, id, &admin.UpdateAdminParams{CustomID: admin.Ptr("pwned")})
			return err
		}},
		{"Admins.Delete", "/v1/admins/{}", func(id string) error { return c.Admins.Delete(ctx, id) }},
		{"Admins.AddRoles", "/v1/admins/{}/roles", func(id string) error { _, err := c.Admins.AddRoles(ctx, id, "super-admin"); return err }},
		{"Admins.ListWorkspaces", "/v1/admins/{}/workspaces", func(id string) error { _, err := c.Admins.ListWorkspaces(ctx, id); return err }},
	}
	for _, call := range calls {
		for _, id := range hostileIDs {
			before := len(srv.Requests())
			err := call.f(id)
			reqs := srv.Requests()[before:]
			if len(reqs) == 0 {
				require.ErrorIs(t, err, admin.ErrInvalidParams, "%s(%q): no request, so it must be refused", call.name, id)
				continue
			}
			if err != nil { // removing a non-member is no error
				require.True(t, errors.Is(err, admin.ErrNotFound) || errors.Is(err, admin.ErrBadRequest), "%s(%q): %v", call.name, id, err)
			}
			want := strings.Replace(call.route, "{}", id, 1) // the server records the unescaped path
			for _, r := range reqs {
				assert.Equal(t, want, r.Path, "%s(%q) reached another path", call.name, id)
				assert.Empty(t, r.Query, "%s(%q) grew a query string", call.name, id)
			}
		}
	}
	assert.Equal(t, users, srv.Users(), "a user changed")
	assert.Equal(t, groups, srv.Groups(), "a group changed")
	assert.Equal(t, projects, srv.Projects(), "a project changed")
	assert.Equal(t, admins, srv.Admins(), "an admin changed")
	assert.Equal(t, audit, len(srv.AuditLog()), "an audit event was written")
}

// TestHostileNamesReachTheirResource creates groups and admins whose names
// hold characters that mean something in a URL, and works on each by that
// name: every call reaches that resource and no other.
func TestHostileNamesReachTheirResource(t *testing.T) {
	t.Parallel()
	srv := admintest.NewServer(admintest.WithSeedData(2, 0, 0))
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	uid := srv.Users()[1].ID
	for _, name := range []string{"..a", "a..", "100%", "%2e%2e", "a%2Fb", "ünï cödé", "a;b=c", "x+y", "&amp", "'\"<>"} {
		g, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: name, Roles: []admin.Role{admin.RoleViewer}})
		require.NoError(t, err, name)
		require.Equal(t, name, g.Name)
		got, err := c.Groups.Get(ctx, name)
		require.NoError(t, err, name)
		assert.Equal(t, name, got.Name)
		require.NoError(t, c.Groups.AddMember(ctx, name, uid), name)
		var members []string
		for u, err := range c.Groups.AllMembers(ctx, name, nil) {
			require.NoError(t, err, name)
			members = append(members, u.ID)
		}
		assert.Equal(t, []string{uid}, members, name)

		a, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "adm-" + name})
		require.NoError(t, err, name)
		got2, err := c.Admins.Get(ctx, "adm-"+name, nil)
		require.NoError(t, err, name)
		assert.Equal(t, a.ID, got2.ID, name)
		_, err = c.Admins.Update(ctx, "adm-"+name, &admin.UpdateAdminParams{CustomID: admin.Ptr("custom-" + name)})
		require.NoError(t, err, name)
	}
	for _, name := range []string{"..a", "100%", "a%2Fb", "ünï cödé", "'\"<>"} {
		require.NoError(t, c.Groups.Delete(ctx, name), name)
		require.NoError(t, c.Admins.Delete(ctx, "adm-"+name), name)
	}
	var left []string
	for _, g := range srv.Groups() {
		left = append(left, g.Name)
	}
	slices.Sort(left)
	assert.Equal(t, []string{"%2e%2e", "&amp", "a..", "a;b=c", "x+y"}, left)
	for _, a := range srv.Admins() {
		if strings.HasPrefix(a.Username, "adm-") {
			assert.Equal(t, "custom-"+strings.TrimPrefix(a.Username, "adm-"), a.CustomID, "an update reached another admin")
		}
	}
}
