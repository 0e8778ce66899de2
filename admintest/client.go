package admintest

import admin "github.com/admin/api-go"

// Client returns an SDK client for the server, authenticated with its admin
// key. Options are applied after the base URL and key, so they can replace
// either. It is a convenience: the server itself does not use the SDK's
// types.
func (s *Server) Client(opts ...admin.Option) *admin.Client {
	base := []admin.Option{admin.WithBaseURL(s.URL), admin.WithAPIKey(s.APIKey)}
	c, err := admin.NewClient(append(base, opts...)...)
	if err != nil {
		panic("admintest: Client: " + err.Error())
	}
	return c
}
