package admin

// ClustersService is declared here until its endpoints land.
type ClustersService service
