package admin

// GroupsService is declared here until its endpoints land.
type GroupsService service
