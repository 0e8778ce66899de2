package admintest

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"time"
)

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func oauthError(status int, code string) result {
	res := jsonResult(status, map[string]string{"error": code})
	res.header.Set("Cache-Control", "no-store")
	return res
}

// token serves POST /v1/oauth/token: the client credentials grant of RFC 6749
// §4.4, with the client's credentials in HTTP Basic auth or in the form.
func (s *service) token(w http.ResponseWriter, r *http.Request) {
	s.serveFaulty(w, r, true, func() result { return s.issueToken(r) })
}

func (s *service) issueToken(r *http.Request) result {
	body, err := readBody(r)
	switch {
	case errors.Is(err, errTooLarge):
		return oauthError(413, "invalid_request")
	case err != nil:
		return oauthError(400, "invalid_request")
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return oauthError(400, "invalid_request")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return oauthError(400, "invalid_request")
	}
	switch form.Get("grant_type") {
	case "client_credentials":
	case "":
		return oauthError(400, "invalid_request")
	default:
		return oauthError(400, "unsupported_grant_type")
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: Basic credentials are form-encoded first.
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	now := s.now()
	p, ok := s.auth.client(id, secret)
	if ok {
		s.mu.Lock()
		// The client's user must be able to act; issuing counts as its login.
		if u, found := s.st.users[p.userID]; found && u.u.Status != "inactive" {
			t := now
			u.u.LastLoginAt = &t
			s.addEvent(&call{p: p, ip: clientIP(r)}, now, "user.login", "user", p.userID, map[string]any{"client_id": id})
		} else {
			ok = false
		}
		s.mu.Unlock()
	}
	if !ok {
		res := oauthError(401, "invalid_client")
		if basic {
			res.header.Set("WWW-Authenticate", `Basic realm="admintest"`)
		}
		return res
	}
	tok := s.auth.issue(p, now, s.cfg.tokenTTL)
	res := jsonResult(200, tokenResponse{AccessToken: tok, TokenType: "Bearer",
		ExpiresIn: int64(s.cfg.tokenTTL / time.Second)})
	res.header.Set("Cache-Control", "no-store")
	return res
}
