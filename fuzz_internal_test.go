package admin

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets of this file reach the decoders that have no exported
// entry point of their own; fuzz_test.go fuzzes the same decoders through
// the client's public calls. Seed corpora live in testdata/fuzz/<target>/;
// .ci/fuzz.sh runs every target for a while.

// FuzzDecodeErrorBody checks that any error body decodes without panic into
// an *Error with a message, and that an envelope round-trips: the code,
// message and param the server sent are the ones the caller reads.
func FuzzDecodeErrorBody(f *testing.F) {
	f.Add(400, []byte(`{"error": {"code": "invalid_request", "message": "bad", "status": 400, "request_id": "req_1", "param": "email"}}`), "invalid_request", "bad", "email")
	f.Add(409, []byte(`{"code": 5, "name": "unique constraint violation", "message": "exists", "fields": {"username": "taken", "n": 3}}`), "conflict", "", "")
	f.Add(400, []byte(`{"code": 400, "message": "Required parameter is missing"}`), "", "m", "p")
	f.Add(401, []byte(`{"error": "invalid_client"}`), "invalid_client", "", "")
	f.Add(502, []byte("<html><body>502 Bad Gateway</body></html>"), "x", "y", "z")
	f.Add(500, []byte(`{"error": null, "message": 5, "code": [], "fields": []}`), "\xff", "\x00", "")
	f.Add(0, []byte(``), "", "", "")
	f.Fuzz(func(t *testing.T, status int, body []byte, code, message, param string) {
		e := &Error{StatusCode: status}
		decodeErrorBody(e, body)
		if e.Message == "" && http.StatusText(status) != "" {
			t.Fatalf("no message for status %d and body %q", status, body)
		}
		_ = e.Error()
		_ = errors.Is(e, ErrNotFound)

		// An envelope built by a server decodes to what it carried.
		env, err := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message, "param": param, "status": status}})
		if err != nil {
			t.Fatal(err)
		}
		var sent struct {
			Error struct{ Code, Message, Param string }
		}
		if err := json.Unmarshal(env, &sent); err != nil { // invalid UTF-8 is replaced on the way
			t.Fatal(err)
		}
		e = &Error{StatusCode: status}
		decodeErrorBody(e, env)
		want := sent.Error.Message
		if want == "" {
			want = http.StatusText(status)
		}
		if e.Code != sent.Error.Code || e.Message != want || e.Param != sent.Error.Param {
			t.Fatalf("envelope %s decoded to code %q message %q param %q", env, e.Code, e.Message, e.Param)
		}
	})
}

// FuzzParseRetryAfter checks that any Retry-After parses without panic to a
// wait that is never negative, that N delay-seconds parse to N*time.Second
// (capped at the largest Duration), and that an HTTP-date N seconds ahead
// parses to N seconds.
func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120", int64(120), int64(1700000000), int64(30))
	f.Add(" 0 ", int64(0), int64(0), int64(0))
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", int64(9223372036), int64(1445412480), int64(-5))
	f.Add("Sunday, 06-Nov-94 08:49:37 GMT", int64(9223372037), int64(784111777), int64(86400))
	f.Add("Sun Nov  6 08:49:37 1994", int64(1), int64(784111777), int64(1))
	f.Add("-1", int64(-1), int64(1), int64(1))
	f.Add("1e3", int64(99999999999999999), int64(-1), int64(1))
	f.Add("1.5", int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, v string, secs, nowUnix, ahead int64) {
		now := time.Unix(nowUnix%(1<<34), 0) // within a few hundred years of 1970 either way
		d, ok := parseRetryAfter(v, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("%q parsed to %v, %v", v, d, ok)
		}
		if secs >= 0 {
			d, ok := parseRetryAfter(strconv.FormatInt(secs, 10), now)
			want := time.Duration(math.MaxInt64 / int64(time.Second) * int64(time.Second))
			if secs <= math.MaxInt64/int64(time.Second) {
				want = time.Duration(secs) * time.Second
			}
			if !ok || d != want {
				t.Fatalf("%d seconds parsed to %v, %v; want %v", secs, d, ok, want)
			}
		}
		ahead %= 1 << 31 // a date within 68 years of now
		at := now.Add(time.Duration(ahead) * time.Second).UTC()
		if y := at.Year(); y < 1 || y > 9999 {
			return
		}
		d, ok = parseRetryAfter(at.Format(http.TimeFormat), now)
		want := time.Duration(max(ahead, 0)) * time.Second
		if !ok || d != want {
			t.Fatalf("a date %ds ahead parsed to %v, %v; want %v", ahead, d, ok, want)
		}
	})
}

