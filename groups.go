package admin

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// GroupsService manages groups of users that share roles: GET, POST, PUT
// and DELETE on /groups and /groups/{name}/members.
type GroupsService service

// Group is a named group of users; every member holds the group's roles.
// A group is identified by its name.
type Group struct {
	Name      string    `json:"name"`
	Roles     []Role    `json:"roles"`
	Members   []string  `json:"members"`    // user ids
	CreatedBy string    `json:"created_by"` // id of the user who created the group
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func groupID(g *Group) string { return g.Name }

// ListGroupsParams filters and pages a list of groups. The zero value lists
// every group, 20 to a page.
type ListGroupsParams struct {
	Limit  int    // 1 to 100; 0 means the server's default (20)
	Cursor string // resume after the page that gave this cursor
	Role   Role   // only groups that carry this role
}

func (p *ListGroupsParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	if p.Role != "" {
		if !p.Role.Valid() {
			return nil, "", invalidParam("Role", "unknown role "+string(p.Role))
		}
		q.Set("role", string(p.Role))
	}
	return q, p.Cursor, nil
}

// List returns one page of groups. GET /groups
func (s *GroupsService) List(ctx context.Context, p *ListGroupsParams) (*Page[Group], error) {
	q, cursor, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/groups"), q, cursorStyle, groupID).page(ctx, cursor)
}

// All iterates over every group matching p, page by page, starting at
// p.Cursor. GET /groups
func (s *GroupsService) All(ctx context.Context, p *ListGroupsParams) iter.Seq2[Group, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[Group](err)
	}
	return newPager(s.c, static("/groups"), q, cursorStyle, groupID).all(ctx, cursor)
}

// CreateGroupParams are the fields of a new group.
type CreateGroupParams struct {
	// Name is required and identifies the group in every later call, so
	// it must be usable as a path segment: not blank, not "." or "..",
	// without control characters.
	Name string `json:"name"`
	// Roles are the roles the group's members hold. Nil or empty makes a
	// group without roles.
	Roles []Role `json:"roles"`
}

func (p *CreateGroupParams) validate() error {
	if p == nil {
		return invalidParam("params", "must not be nil")
	}
	if _, err := escape("Name", p.Name); err != nil {
		return err
	}
	return validRoles("Roles", p.Roles)
}

// Create creates a group. A name already taken is ErrConflict.
// POST /groups
func (s *GroupsService) Create(ctx context.Context, p *CreateGroupParams) (*Group, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	body := *p
	body.Roles = nonNilRoles(p.Roles)
	return object(ctx, s.c, http.MethodPost, static("/groups"), nil, &body, groupID)
}

// Get returns the group with the given name. GET /groups/{name}
func (s *GroupsService) Get(ctx context.Context, name string) (*Group, error) {
	r, err := at("/groups/{name}", name)
	if err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodGet, r, nil, nil, groupID)
}

// UpdateGroupParams are the new settings of a group.
type UpdateGroupParams struct {
	// Roles replaces the group's roles; nil or empty removes them all.
	Roles []Role `json:"roles"`
}

// Update replaces the roles of a group. PUT /groups/{name}
func (s *GroupsService) Update(ctx context.Context, name string, p *UpdateGroupParams) (*Group, error) {
	r, err := at("/groups/{name}", name)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, invalidParam("params", "must not be nil")
	}
	if err := validRoles("Roles", p.Roles); err != nil {
		return nil, err
	}
	body := UpdateGroupParams{Roles: nonNilRoles(p.Roles)}
	return object(ctx, s.c, http.MethodPut, r, nil, &body, groupID)
}

// Delete deletes a group; its members keep their accounts.
// DELETE /groups/{name}
func (s *GroupsService) Delete(ctx context.Context, name string) error {
	r, err := at("/groups/{name}", name)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}

// ListGroupMembersParams pages a list of a group's members. The zero value
// lists them 20 to a page.
type ListGroupMembersParams struct {
	Limit  int    // 1 to 100; 0 means the server's default (20)
	Cursor string // resume after the page that gave this cursor
}

func (p *ListGroupMembersParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	return q, p.Cursor, nil
}

func (s *GroupsService) membersPager(name string, p *ListGroupMembersParams) (*pager[User], string, error) {
	r, err := at("/groups/{name}/members", name)
	if err != nil {
		return nil, "", err
	}
	q, cursor, err := p.query()
	if err != nil {
		return nil, "", err
	}
	return newPager(s.c, r, q, cursorStyle, userID), cursor, nil
}

// ListMembers returns one page of the users in a group.
// GET /groups/{name}/members
func (s *GroupsService) ListMembers(ctx context.Context, name string, p *ListGroupMembersParams) (*Page[User], error) {
	pg, cursor, err := s.membersPager(name, p)
	if err != nil {
		return nil, err
	}
	return pg.page(ctx, cursor)
}

// AllMembers iterates over every user in a group, page by page, starting
// at p.Cursor. GET /groups/{name}/members
func (s *GroupsService) AllMembers(ctx context.Context, name string, p *ListGroupMembersParams) iter.Seq2[User, error] {
	pg, cursor, err := s.membersPager(name, p)
	if err != nil {
		return errSeq[User](err)
	}
	return pg.all(ctx, cursor)
}

// AddMember adds a user to a group; adding twice is no error.
// PUT /groups/{name}/members/{user_id}
func (s *GroupsService) AddMember(ctx context.Context, name, userID string) error {
	r, err := at("/groups/{name}/members/{user_id}", name, userID)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodPut, r, nil, nil, nil)
}

// RemoveMember removes a user from a group.
// DELETE /groups/{name}/members/{user_id}
func (s *GroupsService) RemoveMember(ctx context.Context, name, userID string) error {
	r, err := at("/groups/{name}/members/{user_id}", name, userID)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}

// validRoles checks that every role in rs is known.
func validRoles(field string, rs []Role) error {
	for _, r := range rs {
		if !r.Valid() {
			return invalidParam(field, "unknown role "+string(r))
		}
	}
	return nil
}

// nonNilRoles returns rs, or an empty slice for nil, so that the body
// carries the required "roles": [] rather than null.
func nonNilRoles(rs []Role) []Role {
	if rs == nil {
		return []Role{}
	}
	return rs
}
