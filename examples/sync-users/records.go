package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	admin "github.com/admin/api-go"
)

// Record is one user as the identity source exports it.
type Record struct {
	Email  string     `json:"email"`
	Name   string     `json:"name"`
	Role   admin.Role `json:"role"`
	Groups []string   `json:"groups"`
	Line   int        `json:"-"` // where the record starts in the file (CSV line or JSON array index + 1)
}

// maxFileSize bounds how much of an input file is read.
const maxFileSize = 64 << 20

// ParseRecords reads records in format ("csv" or "json") and checks them:
// every record needs a valid email, a name and a known role; an email
// (compared ignoring case) may appear once. All problems are reported
// together.
func ParseRecords(r io.Reader, format string) ([]Record, error) {
	return parseRecords(r, format, maxFileSize)
}

// parseRecords is ParseRecords reading at most limit bytes.
func parseRecords(r io.Reader, format string, limit int64) ([]Record, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	var recs []Record
	var err error
	switch format {
	case "csv":
		recs, err = parseCSV(lr)
	case "json":
		recs, err = parseJSON(lr)
	default:
		return nil, fmt.Errorf("unknown format %q (want csv or json)", format)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("file larger than %d bytes", limit)
	}
	if err != nil {
		return nil, err
	}
	return recs, validate(recs)
}

var csvColumns = []string{"email", "name", "role", "groups"}

func parseCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("csv: empty file: want a header line email,name,role,groups")
	}
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("csv: column %q appears twice in the header", h)
		}
		col[h] = i
	}
	for _, c := range csvColumns[:3] {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("csv: header lacks column %q (want %s)", c, strings.Join(csvColumns, ","))
		}
	}
	var recs []Record
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		field := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		rec := Record{Email: field("email"), Name: field("name"), Role: admin.Role(field("role")), Line: line}
		for g := range strings.SplitSeq(field("groups"), ";") {
			if g = strings.TrimSpace(g); g != "" {
				rec.Groups = append(rec.Groups, g)
			}
		}
		recs = append(recs, rec)
	}
}

func parseJSON(r io.Reader) ([]Record, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var recs []Record
	if err := dec.Decode(&recs); err != nil {
		return nil, fmt.Errorf("json: want an array of {email, name, role, groups}: %w", err)
	}
	if dec.More() {
		return nil, errors.New("json: data after the array")
	}
	for i := range recs {
		recs[i].Line = i + 1
		recs[i].Email = strings.TrimSpace(recs[i].Email)
		recs[i].Name = strings.TrimSpace(recs[i].Name)
		var gs []string
		for _, g := range recs[i].Groups {
			if g = strings.TrimSpace(g); g != "" {
				gs = append(gs, g)
			}
		}
		recs[i].Groups = gs
	}
	return recs, nil
}

// maxProblems is how many problems validate lists before it stops.
const maxProblems = 20

func validate(recs []Record) error {
	var problems []string
	seen := map[string]int{}
	for _, r := range recs {
		where := fmt.Sprintf("record %d", r.Line)
		if r.Email != "" {
			where += " (" + r.Email + ")"
		}
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
			problems = append(problems, where+": invalid email")
		}
		if r.Name == "" {
			problems = append(problems, where+": name is empty")
		}
		if !r.Role.Valid() {
			problems = append(problems, fmt.Sprintf("%s: unknown role %q", where, r.Role))
		}
		for _, g := range r.Groups {
			if g == "." || g == ".." || strings.ContainsFunc(g, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
				problems = append(problems, fmt.Sprintf("%s: invalid group name %q", where, g))
			}
		}
		if first, dup := seen[normEmail(r.Email)]; dup && r.Email != "" {
			problems = append(problems, fmt.Sprintf("%s: email already in record %d", where, first))
		} else {
			seen[normEmail(r.Email)] = r.Line
		}
	}
	n := len(problems)
	switch {
	case n == 0:
		return nil
	case n > maxProblems:
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", n-maxProblems))
	}
	return fmt.Errorf("%d problem(s) in the file: %s", n, strings.Join(problems, "; "))
}
