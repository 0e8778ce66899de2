package admin

// AdminsService is declared here until its endpoints land.
type AdminsService service
