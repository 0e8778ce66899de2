package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// page is one page a fake list endpoint answers.
type page struct {
	ids  []string
	next *string
	more bool
	raw  string // sent as it is when set
}

// pagesOf serves a cursor-style list of users: the page for each cursor
// ("" for the first); a cursor not in byCur gets 400.
func pagesOf(t *testing.T, byCur map[string]page) *scripted {
	return respond(t, func(r wireRequest) reply {
		pg, ok := byCur[r.Query.Get("cursor")]
		if !ok {
			return reply{400, `{"error": {"code": "invalid_request", "message": "bad cursor"}}`}
		}
		if pg.raw != "" {
			return reply{200, pg.raw}
		}
		data := []any{}
		for _, id := range pg.ids {
			data = append(data, testUser(id))
		}
		b, err := json.Marshal(map[string]any{"data": data, "meta": map[string]any{"next_cursor": pg.next, "has_more": pg.more}})
		assert.NoError(t, err)
		return reply{200, string(b)}
	})
}

// walk collects every item and error of an iteration.
func walk(seq func(func(admin.User, error) bool)) (ids []string, errs []error) {
	for u, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, u.ID)
	}
	return ids, errs
}

func TestAllWalksPages(t *testing.T) {
	t.Parallel()
	p := pagesOf(t, map[string]page{
		"":   {ids: []string{"u1", "u2"}, next: admin.Ptr("c1"), more: true},
		"c1": {ids: []string{"u3", "u4"}, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u5"}, next: nil, more: false},
	})
	_, c := serve(t, p.ServeHTTP)
	params := &admin.ListUsersParams{Limit: 2, Role: admin.RoleViewer, Query: "a b&c"}
	seq := c.Users.All(context.Background(), params)
	// The iteration copied params: changing them now changes nothing.
	params.Limit, params.Role, params.Cursor, params.Query = 50, admin.RoleAdmin, "c2", "other"
	ids, errs := walk(seq)
	require.Empty(t, errs)
	assert.Equal(t, []string{"u1", "u2", "u3", "u4", "u5"}, ids)
	reqs := p.requests()
	require.Len(t, reqs, 3)
	for i, q := range reqs {
		assert.Equal(t, "2", q.Query.Get("limit"))
		assert.Equal(t, "viewer", q.Query.Get("role"))
		assert.Equal(t, "a b&c", q.Query.Get("q"))
		assert.Equal(t, []string{"", "c1", "c2"}[i], q.Query.Get("cursor"))
	}
}

func TestListPage(t *testing.T) {
	t.Parallel()
	p := pagesOf(t, map[string]page{
		"c1": {ids: []string{"u3"}, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u4"}, next: admin.Ptr("ignored"), more: false},
	})
	_, c := serve(t, p.ServeHTTP)
	pg, err := c.Users.List(context.Background(), &admin.ListUsersParams{Cursor: "c1", Status: admin.UserActive})
	require.NoError(t, err)
	assert.True(t, pg.HasMore)
	assert.Equal(t, "c2", pg.NextCursor)
	require.Len(t, pg.Data, 1)
	assert.Equal(t, "u3", pg.Data[0].ID)
	pg, err = c.Users.List(context.Background(), &admin.ListUsersParams{Cursor: pg.NextCursor})
	require.NoError(t, err)
	assert.False(t, pg.HasMore)
	assert.Empty(t, pg.NextCursor, "no cursor on the last page")
	assert.Equal(t, "active", p.requests()[0].Query.Get("status"))
}

func TestAllResumesFromCursor(t *testing.T) {
	t.Parallel()
	p := pagesOf(t, map[string]page{
		"c1": {ids: []string{"u3", "u4"}, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u5"}},
	})
	_, c := serve(t, p.ServeHTTP)
	ids, errs := walk(c.Users.All(context.Background(), &admin.ListUsersParams{Cursor: "c1"}))
	require.Empty(t, errs)
	assert.Equal(t, []string{"u3", "u4", "u5"}, ids)
	assert.Equal(t, "c1", p.requests()[0].Query.Get("cursor"))
}

func TestAllPastEmptyPages(t *testing.T) {
	t.Parallel()
	_, c := serve(t, pagesOf(t, map[string]page{
		"":   {ids: nil, next: admin.Ptr("c1"), more: true},
		"c1": {ids: nil, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u1"}, next: admin.Ptr("c3"), more: true},
		"c3": {ids: []string{}, next: nil, more: false},
	}).ServeHTTP)
	ids, errs := walk(c.Users.All(context.Background(), nil))
	require.Empty(t, errs)
	assert.Equal(t, []string{"u1"}, ids)
}

func TestAllErrorsOnceAndStops(t *testing.T) {
	t.Parallel()
	p := pagesOf(t, map[string]page{
		"": {ids: []string{"u1", "u2"}, next: admin.Ptr("gone"), more: true},
	})
	_, c := serve(t, p.ServeHTTP, admin.WithoutRetries())
	var ids []string
	var errs []error
	for u, err := range c.Users.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue // the iteration must stop on its own
		}
		ids = append(ids, u.ID)
	}
	assert.Equal(t, []string{"u1", "u2"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], admin.ErrBadRequest)
	assert.Len(t, p.requests(), 2)
}

func TestAllRejectsBadPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pages map[string]page
		want  []string // items yielded before the error
	}{
		{"more without cursor", map[string]page{"": {ids: []string{"u1"}, more: true}}, nil},
		{"more with empty cursor", map[string]page{"": {ids: []string{"u1"}, next: admin.Ptr(""), more: true}}, nil},
		{"item without id", map[string]page{"": {raw: `{"data": [{"id": "u1"}, {"name": "x"}], "meta": {"has_more": false}}`}}, nil},
		{"null page", map[string]page{"": {raw: `null`}}, nil},
		{"no data", map[string]page{"": {raw: `{"meta": {"has_more": false}}`}}, nil},
		{"null data", map[string]page{"": {raw: `{"data": null, "meta": {"has_more": false}}`}}, nil},
		{"an error body", map[string]page{"": {raw: `{"error": {"code": "not_found", "message": "gone"}}`}}, nil},
		{"data not a list", map[string]page{"": {raw: `{"data": {"id": "u1"}, "meta": {"has_more": false}}`}}, nil},
		{"cursor repeats itself", map[string]page{
			"":   {ids: []string{"u1"}, next: admin.Ptr("c1"), more: true},
			"c1": {ids: []string{"u2"}, next: admin.Ptr("c1"), more: true},
		}, []string{"u1"}},
		{"page repeated", map[string]page{
			"":   {ids: []string{"u1", "u2"}, next: admin.Ptr("c1"), more: true},
			"c1": {ids: []string{"u1", "u2"}, next: admin.Ptr("c2"), more: true},
			"c2": {ids: []string{"u3"}},
		}, []string{"u1", "u2"}},
		{"item twice on one page", map[string]page{"": {ids: []string{"u1", "u1"}}}, nil},
		{"cursor cycle", map[string]page{
			"":   {ids: []string{"u1"}, next: admin.Ptr("c1"), more: true},
			"c1": {ids: []string{"u2"}, next: admin.Ptr("c2"), more: true},
			"c2": {ids: []string{"u3"}, next: admin.Ptr("c1"), more: true},
		}, []string{"u1", "u2"}},
		{"repeat across an empty page", map[string]page{
			"":   {ids: []string{"u1"}, next: admin.Ptr("c1"), more: true},
			"c1": {ids: nil, next: admin.Ptr("c2"), more: true},
			"c2": {ids: []string{"u1"}},
		}, []string{"u1"}},
	}
	walkers := map[string]func(*admin.Client) ([]string, []error){
		"All": func(c *admin.Client) ([]string, []error) { return walk(c.Users.All(context.Background(), nil)) },
		"Pages": func(c *admin.Client) ([]string, []error) {
			return flatten(c.Users.Pages(context.Background(), nil), userID)
		},
	}
	for _, tt := range tests {
		for how, walker := range walkers {
			t.Run(tt.name+" "+how, func(t *testing.T) {
				t.Parallel()
				_, c := serve(t, pagesOf(t, tt.pages).ServeHTTP)
				ids, errs := walker(c)
				assert.Equal(t, tt.want, ids)
				require.Len(t, errs, 1)
				require.ErrorIs(t, errs[0], admin.ErrInvalidResponse)
				var e *admin.Error
				require.ErrorAs(t, errs[0], &e)
				assert.Equal(t, "GET", e.Method)
				assert.Equal(t, "/v1/users", e.Path)
			})
		}
	}
}

