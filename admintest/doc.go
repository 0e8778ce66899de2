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
// so it is safe for concurrent use.
//
// The server is written from the contract (api/openapi.yaml), not from the SDK,
// so that a test against it checks the SDK rather than agreeing with it. Its wire
// types (User, Group, AuditEvent, Admin, ...) are its own and follow the JSON on
// the wire: User.Role and Group.Roles are plain strings, Admin.Status a plain
// int, Admin times Unix seconds. Only one thing touches the SDK: Server.Client
// returns an *admin.Client already pointed at the server with its admin key, for
// convenience. The package imports the SDK for that alone (otherwise only the
// standard library); the server never uses the SDK's types or code.
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
//     editor may only read. No caller may act on a user or group holding a role above
//     its own, nor grant one (403): an editor cannot reset an admin's password, log an
//     admin out, change or delete an admin, make anyone an admin, or touch a group that
//     carries the admin role.
//   - Each API key and OAuth client is bound to a user of its own (its principal user),
//     which appears in GET /v1/users. The default admin key's user has the id
//     Server.AdminUserID and the password DefaultAdminPassword.
//   - GET /v1/me answers type "user" for an API key and "client" for an OAuth
//     client's token, with the principal user in "user" either way.
//   - The keys and OAuth sessions of an inactive or deleted user answer 401, and
//     its OAuth client gets no new token (401 invalid_client). Deactivating or
//     deleting a user ends its sessions for good; reactivating it revives its keys.
//   - Issuing an OAuth token counts as a login: it sets the principal user's
//     last_login_at and writes a user.login audit event.
//   - A change that changes nothing (adding a member twice, a PATCH with the current
//     values) succeeds without an audit event.
//   - An idempotency key's answer is kept unless the request failed validation (400),
//     was too large (413) or failed on the server (5xx); then the key may be used again.
//   - GET /v1/audit-logs takes start_time inclusive and end_time exclusive (RFC 3339),
//     action either exactly or as a family with ".*" (e.g. "group.*"), and target_id exactly.
//   - Project names are unique (409 conflict); group names are unique (409 conflict).
//   - Admins with a bad registration or reset token get 401 {"message": "Unauthorized"}
//     as Kong answers; an admin belongs to the "default" workspace and to the workspaces
//     of its RBAC roles. Every error on /v1/admins routes, including 401, 403, 413, 429
//     and injected faults, is Kong-style; a 400 naming a field uses Kong's schema
//     violation form {"code": 2, "name": "schema violation", "message", "fields"}.
//   - Requests without a valid token, and POST /v1/oauth/token, are not rate limited;
//     their X-RateLimit-* headers describe a full bucket.
//   - A known path with another method answers 405 (code invalid_request) with Allow;
//     an unknown path under /v1 answers 404 not_found, after authentication.
//   - A body over 1 MiB is read and discarded, up to 32 MiB, before the 413, so that a
//     client still sending sees the answer rather than a connection reset.
//   - Faults that reset the connection hijack it and close it with SO_LINGER 0 (a TCP
//     RST). Go's http.Transport retries a request on its own after such an error when
//     the connection was reused and the request is replayable (GET, or any request with
//     an Idempotency-Key header); tests that must see the error use a fresh connection.
package admintest
