package admintest_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/admin/api-go/admintest"
)

// ExampleNewServer creates a user with plain net/http and inspects the server.
func ExampleNewServer() {
	srv := admintest.NewServer(admintest.WithSeedData(2, 0, 0))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/users",
		strings.NewReader(`{"name":"Ann","email":"ann@example.com","role":"viewer"}`))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	u, _ := srv.UserByEmail("ann@example.com")
	fmt.Println(resp.StatusCode, u.Status, len(srv.Users()), srv.AuditLog()[0].Action)
	// Output: 201 invited 4 user.create
}

// ExampleServer_InjectFault loses the answer to one request after its change
// was committed, as a flaky network would.
func ExampleServer_InjectFault() {
	srv := admintest.NewServer()
	defer srv.Close()
	srv.InjectFault(admintest.FaultResetAfterCommit, 1)

	req, _ := http.NewRequest("POST", srv.URL+"/users",
		strings.NewReader(`{"name":"Ann","email":"ann@example.com","role":"viewer"}`))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	_, err := http.DefaultClient.Do(req)

	_, created := srv.UserByEmail("ann@example.com")
	fmt.Println(err != nil, created, srv.FaultCounts()[admintest.FaultResetAfterCommit])
	// Output: true true 1
}
