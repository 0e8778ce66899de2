package admin_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

func TestAuditLogsWire(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	runWireCases(t, []wireCase{
		{
			name:   "list everything",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.AuditLogs.List(ctx, nil) },
			method: "GET", path: "/v1/audit-logs", status: 200,
			response: `{"data":[
				{"id":"evt_1","action":"user.create","user_id":"usr_9","target_type":"user","target_id":"usr_1",
				 "ip":"203.0.113.7","created_at":"2025-01-15T09:30:00.123456789Z",
				 "metadata":{"email":"ada@example.com","n":2,"tags":["a"],"nested":{"k":true}},"region":"eu"},
				{"id":"evt_2","action":"config.update","user_id":"usr_9","target_type":"config","target_id":"cfg",
				 "ip":"2001:db8::1","created_at":"2025-01-15T10:30:00+01:00","metadata":null}],
				"meta":{"next_cursor":"c2","has_more":true}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.AuditEvent])
				require.Len(t, pg.Data, 2)
				assert.Equal(t, admin.AuditEvent{
					ID: "evt_1", Action: admin.ActionUserCreate, UserID: "usr_9", TargetType: "user", TargetID: "usr_1",
					IP: "203.0.113.7", CreatedAt: time.Date(2025, 1, 15, 9, 30, 0, 123456789, time.UTC),
					Metadata: map[string]any{"email": "ada@example.com", "n": float64(2), "tags": []any{"a"},
						"nested": map[string]any{"k": true}},
				}, pg.Data[0])
				assert.Equal(t, admin.ActionConfigUpdate, pg.Data[1].Action)
				assert.Nil(t, pg.Data[1].Metadata)
				assert.True(t, pg.Data[1].CreatedAt.Equal(time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)))
				assert.Equal(t, "c2", pg.NextCursor)
				assert.True(t, pg.HasMore)
			},
		},
		{
			name: "every filter, times in UTC",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{
					Action: "group.*", UserID: "usr_9", TargetID: "ops team",
					StartTime: time.Date(2025, 1, 15, 10, 30, 0, 0, cet),
					EndTime:   time.Date(2025, 1, 16, 0, 0, 0, 500_000_000, time.UTC),
					Limit:     100, Cursor: "c2",
				})
			},
			method: "GET", path: "/v1/audit-logs",
			query: "action=group.%2A&end_time=2025-01-16T00%3A00%3A00.5Z&limit=100" +
				"&start_time=2025-01-15T09%3A30%3A00Z&target_id=ops+team&user_id=usr_9&cursor=c2",
			status: 200, response: `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`,
		},
		{
			name: "only a start time",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{StartTime: time.Date(2025, 3, 1, 0, 0, 0, 1, time.UTC)})
			},
			method: "GET", path: "/v1/audit-logs", query: "start_time=2025-03-01T00%3A00%3A00.000000001Z",
			status: 200, response: `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`,
		},
		{
			name: "only an end time",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{EndTime: time.Date(2025, 3, 1, 0, 0, 0, 0, cet)})
			},
			method: "GET", path: "/v1/audit-logs", query: "end_time=2025-02-28T23%3A00%3A00Z",
			status: 200, response: `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`,
		},
	})
}

func TestAuditLogsInvalidParams(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)
	list := func(p admin.ListAuditLogsParams) func(context.Context, *admin.Client) error {
		return func(ctx context.Context, c *admin.Client) error {
			_, err := c.AuditLogs.List(ctx, &p)
			return err
		}
	}
	runParamCases(t, []paramCase{
		{"limit too big", list(admin.ListAuditLogsParams{Limit: 101}), "Limit"},
		{"limit negative", list(admin.ListAuditLogsParams{Limit: -1}), "Limit"},
		{"end before start", list(admin.ListAuditLogsParams{StartTime: start, EndTime: start.Add(-time.Nanosecond)}), "EndTime"},
		{"end equals start", list(admin.ListAuditLogsParams{StartTime: start, EndTime: start.In(time.FixedZone("X", 7200))}), "EndTime"},
		{"start year out of range", list(admin.ListAuditLogsParams{StartTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}), "StartTime"},
		{"end year out of range", list(admin.ListAuditLogsParams{EndTime: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}), "EndTime"},
		{"all end before start", func(ctx context.Context, c *admin.Client) error {
			return seqErr(c.AuditLogs.All(ctx, &admin.ListAuditLogsParams{StartTime: start, EndTime: start.Add(-time.Hour)}))
		}, "EndTime"},
	})
}

// auditPages serves seven events, evt_1 to evt_7, oldest first, three to a
// page; the cursor is the id of the last event of the page before.
func auditPages(r wireRequest) reply {
	first := 1
	switch r.RawQuery {
	case "limit=3&user_id=usr_9":
	case "limit=3&user_id=usr_9&cursor=evt_3":
		first = 4
	case "limit=3&user_id=usr_9&cursor=evt_6":
		first = 7
	default:
		return reply{400, `{"error":{"code":"invalid_request","message":"unexpected query","status":400}}`}
	}
	var data string
	last := min(first+2, 7)
	for i := first; i <= last; i++ {
		if data != "" {
			data += ","
		}
		data += fmt.Sprintf(`{"id":"evt_%d","action":"user.update","user_id":"usr_9","target_type":"user","target_id":"usr_1",`+
			`"ip":"127.0.0.1","created_at":"2025-01-15T09:30:0%dZ","metadata":{}}`, i, i)
	}
	if last == 7 {
		return reply{200, `{"data":[` + data + `],"meta":{"next_cursor":null,"has_more":false}}`}
	}
	return reply{200, fmt.Sprintf(`{"data":[%s],"meta":{"next_cursor":"evt_%d","has_more":true}}`, data, last)}
}

func eventIDs(t *testing.T, seq func(func(admin.AuditEvent, error) bool)) []string {
	t.Helper()
	var ids []string
	for e, err := range seq {
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	return ids
}

func TestAuditLogsAll(t *testing.T) {
	t.Parallel()
	t.Run("every page oldest first", func(t *testing.T) {
		t.Parallel()
		s := respond(t, auditPages)
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		ids := eventIDs(t, c.AuditLogs.All(t.Context(), &admin.ListAuditLogsParams{UserID: "usr_9", Limit: 3}))
		assert.Equal(t, []string{"evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6", "evt_7"}, ids)
		assert.Len(t, s.requests(), 3)
	})
	t.Run("export in pieces resumes from the last cursor", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, respond(t, auditPages).ServeHTTP, oneShot()...)
		p := &admin.ListAuditLogsParams{UserID: "usr_9", Limit: 3}
		var ids []string
		for {
			pg, err := c.AuditLogs.List(t.Context(), p)
			require.NoError(t, err)
			for _, e := range pg.Data {
				ids = append(ids, e.ID)
			}
			if !pg.HasMore {
				break
			}
			// A new export picks up where the last one stopped.
			p = &admin.ListAuditLogsParams{UserID: "usr_9", Limit: 3, Cursor: pg.NextCursor}
		}
		assert.Equal(t, []string{"evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6", "evt_7"}, ids)
	})
	t.Run("all from a saved cursor", func(t *testing.T) {
		t.Parallel()
		s := respond(t, auditPages)
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		ids := eventIDs(t, c.AuditLogs.All(t.Context(), &admin.ListAuditLogsParams{UserID: "usr_9", Limit: 3, Cursor: "evt_3"}))
		assert.Equal(t, []string{"evt_4", "evt_5", "evt_6", "evt_7"}, ids)
		reqs := s.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "limit=3&user_id=usr_9&cursor=evt_3", reqs[0].RawQuery)
	})
	t.Run("a page without a cursor is an invalid response", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, fixed(t, 200, `{"data":[{"id":"evt_1","action":"user.create"}],"meta":{"next_cursor":null,"has_more":true}}`).ServeHTTP, oneShot()...)
		var errs []error
		for _, err := range c.AuditLogs.All(t.Context(), nil) {
			require.Error(t, err)
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], admin.ErrInvalidResponse)
	})
}

// auditClock is a server clock that moves only when told to.
type auditClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *auditClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// tick moves the clock a minute on and returns the new time.
func (c *auditClock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Minute)
	return c.now
}

func TestAuditLogsFlow(t *testing.T) {
	t.Parallel()
	clock := &auditClock{now: time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)}
	srv, c := setup(t, admintest.WithClock(clock.Now))
	ctx := t.Context()
	editorKey := srv.NewKey("editor")
	editorID := srv.KeyUserID(editorKey)
	ed, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(editorKey))
	require.NoError(t, err)

	var at []time.Time
	step := func(f func() error) {
		t.Helper()
		at = append(at, clock.tick())
		require.NoError(t, f())
	}
	var ada *admin.User
	step(func() (err error) {
		ada, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ada", Email: "ada@example.com", Role: admin.RoleViewer})
		return err
	})
	step(func() error {
		_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ops", Roles: []admin.Role{admin.RoleViewer}})
		return err
	})
	step(func() error { return c.Groups.AddMember(ctx, "ops", ada.ID) })
	step(func() error {
		_, err := ed.Groups.Create(ctx, &admin.CreateGroupParams{Name: "eds"})
		return err
	})
	step(func() error { return c.Groups.RemoveMember(ctx, "ops", ada.ID) })
	step(func() error { return c.Groups.Delete(ctx, "ops") })

	var all []admin.AuditEvent
	for e, err := range c.AuditLogs.All(ctx, &admin.ListAuditLogsParams{Limit: 4}) {
		require.NoError(t, err)
		all = append(all, e)
	}
	type row struct{ action, user, targetType, target string }
	var rows []row
	for i, e := range all {
		rows = append(rows, row{e.Action, e.UserID, e.TargetType, e.TargetID})
		require.Less(t, i, len(at))
		assert.True(t, e.CreatedAt.Equal(at[i]), "event %d at %v, want %v", i, e.CreatedAt, at[i])
		assert.Regexp(t, `^evt_`, e.ID)
	}
	admin0 := srv.AdminUserID
	assert.Equal(t, []row{
		{admin.ActionUserCreate, admin0, "user", ada.ID},
		{admin.ActionGroupCreate, admin0, "group", "ops"},
		{admin.ActionGroupMemberAdd, admin0, "group", "ops"},
		{admin.ActionGroupCreate, editorID, "group", "eds"},
		{admin.ActionGroupMemberRemove, admin0, "group", "ops"},
		{admin.ActionGroupDelete, admin0, "group", "ops"},
	}, rows)
	assert.Equal(t, ada.ID, all[2].Metadata["user_id"])

	ids := func(p *admin.ListAuditLogsParams) []string {
		t.Helper()
		var out []string
		for e, err := range c.AuditLogs.All(ctx, p) {
			require.NoError(t, err)
			out = append(out, e.ID)
		}
		return out
	}
	idsOf := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, all[i].ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		p    admin.ListAuditLogsParams
		want []string
	}{
		{"action", admin.ListAuditLogsParams{Action: admin.ActionGroupCreate}, idsOf(1, 3)},
		{"action family", admin.ListAuditLogsParams{Action: "group.*", Limit: 1}, idsOf(1, 2, 3, 4, 5)},
		{"user", admin.ListAuditLogsParams{UserID: editorID}, idsOf(3)},
		{"user and action", admin.ListAuditLogsParams{UserID: admin0, Action: admin.ActionGroupCreate}, idsOf(1)},
		{"start inclusive, end exclusive", admin.ListAuditLogsParams{StartTime: at[1], EndTime: at[3]}, idsOf(1, 2)},
		{"start only, in another zone", admin.ListAuditLogsParams{StartTime: at[4].In(time.FixedZone("X", -5*3600))}, idsOf(4, 5)},
		{"end only", admin.ListAuditLogsParams{EndTime: at[0].Add(time.Nanosecond)}, idsOf(0)},
		{"target", admin.ListAuditLogsParams{TargetID: "ops"}, idsOf(1, 2, 4, 5)},
		{"target and action", admin.ListAuditLogsParams{TargetID: "ops", Action: admin.ActionGroupMemberAdd}, idsOf(2)},
		{"target user", admin.ListAuditLogsParams{TargetID: ada.ID}, idsOf(0)},
		{"not a family without the dot", admin.ListAuditLogsParams{Action: "group*"}, nil},
		{"nothing matches", admin.ListAuditLogsParams{Action: admin.ActionConfigUpdate}, nil},
	} {
		assert.Equal(t, tc.want, ids(&tc.p), tc.name)
	}

	// An export that stops after a page resumes from its cursor without
	// missing or repeating an event.
	pg, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{Limit: 2})
	require.NoError(t, err)
	require.True(t, pg.HasMore)
	first := []string{pg.Data[0].ID, pg.Data[1].ID}
	rest := ids(&admin.ListAuditLogsParams{Limit: 2, Cursor: pg.NextCursor})
	assert.Equal(t, idsOf(0, 1, 2, 3, 4, 5), append(first, rest...))
}
