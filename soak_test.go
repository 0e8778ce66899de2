package admin_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// The soak test's knobs. Without -soak it runs a short, fixed amount of work
// so that it fits in every `go test` run; with -soak=2m it runs for that long.
var (
	soakDuration = flag.Duration("soak", 0, "run TestSoak for this long (0: a short run of a fixed number of operations)")
	soakSeed     = flag.Int64("soak.seed", 0, "seed of TestSoak's faults and operation mix (0: random; the seed used is printed)")
)

const (
	soakWorkers     = 32
	soakShortOps    = 30 // operations per worker in the short run
	soakStableUsers = 50 // seeded users that no worker touches: every full iteration must see each once
	soakMaxOwned    = 8  // live users a worker keeps before it prefers deleting
)

// soakOutcome is how a call ended as its caller was told.
type soakOutcome uint8

const (
	soakOK       soakOutcome = iota // returned success
	soakFailed                      // returned an error that says nothing was applied
	soakPossibly                    // returned an error matching admin.ErrPossiblyApplied
)

// soakOp is one change a worker asked for and what it was told.
type soakOp struct {
	kind    string // "create", "update", "delete", "logout", "password_reset", "group_add", "group_remove", "project_add", "project_remove"
	email   string // create
	userID  string // the user the change is about (create: the id returned)
	name    string // update: the unique name it set
	role    admin.Role
	target  string // group name or project id for membership changes
	outcome soakOutcome
	err     error
}

// soakUser is a worker's knowledge of one of its users.
type soakUser struct {
	id       string
	certain  bool   // no change to it ended possibly applied: its state is known
	name     string // as last set by a successful call
	role     admin.Role
	inGroup  bool
	inProj   bool
	memberOK bool // memberships are known (no membership change ended possibly applied)
}

// soakTally counts what the workers saw; shared by all workers.
type soakTally struct {
	ops, errors, possibly, retries atomic.Int64
	iterations, fullIterations     atomic.Int64
	exports, fullExports           atomic.Int64
	iterLost, iterDup              atomic.Int64

	mu    sync.Mutex
	kinds map[string]int // errors by kind, for the log
}

