// Package admin is a client for the Admin API: users, groups, roles,
// projects, clusters, admins and audit logs.
//
// # Getting started
//
// Create one Client and share it; it is safe for concurrent use:
//
//	c, err := admin.NewClient(admin.WithAPIKey(os.Getenv("ADMIN_API_KEY")))
//	if err != nil {
//		return err
//	}
//	u, err := c.Users.Create(ctx, &admin.CreateUserParams{
//		Name: "Ada Lovelace", Email: "ada@example.com", Role: admin.RoleEditor,
//	})
//
// NewClientFromEnv reads ADMIN_API_KEY (or ADMIN_CLIENT_ID and
// ADMIN_CLIENT_SECRET) and ADMIN_API_URL. Every method takes a context
// first and names its HTTP call in its documentation.
//
// # Authentication
//
// WithAPIKey sends a key as a bearer token. WithClientCredentials uses the
// OAuth2 client credentials grant, and WithTokenSource any
// golang.org/x/oauth2 token source; tokens are cached until they expire,
// and a token the server refuses before its expiry is replaced once.
//
// # Lists and iteration
//
// List returns one Page; All returns an iter.Seq2 that walks every page,
// fetching the next page while the loop body runs:
//
//	for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Role: admin.RoleViewer}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(u.Email)
//	}
//
// Breaking out of the loop stops fetching. To resume a walk later, save a
// Page's NextCursor and pass it as the Cursor of the next List or All.
//
// # Errors
//
// A failed call returns an *Error carrying the status, the server's code,
// message and request id. Match it with errors.Is against ErrNotFound,
// ErrConflict, ErrRateLimited and the other sentinels, or read its fields
// with errors.As. A mistake caught before sending, such as a missing
// required field, matches ErrInvalidParams and sends nothing.
//
// # Retries, rate limits and idempotency
//
// Connection errors and 429, 500, 502, 503 and 504 answers are retried with
// capped exponential backoff and full jitter, waiting as long as
// Retry-After asks (up to RetryPolicy.MaxWait), but never past the
// context's deadline. Every change (POST, PUT, PATCH, DELETE) carries an
// Idempotency-Key, the same on every attempt, so that a retry after a lost
// answer is not applied twice. When a change fails in a way that leaves its
// outcome unknown, the error matches ErrPossiblyApplied. A client-side rate
// limiter, which learns the server's limit from its X-RateLimit-* headers,
// paces every attempt.
//
// # Limiters and observers
//
// Every attempt of every call takes one path: the Client's Limiter waits,
// the Observers see the attempt start, the request is sent with the
// credentials of the moment, the Limiter learns from the answer, and the
// Observers see the attempt end and why another follows. WithLimiter
// replaces the limiter, to share one budget between Clients or processes;
// WithObserver adds an Observer, for logs, metrics or traces. A Limiter
// sees each Client's Scope (its server and principal, hashed); an
// Observer sees each call's route template, such as "/users/{id}", never
// the ids in its path.
//
// # Secrets
//
// Keys, tokens and passwords never appear in errors, logs or fmt output:
// password fields have the type Secret, which prints as [REDACTED].
//
// # Testing
//
// Package github.com/admin/api-go/admintest serves the whole Admin API in
// memory on loopback, with rate limits, latency and injected faults, so
// that code using this package can be tested without an account or a
// network.
package admin