func TestListRejectsBadPage(t *testing.T) {
	t.Parallel()
	_, c := serve(t, pagesOf(t, map[string]page{"": {ids: []string{"u1"}, more: true}}).ServeHTTP)
	_, err := c.Users.List(context.Background(), nil)
	require.ErrorIs(t, err, admin.ErrInvalidResponse)
}

func TestAllTooManyEmptyPages(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		cur := n
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"data": []any{}, "meta": map[string]any{"next_cursor": "c" + string(rune('a'+cur%26)) + r.URL.Query().Get("cursor"), "has_more": true}})
	})
	ids, errs := walk(c.Users.All(context.Background(), nil))
	assert.Empty(t, ids)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], admin.ErrInvalidResponse)
	mu.Lock()
	defer mu.Unlock()
	assert.Less(t, n, 110)
}

// TestAllStopsWhenLoopBreaks is not parallel: goleak checks every
// goroutine of the process.
func TestAllStopsWhenLoopBreaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := pagesOf(t, map[string]page{
		"":   {ids: []string{"u1", "u2"}, next: admin.Ptr("c1"), more: true},
		"c1": {ids: []string{"u3", "u4"}, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u5", "u6"}, next: admin.Ptr("c3"), more: true},
		"c3": {ids: []string{"u7"}},
	})
	tr := &http.Transport{}
	srv, c := serve(t, p.ServeHTTP, admin.WithHTTPClient(&http.Client{Transport: tr}))
	var ids []string
	for u, err := range c.Users.All(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, u.ID)
		if len(ids) == 3 {
			break
		}
	}
	assert.Equal(t, []string{"u1", "u2", "u3"}, ids)
	assert.LessOrEqual(t, len(p.requests()), 3, "no page fetched beyond the one in flight")
	tr.CloseIdleConnections()
	srv.Close()
}