// failed counts err, which must be an *admin.Error, by kind.
func (tl *soakTally) failed(t *testing.T, what string, err error) {
	tl.errors.Add(1)
	kind := "untyped"
	var e *admin.Error
	if assert.ErrorAs(t, err, &e, "%s: an untyped error", what) {
		switch {
		case errors.Is(err, admin.ErrInvalidResponse):
			kind = "invalid_response"
		case e.StatusCode != 0:
			kind = fmt.Sprint(e.StatusCode)
		default:
			kind = "transport"
		}
		if errors.Is(err, admin.ErrPossiblyApplied) {
			kind += "+possibly_applied"
		}
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.kinds[kind]++
}

// soakWorker is the state of one goroutine of the soak test.
type soakWorker struct {
	t       *testing.T
	n       int
	c       *admin.Client
	srv     *admintest.Server
	rng     *rand.Rand
	tally   *soakTally
	group   string
	project string
	stable  map[string]bool // ids of the untouched users
	users   []*soakUser     // live users this worker created
	ops     []soakOp
	seq     int
}

// TestSoak drives admintest with faults on (10% of requests: 5xx, 429
// storms with Retry-After, connection resets before and after the change is
// committed, truncated bodies, HTML error pages, latency spikes) from 32
// goroutines sharing one client, and then checks the server's final state
// and audit log against what every caller was told: each success happened
// exactly once, each plain failure did not happen, each possibly-applied
// failure happened at most once, and every iteration saw each item present
// throughout exactly once.
func TestSoak(t *testing.T) {
	t.Parallel()
	seed := *soakSeed
	if seed == 0 {
		seed = rand.Int64N(1<<62) + 1
	}
	var faultsOn atomic.Bool
	srv := admintest.NewServer(
		admintest.WithSeedData(soakStableUsers, 0, 0),
		admintest.WithFaults(admintest.Faults{
			Rate: 0.10, Seed: seed, Latency: 15 * time.Millisecond, StormLength: 3, RetryAfter: 1,
			Match: func(*http.Request) bool { return faultsOn.Load() },
		}))
	t.Cleanup(srv.Close)
	t.Logf("soak: seed=%d (replay the fault choices with -soak.seed=%d)", srv.FaultSeed(), srv.FaultSeed())
	tally := &soakTally{kinds: map[string]int{}}
	// Counting the attempts followed by another counts the retries of
	// every call, each page of an iteration included.
	rec := &watcher{onEndAttempt: func(a admin.AttemptResult) {
		if a.Retry != "" {
			tally.retries.Add(1)
		}
	}}
	c := srv.Client(admin.WithRetry(admin.RetryPolicy{MaxRetries: 8, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
		admin.WithObserver(rec))

	stable := map[string]bool{}
	for _, u := range srv.Users() {
		if strings.HasPrefix(u.Email, "seed-user-") {
			stable[u.ID] = true
		}
	}
	require.Len(t, stable, soakStableUsers)
	cluster := srv.Clusters()[0].ID

	// Each worker's group and project are made before the faults start.
	ctx := context.Background()
	workers := make([]*soakWorker, soakWorkers)
	for i := range workers {
		w := &soakWorker{t: t, n: i, c: c, srv: srv, rng: rand.New(rand.NewPCG(uint64(seed), uint64(i))),
			tally: tally, stable: stable, group: fmt.Sprintf("soak-group-%02d", i)}
		_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: w.group, Roles: []admin.Role{admin.RoleViewer}})
		require.NoError(t, err)
		p, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: fmt.Sprintf("soak-project-%02d", i), ClusterID: cluster})
		require.NoError(t, err)
		w.project = p.ID
		workers[i] = w
	}

	var deadline time.Time
	if *soakDuration > 0 {
		deadline = time.Now().Add(*soakDuration)
	}
	faultsOn.Store(true)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				if deadline.IsZero() && i >= soakShortOps || !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				w.step()
			}
		})
	}
	wg.Wait()
	faultsOn.Store(false)

	duplicates, lost, unreported := soakVerify(t, srv, workers)
	duplicates += tally.iterDup.Load()
	lost += tally.iterLost.Load()
	faults := 0
	for _, n := range srv.FaultCounts() {
		faults += n
	}
	line := fmt.Sprintf("soak: ops=%d faults=%d retries=%d duplicates=%d lost=%d possibly_applied=%d errors=%d unreported=%d iterations=%d/%d exports=%d/%d seed=%d",
		tally.ops.Load(), faults, tally.retries.Load(), duplicates, lost, tally.possibly.Load(), tally.errors.Load(), unreported,
		tally.fullIterations.Load(), tally.iterations.Load(), tally.fullExports.Load(), tally.exports.Load(), srv.FaultSeed())
	t.Log(line)
	t.Logf("soak: fault counts %v", srv.FaultCounts())
	t.Logf("soak: errors by kind %v", tally.kinds)
	fmt.Println(line)
	assert.Zero(t, duplicates, "a change was applied more than once, or an iteration repeated an item")
	assert.Zero(t, lost, "a change reported as done is missing, or an iteration skipped an item")
	assert.Zero(t, unreported, "a change reported as failed (and not possibly applied) was applied")
	assert.NotZero(t, faults, "the soak ran without faults")
	assert.NotZero(t, tally.fullIterations.Load(), "no iteration finished")
	assert.NotZero(t, tally.fullExports.Load(), "no audit export finished")
}

// call runs one change and records it: outcome, retries and the error's
// type. A failure must be an *admin.Error.
func (w *soakWorker) call(op soakOp, f func(ctx context.Context) error) soakOp {
	err := f(context.Background())
	w.tally.ops.Add(1)
	op.err = err
	switch {
	case err == nil:
		op.outcome = soakOK
	default:
		w.tally.failed(w.t, op.kind, err)
		op.outcome = soakFailed
		if errors.Is(err, admin.ErrPossiblyApplied) {
			op.outcome = soakPossibly
			w.tally.possibly.Add(1)
		}
	}
	if op.kind != "" {
		w.ops = append(w.ops, op)
	}
	return op
}

