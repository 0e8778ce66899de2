package main

import (
	"strings"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func user(id, email, name string, role admin.Role, status admin.UserStatus, groups ...string) admin.User {
	return admin.User{ID: id, Email: email, Name: name, Role: role, Status: status, Groups: groups}
}

func rec(email, name string, role admin.Role, groups ...string) Record {
	return Record{Email: email, Name: name, Role: role, Groups: groups}
}

func TestMakePlan(t *testing.T) {
	t.Parallel()
	editor, viewer := admin.RoleEditor, admin.RoleViewer
	alice := "Alice B"
	tests := []struct {
		name    string
		records []Record
		users   []admin.User
		groups  []string
		opts    PlanOptions
		want    Plan
	}{
		{
			name: "empty file and API",
			want: Plan{},
		},
		{
			name:    "create with groups, one group missing",
			records: []Record{rec("a@x.io", "Alice", editor, "ops", "eng")},
			groups:  []string{"eng"},
			want: Plan{CreateGroups: []string{"ops"}, Changes: []Change{
				{Email: "a@x.io", Op: OpCreate, Name: "Alice", Role: editor, AddGroups: []string{"eng", "ops"}},
			}},
		},
		{
			name:    "nothing to do",
			records: []Record{rec("a@x.io", "Alice", editor, "eng")},
			users:   []admin.User{user("u1", "a@x.io", "Alice", editor, admin.UserActive, "eng")},
			groups:  []string{"eng"},
			want:    Plan{Unchanged: 1},
		},
		{
			name:    "email matches ignoring case, invited users stay invited",
			records: []Record{rec("Alice@X.io", "Alice", editor)},
			users:   []admin.User{user("u1", "alice@x.IO", "Alice", editor, admin.UserInvited)},
			want:    Plan{Unchanged: 1},
		},
		{
			name:    "name, role and status change",
			records: []Record{rec("a@x.io", "Alice B", viewer)},
			users:   []admin.User{user("u1", "a@x.io", "Alice", editor, admin.UserInactive)},
			want: Plan{Changes: []Change{{Email: "a@x.io", UserID: "u1", Op: OpUpdate, SetName: &alice, SetRole: &viewer,
				Activate: true, OldName: "Alice", OldRole: editor}}},
		},
		{
			name:    "group membership only",
			records: []Record{rec("a@x.io", "Alice", editor, "eng", "ops", "eng")},
			users:   []admin.User{user("u1", "a@x.io", "Alice", editor, admin.UserActive, "sales", "eng")},
			groups:  []string{"eng", "ops", "sales"},
			want: Plan{Changes: []Change{{Email: "a@x.io", UserID: "u1", Op: OpNone, OldName: "Alice", OldRole: editor,
				AddGroups: []string{"ops"}, RemoveGroups: []string{"sales"}}}},
		},
		{
			name:    "group names are case-sensitive",
			records: []Record{rec("a@x.io", "Alice", editor, "Eng")},
			users:   []admin.User{user("u1", "a@x.io", "Alice", editor, admin.UserActive, "eng")},
			groups:  []string{"eng"},
			want: Plan{CreateGroups: []string{"Eng"}, Changes: []Change{{Email: "a@x.io", UserID: "u1", Op: OpNone,
				OldName: "Alice", OldRole: editor, AddGroups: []string{"Eng"}, RemoveGroups: []string{"eng"}}}},
		},
		{
			name: "missing users are deactivated once, kept users are left alone",
			users: []admin.User{
				user("u1", "gone@x.io", "Gone", editor, admin.UserActive),
				user("u2", "old@x.io", "Old", editor, admin.UserInactive),
				user("u3", "Me@X.io", "Me", admin.RoleAdmin, admin.UserActive),
				user("u4", "invited@x.io", "Inv", editor, admin.UserInvited),
			},
			opts: PlanOptions{Keep: []string{"me@x.io"}},
			want: Plan{Unchanged: 1, Changes: []Change{
				{Email: "gone@x.io", UserID: "u1", Op: OpDeactivate},
				{Email: "invited@x.io", UserID: "u4", Op: OpDeactivate},
			}, Kept: []Kept{{Email: "Me@X.io", UserID: "u3", Why: whyKeep}}},
		},
		{
			name: "the caller is never deactivated or deleted, found by id or by email",
			users: []admin.User{
				user("u1", "gone@x.io", "Gone", editor, admin.UserActive),
				user("u3", "Me@X.io", "Me", admin.RoleAdmin, admin.UserActive),
				user("u4", "kept@x.io", "Kept", editor, admin.UserActive),
			},
			opts: PlanOptions{Delete: true, Keep: []string{"kept@x.io", "me@x.io"}, CallerID: "u3", CallerEmail: "ME@x.io"},
			want: Plan{Changes: []Change{{Email: "gone@x.io", UserID: "u1", Op: OpDelete}}, Kept: []Kept{
				{Email: "kept@x.io", UserID: "u4", Why: whyKeep},
				{Email: "Me@X.io", UserID: "u3", Why: whyCaller},
			}},
		},
		{
			name:  "the caller by id alone",
			users: []admin.User{user("u3", "renamed@x.io", "Me", admin.RoleAdmin, admin.UserActive)},
			opts:  PlanOptions{CallerID: "u3", CallerEmail: "me@x.io"},
			want:  Plan{Kept: []Kept{{Email: "renamed@x.io", UserID: "u3", Why: whyCaller}}},
		},
		{
			name:    "the caller in the file is planned like anyone else",
			records: []Record{rec("me@x.io", "Me", editor)},
			users:   []admin.User{user("u3", "me@x.io", "Me", admin.RoleAdmin, admin.UserActive)},
			opts:    PlanOptions{CallerID: "u3", CallerEmail: "me@x.io"},
			want: Plan{Changes: []Change{{Email: "me@x.io", UserID: "u3", Op: OpUpdate, SetRole: &editor,
				OldName: "Me", OldRole: admin.RoleAdmin}}},
		},
		{
			name: "delete removes missing users whatever their status",
			users: []admin.User{
				user("u1", "gone@x.io", "Gone", editor, admin.UserActive),
				user("u2", "old@x.io", "Old", editor, admin.UserInactive),
			},
			opts: PlanOptions{Delete: true},
			want: Plan{Changes: []Change{
				{Email: "gone@x.io", UserID: "u1", Op: OpDelete},
				{Email: "old@x.io", UserID: "u2", Op: OpDelete},
			}},
		},
		{
			name: "changes are ordered by operation then email",
			records: []Record{
				rec("z@x.io", "Z", editor), rec("b@x.io", "B", editor, "g"),
				rec("c@x.io", "C2", editor), rec("a@x.io", "A", editor),
			},
			users: []admin.User{
				user("u2", "b@x.io", "B", editor, admin.UserActive),
				user("u3", "c@x.io", "C", editor, admin.UserActive),
				user("u9", "y@x.io", "Y", editor, admin.UserActive),
			},
			groups: []string{"g"},
			want: Plan{Changes: []Change{
				{Email: "a@x.io", Op: OpCreate, Name: "A", Role: editor},
				{Email: "z@x.io", Op: OpCreate, Name: "Z", Role: editor},
				{Email: "c@x.io", UserID: "u3", Op: OpUpdate, SetName: ptr("C2"), OldName: "C", OldRole: editor},
				{Email: "b@x.io", UserID: "u2", Op: OpNone, OldName: "B", OldRole: editor, AddGroups: []string{"g"}},
				{Email: "y@x.io", UserID: "u9", Op: OpDeactivate},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MakePlan(tt.records, tt.users, tt.groups, tt.opts)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want.Changes) == 0 && len(tt.want.CreateGroups) == 0, got.Empty())
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestMakePlanConverges applies a plan to an in-memory copy of the users
// and checks that planning again finds nothing to do.
func TestMakePlanConverges(t *testing.T) {
	t.Parallel()
	records := []Record{
		rec("a@x.io", "Alice", admin.RoleEditor, "eng", "new"),
		rec("B@x.io", "Bob", admin.RoleViewer),
		rec("c@x.io", "Carol", admin.RoleAdmin, "ops"),
	}
	users := []admin.User{
		user("u1", "b@X.io", "Robert", admin.RoleEditor, admin.UserInactive, "eng"),
		user("u2", "c@x.io", "Carol", admin.RoleAdmin, admin.UserActive, "ops"),
		user("u3", "d@x.io", "Dan", admin.RoleAdmin, admin.UserActive, "ops"),
	}
	groups := []string{"eng", "ops"}
	for _, del := range []bool{false, true} {
		p := MakePlan(records, users, groups, PlanOptions{Delete: del})
		require.False(t, p.Empty())
		after, afterGroups := simulate(t, p, users, groups)
		again := MakePlan(records, after, afterGroups, PlanOptions{Delete: del})
		assert.True(t, again.Empty(), "delete=%v: second plan %+v", del, again)
		assert.Equal(t, 3, again.Unchanged-boolInt(!del), "the file's users, plus the deactivated one")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// simulate applies p to copies of users and groups the way the API would.
func simulate(t *testing.T, p Plan, users []admin.User, groups []string) ([]admin.User, []string) {
	t.Helper()
	byID := map[string]*admin.User{}
	var out []admin.User
	for _, u := range users {
		u.Groups = append([]string(nil), u.Groups...)
		out = append(out, u)
	}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	groups = append(append([]string(nil), groups...), p.CreateGroups...)
	var created []admin.User
	deleted := map[string]bool{}
	for i, c := range p.Changes {
		switch c.Op {
		case OpCreate:
			created = append(created, admin.User{ID: "new" + string(rune('a'+i)), Email: c.Email, Name: c.Name,
				Role: c.Role, Status: admin.UserInvited, Groups: c.AddGroups})
			continue
		case OpDelete:
			deleted[c.UserID] = true
			continue
		case OpDeactivate:
			byID[c.UserID].Status = admin.UserInactive
			continue
		}
		u := byID[c.UserID]
		require.NotNil(t, u, c.Email)
		if c.SetName != nil {
			u.Name = *c.SetName
		}
		if c.SetRole != nil {
			u.Role = *c.SetRole
		}
		if c.Activate {
			u.Status = admin.UserActive
		}
		var gs []string
		for _, g := range u.Groups {
			if !contains(c.RemoveGroups, g) {
				gs = append(gs, g)
			}
		}
		u.Groups = append(gs, c.AddGroups...)
	}
	var kept []admin.User
	for _, u := range append(out, created...) {
		if !deleted[u.ID] {
			kept = append(kept, u)
		}
	}
	return kept, groups
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestChangeDescribe(t *testing.T) {
	t.Parallel()
	viewer := admin.RoleViewer
	tests := []struct {
		c    Change
		want string
	}{
		{Change{Op: OpCreate, Name: "Al", Role: admin.RoleEditor, AddGroups: []string{"a", "b"}}, `name="Al" role=editor; groups +a +b`},
		{Change{Op: OpUpdate, SetName: ptr("New"), OldName: "Old", SetRole: &viewer, OldRole: admin.RoleAdmin, Activate: true},
			`name "Old" -> "New"; role admin -> viewer; status inactive -> active`},
		{Change{Op: OpNone, AddGroups: []string{"x"}, RemoveGroups: []string{"y"}}, "groups +x -y"},
		{Change{Op: OpDeactivate}, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.c.Describe())
		assert.Equal(t, tt.c.AddGroups != nil || tt.c.RemoveGroups != nil, tt.c.GroupChanges() > 0)
	}
	assert.Equal(t, "create update groups deactivate delete",
		strings.Join([]string{OpCreate.String(), OpUpdate.String(), OpNone.String(), OpDeactivate.String(), OpDelete.String()}, " "))
}
