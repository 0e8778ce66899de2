package admintest

import (
	"strings"
	"time"
)

func parseTimeParam(q map[string][]string, name string) (time.Time, *apiError) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, invalidErr(name, name+" must be an RFC 3339 time.")
	}
	return t, nil
}

func (s *service) listAuditLogs(c *call) result {
	q := c.r.URL.Query()
	limit, after, e := cursorParams(q, "audit")
	if e != nil {
		return c.fail(e)
	}
	start, e := parseTimeParam(q, "start_time")
	if e != nil {
		return c.fail(e)
	}
	end, e := parseTimeParam(q, "end_time")
	if e != nil {
		return c.fail(e)
	}
	action, user, target := q.Get("action"), q.Get("user_id"), q.Get("target_id")
	// "group.*" matches the family: every action starting with "group.".
	family, wildcard := strings.CutSuffix(action, ".*")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.prune(s.now())
	keys, more := s.st.eventIdx.page(after, limit, func(k string) bool {
		ev := s.st.events[k]
		switch {
		case action != "" && !wildcard && ev.Action != action:
			return false
		case wildcard && !strings.HasPrefix(ev.Action, family+"."):
			return false
		case user != "" && ev.UserID != user:
			return false
		case target != "" && ev.TargetID != target:
			return false
		case !start.IsZero() && ev.CreatedAt.Before(start):
			return false
		case !end.IsZero() && !ev.CreatedAt.Before(end):
			return false
		}
		return true
	})
	data := make([]AuditEvent, 0, len(keys))
	for _, k := range keys {
		data = append(data, s.st.events[k])
	}
	return jsonResult(200, newCursorPage("audit", data, keys, more))
}
