package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	admin "github.com/admin/api-go"
)

// Summary counts what a sync did.
type Summary struct {
	Created, Updated, Deactivated, Deleted int
	GroupChanges                           int // memberships added or removed
	GroupsCreated                          int
	Failed                                 int // users or groups whose change failed
	Unchanged                              int
}

// Result is the outcome of one item of a plan: a group to create (Group
// set) or a user's change.
type Result struct {
	Group  string
	Change *Change
	Err    error
}

// Label names the item in progress output.
func (r Result) Label() string {
	if r.Change == nil {
		return "create group " + r.Group
	}
	return r.Change.Op.String() + " " + r.Change.Email
}

// applier applies a plan with a client.
type applier struct {
	c      *admin.Client
	invite bool
}

// apply carries out p with workers goroutines and reports every item's
// result to report, from one goroutine. Groups are created first, since
// memberships need them. A failed item does not stop the others; a
// cancelled ctx stops the work and is returned.
func (a *applier) apply(ctx context.Context, p *Plan, workers int, report func(Result)) (Summary, error) {
	sum := Summary{Unchanged: p.Unchanged}
	for _, g := range p.CreateGroups {
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		_, err := a.c.Groups.Create(ctx, &admin.CreateGroupParams{Name: g})
		switch {
		case err == nil:
			sum.GroupsCreated++
		case errors.Is(err, admin.ErrConflict): // created meanwhile: fine
			err = nil
		default:
			sum.Failed++
			err = fmt.Errorf("create group %s: %w", g, err)
		}
		report(Result{Group: g, Err: err})
	}

	jobs := make(chan *Change)
	type done struct {
		ch     *Change
		groups int
		op     Op
		err    error
	}
	results := make(chan done)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for ch := range jobs {
				op, groups, err := a.applyChange(ctx, ch)
				results <- done{ch, groups, op, err}
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range p.Changes {
			select {
			case jobs <- &p.Changes[i]:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	for d := range results {
		sum.GroupChanges += d.groups
		if d.err != nil {
			sum.Failed++
		} else {
			switch d.op {
			case OpCreate:
				sum.Created++
			case OpUpdate:
				sum.Updated++
			case OpDeactivate:
				sum.Deactivated++
			case OpDelete:
				sum.Deleted++
			}
		}
		report(Result{Change: d.ch, Err: d.err})
	}
	return sum, ctx.Err()
}

// applyChange carries out one user's change. It returns the operation
// actually done (a create that met an existing user becomes an update)
// and the number of memberships changed.
func (a *applier) applyChange(ctx context.Context, ch *Change) (op Op, groups int, err error) {
	if err := ctx.Err(); err != nil {
		return ch.Op, 0, err
	}
	switch ch.Op {
	case OpDelete:
		if err := a.c.Users.Delete(ctx, ch.UserID); err != nil && !errors.Is(err, admin.ErrNotFound) {
			return ch.Op, 0, fmt.Errorf("delete: %w", err)
		}
		return ch.Op, 0, nil
	case OpDeactivate:
		_, err := a.c.Users.Update(ctx, ch.UserID, &admin.UpdateUserParams{Status: admin.Ptr(admin.UserInactive)})
		if err != nil && !errors.Is(err, admin.ErrNotFound) {
			return ch.Op, 0, fmt.Errorf("deactivate: %w", err)
		}
		return ch.Op, 0, nil
	case OpCreate:
		u, err := a.c.Users.Create(ctx, &admin.CreateUserParams{Name: ch.Name, Email: ch.Email, Role: ch.Role, SendInvitation: &a.invite})
		if err == nil {
			ch.UserID = u.ID
			n, err := a.memberships(ctx, ch)
			return OpCreate, n, err
		}
		if !errors.Is(err, admin.ErrConflict) {
			return OpCreate, 0, fmt.Errorf("create: %w", err)
		}
		// The email was taken since the plan was made: plan this user
		// again against the user that has it.
		have, lerr := findUser(ctx, a.c, ch.Email)
		if lerr != nil || have == nil {
			return OpCreate, 0, fmt.Errorf("create: %w (and the user with that email cannot be found: %v)", err, lerr)
		}
		again, changed := planUser(Record{Email: ch.Email, Name: ch.Name, Role: ch.Role, Groups: ch.AddGroups}, have)
		if !changed {
			return OpNone, 0, nil
		}
		*ch = again
	}
	if ch.Op == OpUpdate {
		p := &admin.UpdateUserParams{Name: ch.SetName, Role: ch.SetRole}
		if ch.Activate {
			p.Status = admin.Ptr(admin.UserActive)
		}
		if _, err := a.c.Users.Update(ctx, ch.UserID, p); err != nil {
			return ch.Op, 0, fmt.Errorf("update: %w", err)
		}
	}
	n, err := a.memberships(ctx, ch)
	return ch.Op, n, err
}

// memberships adds and removes ch's group memberships; both are
// idempotent, so a re-run after an interruption converges.
func (a *applier) memberships(ctx context.Context, ch *Change) (int, error) {
	n := 0
	for _, g := range ch.AddGroups {
		if err := a.c.Groups.AddMember(ctx, g, ch.UserID); err != nil {
			return n, fmt.Errorf("add to group %s: %w", g, err)
		}
		n++
	}
	for _, g := range ch.RemoveGroups {
		if err := a.c.Groups.RemoveMember(ctx, g, ch.UserID); err != nil && !errors.Is(err, admin.ErrNotFound) {
			return n, fmt.Errorf("remove from group %s: %w", g, err)
		}
		n++
	}
	return n, nil
}

// findUser returns the user whose email is email, ignoring case, or nil.
func findUser(ctx context.Context, c *admin.Client, email string) (*admin.User, error) {
	for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Query: email, Limit: 100}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(u.Email, email) {
			return &u, nil
		}
	}
	return nil, nil
}
