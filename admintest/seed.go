package admintest

import (
	"fmt"
	"time"
)

// DefaultAdminPassword is the password of the user bound to the default admin key.
const DefaultAdminPassword = "admintest-password"

// roles are the roles that can be granted, in the contract's order.
var roles = []Role{
	{Name: "admin", Description: "Full access to every resource, including admins and configuration."},
	{Name: "editor", Description: "Reads everything; creates, changes and deletes users, groups and projects."},
	{Name: "viewer", Description: "Reads everything; changes nothing."},
	{Name: "department_admin", Description: "Manages the projects and users of a department."},
	{Name: "researcher", Description: "Submits and manages workloads in assigned projects."},
	{Name: "research_manager", Description: "Oversees the researchers and workloads of assigned projects."},
	{Name: "ml_engineer", Description: "Deploys and manages inference workloads."},
}

func isRole(name string) bool {
	for _, r := range roles {
		if r.Name == name {
			return true
		}
	}
	return false
}

// seed fills an empty store: the default admin user, three clusters, Kong admins,
// RBAC roles and workspaces, and the users, groups and projects asked for.
func (s *service) seed(adminUser *userRec) {
	st, now := s.st, s.now()
	st.addUser(adminUser)
	for i, name := range []string{"cluster-a", "cluster-b", "cluster-c"} {
		c := Cluster{ID: s.newID("cls_"), Name: name,
			Description: fmt.Sprintf("Seeded cluster %d", i+1), CreatedAt: now}
		st.clusters[c.ID] = c
		st.clusterIdx.insert(c.ID)
	}
	unix := now.Unix()
	st.workspaces = []Workspace{
		{ID: newUUID(), Name: "default", Comment: "The default workspace", CreatedAt: unix,
			Meta: WorkspaceMeta{Color: "#3A5BBA"}},
		{ID: newUUID(), Name: "team-a", Comment: "Team A's services", CreatedAt: unix,
			Config: WorkspaceConfig{Portal: true, PortalAutoApprove: true}, Meta: WorkspaceMeta{Color: "#D1572B"}},
	}
	st.rbacRoles = []RBACRole{
		{ID: newUUID(), Name: "super-admin", Comment: "Full access to all endpoints, across all workspaces", CreatedAt: unix, workspace: "default"},
		{ID: newUUID(), Name: "admin", Comment: "Full access to all endpoints, across all workspaces, except RBAC Admin API", CreatedAt: unix, workspace: "default"},
		{ID: newUUID(), Name: "read-only", Comment: "Read access to all endpoints, across all workspaces", CreatedAt: unix, workspace: "default"},
		{ID: newUUID(), Name: "team-a-admin", Comment: "Full access to workspace team-a", CreatedAt: unix, workspace: "team-a"},
	}
	s.addAdmin(&adminRec{a: Admin{Username: "kong_admin", Email: "kong_admin@example.com",
		Status: AdminStatusApproved, RBACTokenEnabled: true}, password: "kong-password", roles: []string{"super-admin"}}, now)
	s.addAdmin(&adminRec{a: Admin{Username: "invited_admin", Email: "invited_admin@example.com",
		Status: AdminStatusInvited, RBACTokenEnabled: true}, registerToken: randomHex(16), roles: []string{"read-only"}}, now)

	var seeded []string
	for i := 1; i <= s.cfg.seedUsers; i++ {
		u := &userRec{u: User{ID: s.newID("usr_"), Name: fmt.Sprintf("Seed User %d", i),
			Email: fmt.Sprintf("seed-user-%d@example.com", i), Role: roles[(i-1)%len(roles)].Name,
			Status: "active", CreatedAt: now, UpdatedAt: now}, password: randomHex(8)}
		st.addUser(u)
		seeded = append(seeded, u.u.ID)
	}
	for i := 1; i <= s.cfg.seedGroups; i++ {
		g := &groupRec{name: fmt.Sprintf("group-%d", i), roles: []string{roles[(i-1)%len(roles)].Name},
			createdBy: adminUser.u.ID, createdAt: now, updatedAt: now}
		for j := i - 1; j < len(seeded) && j < i+2; j++ {
			g.members.insert(seeded[j])
		}
		st.groups[g.name] = g
		st.groupIdx.insert(g.name)
	}
	for i := 1; i <= s.cfg.seedProjects; i++ {
		p := &projectRec{p: Project{ID: s.newID("prj_"), Name: fmt.Sprintf("project-%d", i),
			Description: fmt.Sprintf("Seeded project %d", i), ClusterID: st.clusterIdx.keys[(i-1)%st.clusterIdx.len()],
			DeservedGPUs: i % 8, CreatedAt: now, UpdatedAt: now}}
		if len(seeded) > 0 {
			p.members.insert(seeded[(i-1)%len(seeded)])
		}
		st.projects[p.p.ID] = p
		st.projectIdx.insert(p.p.ID)
	}
}

// addAdmin gives a new admin its id, sequence number and times and stores it.
func (s *service) addAdmin(a *adminRec, now time.Time) {
	a.a.ID = newUUID()
	a.seq = s.seq.Add(1)
	a.a.CreatedAt, a.a.UpdatedAt = now.Unix(), now.Unix()
	s.st.admins[a.a.ID] = a
	s.st.adminIdx.insert(adminKey(a.seq, a.a.ID))
}