// step does one operation of the mix.
func (w *soakWorker) step() {
	live := w.certainUsers()
	r := w.rng.IntN(100)
	switch {
	case r < 25 && len(w.users) < soakMaxOwned:
		w.create()
	case r < 40 && len(live) > 0:
		w.update(live[w.rng.IntN(len(live))])
	case r < 52 && len(live) > 0:
		w.group2(live[w.rng.IntN(len(live))])
	case r < 64 && len(live) > 0:
		w.project2(live[w.rng.IntN(len(live))])
	case r < 72 && len(w.users) > 0:
		w.delete(w.users[w.rng.IntN(len(w.users))])
	case r < 80 && len(w.users) > 0:
		w.notIdempotent(w.users[w.rng.IntN(len(w.users))])
	case r < 90:
		w.iterate()
	case r < 96:
		w.export()
	default:
		w.read()
	}
}

func (w *soakWorker) certainUsers() []*soakUser {
	var out []*soakUser
	for _, u := range w.users {
		if u.certain {
			out = append(out, u)
		}
	}
	return out
}

func (w *soakWorker) create() {
	w.seq++
	email := fmt.Sprintf("soak-%02d-%d@example.com", w.n, w.seq)
	role := soakRoles[w.rng.IntN(len(soakRoles))]
	name := fmt.Sprintf("Soak %02d-%d", w.n, w.seq)
	var got *admin.User
	op := w.call(soakOp{kind: "create", email: email, role: role, name: name}, func(ctx context.Context) error {
		u, err := w.c.Users.Create(ctx, &admin.CreateUserParams{Name: name, Email: email, Role: role, SendInvitation: admin.Ptr(false)})
		got = u
		return err
	})
	if op.outcome == soakOK {
		assert.Equal(w.t, email, got.Email)
		w.ops[len(w.ops)-1].userID = got.ID
		w.users = append(w.users, &soakUser{id: got.ID, certain: true, memberOK: true, name: name, role: role})
	}
}

var soakRoles = []admin.Role{admin.RoleViewer, admin.RoleEditor, admin.RoleResearcher, admin.RoleMLEngineer, admin.RoleResearchManager}

func (w *soakWorker) update(u *soakUser) {
	w.seq++
	name := fmt.Sprintf("Soak %02d-%d renamed", w.n, w.seq) // unique, so every applied update is a change
	role := soakRoles[w.rng.IntN(len(soakRoles))]
	op := w.call(soakOp{kind: "update", userID: u.id, name: name, role: role}, func(ctx context.Context) error {
		got, err := w.c.Users.Update(ctx, u.id, &admin.UpdateUserParams{Name: &name, Role: &role})
		if err == nil && (got.Name != name || got.Role != role) {
			return fmt.Errorf("update answered %q/%s, want %q/%s", got.Name, got.Role, name, role)
		}
		return err
	})
	switch op.outcome {
	case soakOK:
		u.name, u.role = name, role
	case soakPossibly:
		u.certain = false
	}
}

func (w *soakWorker) group2(u *soakUser) {
	if !u.memberOK {
		return
	}
	kind, f := "group_add", w.c.Groups.AddMember
	if u.inGroup {
		kind, f = "group_remove", w.c.Groups.RemoveMember
	}
	op := w.call(soakOp{kind: kind, userID: u.id, target: w.group}, func(ctx context.Context) error { return f(ctx, w.group, u.id) })
	switch op.outcome {
	case soakOK:
		u.inGroup = !u.inGroup
	case soakPossibly:
		u.memberOK = false
	}
}

func (w *soakWorker) project2(u *soakUser) {
	if !u.memberOK {
		return
	}
	kind, f := "project_add", w.c.Projects.AddMember
	if u.inProj {
		kind, f = "project_remove", w.c.Projects.RemoveMember
	}
	op := w.call(soakOp{kind: kind, userID: u.id, target: w.project}, func(ctx context.Context) error { return f(ctx, w.project, u.id) })
	switch op.outcome {
	case soakOK:
		u.inProj = !u.inProj
	case soakPossibly:
		u.memberOK = false
	}
}

func (w *soakWorker) delete(u *soakUser) {
	op := w.call(soakOp{kind: "delete", userID: u.id}, func(ctx context.Context) error { return w.c.Users.Delete(ctx, u.id) })
	if op.outcome != soakFailed {
		w.users = slices.DeleteFunc(w.users, func(x *soakUser) bool { return x == u })
	}
}

