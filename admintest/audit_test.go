package admintest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type event struct {
	ID         string         `json:"id"`
	Action     string         `json:"action"`
	UserID     string         `json:"user_id"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	CreatedAt  string         `json:"created_at"`
	Metadata   map[string]any `json:"metadata"`
}

func listEvents(t *testing.T, srv *admintest.Server, query string) []event {
	t.Helper()
	var out []event
	cursor := ""
	for {
		r := send(t, srv, request{method: "GET", path: "/audit-logs?limit=2&" + query + "&cursor=" + cursor, key: srv.APIKey})
		require.Equal(t, 200, r.Status, "body: %s", r.Body)
		var p page[event]
		r.decode(t, &p)
		out = append(out, p.Data...)
		if !p.Meta.HasMore {
			return out
		}
		cursor = *p.Meta.NextCursor
	}
}

func TestAuditLogFiltersAndOrder(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := setup(t, admintest.WithClock(clock.Now))
	editor := srv.NewKey("editor")
	start := clock.Now()
	u := createUser(t, srv, "Ann", "ann@example.com")
	clock.Add(time.Minute)
	require.Equal(t, 201, send(t, srv, request{method: "POST", path: "/groups", key: editor, body: map[string]any{"name": "g", "roles": []string{"viewer"}}}).Status)
	require.Equal(t, 204, send(t, srv, request{method: "PUT", path: "/groups/g/members/" + u.ID, key: editor}).Status)
	clock.Add(time.Minute)
	require.Equal(t, 200, send(t, srv, request{method: "PATCH", path: "/users/" + u.ID, key: editor, body: map[string]any{"name": "Anne"}}).Status)

	all := listEvents(t, srv, "")
	require.Len(t, all, 4)
	for i := 1; i < len(all); i++ {
		assert.True(t, all[i-1].CreatedAt < all[i].CreatedAt || (all[i-1].CreatedAt == all[i].CreatedAt && all[i-1].ID < all[i].ID), "oldest first, ties by id")
	}
	assert.Equal(t, "127.0.0.1", all[0].IP)
	assert.NotNil(t, all[0].Metadata)

	tests := []struct {
		query string
		want  []string
	}{
		{"action=user.create", []string{"user.create"}},
		{"action=group.*", []string{"group.create", "group.member_add"}},
		{"user_id=" + srv.KeyUserID(editor), []string{"group.create", "group.member_add", "user.update"}},
		{"start_time=" + url.QueryEscape(start.Add(time.Minute).Format(time.RFC3339)), []string{"group.create", "group.member_add", "user.update"}},
		{"end_time=" + url.QueryEscape(start.Add(time.Minute).Format(time.RFC3339)), []string{"user.create"}},
		{"target_id=" + u.ID, []string{"user.create", "user.update"}},
		{"target_id=g", []string{"group.create", "group.member_add"}},
		{"target_id=g&action=group.member_add", []string{"group.member_add"}},
		{"target_id=" + u.ID + "&action=group.*", nil},
		{"target_id=usr_nobody", nil},
		{"action=group*", nil},
		{"action=gro.*", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, ev := range listEvents(t, srv, tt.query) {
			got = append(got, ev.Action)
		}
		assert.Equal(t, tt.want, got, tt.query)
	}
	r := send(t, srv, request{method: "GET", path: "/audit-logs?start_time=yesterday", key: srv.APIKey})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "start_time", r.apiError(t).Error.Param)
}

func TestAuditRetention90Days(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := setup(t, admintest.WithClock(clock.Now))
	old := createUser(t, srv, "Old", "old@example.com")
	clock.Add(89 * 24 * time.Hour)
	recent := createUser(t, srv, "Recent", "recent@example.com")
	require.Len(t, listEvents(t, srv, ""), 2)

	clock.Add(24*time.Hour + time.Second) // the first event is now 90 days and a second old
	evs := listEvents(t, srv, "")
	require.Len(t, evs, 1)
	assert.Equal(t, recent.ID, evs[0].TargetID)
	require.Len(t, srv.AuditLog(), 1)
	_, ok := srv.User(old.ID)
	assert.True(t, ok, "retention drops events, not users")
}

func TestAuditCursorResumesAfterNewEvents(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	createUser(t, srv, "A", "a@example.com")
	createUser(t, srv, "B", "b@example.com")
	r := send(t, srv, request{method: "GET", path: "/audit-logs?limit=2", key: srv.APIKey})
	var p page[event]
	r.decode(t, &p)
	require.Len(t, p.Data, 2)
	require.False(t, p.Meta.HasMore)
	// An export that stopped here resumes from the last event it saw; the
	// cursor of a full page is only handed out when more follow, so take a page of 1.
	r = send(t, srv, request{method: "GET", path: "/audit-logs?limit=1", key: srv.APIKey})
	r.decode(t, &p)
	require.True(t, p.Meta.HasMore)
	cursor := *p.Meta.NextCursor
	c := createUser(t, srv, "C", "c@example.com")
	r = send(t, srv, request{method: "GET", path: "/audit-logs?limit=10&cursor=" + cursor, key: srv.APIKey})
	r.decode(t, &p)
	require.Len(t, p.Data, 2)
	assert.Equal(t, c.ID, p.Data[1].TargetID)
}

// TestAuditEventsPerAction makes one change of each kind and checks the
// event against the table of api/openapi.yaml (AuditEvent.action): its
// target and the keys of its metadata.
func TestAuditEventsPerAction(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	key := srv.APIKey
	ok := func(method, path string, body any, want int) response {
		t.Helper()
		r := send(t, srv, request{method: method, path: path, key: key, body: body})
		require.Equal(t, want, r.Status, "%s %s: %s", method, path, r.Body)
		return r
	}
	u := createUser(t, srv, "Ann", "ann@example.com")
	ok("PATCH", "/users/"+u.ID, map[string]any{"name": "Anne"}, 200)
	ok("POST", "/users/"+u.ID+"/logout", nil, 204)
	ok("POST", "/users/"+u.ID+"/password", nil, 200)
	ok("POST", "/me/password", map[string]any{"current_password": srv.AdminPassword, "new_password": "a-new-password"}, 204)
	ok("POST", "/groups", map[string]any{"name": "g", "roles": []string{"viewer"}}, 201)
	ok("PUT", "/groups/g", map[string]any{"roles": []string{"editor"}}, 200)
	ok("PUT", "/groups/g/members/"+u.ID, nil, 204)
	ok("DELETE", "/groups/g/members/"+u.ID, nil, 204)
	ok("DELETE", "/groups/g", nil, 204)
	var prj struct {
		ID string `json:"id"`
	}
	ok("POST", "/projects", map[string]any{"name": "p", "cluster_id": srv.Clusters()[0].ID}, 201).decode(t, &prj)
	ok("PATCH", "/projects/"+prj.ID, map[string]any{"deserved_gpus": 2}, 200)
	ok("PUT", "/projects/"+prj.ID+"/members/"+u.ID, nil, 204)
	ok("DELETE", "/projects/"+prj.ID+"/members/"+u.ID, nil, 204)
	ok("DELETE", "/projects/"+prj.ID, nil, 204)
	var adm struct {
		Admin struct {
			ID string `json:"id"`
		} `json:"admin"`
	}
	ok("POST", "/admins", map[string]any{"username": "neo", "email": "neo@example.com"}, 200).decode(t, &adm)
	aid := adm.Admin.ID
	ok("PATCH", "/admins/"+aid, map[string]any{"custom_id": "c1"}, 200)
	ok("POST", "/admins/"+aid+"/roles", map[string]any{"roles": "admin"}, 201)
	ok("DELETE", "/admins/"+aid+"/roles", map[string]any{"roles": "admin"}, 204)
	ok("POST", "/admins/password_resets", map[string]any{"email": "neo@example.com"}, 201)
	ok("DELETE", "/admins/"+aid, nil, 204)
	ok("DELETE", "/users/"+u.ID, nil, 204)
	client := srv.NewOAuthClient("viewer")
	fetchToken(t, srv, client)

	tests := []struct {
		action, targetType, targetID string
		metadata                     []string
	}{
		{"user.create", "user", u.ID, []string{"email", "role"}},
		{"user.update", "user", u.ID, []string{"fields"}},
		{"user.logout", "user", u.ID, []string{"sessions_ended"}},
		{"user.password_reset", "user", u.ID, nil},
		{"user.password_change", "user", srv.AdminUserID, nil},
		{"user.delete", "user", u.ID, nil},
		{"user.login", "user", client.UserID, []string{"client_id"}},
		{"group.create", "group", "g", []string{"roles"}},
		{"group.update", "group", "g", []string{"roles"}},
		{"group.member_add", "group", "g", []string{"user_id"}},
		{"group.member_remove", "group", "g", []string{"user_id"}},
		{"group.delete", "group", "g", nil},
		{"project.create", "project", prj.ID, []string{"name"}},
		{"project.update", "project", prj.ID, []string{"fields"}},
		{"project.member_add", "project", prj.ID, []string{"user_id"}},
		{"project.member_remove", "project", prj.ID, []string{"user_id"}},
		{"project.delete", "project", prj.ID, nil},
		{"admin.create", "admin", aid, []string{"username"}},
		{"admin.update", "admin", aid, []string{"fields"}},
		{"admin.roles_add", "admin", aid, []string{"roles"}},
		{"admin.roles_remove", "admin", aid, []string{"roles"}},
		{"admin.password_reset_request", "admin", aid, nil},
		{"admin.delete", "admin", aid, []string{"username"}},
	}
	for _, tt := range tests {
		evs := listEvents(t, srv, "action="+tt.action)
		require.Len(t, evs, 1, tt.action)
		ev := evs[0]
		assert.Equal(t, tt.targetType, ev.TargetType, tt.action)
		assert.Equal(t, tt.targetID, ev.TargetID, tt.action)
		var keys []string
		for k := range ev.Metadata {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, tt.metadata, keys, tt.action)
	}
}