func TestAllCancelled(t *testing.T) {
	t.Parallel()
	_, c := serve(t, pagesOf(t, map[string]page{
		"":   {ids: []string{"u1"}, next: admin.Ptr("c1"), more: true},
		"c1": {ids: []string{"u2"}},
	}).ServeHTTP)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for _, err := range c.Users.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

// TestKongPages walks a Kong-style list whose pages give the next offset
// in every form Kong uses, always from the client's own base URL.
func TestKongPages(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Path != "/v1/admins" {
			writeRaw(w, 404, `{"message": "Not found"}`)
			return
		}
		switch r.URL.Query().Get("offset") {
		case "":
			writeRaw(w, 200, `{"data": [{"id": "a1"}], "next": "/v1/admins?offset=o1&size=1", "offset": "o1"}`)
		case "o1":
			writeRaw(w, 200, `{"data": [{"id": "a2"}], "next": "/v1/admins?offset=o%2F2&size=1"}`)
		case "o/2":
			writeRaw(w, 200, `{"data": [{"id": "a3"}], "next": "/admins?offset=o3&size=1"}`)
		case "o3":
			writeRaw(w, 200, `{"data": [{"id": "a4"}], "next": "http://evil.example/v1/admins?offset=o4&size=1"}`)
		case "o4":
			writeRaw(w, 200, `{"data": [{"id": "a5"}], "next": null}`)
		default:
			writeRaw(w, 400, `{"message": "bad offset"}`)
		}
	})
	var ids []string
	for it, err := range admin.KongAll(context.Background(), c, "admins", "") {
		require.NoError(t, err)
		ids = append(ids, it.ID)
	}
	assert.Equal(t, []string{"a1", "a2", "a3", "a4", "a5"}, ids)
	mu.Lock()
	assert.Equal(t, []string{"/v1/admins", "/v1/admins?offset=o1", "/v1/admins?offset=o%2F2", "/v1/admins?offset=o3", "/v1/admins?offset=o4"}, seen)
	mu.Unlock()

	// Resuming from a saved offset.
	ids = nil
	for it, err := range admin.KongAll(context.Background(), c, "admins", "o3") {
		require.NoError(t, err)
		ids = append(ids, it.ID)
	}
	assert.Equal(t, []string{"a4", "a5"}, ids)
}

