package admintest

import (
	"slices"
)

type projectReq struct {
	Name         *string   `json:"name"`
	ClusterID    *string   `json:"cluster_id"`
	Description  *string   `json:"description"`
	DeservedGPUs *int      `json:"deserved_gpus"`
	Members      *[]string `json:"members"`
}

// check validates the fields present; create also requires name and cluster_id.
// The caller holds the lock, since clusters and members are looked up.
func (s *service) checkProject(req *projectReq, create bool) *apiError {
	if req.Name != nil || create {
		if e := validName("name", req.Name); e != nil {
			return e
		}
	}
	if req.ClusterID != nil || create {
		if req.ClusterID == nil {
			return requiredErr("cluster_id")
		}
		if _, ok := s.st.clusters[*req.ClusterID]; !ok {
			return invalidErr("cluster_id", "Unknown cluster "+quote(*req.ClusterID)+".")
		}
	}
	if req.DeservedGPUs != nil && (*req.DeservedGPUs < 0 || *req.DeservedGPUs > 1<<20) {
		return invalidErr("deserved_gpus", "deserved_gpus must be between 0 and 1048576.")
	}
	if req.Members != nil {
		for _, id := range *req.Members {
			if _, ok := s.st.users[id]; !ok {
				return invalidErr("members", "Unknown user "+quote(id)+".")
			}
		}
	}
	return nil
}

func (s *service) nameTaken(name, except string) bool {
	for id, p := range s.st.projects {
		if id != except && p.p.Name == name {
			return true
		}
	}
	return false
}

func (s *service) listProjects(c *call) result {
	q := c.r.URL.Query()
	limit, after, e := cursorParams(q, "projects")
	if e != nil {
		return c.fail(e)
	}
	cluster := q.Get("cluster_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, more := s.st.projectIdx.page(after, limit, func(id string) bool {
		return cluster == "" || s.st.projects[id].p.ClusterID == cluster
	})
	data := make([]Project, 0, len(keys))
	for _, id := range keys {
		data = append(data, s.st.projects[id].view())
	}
	return jsonResult(200, newCursorPage("projects", data, keys, more))
}

func (s *service) createProject(c *call) result {
	var req projectReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.checkProject(&req, true); e != nil {
		return c.fail(e)
	}
	if s.nameTaken(*req.Name, "") {
		return c.fail(&apiError{status: 409, code: "conflict", param: "name", message: "A project with this name already exists."})
	}
	now := s.now()
	p := &projectRec{p: Project{ID: s.newID("prj_"), Name: *req.Name, ClusterID: *req.ClusterID,
		CreatedAt: now, UpdatedAt: now}}
	if req.Description != nil {
		p.p.Description = *req.Description
	}
	if req.DeservedGPUs != nil {
		p.p.DeservedGPUs = *req.DeservedGPUs
	}
	if req.Members != nil {
		for _, id := range *req.Members {
			p.members.insert(id)
		}
	}
	s.st.projects[p.p.ID] = p
	s.st.projectIdx.insert(p.p.ID)
	s.addEvent(c, now, "project.create", "project", p.p.ID, map[string]any{"name": p.p.Name})
	res := jsonResult(201, p.view())
	res.header.Set("Location", "/v1/projects/"+p.p.ID)
	return res
}

func (s *service) getProject(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.projects[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("project"))
	}
	return jsonResult(200, p.view())
}

func (s *service) patchProject(c *call) result {
	var req projectReq
	if res, ok := c.decode(&req); !ok {
		return res
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.projects[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("project"))
	}
	if e := s.checkProject(&req, false); e != nil {
		return c.fail(e)
	}
	if req.Name != nil && s.nameTaken(*req.Name, p.p.ID) {
		return c.fail(&apiError{status: 409, code: "conflict", param: "name", message: "A project with this name already exists."})
	}
	var changed []string
	setS := func(field string, dst *string, v *string) {
		if v != nil && *dst != *v {
			*dst, changed = *v, append(changed, field)
		}
	}
	setS("name", &p.p.Name, req.Name)
	setS("cluster_id", &p.p.ClusterID, req.ClusterID)
	setS("description", &p.p.Description, req.Description)
	if req.DeservedGPUs != nil && p.p.DeservedGPUs != *req.DeservedGPUs {
		p.p.DeservedGPUs, changed = *req.DeservedGPUs, append(changed, "deserved_gpus")
	}
	if req.Members != nil {
		var m sortedIndex
		for _, id := range *req.Members {
			m.insert(id)
		}
		if !slices.Equal(m.keys, p.members.keys) {
			p.members, changed = m, append(changed, "members")
		}
	}
	if len(changed) > 0 {
		now := s.now()
		p.p.UpdatedAt = now
		s.addEvent(c, now, "project.update", "project", p.p.ID, map[string]any{"fields": changed})
	}
	return jsonResult(200, p.view())
}

func (s *service) deleteProject(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.r.PathValue("id")
	if _, ok := s.st.projects[id]; !ok {
		return c.fail(notFoundErr("project"))
	}
	delete(s.st.projects, id)
	s.st.projectIdx.remove(id)
	s.addEvent(c, s.now(), "project.delete", "project", id, nil)
	return emptyResult(204)
}

func (s *service) addProjectMember(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.projects[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("project"))
	}
	uid := c.r.PathValue("user_id")
	if _, ok := s.st.users[uid]; !ok {
		return c.fail(notFoundErr("user"))
	}
	if !p.members.has(uid) {
		now := s.now()
		p.members.insert(uid)
		p.p.UpdatedAt = now
		s.addEvent(c, now, "project.member_add", "project", p.p.ID, map[string]any{"user_id": uid})
	}
	return emptyResult(204)
}

func (s *service) removeProjectMember(c *call) result {
	if e := decodeEmpty(c.body); e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.projects[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("project"))
	}
	uid := c.r.PathValue("user_id")
	if p.members.remove(uid) {
		now := s.now()
		p.p.UpdatedAt = now
		s.addEvent(c, now, "project.member_remove", "project", p.p.ID, map[string]any{"user_id": uid})
	}
	return emptyResult(204)
}

func (s *service) listClusters(c *call) result {
	limit, after, e := cursorParams(c.r.URL.Query(), "clusters")
	if e != nil {
		return c.fail(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, more := s.st.clusterIdx.page(after, limit, nil)
	data := make([]Cluster, 0, len(keys))
	for _, id := range keys {
		data = append(data, s.st.clusters[id])
	}
	return jsonResult(200, newCursorPage("clusters", data, keys, more))
}

func (s *service) getCluster(c *call) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, ok := s.st.clusters[c.r.PathValue("id")]
	if !ok {
		return c.fail(notFoundErr("cluster"))
	}
	return jsonResult(200, cl)
}
