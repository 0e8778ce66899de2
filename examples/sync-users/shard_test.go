package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShardSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Shard
		err  string
	}{
		{in: "0/1", want: Shard{0, 1}},
		{in: "2/3", want: Shard{2, 3}},
		{in: " 0/1024 ", want: Shard{0, 1024}},
		{in: "3/3", err: "i must be 0 to n-1 (0 to 2)"},
		{in: "-1/3", err: "i must be 0 to n-1 (0 to 2)"},
		{in: "0/0", err: "n must be 1 to 1024"},
		{in: "0/1025", err: "n must be 1 to 1024"},
		{in: "1", err: "want i/n, such as 0/4"},
		{in: "a/b", err: "want i/n, such as 0/4"},
		{in: "1/2/3", err: "want i/n, such as 0/4"},
		{in: "", err: "want i/n, such as 0/4"},
	}
	for _, tt := range tests {
		var s Shard
		err := s.Set(tt.in)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.in)
			assert.Equal(t, Shard{}, s, "a bad value leaves the shard alone")
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, s)
		assert.Equal(t, strings.TrimSpace(tt.in), s.String())
	}
}

// TestShardHas checks the documented hash against FNV-1a's published
// test vectors: "a" hashes to 0xe40c292c (3826002220) and "foobar" to
// 0xbf9cf968 (3214735720).
func TestShardHas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email string
		shard Shard
		want  bool
	}{
		{"a", Shard{220, 1000}, true}, // 3826002220 % 1000
		{" A ", Shard{220, 1000}, true},
		{"a", Shard{5, 7}, true}, // 3826002220 % 7
		{"a", Shard{4, 7}, false},
		{"FooBar", Shard{360, 1024}, true}, // 3214735720 % 1024
		{"foobar", Shard{361, 1024}, false},
		{"anyone@example.com", Shard{}, true},
		{"anyone@example.com", Shard{0, 1}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.shard.Has(tt.email), "%q in %v", tt.email, tt.shard)
	}

	// Every email is in exactly one of n shards, and the shards share the
	// work out roughly evenly.
	const n = 4
	counts := make([]int, n)
	for i := range 1000 {
		email := fmt.Sprintf("user-%d@example.com", i)
		in := 0
		for s := range n {
			if (Shard{s, n}).Has(email) {
				in++
				counts[s]++
			}
		}
		require.Equal(t, 1, in, email)
	}
	for s, c := range counts {
		assert.InDelta(t, 250, c, 60, "shard %d", s)
	}
}

// shardFile is a file for a server seeded with 30 users and 4 groups: it
// keeps seed users 1 to 20 (changing some), adds 15 users, two groups, and
// leaves seed users 21 to 30 out.
func shardFile() string {
	var b strings.Builder
	b.WriteString("email,name,role,groups\n")
	roles := []string{"admin", "editor", "viewer", "researcher"}
	for i := 1; i <= 20; i++ {
		name := fmt.Sprintf("Seed User %d", i)
		if i%3 == 0 {
			name += " Renamed"
		}
		fmt.Fprintf(&b, "seed-user-%d@example.com,%s,%s,group-%d;group-%d\n", i, name, roles[i%4], i%4+1, (i+1)%4+1)
	}
	for i := range 15 {
		fmt.Fprintf(&b, "new-%d@example.com,New %d,%s,new-%c;group-1\n", i, i, roles[i%4], 'a'+i%2)
	}
	return b.String()
}

// userState is what a sync decides about a user, without ids.
type userState struct{ Name, Role, Status, Groups string }

// syncedState returns the users (but the principal users of API keys,
// which differ between servers) and the groups of srv.
func syncedState(srv *admintest.Server) (map[string]userState, []string) {
	users := map[string]userState{}
	for _, u := range srv.Users() {
		if strings.HasSuffix(u.Email, "@admintest.local") {
			continue
		}
		gs := slices.Clone(u.Groups)
		slices.Sort(gs)
		users[u.Email] = userState{u.Name, u.Role, u.Status, strings.Join(gs, ";")}
	}
	var groups []string
	for _, g := range srv.Groups() {
		groups = append(groups, g.Name+" roles="+strings.Join(g.Roles, ","))
	}
	slices.Sort(groups)
	return users, groups
}

// actionCounts counts the audit events of srv by action.
func actionCounts(srv *admintest.Server) map[string]int {
	n := map[string]int{}
	for _, ev := range srv.AuditLog() {
		n[ev.Action]++
	}
	return n
}

// TestSyncShards runs n processes, one per shard, at once against one
// server, and checks that they reach exactly the state one process
// reaches, with the same changes, and that no user is changed by two of
// them.
func TestSyncShards(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 5} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			t.Parallel()
			// One process alone.
			one := setup(t, shardFile(), "people.csv", admintest.WithSeedData(30, 4, 0))
			r := one.run(t.Context(), "-keep", one.me)
			require.NoError(t, r.Err, r.Stdout)

			// n processes, each with a key of its own so that the audit
			// log says which process changed what.
			many := setup(t, shardFile(), "people.csv", admintest.WithSeedData(30, 4, 0))
			keys := make([]string, n)
			keep := []string{many.me}
			actor := map[string]int{} // principal user id -> shard
			for i := range keys {
				keys[i] = many.srv.NewKey("admin")
				id := many.srv.KeyUserID(keys[i])
				u, ok := many.srv.User(id)
				require.True(t, ok)
				keep = append(keep, u.Email)
				actor[id] = i
			}
			var wg sync.WaitGroup
			results := make([]clitest.Result, n)
			for i := range n {
				env := func(k string) string {
					return map[string]string{"ADMIN_API_URL": many.srv.URL, "ADMIN_API_KEY": keys[i]}[k]
				}
				wg.Go(func() {
					results[i] = clitest.Run(t.Context(), run, env, "-file", many.file, "-shard", fmt.Sprintf("%d/%d", i, n),
						"-keep", strings.Join(keep, ","), "-concurrency", "2")
				})
			}
			wg.Wait()
			for i, r := range results {
				require.NoError(t, r.Err, "shard %d: %s", i, r.Stdout)
				// Other shards may have created users before this one read them.
				assert.Regexp(t, fmt.Sprintf(`^Shard %d/%d: \d+ of 35 users in people\.csv, \d+ of \d+ users in the API\n`, i, n), r.Stdout)
			}

			wantUsers, wantGroups := syncedState(one.srv)
			gotUsers, gotGroups := syncedState(many.srv)
			assert.Equal(t, wantUsers, gotUsers)
			assert.Equal(t, wantGroups, gotGroups)
			assert.Equal(t, actionCounts(one.srv), actionCounts(many.srv), "the same changes, none done twice")

			byShard := map[string]map[int]bool{} // user id -> shards that changed it
			for _, ev := range many.srv.AuditLog() {
				target := ev.TargetID
				if ev.TargetType != "user" {
					id, ok := ev.Metadata["user_id"].(string)
					if !ok {
						continue // a group created
					}
					target = id
				}
				shard, ok := actor[ev.UserID]
				require.True(t, ok, "event %s by %s", ev.Action, ev.UserID)
				if byShard[target] == nil {
					byShard[target] = map[int]bool{}
				}
				byShard[target][shard] = true
			}
			assert.NotEmpty(t, byShard)
			for id, shards := range byShard {
				assert.Len(t, shards, 1, "user %s changed by shards %v", id, shards)
			}
		})
	}
}
