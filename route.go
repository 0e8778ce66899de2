package admin

import (
	"net/url"
	"strings"
)

// escape escapes one path segment. An empty id, and "." or "..", which
// would name another path, are a caller's mistake.
func escape(field, v string) (string, error) {
	switch {
	case strings.TrimSpace(v) == "":
		return "", invalidParam(field, "must not be empty")
	case v == "." || v == "..":
		return "", invalidParam(field, "must not be a dot segment")
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", invalidParam(field, "must not contain control characters")
	}
	return url.PathEscape(v), nil
}

// route is where a call goes: tmpl is its path template in
// api/openapi.yaml without the "/v1" prefix, such as "/users/{id}", which
// is all an Observer sees; path is the path built from it, escaped and
// relative to the base URL, which is sent.
type route struct{ tmpl, path string }

// static returns the route of tmpl, a template without parameters.
func static(tmpl string) route { return route{tmpl, tmpl[1:]} }

// at returns the route of tmpl with its parameters replaced, in order, by
// the escaped values of args. A value that is not a valid path segment
// (see escape) is a caller's mistake, named by its parameter. tmpl is a
// literal of this package, with exactly one arg per parameter.
func at(tmpl string, args ...string) (route, error) {
	var b strings.Builder
	b.Grow(len(tmpl) + 24*len(args))
	rest := tmpl[1:]
	for _, v := range args {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			panic("admin: more values than parameters for " + tmpl)
		}
		e, err := escape(paramField(rest[i+1:j]), v)
		if err != nil {
			return route{}, err
		}
		b.WriteString(rest[:i])
		b.WriteString(e)
		rest = rest[j+1:]
	}
	if strings.IndexByte(rest, '{') >= 0 {
		panic("admin: fewer values than parameters for " + tmpl)
	}
	b.WriteString(rest)
	return route{tmpl, b.String()}, nil
}

// paramField is the Go name, as the methods' arguments spell it, of a
// path parameter of the spec.
func paramField(param string) string {
	switch param {
	case "user_id":
		return "userID"
	case "name_or_id":
		return "nameOrID"
	}
	return param
}
