package admintest

import (
	"net/http"
	"time"
)

// User is a user as the server sends it on the wire.
type User struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	Status      string     `json:"status"`
	Groups      []string   `json:"groups"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

// Group is a group of users sharing roles, as sent on the wire.
type Group struct {
	Name      string    `json:"name"`
	Roles     []string  `json:"roles"`
	Members   []string  `json:"members"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Project is a project on a cluster, as sent on the wire.
type Project struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	ClusterID    string    `json:"cluster_id"`
	DeservedGPUs int       `json:"deserved_gpus"`
	Members      []string  `json:"members"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Cluster is a read-only compute cluster, as sent on the wire.
type Cluster struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// AuditEvent is one entry of the audit log, as sent on the wire.
// UserID is the user bound to the principal that made the change.
type AuditEvent struct {
	ID         string         `json:"id"`
	Action     string         `json:"action"`
	UserID     string         `json:"user_id"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	CreatedAt  time.Time      `json:"created_at"`
	Metadata   map[string]any `json:"metadata"`
}

// Role is a role that can be granted, as listed by GET /v1/roles.
type Role struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Admin status values, as in Kong Enterprise.
const (
	AdminStatusApproved   = 0
	AdminStatusPending    = 1
	AdminStatusRejected   = 2
	AdminStatusRevoked    = 3
	AdminStatusInvited    = 4
	AdminStatusUnverified = 5
)

// Admin is a Kong-style admin; its times are Unix seconds.
type Admin struct {
	ID               string `json:"id"`
	Username         string `json:"username"`
	Email            string `json:"email"`
	CustomID         string `json:"custom_id"`
	Status           int    `json:"status"`
	RBACTokenEnabled bool   `json:"rbac_token_enabled"`
	CreatedAt        int64  `json:"created_at"`
	UpdatedAt        int64  `json:"updated_at"`
}

// RBACRole is a Kong RBAC role that admins can hold.
type RBACRole struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Comment   string `json:"comment"`
	CreatedAt int64  `json:"created_at"`
	IsDefault bool   `json:"is_default"`
	workspace string
}

// Workspace is a Kong workspace, as listed by GET /v1/admins/{name_or_id}/workspaces.
type Workspace struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Comment   string          `json:"comment"`
	CreatedAt int64           `json:"created_at"`
	Config    WorkspaceConfig `json:"config"`
	Meta      WorkspaceMeta   `json:"meta"`
}

// WorkspaceConfig is the portal configuration of a Workspace.
type WorkspaceConfig struct {
	Portal            bool `json:"portal"`
	PortalAutoApprove bool `json:"portal_auto_approve"`
}

// WorkspaceMeta holds the display settings of a Workspace.
type WorkspaceMeta struct {
	Color string `json:"color"`
}

// RecordedRequest is one request the server answered, as returned by Server.Requests.
type RecordedRequest struct {
	// Method and Path are the request's method and URL path; Query is its raw query.
	Method string
	Path   string
	Query  string
	// Header holds the request headers minus Authorization and Kong-Admin-Token.
	Header http.Header
	// Status is the status sent, or 0 when the connection was dropped.
	Status int
	// RequestID is the X-Request-Id the server sent.
	RequestID string
	// Fault is the fault the server injected into this request, if any.
	Fault FaultKind
}

// OAuthClient is a set of OAuth2 client credentials created by Server.NewOAuthClient.
type OAuthClient struct {
	ID     string
	Secret string
	// Role is the role the client's tokens act with; UserID is the user bound to it.
	Role   string
	UserID string
}