// notIdempotent logs a user out or resets their password: changes that
// write an audit event each time they are applied, so that a retry applied
// twice shows as two events.
func (w *soakWorker) notIdempotent(u *soakUser) {
	if w.rng.IntN(2) == 0 {
		w.call(soakOp{kind: "logout", userID: u.id}, func(ctx context.Context) error { return w.c.Users.Logout(ctx, u.id) })
		return
	}
	w.call(soakOp{kind: "password_reset", userID: u.id}, func(ctx context.Context) error {
		r, err := w.c.Users.ResetPassword(ctx, u.id)
		if err == nil && r.TempPassword == "" {
			return errors.New("no temporary password")
		}
		return err
	})
}

func (w *soakWorker) read() {
	w.call(soakOp{}, func(ctx context.Context) error {
		_, err := w.c.Groups.Get(ctx, w.group)
		return err
	})
}

// iterate walks every user and checks that each untouched user appears
// exactly once in a walk that finishes, and at most once in one that fails.
func (w *soakWorker) iterate() {
	w.tally.iterations.Add(1)
	w.tally.ops.Add(1)
	seen := map[string]int{}
	var iterErr error
	for u, err := range w.c.Users.All(context.Background(), &admin.ListUsersParams{Limit: 5 + w.rng.IntN(40)}) {
		if err != nil {
			iterErr = err
			break
		}
		seen[u.ID]++
	}
	for id, n := range seen {
		if n > 1 {
			w.tally.iterDup.Add(int64(n - 1))
			w.t.Errorf("iteration yielded user %s %d times", id, n)
		}
	}
	if iterErr != nil {
		w.tally.failed(w.t, "iteration", iterErr)
		return
	}
	w.tally.fullIterations.Add(1)
	for id := range w.stable {
		if seen[id] == 0 {
			w.tally.iterLost.Add(1)
			w.t.Errorf("a full iteration missed untouched user %s", id)
		}
	}
}

// export walks the recent audit log page by page, as a resumable export
// does: a failed page is fetched again from the same cursor. Every event
// present when the export started must be seen exactly once.
func (w *soakWorker) export() {
	w.tally.exports.Add(1)
	start, end := time.Now().Add(-300*time.Millisecond), time.Now()
	var want []string
	for _, ev := range w.srv.AuditLog() {
		if !ev.CreatedAt.Before(start) && ev.CreatedAt.Before(end) {
			want = append(want, ev.ID)
		}
	}
	seen := map[string]int{}
	cursor := ""
	for tries := 0; ; {
		pg, err := w.c.AuditLogs.List(context.Background(), &admin.ListAuditLogsParams{StartTime: start, EndTime: end, Limit: 10 + w.rng.IntN(60), Cursor: cursor})
		w.tally.ops.Add(1)
		if err != nil {
			w.tally.failed(w.t, "audit export", err)
			if tries++; tries > 5 {
				return
			}
			continue // resume from the same cursor
		}
		for _, ev := range pg.Data {
			seen[ev.ID]++
		}
		if !pg.HasMore {
			break
		}
		cursor = pg.NextCursor
	}
	w.tally.fullExports.Add(1)
	for id, n := range seen {
		if n > 1 {
			w.tally.iterDup.Add(int64(n - 1))
			w.t.Errorf("the audit export yielded event %s %d times", id, n)
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			w.tally.iterLost.Add(1)
			w.t.Errorf("the audit export saw event %s %d times, want once", id, seen[id])
		}
	}
}

