package admin

import (
	"context"
	"iter"
	"net/url"
	"time"
)

// AuditLogsService reads the audit log, one event for every successful
// change: GET /audit-logs. Events are kept 90 days.
type AuditLogsService service

// Audit actions, for AuditEvent.Action and ListAuditLogsParams.Action.
// Each comment says what the event's TargetType and TargetID name and
// which Metadata keys it carries. The server may write other actions and
// keys; they are passed through as they are.
const (
	ActionUserCreate         = "user.create"          // "user", the new user's id; email, role
	ActionUserUpdate         = "user.update"          // "user", the user's id; fields: the names changed
	ActionUserDelete         = "user.delete"          // "user", the deleted user's id; none
	ActionUserLogin          = "user.login"           // "user", the id of the user logging in; client_id for an OAuth token
	ActionUserLogout         = "user.logout"          // "user", the user's id; sessions_ended: how many
	ActionUserPasswordReset  = "user.password_reset"  // "user", the user's id; none (never the password)
	ActionUserPasswordChange = "user.password_change" // "user", the caller's own id; none (never the password)

	ActionGroupCreate       = "group.create"        // "group", the group's name; roles
	ActionGroupUpdate       = "group.update"        // "group", the group's name; roles: the new roles
	ActionGroupDelete       = "group.delete"        // "group", the group's name; none
	ActionGroupMemberAdd    = "group.member_add"    // "group", the group's name; user_id of the member
	ActionGroupMemberRemove = "group.member_remove" // "group", the group's name; user_id of the member

	ActionProjectCreate       = "project.create"        // "project", the new project's id; name
	ActionProjectUpdate       = "project.update"        // "project", the project's id; fields: the names changed
	ActionProjectDelete       = "project.delete"        // "project", the project's id; none
	ActionProjectMemberAdd    = "project.member_add"    // "project", the project's id; user_id of the member
	ActionProjectMemberRemove = "project.member_remove" // "project", the project's id; user_id of the member

	ActionAdminCreate               = "admin.create"                 // "admin", the invited admin's id; username
	ActionAdminUpdate               = "admin.update"                 // "admin", the admin's id; fields: the names changed
	ActionAdminDelete               = "admin.delete"                 // "admin", the admin's id; username
	ActionAdminRegister             = "admin.register"               // "admin", the admin's id; none
	ActionAdminPasswordResetRequest = "admin.password_reset_request" // "admin", the admin's id; none
	ActionAdminPasswordReset        = "admin.password_reset"         // "admin", the admin's id; none
	ActionAdminRolesAdd             = "admin.roles_add"              // "admin", the admin's id; roles: the names added
	ActionAdminRolesRemove          = "admin.roles_remove"           // "admin", the admin's id; roles: the names removed

	// ActionConfigUpdate is a configuration change made outside these
	// resources; its target and metadata are as the server describes them.
	ActionConfigUpdate = "config.update"
)

// AuditEvent is one entry of the audit log: who did what to which object.
// What TargetType, TargetID and Metadata hold depends on the action; the
// Action constants say it for each.
type AuditEvent struct {
	ID         string         `json:"id"`          // "evt_…"
	Action     string         `json:"action"`      // such as ActionUserCreate
	UserID     string         `json:"user_id"`     // the user who acted
	TargetType string         `json:"target_type"` // "user", "group", "project", "admin", ...
	TargetID   string         `json:"target_id"`   // the object acted on: a user's id, a group's name, ...
	IP         string         `json:"ip"`
	CreatedAt  time.Time      `json:"created_at"`
	Metadata   map[string]any `json:"metadata"` // details of the action; empty when it has none
}

func auditEventID(e *AuditEvent) string { return e.ID }

// ListAuditLogsParams filters and pages the audit log. The zero value lists
// every event kept, oldest first, 20 to a page.
type ListAuditLogsParams struct {
	// Action keeps only events with this action, such as
	// ActionUserCreate. An action ending in ".*" keeps its whole family:
	// "group.*" keeps ActionGroupCreate, ActionGroupMemberAdd and the
	// other group actions.
	Action string
	// UserID keeps only events by this user (who acted).
	UserID string
	// TargetID keeps only events about this object (AuditEvent.TargetID):
	// a user's id, a group's name, a project's id or an admin's id.
	TargetID string
	// StartTime keeps only events at or after this time; zero means no
	// lower bound.
	StartTime time.Time
	// EndTime keeps only events before this time; zero means no upper
	// bound. It must be after StartTime.
	EndTime time.Time
	Limit   int    // 1 to 100; 0 means the server's default (20)
	Cursor  string // resume after the page that gave this cursor
}

func (p *ListAuditLogsParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	if p.Action != "" {
		q.Set("action", p.Action)
	}
	if p.UserID != "" {
		q.Set("user_id", p.UserID)
	}
	if p.TargetID != "" {
		q.Set("target_id", p.TargetID)
	}
	if err := timeQuery(q, "StartTime", "start_time", p.StartTime); err != nil {
		return nil, "", err
	}
	if err := timeQuery(q, "EndTime", "end_time", p.EndTime); err != nil {
		return nil, "", err
	}
	if !p.StartTime.IsZero() && !p.EndTime.IsZero() && !p.EndTime.After(p.StartTime) {
		return nil, "", invalidParam("EndTime", "must be after StartTime")
	}
	return q, p.Cursor, nil
}

// timeQuery sets a non-zero t as query parameter name in RFC 3339, in UTC,
// with fractional seconds only when t has them.
func timeQuery(q url.Values, field, name string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return invalidParam(field, "year must be between 0 and 9999")
	}
	q.Set(name, t.Format(time.RFC3339Nano))
	return nil
}

// List returns one page of audit events, oldest first.
// GET /audit-logs
func (s *AuditLogsService) List(ctx context.Context, p *ListAuditLogsParams) (*Page[AuditEvent], error) {
	q, cursor, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/audit-logs"), q, cursorStyle, auditEventID).page(ctx, cursor)
}

// All iterates over every audit event matching p, oldest first, page by
// page, starting at p.Cursor. An export that must be able to stop and
// resume walks the log with Pages instead and keeps each page's
// NextCursor. GET /audit-logs
func (s *AuditLogsService) All(ctx context.Context, p *ListAuditLogsParams) iter.Seq2[AuditEvent, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[AuditEvent](err)
	}
	return newPager(s.c, static("/audit-logs"), q, cursorStyle, auditEventID).all(ctx, cursor)
}

// Pages iterates over the pages of audit events matching p, oldest
// first, starting at p.Cursor. Each page's NextCursor resumes the walk
// after it, now or in a later run: an export keeps the cursor of the last
// page it wrote. Pages checks the pages as All does and fetches the next
// one while the caller works on the current one; breaking out stops it
// cleanly. GET /audit-logs
func (s *AuditLogsService) Pages(ctx context.Context, p *ListAuditLogsParams) iter.Seq2[*Page[AuditEvent], error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[*Page[AuditEvent]](err)
	}
	return newPager(s.c, static("/audit-logs"), q, cursorStyle, auditEventID).pages(ctx, cursor)
}