// FuzzParseRateLimit checks that any X-RateLimit-* headers parse without
// panic, that nothing negative comes out, and that well-formed values are
// read as sent.
func FuzzParseRateLimit(f *testing.F) {
	f.Add("1000", "998", "1700000000", uint32(1000), uint32(998), uint32(1700000000))
	f.Add("", "", "", uint32(0), uint32(0), uint32(0))
	f.Add("-1", "-5", "-3", uint32(1), uint32(2), uint32(3))
	f.Add("1e3", "abc", "99999999999999999999", uint32(4294967295), uint32(0), uint32(1))
	f.Add(" 10", "10 ", "0x10", uint32(10), uint32(10), uint32(16))
	f.Fuzz(func(t *testing.T, limit, remaining, reset string, l, r, s uint32) {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset", reset)
		rl, ok := parseRateLimit(h)
		if rl.Limit < 0 || rl.Remaining < 0 || (!rl.Reset.IsZero() && rl.Reset.Unix() <= 0) || (!ok && rl != RateLimit{}) {
			t.Fatalf("%q %q %q parsed to %+v, %v", limit, remaining, reset, rl, ok)
		}
		h.Set("X-RateLimit-Limit", strconv.FormatUint(uint64(l), 10))
		h.Set("X-RateLimit-Remaining", strconv.FormatUint(uint64(r), 10))
		h.Set("X-RateLimit-Reset", strconv.FormatUint(uint64(s), 10))
		rl, ok = parseRateLimit(h)
		want := RateLimit{Limit: int(l), Remaining: int(r)}
		if s > 0 {
			want.Reset = time.Unix(int64(s), 0)
		}
		if !ok || rl != want {
			t.Fatalf("%d %d %d parsed to %+v, %v", l, r, s, rl, ok)
		}
	})
}

// fuzzItem is a list item for FuzzDecodePage.
type fuzzItem struct {
	ID string `json:"id"`
}

// FuzzDecodePage checks both pagination styles: any body decodes without
// panic; a cursor page that says it has no more has no cursor; a Kong page
// has more exactly when it has an offset, taken from "offset" or else from
// the query of "next" and never anything else.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"data": [{"id": "usr_1"}], "meta": {"next_cursor": "abc", "has_more": true}}`), false, "", "")
	f.Add([]byte(`{"data": [], "meta": {"next_cursor": null, "has_more": false}}`), false, "", "")
	f.Add([]byte(`{"data": [], "meta": {"next_cursor": "x", "has_more": false}}`), false, "", "")
	f.Add([]byte(`{"data": [{"id": "a"}], "meta": {"has_more": true}}`), false, "", "")
	f.Add([]byte(`{"data": [{"id": "a"}], "next": "/v1/admins?offset=b&size=1", "offset": "b"}`), true, "/v1/admins?offset=b&size=1", "b")
	f.Add([]byte(`{"data": [], "next": null}`), true, "https://kong.example:8001/admins?size=100&offset=WyJhIl0", "")
	f.Add([]byte(`{"data": [], "next": "%zz"}`), true, "%zz", "")
	f.Add([]byte(`{"data": [], "next": "/admins?size=1"}`), true, "/admins?offset=&size=1", "")
	f.Add([]byte(`{"data": {"id": 1}}`), true, "http://[::1]:namedport/admins?offset=1", "\x00")
	f.Add([]byte(`null`), false, "?offset=a&offset=b", "")
	f.Fuzz(func(t *testing.T, body []byte, kong bool, next, offset string) {
		style := cursorStyle
		if kong {
			style = kongStyle
		}
		var pg Page[fuzzItem]
		bad, err := decodePage(body, style, &pg)
		if err == nil && bad == "" {
			checkDecodedPage(t, style, &pg, body)
		}
		if !kong {
			return
		}
		// A Kong page built from next and offset.
		w := map[string]any{"data": []fuzzItem{}, "next": next}
		if offset != "" {
			w["offset"] = offset
		}
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var sent struct{ Next, Offset string }
		if err := json.Unmarshal(b, &sent); err != nil {
			t.Fatal(err)
		}
		pg = Page[fuzzItem]{}
		bad, err = decodePage(b, kongStyle, &pg)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		switch {
		case sent.Offset != "":
			if bad != "" || pg.NextCursor != sent.Offset || !pg.HasMore {
				t.Fatalf("%s: cursor %q, more %v, bad %q; want the offset", b, pg.NextCursor, pg.HasMore, bad)
			}
		case sent.Next == "":
			if bad != "" || pg.NextCursor != "" || pg.HasMore {
				t.Fatalf("%s: cursor %q, more %v, bad %q; want the last page", b, pg.NextCursor, pg.HasMore, bad)
			}
		default:
			u, perr := url.Parse(sent.Next)
			var want string
			if perr == nil {
				want = u.Query().Get("offset")
			}
			if want == "" && bad == "" || want != "" && (bad != "" || pg.NextCursor != want || !pg.HasMore) {
				t.Fatalf("%s: cursor %q, more %v, bad %q; want offset %q from next", b, pg.NextCursor, pg.HasMore, bad, want)
			}
		}
	})
}

