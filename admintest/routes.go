package admintest

import (
	"net/http"
	"strings"
)

// routes registers every endpoint of the contract.
func (s *service) routes() {
	s.table = append(s.table, route{pattern: "POST /v1/oauth/token", public: true})
	s.mux.HandleFunc("POST /v1/oauth/token", s.token)

	s.api("GET /v1/users", permRead, s.listUsers)
	s.api("POST /v1/users", permEdit, s.createUser)
	s.api("GET /v1/users/{id}", permRead, s.getUser)
	s.api("PATCH /v1/users/{id}", permEdit, s.patchUser)
	s.api("DELETE /v1/users/{id}", permEdit, s.deleteUser)
	s.api("POST /v1/users/{id}/logout", permEdit, s.logoutUser)
	s.api("POST /v1/users/{id}/password", permEdit, s.resetUserPassword)
	s.api("GET /v1/me", permRead, s.getMe)
	s.api("POST /v1/me/password", permRead, s.changeOwnPassword)
	s.api("GET /v1/roles", permRead, s.listRoles)

	s.api("GET /v1/groups", permRead, s.listGroups)
	s.api("POST /v1/groups", permEdit, s.createGroup)
	s.api("GET /v1/groups/{name}", permRead, s.getGroup)
	s.api("PUT /v1/groups/{name}", permEdit, s.putGroup)
	s.api("DELETE /v1/groups/{name}", permEdit, s.deleteGroup)
	s.api("GET /v1/groups/{name}/members", permRead, s.listGroupMembers)
	s.api("PUT /v1/groups/{name}/members/{user_id}", permEdit, s.addGroupMember)
	s.api("DELETE /v1/groups/{name}/members/{user_id}", permEdit, s.removeGroupMember)

	s.api("GET /v1/projects", permRead, s.listProjects)
	s.api("POST /v1/projects", permEdit, s.createProject)
	s.api("GET /v1/projects/{id}", permRead, s.getProject)
	s.api("PATCH /v1/projects/{id}", permEdit, s.patchProject)
	s.api("DELETE /v1/projects/{id}", permEdit, s.deleteProject)
	s.api("PUT /v1/projects/{id}/members/{user_id}", permEdit, s.addProjectMember)
	s.api("DELETE /v1/projects/{id}/members/{user_id}", permEdit, s.removeProjectMember)
	s.api("GET /v1/clusters", permRead, s.listClusters)
	s.api("GET /v1/clusters/{id}", permRead, s.getCluster)

	s.api("GET /v1/audit-logs", permRead, s.listAuditLogs)

	s.api("GET /v1/admins", permRead, s.listAdmins)
	s.api("POST /v1/admins", permAdmin, s.inviteAdmin)
	s.api("POST /v1/admins/register", permRead, s.registerAdmin)
	s.api("POST /v1/admins/password_resets", permRead, s.requestAdminPasswordReset)
	s.api("PATCH /v1/admins/password_resets", permRead, s.resetAdminPassword)
	s.api("GET /v1/admins/{name_or_id}", permRead, s.getAdmin)
	s.api("PATCH /v1/admins/{name_or_id}", permAdmin, s.patchAdmin)
	s.api("DELETE /v1/admins/{name_or_id}", permAdmin, s.deleteAdmin)
	s.api("GET /v1/admins/{name_or_id}/roles", permRead, s.listAdminRoles)
	s.api("POST /v1/admins/{name_or_id}/roles", permAdmin, s.addAdminRoles)
	s.api("DELETE /v1/admins/{name_or_id}/roles", permAdmin, s.removeAdminRoles)
	s.api("GET /v1/admins/{name_or_id}/workspaces", permRead, s.listAdminWorkspaces)

	s.api("/v1/", permRead, s.noRoute)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeResult(w, errorResult(styleEnvelope, infoOf(r).id, apiError{status: 404,
			message: "No such route; the API lives under /v1."}))
	})
}

// noRoute answers 405 when the path exists with other methods, else 404.
func (s *service) noRoute(c *call) result {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r2 := c.r.Clone(c.r.Context())
		r2.Method = m
		if _, pattern := s.mux.Handler(r2); pattern != "" && pattern != "/v1/" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return c.fail(&apiError{status: 404, code: "not_found", message: "No such route."})
	}
	res := c.fail(&apiError{status: 405, code: "invalid_request",
		message: "Method " + c.r.Method + " is not allowed here."})
	res.header.Set("Allow", strings.Join(allow, ", "))
	return res
}

func (s *service) listRoles(c *call) result {
	return jsonResult(200, map[string][]Role{"data": roles})
}
