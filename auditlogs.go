package admin

// AuditLogsService is declared here until its endpoints land.
type AuditLogsService service