func checkDecodedPage(t *testing.T, style pageStyle, pg *Page[fuzzItem], body []byte) {
	t.Helper()
	switch style {
	case kongStyle:
		if pg.HasMore != (pg.NextCursor != "") {
			t.Fatalf("%s: Kong page with more %v and cursor %q", body, pg.HasMore, pg.NextCursor)
		}
	default:
		if !pg.HasMore && pg.NextCursor != "" {
			t.Fatalf("%s: last page with cursor %q", body, pg.NextCursor)
		}
	}
}

// FuzzUnixSeconds checks Kong's Unix timestamps: any JSON value decodes
// without panic, to a time between 1970 and the end of 9999 or to an
// error; a number that decodes agrees with its float64 reading; and every
// time in range round-trips through MarshalJSON exactly, also when written
// in exponent form.
func FuzzUnixSeconds(f *testing.F) {
	for _, s := range []string{"1556638385", "1.556638385e+09", "1556638385.25", "0", "null", "-1", "1e400", "253402300799",
		"253402300800", "1E9", "0.0000000001", "01", "1.", ".5", `"1556638385"`, "1e-999999999", "1e+0000000000009", "-0"} {
		f.Add([]byte(s), int64(1556638385), uint32(250000000))
	}
	f.Fuzz(func(t *testing.T, b []byte, sec int64, nsec uint32) {
		var ut unixTime
		err := ut.UnmarshalJSON(b)
		if err != nil {
			if !errors.Is(err, errUnixTime) {
				t.Fatalf("%q: untyped error %v", b, err)
			}
		} else if !ut.IsZero() {
			u := ut.Unix()
			if u < 0 || u > maxUnixSeconds || ut.Location() != time.UTC {
				t.Fatalf("%q decoded to %v", b, ut.Time)
			}
			if fl, perr := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); perr == nil {
				got := float64(u) + float64(ut.Nanosecond())/1e9
				if math.Abs(got-fl) > 1e-6+math.Abs(fl)*1e-15 {
					t.Fatalf("%q decoded to %v (%f), float64 reads %f", b, ut.Time, got, fl)
				}
			}
		}

		// Round trip of a time in range.
		if sec < 0 {
			sec = -sec
		}
		sec %= maxUnixSeconds + 1
		in := time.Unix(sec, int64(nsec%1e9)).UTC()
		if in.IsZero() {
			return
		}
		enc, err := unixTime{in}.MarshalJSON()
		if err != nil {
			t.Fatalf("%v: %v", in, err)
		}
		var back unixTime
		if err := back.UnmarshalJSON(enc); err != nil || !back.Equal(in) {
			t.Fatalf("%v encoded as %s decoded to %v, %v", in, enc, back.Time, err)
		}
		if sec < 1<<53 {
			exp := strconv.FormatFloat(float64(sec), 'e', -1, 64)
			if err := back.UnmarshalJSON([]byte(exp)); err != nil || back.Unix() != sec || back.Nanosecond() != 0 {
				t.Fatalf("%d written as %s decoded to %v, %v", sec, exp, back.Time, err)
			}
		}
	})
}