// soakVerify compares the server's final state and audit log with what the
// callers were told. duplicates counts changes applied more often than
// reported, lost changes reported done but missing, unreported changes
// reported as failed (not possibly applied) that nevertheless happened.
func soakVerify(t *testing.T, srv *admintest.Server, workers []*soakWorker) (duplicates, lost, unreported int64) {
	t.Helper()
	events := srv.AuditLog()
	creates := map[string][]admintest.AuditEvent{} // by email
	type key struct{ action, target, user string }
	count := map[key]int{}
	for _, ev := range events {
		switch ev.Action {
		case "user.create":
			email, _ := ev.Metadata["email"].(string)
			creates[email] = append(creates[email], ev)
		case "group.member_add", "group.member_remove", "project.member_add", "project.member_remove":
			uid, _ := ev.Metadata["user_id"].(string)
			count[key{ev.Action, ev.TargetID, uid}]++
		default:
			count[key{ev.Action, ev.TargetID, ""}]++
		}
	}
	final := map[string]admintest.User{}
	byEmail := map[string]int{}
	for _, u := range srv.Users() {
		final[u.ID] = u
		byEmail[u.Email]++
	}
	groups := map[string]map[string]bool{}
	for _, g := range srv.Groups() {
		groups[g.Name] = setOf(g.Members)
	}
	projects := map[string]map[string]bool{}
	for _, p := range srv.Projects() {
		projects[p.ID] = setOf(p.Members)
	}

	// judge compares how often a change happened with what its callers were told.
	judge := func(what string, happened, ok, possibly, failed int) {
		switch {
		case happened > ok+possibly && ok+possibly > 0:
			duplicates += int64(happened - ok - possibly)
			t.Errorf("%s happened %d times; callers were told %d done, %d possibly applied, %d failed", what, happened, ok, possibly, failed)
		case happened > ok+possibly:
			unreported += int64(happened)
			t.Errorf("%s happened %d times although every call failed without a possible application", what, happened)
		case happened < ok:
			lost += int64(ok - happened)
			t.Errorf("%s happened %d times; callers were told %d done", what, happened, ok)
		}
	}
	for _, w := range workers {
		type tallyOf struct{ ok, possibly, failed int }
		per := map[key]*tallyOf{}
		for _, op := range w.ops {
			if op.kind == "create" {
				evs := creates[op.email]
				switch op.outcome {
				case soakOK:
					judge("create of "+op.email, len(evs), 1, 0, 0)
					if len(evs) == 1 && evs[0].TargetID != op.userID {
						t.Errorf("create of %s: the caller got id %s, the audit log says %s", op.email, op.userID, evs[0].TargetID)
					}
				case soakPossibly:
					judge("create of "+op.email, len(evs), 0, 1, 0)
				default:
					judge("create of "+op.email, len(evs), 0, 0, 1)
				}
				if byEmail[op.email] > 1 {
					duplicates += int64(byEmail[op.email] - 1)
					t.Errorf("%d users with email %s", byEmail[op.email], op.email)
				}
				continue
			}
			var k key
			switch op.kind {
			case "update":
				k = key{"user.update", op.userID, ""}
			case "delete":
				k = key{"user.delete", op.userID, ""}
			case "logout":
				k = key{"user.logout", op.userID, ""}
			case "password_reset":
				k = key{"user.password_reset", op.userID, ""}
			default:
				action := map[string]string{"group_add": "group.member_add", "group_remove": "group.member_remove",
					"project_add": "project.member_add", "project_remove": "project.member_remove"}[op.kind]
				k = key{action, op.target, op.userID}
			}
			tl := per[k]
			if tl == nil {
				tl = new(tallyOf)
				per[k] = tl
			}
			switch op.outcome {
			case soakOK:
				tl.ok++
			case soakPossibly:
				tl.possibly++
			default:
				tl.failed++
			}
		}
		for k, tl := range per {
			judge(fmt.Sprintf("%s of %s %s", k.action, k.target, k.user), count[k], tl.ok, tl.possibly, tl.failed)
		}

		// The final state of the users the worker still holds for certain.
		for _, u := range w.users {
			got, ok := final[u.id]
			if !ok {
				lost++
				t.Errorf("user %s is gone, but no delete of it was reported done or possibly applied", u.id)
				continue
			}
			if u.certain && (got.Name != u.name || admin.Role(got.Role) != u.role) {
				lost++
				t.Errorf("user %s is %q/%s, want %q/%s as the last successful update set", u.id, got.Name, got.Role, u.name, u.role)
			}
			if u.memberOK && (groups[w.group][u.id] != u.inGroup || projects[w.project][u.id] != u.inProj) {
				lost++
				t.Errorf("user %s: in group %v (want %v), in project %v (want %v)", u.id,
					groups[w.group][u.id], u.inGroup, projects[w.project][u.id], u.inProj)
			}
		}
		for _, op := range w.ops {
			if op.kind == "delete" && op.outcome == soakOK {
				if _, ok := final[op.userID]; ok {
					lost++
					t.Errorf("user %s was deleted, the caller was told, but it is still there", op.userID)
				}
			}
		}
	}
	return duplicates, lost, unreported
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
