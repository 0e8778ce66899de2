package admintest

import admin "github.com/admin/api-go"

// Client returns an SDK client for the server, authenticated with its admin
// key. Options are applied after the base URL and key, so they can replace
// either. It panics if the options are invalid. It is a convenience and the
// package's only use of the SDK: the server's wire types and code are its
// own (its User.Role is a string where the SDK has admin.Role).
func (s *Server) Client(opts ...admin.Option) *admin.Client {
	base := []admin.Option{admin.WithBaseURL(s.URL), admin.WithAPIKey(s.APIKey)}
	c, err := admin.NewClient(append(base, opts...)...)
	if err != nil {
		panic("admintest: Client: " + err.Error())
	}
	return c
}
