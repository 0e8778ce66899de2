package redislimit_test

import (
	"context"
	"fmt"
	"log"
	"os"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
	"github.com/redis/go-redis/v9"
)

// Every process that holds the key shares one budget: the limit the
// server advertises, less 5%. Without Redis, each process goes on alone.
// (Not run by go test: it needs a Redis; TestFleetStaysUnderTheServersLimit
// runs the same against a real one.)
func Example() {
	opts, err := redis.ParseURL("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()

	c, err := admin.NewClient(
		admin.WithAPIKey(os.Getenv("ADMIN_API_KEY")),
		admin.WithLimiter(redislimit.New(rdb)),
	)
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range c.Users.All(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Email)
	}
}

// A budget set by hand, for a fleet that must leave room to others using
// the same key.
func ExampleWithBudget() {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"redis-1:6379", "redis-2:6379"}})
	lim := redislimit.New(rdb, redislimit.WithBudget(600), redislimit.WithKeyPrefix("billing:"))
	_, _ = admin.NewClient(admin.WithAPIKey(os.Getenv("ADMIN_API_KEY")), admin.WithLimiter(lim))
}
