// Command create-user-and-project makes sure that a user exists and is a
// member of a project on a cluster, creating what is missing. It is safe to
// run again: a second run finds the user and the project and changes
// nothing.
//
//	create-user-and-project -email ada@example.com -name "Ada Lovelace" -project analytics
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/examples/internal/cli"
)

const prog = "create-user-and-project"

func main() { cli.Main(prog, run) }

type options struct {
	email, name, project, cluster, description string
	role                                       admin.Role
	invite                                     bool
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet(prog, prog+" -email EMAIL -project NAME [-name NAME] [-role ROLE] [-cluster ID_OR_NAME]\n\n"+
		"Finds the user with EMAIL (ignoring case) or creates them, finds the project NAME or\n"+
		"creates it on the cluster, and makes the user a member. Running it again changes\n"+
		"nothing. An existing user keeps their name and role; an existing project keeps its\n"+
		"cluster.", stderr)
	var o options
	var role string
	fs.StringVar(&o.email, "email", "", "the user's email (required)")
	fs.StringVar(&o.name, "name", "", "the user's name, if the user is created (default: the email's local part)")
	fs.StringVar(&role, "role", string(admin.RoleResearcher), "the user's `role`, if the user is created: one of "+cli.RoleNames())
	fs.BoolVar(&o.invite, "invite", true, "email a new user an invitation")
	fs.StringVar(&o.project, "project", "", "the project's name (required)")
	fs.StringVar(&o.description, "description", "", "the project's description, if the project is created")
	fs.StringVar(&o.cluster, "cluster", "", "id or name of the cluster to create the project on (default: the first cluster listed)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	o.role = admin.Role(role)
	switch {
	case o.email == "":
		return cli.Usagef("-email is required")
	case o.project == "":
		return cli.Usagef("-project is required")
	case !o.role.Valid():
		return cli.Usagef("-role %q: unknown role; the roles are %s", role, cli.RoleNames())
	}
	if o.name == "" {
		o.name, _, _ = strings.Cut(o.email, "@")
	}

	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 5, Projects: 2})
	if err != nil {
		return err
	}
	defer conn.Close()
	c := conn.Client

	u, userCreated, err := ensureUser(ctx, c, o)
	if err != nil {
		return err
	}
	p, cl, projectCreated, memberAdded, err := ensureProject(ctx, c, o, u.ID)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "user     %s  %s  %q  role=%s  status=%s  (%s)\n",
		u.ID, u.Email, u.Name, u.Role, u.Status, verb(userCreated, "created", "existed"))
	fmt.Fprintf(stdout, "project  %s  %s  cluster=%s (%s)  members=%d  (%s)\n",
		p.ID, p.Name, cl.Name, cl.ID, len(p.Members), verb(projectCreated, "created", "existed"))
	switch {
	case !userCreated && !projectCreated && !memberAdded:
		fmt.Fprintf(stdout, "Nothing to change: %s is already a member of %s.\n", u.Email, p.Name)
	case memberAdded:
		fmt.Fprintf(stdout, "Added %s to %s.\n", u.Email, p.Name)
	default:
		fmt.Fprintf(stdout, "Done: %s is a member of %s.\n", u.Email, p.Name)
	}
	return nil
}

func verb(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// findUser returns the user whose email is email, ignoring case, or nil.
// The server's q filter matches substrings, so the match is checked here.
func findUser(ctx context.Context, c *admin.Client, email string) (*admin.User, error) {
	for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Query: email, Limit: 100}) {
		if err != nil {
			return nil, fmt.Errorf("look up user %s: %w", email, err)
		}
		if strings.EqualFold(u.Email, email) {
			return &u, nil
		}
	}
	return nil, nil
}

// ensureUser finds the user or creates them. Someone else may create the
// same email between the look-up and the create: the API answers 409
// (email_taken), and the user is looked up again.
func ensureUser(ctx context.Context, c *admin.Client, o options) (u *admin.User, created bool, err error) {
	if u, err = findUser(ctx, c, o.email); err != nil || u != nil {
		return u, false, err
	}
	u, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: o.name, Email: o.email, Role: o.role, SendInvitation: &o.invite})
	if errors.Is(err, admin.ErrConflict) {
		if u, err = findUser(ctx, c, o.email); err == nil && u == nil {
			err = fmt.Errorf("create user %s: the API says the email is taken, but no user has it", o.email)
		}
		return u, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("create user %s: %w", o.email, err)
	}
	return u, true, nil
}

// findProject returns the project named name, or nil.
func findProject(ctx context.Context, c *admin.Client, name string) (*admin.Project, error) {
	for p, err := range c.Projects.All(ctx, &admin.ListProjectsParams{Limit: 100}) {
		if err != nil {
			return nil, fmt.Errorf("look up project %s: %w", name, err)
		}
		if p.Name == name {
			return &p, nil
		}
	}
	return nil, nil
}

// findCluster returns the cluster whose id or name is idOrName, or the
// first cluster listed when idOrName is empty.
func findCluster(ctx context.Context, c *admin.Client, idOrName string) (*admin.Cluster, error) {
	for cl, err := range c.Clusters.All(ctx, &admin.ListClustersParams{Limit: 100}) {
		if err != nil {
			return nil, fmt.Errorf("list clusters: %w", err)
		}
		if idOrName == "" || cl.ID == idOrName || cl.Name == idOrName {
			return &cl, nil
		}
	}
	if idOrName == "" {
		return nil, errors.New("no cluster to create the project on")
	}
	return nil, fmt.Errorf("no cluster with id or name %q", idOrName)
}

// ensureProject finds the project or creates it with the user as its
// member, and adds the user to an existing project. A project created by
// someone else at the same moment (409) is looked up again.
func ensureProject(ctx context.Context, c *admin.Client, o options, userID string) (p *admin.Project, cl *admin.Cluster, created, added bool, err error) {
	if p, err = findProject(ctx, c, o.project); err != nil {
		return nil, nil, false, false, err
	}
	if p == nil {
		if cl, err = findCluster(ctx, c, o.cluster); err != nil {
			return nil, nil, false, false, err
		}
		p, err = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: o.project, ClusterID: cl.ID,
			Description: o.description, Members: []string{userID}})
		switch {
		case err == nil:
			return p, cl, true, false, nil
		case !errors.Is(err, admin.ErrConflict):
			return nil, nil, false, false, fmt.Errorf("create project %s: %w", o.project, err)
		}
		if p, err = findProject(ctx, c, o.project); err == nil && p == nil {
			err = fmt.Errorf("create project %s: the API says the name is taken, but no project has it", o.project)
		}
		if err != nil {
			return nil, nil, false, false, err
		}
	}
	if cl == nil || cl.ID != p.ClusterID {
		if cl, err = c.Clusters.Get(ctx, p.ClusterID); err != nil {
			return nil, nil, false, false, fmt.Errorf("get cluster of project %s: %w", p.Name, err)
		}
	}
	if o.cluster != "" && o.cluster != cl.ID && o.cluster != cl.Name {
		return nil, nil, false, false, fmt.Errorf("project %s exists on cluster %s (%s), not on %s", p.Name, cl.Name, cl.ID, o.cluster)
	}
	if !slices.Contains(p.Members, userID) {
		if err := c.Projects.AddMember(ctx, p.ID, userID); err != nil {
			return nil, nil, false, false, fmt.Errorf("add %s to project %s: %w", o.email, p.Name, err)
		}
		p.Members = append(p.Members, userID)
		added = true
	}
	return p, cl, false, added, nil
}