func TestKongBadPages(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"data": [{"id": "a1"}], "next": "/v1/admins?size=1"}`,
		`{"data": [{"id": "a1"}], "next": "%zz"}`,
		`{"data": [{}], "next": null}`,
		`{"message": "Not found"}`,
		`{"data": null, "next": null}`,
		`null`,
	} {
		_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, body) })
		var errs []error
		for _, err := range admin.KongAll(context.Background(), c, "admins", "") {
			if err != nil {
				errs = append(errs, err)
			}
		}
		require.Len(t, errs, 1, body)
		assert.ErrorIs(t, errs[0], admin.ErrInvalidResponse, body)
	}
}

// TestPagesOutliveTheBodyBuffer checks that decoded items do not refer to
// the buffer their body was read into: that buffer is pooled and the next
// page is read into it.
func TestPagesOutliveTheBodyBuffer(t *testing.T) {
	t.Parallel()
	_, c := setup(t, admintest.WithSeedData(40, 0, 0))
	ctx := context.Background()
	var kept []admin.User
	copies := map[string]string{} // id -> name, email and role, copied byte by byte
	fingerprint := func(u admin.User) string {
		return strings.Clone(u.Name) + "|" + strings.Clone(u.Email) + "|" + strings.Clone(string(u.Role))
	}
	cursor := ""
	for {
		pg, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 7, Cursor: cursor})
		require.NoError(t, err)
		for _, u := range pg.Data {
			kept = append(kept, u)
			copies[u.ID] = fingerprint(u)
		}
		if !pg.HasMore {
			break
		}
		cursor = pg.NextCursor
	}
	// Many more bodies through the pool, of other sizes and contents.
	for range 20 {
		_, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 3})
		require.NoError(t, err)
	}
	require.Len(t, copies, len(kept), "an item came twice")
	require.Greater(t, len(kept), 40) // the 40 seeded and the server's own admin
	for _, u := range kept {
		assert.Equal(t, copies[u.ID], fingerprint(u), "user %s changed after later reads", u.ID)
	}
}

// TestPagesWalk yields every page as the server sent it, an empty one
// too, with its cursor; a caller changing a page changes nothing.
func TestPagesWalk(t *testing.T) {
	t.Parallel()
	p := pagesOf(t, map[string]page{
		"":   {ids: []string{"u1", "u2"}, next: admin.Ptr("c1"), more: true},
		"c1": {ids: nil, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u3"}, next: admin.Ptr("c3"), more: true},
		"c3": {ids: []string{"u4"}, next: nil, more: false},
	})
	_, c := serve(t, p.ServeHTTP)
	type got struct {
		ids  []string
		next string
		more bool
	}
	var pages []got
	for pg, err := range c.Users.Pages(context.Background(), &admin.ListUsersParams{Limit: 2, Role: admin.RoleViewer}) {
		require.NoError(t, err)
		g := got{next: pg.NextCursor, more: pg.HasMore}
		for _, u := range pg.Data {
			g.ids = append(g.ids, u.ID)
		}
		pages = append(pages, g)
		pg.HasMore, pg.NextCursor, pg.Data = false, "c1", nil // the caller's to change
	}
	assert.Equal(t, []got{{[]string{"u1", "u2"}, "c1", true}, {nil, "c2", true}, {[]string{"u3"}, "c3", true},
		{[]string{"u4"}, "", false}}, pages)
	reqs := p.requests()
	require.Len(t, reqs, 4)
	for i, q := range reqs {
		assert.Equal(t, "2", q.Query.Get("limit"))
		assert.Equal(t, "viewer", q.Query.Get("role"))
		assert.Equal(t, []string{"", "c1", "c2", "c3"}[i], q.Query.Get("cursor"))
	}
}

// TestPagesStopsWhenLoopBreaks is not parallel: goleak checks every
// goroutine of the process.
func TestPagesStopsWhenLoopBreaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := pagesOf(t, map[string]page{
		"":   {ids: []string{"u1", "u2"}, next: admin.Ptr("c1"), more: true},
		"c1": {ids: []string{"u3", "u4"}, next: admin.Ptr("c2"), more: true},
		"c2": {ids: []string{"u5"}},
	})
	tr := &http.Transport{}
	srv, c := serve(t, p.ServeHTTP, admin.WithHTTPClient(&http.Client{Transport: tr}))
	n := 0
	for pg, err := range c.Users.Pages(context.Background(), nil) {
		require.NoError(t, err)
		assert.Equal(t, "c1", pg.NextCursor)
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.LessOrEqual(t, len(p.requests()), 2, "no page fetched beyond the one in flight")
	tr.CloseIdleConnections()
	srv.Close()
}

// TestPagesResumeExactly walks the users of a server page by page, then
// resumes from every page's cursor: each new walk yields exactly the
// pages after that one, as the whole walk did.
func TestPagesResumeExactly(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, admintest.WithSeedData(10, 0, 0))
	ctx := t.Context()
	collect := func(cursor string) (pages [][]string, cursors []string) {
		for pg, err := range c.Users.Pages(ctx, &admin.ListUsersParams{Limit: 3, Cursor: cursor}) {
			require.NoError(t, err)
			var ids []string
			for _, u := range pg.Data {
				ids = append(ids, u.ID)
			}
			pages = append(pages, ids)
			cursors = append(cursors, pg.NextCursor)
		}
		return pages, cursors
	}
	pages, cursors := collect("")
	require.Len(t, pages, 4, "11 users, 3 to a page")
	var all []string
	for _, ids := range pages {
		all = append(all, ids...)
	}
	want := make([]string, 0, len(all))
	for _, u := range srv.Users() {
		want = append(want, u.ID)
	}
	assert.Equal(t, want, all, "every user once, in order")
	assert.Empty(t, cursors[len(cursors)-1], "no cursor after the last page")
	for i, cur := range cursors[:len(cursors)-1] {
		rest, _ := collect(cur)
		assert.Equal(t, pages[i+1:], rest, "resumed after page %d", i+1)
	}
}

// TestPagesOfEveryList walks every list with Pages, small pages, against
// the server: the pages hold exactly the items All yields.
func TestPagesOfEveryList(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, admintest.WithSeedData(5, 3, 3))
	ctx := t.Context()
	group := srv.Groups()[0].Name
	// The seeding wrote no events; these changes do.
	for i := range 3 {
		_, err := c.Groups.Update(ctx, group, &admin.UpdateGroupParams{Roles: []admin.Role{[]admin.Role{admin.RoleViewer,
			admin.RoleEditor, admin.RoleResearcher}[i]}})
		require.NoError(t, err)
	}
	tests := []struct {
		name  string
		pages func() ([]string, []error)
		all   func() ([]string, []error)
	}{
		{"users", func() ([]string, []error) {
			return flatten(c.Users.Pages(ctx, &admin.ListUsersParams{Limit: 2}), userID)
		},
			func() ([]string, []error) { return items(c.Users.All(ctx, nil), userID) }},
		{"groups", func() ([]string, []error) {
			return flatten(c.Groups.Pages(ctx, &admin.ListGroupsParams{Limit: 2}), groupName)
		}, func() ([]string, []error) { return items(c.Groups.All(ctx, nil), groupName) }},
		{"group members", func() ([]string, []error) {
			return flatten(c.Groups.MemberPages(ctx, group, &admin.ListGroupMembersParams{Limit: 1}), userID)
		}, func() ([]string, []error) { return items(c.Groups.AllMembers(ctx, group, nil), userID) }},
		{"projects", func() ([]string, []error) {
			return flatten(c.Projects.Pages(ctx, &admin.ListProjectsParams{Limit: 2}), projectID)
		}, func() ([]string, []error) { return items(c.Projects.All(ctx, nil), projectID) }},
		{"clusters", func() ([]string, []error) {
			return flatten(c.Clusters.Pages(ctx, &admin.ListClustersParams{Limit: 2}), clusterID)
		}, func() ([]string, []error) { return items(c.Clusters.All(ctx, nil), clusterID) }},
		{"audit logs", func() ([]string, []error) {
			return flatten(c.AuditLogs.Pages(ctx, &admin.ListAuditLogsParams{Limit: 2}), eventID)
		}, func() ([]string, []error) { return items(c.AuditLogs.All(ctx, nil), eventID) }},
		{"admins", func() ([]string, []error) {
			return flatten(c.Admins.Pages(ctx, &admin.ListAdminsParams{Size: 1}), adminID)
		},
			func() ([]string, []error) { return items(c.Admins.All(ctx, nil), adminID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, errs := tt.pages()
			require.Empty(t, errs)
			want, errs := tt.all()
			require.Empty(t, errs)
			assert.GreaterOrEqual(t, len(want), 2, "a walk of several pages")
			assert.Equal(t, want, got)
		})
	}
}

// TestPagesParamErrors: a mistake in the params is the one thing yielded.
func TestPagesParamErrors(t *testing.T) {
	t.Parallel()
	s := script(t)
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	var nilCtx context.Context
	tests := map[string]func() ([]string, []error){
		"limit": func() ([]string, []error) {
			return flatten(c.Users.Pages(t.Context(), &admin.ListUsersParams{Limit: 101}), userID)
		},
		"nil ctx":    func() ([]string, []error) { return flatten(c.Users.Pages(nilCtx, nil), userID) },
		"group name": func() ([]string, []error) { return flatten(c.Groups.MemberPages(t.Context(), "", nil), userID) },
	}
	for name, walkIt := range tests {
		ids, errs := walkIt()
		assert.Empty(t, ids, name)
		require.Len(t, errs, 1, name)
		assert.ErrorIs(t, errs[0], admin.ErrInvalidParams, name)
	}
	s.none()
}

// flatten collects the ids of every page's items and every error.
func flatten[T any](seq func(func(*admin.Page[T], error) bool), id func(T) string) (ids []string, errs []error) {
	for pg, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range pg.Data {
			ids = append(ids, id(v))
		}
	}
	return ids, errs
}

// items collects the ids of every item and every error.
func items[T any](seq func(func(T, error) bool), id func(T) string) (ids []string, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id(v))
	}
	return ids, errs
}

func userID(u admin.User) string        { return u.ID }
func groupName(g admin.Group) string    { return g.Name }
func projectID(p admin.Project) string  { return p.ID }
func clusterID(c admin.Cluster) string  { return c.ID }
func eventID(e admin.AuditEvent) string { return e.ID }
func adminID(a admin.Admin) string      { return a.ID }
