module github.com/admin/api-go/redislimit

go 1.26.0

require (
	github.com/admin/api-go v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
	golang.org/x/time v0.15.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/admin/api-go => ../
