package admin

// ProjectsService is declared here until its endpoints land.
type ProjectsService service
