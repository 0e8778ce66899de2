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

// Common audit actions, for AuditEvent.Action and ListAuditLogsParams.Action.
// The server may write others; an unknown action is passed through as is.
const (
	ActionUserCreate        = "user.create"
	ActionUserUpdate        = "user.update"
	ActionUserDelete        = "user.delete"
	ActionUserLogin         = "user.login"
	ActionUserLogout        = "user.logout"
	ActionUserPasswordReset = "user.password_reset"

	ActionGroupCreate       = "group.create"
	ActionGroupUpdate       = "group.update"
	ActionGroupDelete       = "group.delete"
	ActionGroupMemberAdd    = "group.member_add"
	ActionGroupMemberRemove = "group.member_remove"

	ActionProjectCreate       = "project.create"
	ActionProjectUpdate       = "project.update"
	ActionProjectDelete       = "project.delete"
	ActionProjectMemberAdd    = "project.member_add"
	ActionProjectMemberRemove = "project.member_remove"

	ActionConfigUpdate = "config.update"
)

// AuditEvent is one entry of the audit log: who did what to which object.
type AuditEvent struct {
	ID         string         `json:"id"`      // "evt_…"
	Action     string         `json:"action"`  // such as ActionUserCreate
	UserID     string         `json:"user_id"` // the user who acted
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	CreatedAt  time.Time      `json:"created_at"`
	Metadata   map[string]any `json:"metadata"`
}

func auditEventID(e *AuditEvent) string { return e.ID }

// ListAuditLogsParams filters and pages the audit log. The zero value lists
// every event kept, oldest first, 20 to a page.
type ListAuditLogsParams struct {
	// Action keeps only events with this action, such as ActionUserCreate.
	Action string
	// UserID keeps only events by this user.
	UserID string
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
// resume walks the log with List instead and keeps each page's NextCursor.
// GET /audit-logs
func (s *AuditLogsService) All(ctx context.Context, p *ListAuditLogsParams) iter.Seq2[AuditEvent, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[AuditEvent](err)
	}
	return newPager(s.c, static("/audit-logs"), q, cursorStyle, auditEventID).all(ctx, cursor)
}
