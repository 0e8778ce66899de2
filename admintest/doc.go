// Package admintest serves an in-memory fake of the Admin API for tests.
//
// NewServer starts a server on a loopback port and returns when it is ready:
//
//	srv := admintest.NewServer()
//	defer srv.Close()
//	// srv.URL is the base URL, e.g. http://127.0.0.1:41234/v1; srv.APIKey is an admin key.
//
// The server follows the wire contract of the Admin API (cursor and Kong pagination,
// the error envelope and Kong-style errors, idempotency keys, rate limits, OAuth2
// client credentials, audit events) and keeps all state in memory behind one mutex,
// so it is safe for concurrent use. It uses only the standard library and has wire
// types of its own; it does not import the SDK.
//
// Tests can inspect what happened on the server (Server.Requests, Server.AuditLog,
// Server.Users and friends), travel in time with WithClock, and make the server
// misbehave on purpose with WithFaults or Server.InjectFault.
//
// Decisions where the contract is silent:
//
//   - Every /v1 route but POST /v1/oauth/token needs a token, sent as
//     "Authorization: Bearer <token>" or, for Kong-style clients, "Kong-Admin-Token: <token>".
//     GET requests need any role; changes to users, groups and projects need editor or admin;
//     changes to admins need admin. POST /v1/me/password, POST /v1/admins/register and
//     POST|PATCH /v1/admins/password_resets accept any role (they act on the caller's own
//     password or are authorised by a token in the body). Roles other than admin and
//     editor may only read.
//   - Each API key and OAuth client is bound to a user of its own (its principal user),
//     which appears in GET /v1/users. The default admin key's user has the id
//     Server.AdminUserID and the password DefaultAdminPassword.
//   - Issuing an OAuth token counts as a login: it sets the principal user's
//     last_login_at and writes a user.login audit event.
//   - A change that changes nothing (adding a member twice, a PATCH with the current
//     values) succeeds without an audit event.
//   - An idempotency key's answer is kept unless the request failed validation (400),
//     was too large (413) or failed on the server (5xx); then the key may be used again.
//   - GET /v1/audit-logs takes start_time inclusive and end_time exclusive (RFC 3339),
//     and action either exactly or as a prefix with ".*" (e.g. "group.*").
//   - Project names are unique (409 conflict); group names are unique (409 conflict).
//   - Admins with a bad registration or reset token get 401 {"message": "Unauthorized"}
//     as Kong answers; an admin belongs to the "default" workspace and to the workspaces
//     of its RBAC roles.
package admintest
