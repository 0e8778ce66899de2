package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	admin "github.com/admin/api-go"
)

// Op is what a plan does to one user.
type Op int

// The operations of a plan, in the order they are printed.
const (
	OpNone       Op = iota // the user stays as it is (group changes may still apply)
	OpCreate               // the user is in the file but not in the API
	OpUpdate               // the user's name, role or status changes
	OpDeactivate           // the user is missing from the file: status becomes inactive
	OpDelete               // the user is missing from the file and -delete was given
)

func (o Op) String() string {
	switch o {
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpDeactivate:
		return "deactivate"
	case OpDelete:
		return "delete"
	}
	return "groups"
}

// Change is the work a plan does for one user.
type Change struct {
	Email  string // as in the file, or as in the API for users missing from the file
	UserID string // empty for OpCreate
	Op     Op

	// For OpCreate: the new user's fields.
	Name string
	Role admin.Role

	// For OpUpdate: the fields that change (nil: kept) and the old values.
	SetName  *string
	SetRole  *admin.Role
	Activate bool // status inactive → active
	OldName  string
	OldRole  admin.Role

	AddGroups    []string // sorted
	RemoveGroups []string // sorted
}

// GroupChanges is the number of memberships the change adds or removes.
func (c *Change) GroupChanges() int { return len(c.AddGroups) + len(c.RemoveGroups) }

// Plan is everything one sync does, computed from the file and the API's
// current state. Applying it and computing it again gives an empty plan.
type Plan struct {
	CreateGroups []string // groups named in the file that the API lacks, sorted
	Changes      []Change // sorted by operation, then by email
	Unchanged    int      // users that need nothing
	Kept         []Kept   // users missing from the file that are left alone, sorted by email
}

// Kept is a user missing from the file that a plan leaves alone, and why.
type Kept struct {
	Email, UserID string
	Why           string
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.CreateGroups) == 0 && len(p.Changes) == 0 }

// PlanOptions say how users missing from the file are treated.
type PlanOptions struct {
	// Delete deletes users missing from the file instead of deactivating them.
	Delete bool
	// Keep lists emails (any case) that are never deactivated or deleted.
	Keep []string
	// CallerID and CallerEmail are the user the sync runs as (GET /me),
	// which is never deactivated or deleted: it would lock the sync out.
	// Both are empty when the credentials act as no user.
	CallerID, CallerEmail string
}

// The reasons a user missing from the file is kept.
const (
	whyCaller = "the account this sync runs as: never deactivated or deleted"
	whyKeep   = "listed in -keep"
)

// normEmail is the form emails are compared in: the API compares them
// case-insensitively.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MakePlan computes the changes that bring users (the API's users) and
// groups (the names of the API's groups) in line with records (the file).
// records must be valid (see ParseRecords): unique emails, known roles.
func MakePlan(records []Record, users []admin.User, groups []string, opts PlanOptions) Plan {
	var p Plan
	byEmail := make(map[string]*admin.User, len(users))
	for i := range users {
		byEmail[normEmail(users[i].Email)] = &users[i]
	}
	haveGroup := make(map[string]bool, len(groups))
	for _, g := range groups {
		haveGroup[g] = true
	}
	newGroups := map[string]bool{}
	inFile := make(map[string]bool, len(records))
	for _, r := range records {
		inFile[normEmail(r.Email)] = true
		c, changed := planUser(r, byEmail[normEmail(r.Email)])
		if !changed {
			p.Unchanged++
			continue
		}
		for _, g := range c.AddGroups {
			if !haveGroup[g] {
				newGroups[g] = true
			}
		}
		p.Changes = append(p.Changes, c)
	}
	keep := make(map[string]bool, len(opts.Keep))
	for _, k := range opts.Keep {
		keep[normEmail(k)] = true
	}
	for _, u := range users {
		e := normEmail(u.Email)
		if inFile[e] {
			continue
		}
		why := ""
		switch {
		case opts.CallerID != "" && u.ID == opts.CallerID, opts.CallerEmail != "" && e == normEmail(opts.CallerEmail):
			why = whyCaller
		case keep[e]:
			why = whyKeep
		}
		if why != "" {
			p.Kept = append(p.Kept, Kept{Email: u.Email, UserID: u.ID, Why: why})
			continue
		}
		switch {
		case opts.Delete:
			p.Changes = append(p.Changes, Change{Email: u.Email, UserID: u.ID, Op: OpDelete})
		case u.Status != admin.UserInactive:
			p.Changes = append(p.Changes, Change{Email: u.Email, UserID: u.ID, Op: OpDeactivate})
		default:
			p.Unchanged++
		}
	}
	for g := range newGroups {
		p.CreateGroups = append(p.CreateGroups, g)
	}
	slices.Sort(p.CreateGroups)
	slices.SortFunc(p.Kept, func(a, b Kept) int { return cmp.Compare(normEmail(a.Email), normEmail(b.Email)) })
	slices.SortFunc(p.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(opOrder(a.Op), opOrder(b.Op)), cmp.Compare(normEmail(a.Email), normEmail(b.Email)))
	})
	return p
}

// opOrder sorts creations first and pure group changes after updates.
func opOrder(o Op) int {
	switch o {
	case OpCreate:
		return 0
	case OpUpdate:
		return 1
	case OpNone:
		return 2
	case OpDeactivate:
		return 3
	}
	return 4
}

// planUser computes the change for one record; have is the API's user with
// the same email, or nil. changed is false when nothing needs doing.
func planUser(r Record, have *admin.User) (c Change, changed bool) {
	want := uniqueSorted(r.Groups)
	if have == nil {
		return Change{Email: r.Email, Op: OpCreate, Name: r.Name, Role: r.Role, AddGroups: want}, true
	}
	c = Change{Email: r.Email, UserID: have.ID, Op: OpNone, OldName: have.Name, OldRole: have.Role}
	if r.Name != have.Name {
		c.SetName = &r.Name
	}
	if r.Role != have.Role {
		c.SetRole = &r.Role
	}
	c.Activate = have.Status == admin.UserInactive
	if c.SetName != nil || c.SetRole != nil || c.Activate {
		c.Op = OpUpdate
	}
	haveGroups := uniqueSorted(have.Groups)
	c.AddGroups = minus(want, haveGroups)
	c.RemoveGroups = minus(haveGroups, want)
	return c, c.Op != OpNone || c.GroupChanges() > 0
}

// uniqueSorted returns a sorted copy of s without duplicates.
func uniqueSorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// minus returns the elements of a (sorted) that are not in b (sorted).
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// Describe says in one line what the change does.
func (c *Change) Describe() string {
	var parts []string
	switch c.Op {
	case OpCreate:
		parts = append(parts, fmt.Sprintf("name=%q role=%s", c.Name, c.Role))
	case OpUpdate:
		if c.SetName != nil {
			parts = append(parts, fmt.Sprintf("name %q -> %q", c.OldName, *c.SetName))
		}
		if c.SetRole != nil {
			parts = append(parts, fmt.Sprintf("role %s -> %s", c.OldRole, *c.SetRole))
		}
		if c.Activate {
			parts = append(parts, "status inactive -> active")
		}
	}
	var gs []string
	for _, g := range c.AddGroups {
		gs = append(gs, "+"+g)
	}
	for _, g := range c.RemoveGroups {
		gs = append(gs, "-"+g)
	}
	if len(gs) > 0 {
		parts = append(parts, "groups "+strings.Join(gs, " "))
	}
	return strings.Join(parts, "; ")
}
